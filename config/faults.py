"""The site when its database fails: a health check for the load balancer, and a 503 with
`Retry-After` and one log line, instead of a 500 page and a traceback, for every request a
database fault stops (connection refused or lost, a statement timeout, a deadlock).

Two doors, because Django turns an exception into a response at each middleware layer: a
view's (or its template's) error reaches `DatabaseUnavailableMiddleware.process_exception`;
one raised in another middleware (the session saved, the user loaded) reaches
`server_error`, the `handler500`, with the exception still being handled. Neither touches
the database or the session, so neither can fail the same way again.
"""

import logging
import sys

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("tracker.faults")

# What the client is told to wait before trying again: long enough for a restart or a
# failover, short enough that a person retrying by hand finds the site back.
RETRY_AFTER_SECONDS = 10

DATABASE_FAULTS = (OperationalError, InterfaceError)


def one_line(error: BaseException) -> str:
    """psycopg's messages span lines (“Is the server running…?”): one log line each."""
    text = " ".join(str(error).split()) or "no message"
    return f"{type(error).__name__}: {text}"


def wants_html(request) -> bool:
    """Browsers get a page; downloads, feeds and clients asking for JSON or CSV get text."""
    if request.path.endswith((".csv", ".atom", ".json")):
        return False
    return request.accepts("text/html")


def database_unavailable(request, error: BaseException) -> HttpResponse:
    """The 503 answer to `request`, which `error` stopped, logged as one line."""
    method, path = request.method, request.path
    logger.warning("database unavailable, %s %s answered 503: %s", method, path, one_line(error))
    if wants_html(request):
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    else:
        body = (
            "503 Service Unavailable: the database is not answering. "
            f"Nothing was changed. Try again in {RETRY_AFTER_SECONDS} seconds.\n"
        )
        response = HttpResponse(body, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Neither a shared cache nor the browser may keep it in place of the page.
    response["Cache-Control"] = "no-store"
    # Logged above, in one line: Django's request logger would add the traceback.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """A database fault in a view or its template becomes a 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_FAULTS):
            return database_unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a database fault raised outside any view (in a middleware) is a 503
    too; anything else is Django's 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_FAULTS):
        return database_unavailable(request, error)
    return default_server_error(request, template_name)


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 when not: for load balancers and
    monitors. No session, no template, one `SELECT 1` (the connection's health check,
    once a request anyway, makes a dead persistent connection reconnect first)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_FAULTS as error:
        logger.warning("health check failed: %s", one_line(error))
        response = HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response._has_been_logged = True
        return response
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
