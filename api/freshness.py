"""ETag and Last-Modified from the data's versions, so that a notebook's repeated call
costs one small query and a 304.

Every answer of the API is made from three kinds of data, each with a mark that moves
when it changes:

- a negotiation's data (the negotiation, its rounds and participants, issues, milestones,
  positions): its `NegotiationDataVersion`, bumped by database triggers on any write,
  however made, and removed with the negotiation (so their count sees a deletion);
- officials, sources and countries: every save in the admin, every import and every demo
  load is a `ChangeSet`;
- tariff data (lines, measures, trade values): their `updated_at`, and the change sets
  above for deletions and links;

and, for rates in force "today", the date. One query reads every mark from the end of an
index; the ETag is a hash of them and of the URL (path and query), so two URLs never share
one. Last-Modified is the latest of the marks' times, and never before today's start.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.views.decorators.http import condition

from changes.models import ChangeSet
from negotiations.models import NegotiationDataVersion
from tariffs.models import TariffLine, TariffMeasure, TradeValue

# Bump when the API's answers change shape: every cached copy is then stale.
API_FORMAT = 1


@dataclass(frozen=True)
class Stamp:
    marks: tuple
    modified: datetime.datetime


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def read_stamp() -> Stamp:
    """Every mark in one query: a handful of index reads, whatever the tables' size."""
    versions = _table(NegotiationDataVersion)
    change_sets = _table(ChangeSet)
    parts = [
        f"(SELECT MAX(version) FROM {versions})",
        f"(SELECT COUNT(*) FROM {versions})",
        f"(SELECT MAX(changed_at) FROM {versions})",
        f"(SELECT MAX(id) FROM {change_sets})",
        f"(SELECT MAX(created_at) FROM {change_sets})",
        *(
            f"(SELECT MAX(updated_at) FROM {_table(m)})"
            for m in (TariffLine, TariffMeasure, TradeValue)
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
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
