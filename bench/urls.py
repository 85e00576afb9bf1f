"""The site's URLs and one more, for the benchmark only: the bare view."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import handler500  # noqa: F401  (the root URLconf names it)


def bare(request):
    """The framework's floor: the same middleware, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("config.urls")),
]
