"""A request carrying a NUL byte in a parameter's name or value is refused with a 400
in words, whatever page it is for.

No field of the tracker accepts a NUL character, and PostgreSQL refuses one in any text:
a query built from it (an admin list filter, `?stance__exact=%00`) failed with a 500.
Forms already say so field by field; refusing here covers every query parameter of every
page, the admin's included, before any view sees it."""

from django.shortcuts import render

NUL = "\x00"

REFUSAL = (
    "The address or form sent a NUL character (often %00 in an address), which no field "
    "accepts: remove it and try again."
)


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


class RefuseNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(request, "400.html", {"reason": REFUSAL}, status=400)
        return self.get_response(request)
