"""Whole pages cached for readers without an account, under the versions of the data
they show: a hit costs one query for the versions and one cache read.

The key of a page holds
- the data versions it depends on, which the database changes in the transaction of any
  write (triggers; no write path can skip them): the negotiation's own
  (`NegotiationDataVersion`) for a negotiation's pages, the latest and the number of all
  negotiations' versions for pages that list many, and always the reference data version
  (`changes.ReferenceDataVersion`: countries, tariff lines, measures and their links,
  trade values, officials, sources);
- today's date (the rates in force, "today" columns);
- the release (`settings.RELEASE`, by default a fingerprint of the code, templates and
  static files), so a deploy never serves pages of the previous templates;
- whether the answer is the HTMX fragment or the whole page (they are cached apart, as
  `Vary: HX-Request` tells other caches);
- the path and query string.

A data change thus changes the key, and the next request computes the page again: a
cached page is never stale, only cold. Editors who are logged in, and anything but GET,
always get a computed page. The cache is Django's (settings.CACHES), shared by every app
server; `PAGE_CACHE_SECONDS=0` turns this off.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

from changes.models import ReferenceDataVersion
from negotiations.models import Negotiation, NegotiationDataVersion
from negotiations.views import wants_fragment

# Bump when what an entry holds changes shape.
ENTRY_FORMAT = 1

FINGERPRINTED = ("config", "changes", "csvport", "tariffs", "negotiations", "templates", "static")
SUFFIXES = {".py", ".html", ".css", ".js", ".svg"}


def release() -> str:
    """settings.RELEASE, or a hash of the code, templates and static files as deployed:
    the same on every app server running the same files, different after any change."""
    return settings.RELEASE or _fingerprint()


@functools.cache
def _fingerprint() -> str:
    digest = hashlib.sha1()
    base = Path(settings.BASE_DIR)
    for folder in FINGERPRINTED:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _one_row(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


REFERENCE = f"(SELECT version FROM {ReferenceDataVersion._meta.db_table} WHERE id = 1)"


def negotiation_versions(slug: str) -> tuple | None:
    """The versions a negotiation's pages depend on, in one query; None if the
    negotiation does not exist or has no version (then nothing is cached)."""
    row = _one_row(
        f"SELECT v.version, {REFERENCE} FROM {Negotiation._meta.db_table} n "
        f"JOIN {NegotiationDataVersion._meta.db_table} v ON v.negotiation_id = n.id "
        "WHERE n.slug = %s",
        [slug],
    )
    return row if row and None not in row else None


def all_versions() -> tuple | None:
    """The versions of a page that may show any negotiation, in one query: the latest of
    the negotiations' versions (any write raises it above all others) and their number
    (a negotiation deleted lowers it), with the reference version."""
    row = _one_row(
        f"SELECT max(version), count(*), {REFERENCE} FROM {NegotiationDataVersion._meta.db_table}",
        [],
    )
    return row if row and row[2] is not None else None


SCOPES = {
    "negotiation": lambda kwargs: negotiation_versions(kwargs["slug"]),
    "all": lambda kwargs: all_versions(),
}


def page_key(request, versions: tuple) -> str:
    kind = "fragment" if wants_fragment(request) else "page"
    path = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    stamp = ".".join(str(v) for v in versions)
    today = timezone.localdate().isoformat()
    return f"page:{ENTRY_FORMAT}:{release()}:{today}:{kind}:{stamp}:{path}"


def _cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not getattr(request, "_page_cache_skip", False)
    )


def cached_page(scope: str):
    """Serve the view's answer from the cache for anonymous GET requests; `scope` says
    which versions the page depends on ("negotiation": the one of the `slug` argument;
    "all": every negotiation's)."""
    versions_of = SCOPES[scope]

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            timeout = settings.PAGE_CACHE_SECONDS
            if not timeout or request.method != "GET" or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            # Read before the page's data: a page is never stored under a version older
            # than what it shows.
            versions = versions_of(kwargs)
            if versions is None:
                return view(request, *args, **kwargs)
            key = page_key(request, versions)
            entry = cache.get(key)
            if entry is not None:
                content_type, body = entry
                return HttpResponse(zlib.decompress(body), content_type=content_type)
            response = view(request, *args, **kwargs)
            if _cacheable(request, response):
                entry = (response["Content-Type"], zlib.compress(response.content, 1))
                cache.set(key, entry, timeout=timeout)
            return response

        return wrapper

    return decorator
