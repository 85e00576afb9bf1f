"""A request to the admin carrying a NUL byte in a parameter's name or value is refused
with a 400 in words.

No field of the tracker accepts a NUL character, and PostgreSQL refuses one in any text:
a query built from it (an admin list filter, `?stance__exact=%00`) failed with a 500.
The admin's forms already say so field by field; refusing here covers every query
parameter of every admin page before any view sees it. The analysts' pages read their
parameters themselves and ignore such a value with a notice (tests/test_tariff_lines.py).
"""

from django.shortcuts import render
from django.urls import reverse

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
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(request, "400.html", {"reason": REFUSAL}, status=400)
        return self.get_response(request)
