"""What a page shows, selected once: the pages and their CSV exports call the same code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Q

from negotiations.applied import AppliedNow, applied_now
from negotiations.forms import SortOrder
from negotiations.gap import GapRow, gap_table, gap_tables
from negotiations.models import Issue, Milestone, Negotiation, StatedPosition, TalkRound
from tariffs.models import TariffLine, TariffMeasure


class GapSummary:
    """What a page says of its gap rows (`self.rows`): how many are open, which is widest."""

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.rows if row.is_open)

    @property
    def largest(self) -> GapRow | None:
        numbered = [row for row in self.rows if row.gap_pp is not None and row.is_open]
        return max(numbered, key=lambda row: row.gap_pp, default=None)


@dataclass(frozen=True)
class GapView(GapSummary):
    negotiation: Negotiation
    as_of: int | None
    rows: list[GapRow]
    applied: dict[int, AppliedNow]
    on: date


def gap_view(
    negotiation: Negotiation,
    *,
    as_of: int | None,
    sector: str = "",
    open_only: bool = False,
    sort: str = SortOrder.GAP,
    on: date,
) -> GapView:
    """The gap table's rows as the controls select them, with the rates in force `on`."""
    rows = gap_table(negotiation, as_of=as_of)
    if sector:
        rows = [row for row in rows if row.issue.sector == sector]
    if open_only:
        rows = [row for row in rows if row.is_open]
    if sort == SortOrder.GAP:
        # Largest numbered gap first; then gaps without a number, open before settled.
        rows.sort(
            key=lambda row: (
                row.gap_pp is None,
                -(row.gap_pp or Decimal(0)),
                not row.is_open,
                row.issue.name.lower(),
            )
        )
    else:
        rows.sort(key=lambda row: row.issue.name.lower())
    applied = applied_now(negotiation, [row.issue for row in rows], on)
    return GapView(negotiation, as_of, rows, applied, on)


@dataclass(frozen=True)
class NegotiationSummary(GapSummary):
    """A row of the home page."""

    negotiation: Negotiation
    rows: list[GapRow]


def negotiation_summaries(*, party: str = "", status: str = "") -> list[NegotiationSummary]:
    """The negotiations the home page lists, filtered by a party's code and a status,
    each with its current gaps. Five queries whatever the number of negotiations."""
    negotiations = (
        Negotiation.objects.with_parties().with_round_stats().order_by("-latest_round_on", "title")
    )
    if party:
        negotiations = negotiations.filter(Q(party_a__code=party) | Q(party_b__code=party))
    if status:
        negotiations = negotiations.filter(status=status)
    negotiations = list(negotiations)
    tables = gap_tables(negotiations)
    return [NegotiationSummary(n, tables[n.pk]) for n in negotiations]


def data_as_of() -> datetime | None:
    """When the data last changed: the newest edit of anything a page shows."""
    stamps = [
        model.objects.aggregate(latest=Max("updated_at"))["latest"]
        for model in (
            Negotiation,
            TalkRound,
            Milestone,
            Issue,
            StatedPosition,
            TariffLine,
            TariffMeasure,
        )
    ]
    return max((stamp for stamp in stamps if stamp is not None), default=None)
