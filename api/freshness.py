"""ETag and Last-Modified from the data's versions, so that a notebook's repeated call
costs one small query and a 304.

Every answer of the API is made from two kinds of data, each with a version that the
database moves, with triggers, in the transaction of any write however made (the admin,
an import, a raw UPDATE): a negotiation's data (`NegotiationDataVersion`: the negotiation,
its rounds and participants, issues, milestones, positions; removed with the negotiation,
so their count sees a deletion) and the reference data (`changes.ReferenceDataVersion`:
countries, tariff lines, measures and their links, trade values, officials, sources). They
are the versions that key the cached pages (negotiations/page_cache.py), so a page and the
API's answer go stale together. With them, for rates in force "today", the date. One
query reads them; the ETag is a hash of them and of the URL (path and query), so two URLs
never share one. Last-Modified is the latest of the versions' times, and never before
today's start.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.views.decorators.http import condition

from changes.models import ReferenceDataVersion
from negotiations.models import NegotiationDataVersion

# Bump when the API's answers change shape: every cached copy is then stale.
API_FORMAT = 1


@dataclass(frozen=True)
class Stamp:
    marks: tuple
    modified: datetime.datetime


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def read_stamp() -> Stamp:
    """Every version in one query: a handful of index reads, whatever the tables' size."""
    versions = _table(NegotiationDataVersion)
    reference = _table(ReferenceDataVersion)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(version) FROM {versions}), (SELECT COUNT(*) FROM {versions}),"
            f" (SELECT MAX(changed_at) FROM {versions}),"
            f" (SELECT version FROM {reference} WHERE id = 1),"
            f" (SELECT changed_at FROM {reference} WHERE id = 1)"
        )
        marks = tuple(cursor.fetchone())
    today = timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    times = [
        timezone.make_aware(mark) if timezone.is_naive(mark) else mark
        for mark in marks
        if isinstance(mark, datetime.datetime)
    ]
    return Stamp((*marks, today.isoformat()), max([start_of_today, *times]))


def _stamp(request) -> Stamp:
    # condition() asks for the ETag and Last-Modified apart: read the marks once.
    if not hasattr(request, "_api_stamp"):
        request._api_stamp = read_stamp()
    return request._api_stamp


def _etag(request, *args, **kwargs) -> str:
    marks = "|".join(str(mark) for mark in _stamp(request).marks)
    text = f"{API_FORMAT}|{request.get_full_path()}|{marks}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _last_modified(request, *args, **kwargs) -> datetime.datetime:
    return _stamp(request).modified


# Django's own conditional-GET decorator: answers 304 to a matching If-None-Match (or an
# If-Modified-Since not older than Last-Modified) before the operation runs, and sets
# both headers on every other answer.
conditional = condition(etag_func=_etag, last_modified_func=_last_modified)
