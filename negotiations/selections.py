"""What a page shows, selected once: the pages and their CSV exports call the same code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Max, Q

from negotiations.forms import SortOrder
from negotiations.gap import (
    GapRow,
    GapSummary,
    Implementation,
    PartnerTalks,
    gap_table,
    implementation,
    issue_lines,
)
from negotiations.models import Issue, Negotiation, NegotiationDataVersion, StatedPosition
from tariffs.models import ALL_GOODS, Country, TariffLine, TariffMeasure, TradeValue
from tariffs.rates import AppliedRate, RateBook


@dataclass(frozen=True)
class IssueRate:
    label: str  # the HS code, or "all goods"
    rate: AppliedRate
    importer: Country | None = None  # whose tariff: for the link to the page explaining it


@dataclass(frozen=True)
class IssueRates:
    """The rates in force on one issue's goods, and whether a change is scheduled."""

    rates: tuple[IssueRate, ...]
    change_scheduled: bool

    def implementation(self, row: GapRow) -> Implementation | None:
        return implementation(
            row, (r.rate.rate_pct for r in self.rates), change_scheduled=self.change_scheduled
        )

    @property
    def goods(self) -> str:
        """What the rates are of: "8703", "72 73 76", "all goods"."""
        return " ".join(r.label for r in self.rates)

    @property
    def lowest_pct(self) -> Decimal | None:
        """The lowest rate in force on the issue's goods (a specific duty has none)."""
        return min(self._percentages, default=None)

    @property
    def highest_pct(self) -> Decimal | None:
        return max(self._percentages, default=None)

    @property
    def _percentages(self) -> list[Decimal]:
        return [r.rate.rate_pct for r in self.rates if r.rate.rate_pct is not None]


def issue_rates(negotiation: Negotiation, issues: list[Issue], on: date) -> dict[int, IssueRates]:
    """issue id -> the tariff in force on `on` on the issue's goods: for an issue tied to
    tariff lines, each line's rate for the other party; for an issue on all goods, the
    rate a good with a 0% base rate pays. A fixed number of queries whatever the number
    of issues: their lines, the measures in force and those scheduled."""
    return NegotiationRates.read(negotiation, issues, [on]).on(0, issues)


@dataclass(frozen=True)
class NegotiationRates:
    """The rates on the goods of a negotiation's issues on some days (`on` them), from
    one read of the issues' lines (none when prefetched) and two of the parties'
    measures for all the days (see `RateBook`). Whether a change is scheduled (for
    `implementation`) is asked of the first day only: the others are earlier dates shown
    for comparison."""

    negotiation: Negotiation
    lines: dict[int, list[TariffLine]]  # issue id -> its lines in the parties' tariffs
    books: list[RateBook]  # one for each day

    @classmethod
    def read(cls, negotiation: Negotiation, issues: list[Issue], days: list[date]):
        other = _other_party(negotiation)
        # A line of a third country's tariff weighs on neither side.
        lines = {
            issue_id: [line for line in found if line.importer_id in other]
            for issue_id, found in issue_lines(issues).items()
        }
        codes = {line.hs_code for found in lines.values() for line in found}
        return cls(
            negotiation, lines, RateBook.on_days(other, other.values(), days, hs_codes=codes)
        )

    def taxing_all_goods(self) -> set[tuple[int, int]]:
        """Whose tariff an issue on all goods is about (for `gap.trade_values_by_issue`)."""
        return self.books[0].taxing_all_goods()

    def on(self, index: int, issues: list[Issue]) -> dict[int, IssueRates]:
        """issue id -> the rates on its goods on the `index`th day."""
        negotiation, book = self.negotiation, self.books[index]
        other = _other_party(negotiation)
        party = {
            negotiation.party_a_id: negotiation.party_a,
            negotiation.party_b_id: negotiation.party_b,
        }
        result = {}
        for issue in issues:
            rates = [
                IssueRate(
                    line.hs_code, book.rate(line, other[line.importer_id]), party[line.importer_id]
                )
                for line in self.lines.get(issue.pk, ())
            ]
            if issue.covers_all_goods:
                rates += [
                    IssueRate(ALL_GOODS, book.all_goods_rate(importer, partner), party[importer])
                    for importer, partner in other.items()
                    if book.has_all_goods_measure(importer, partner)
                ]
            scheduled = index == 0 and any(
                book.change_scheduled(
                    importer,
                    partner,
                    [r.rate.hs_code for r in rates if r.rate.partner == partner],
                )
                for importer, partner in other.items()
            )
            result[issue.pk] = IssueRates(tuple(rates), scheduled)
        return result


def _other_party(negotiation: Negotiation) -> dict[int, Country]:
    """Each party's id -> the other party: the partner whose goods its tariff taxes."""
    return {
        negotiation.party_a_id: negotiation.party_b,
        negotiation.party_b_id: negotiation.party_a,
    }


@dataclass(frozen=True)
class GapView(GapSummary):
    """The gap rows the controls select, with the rates in force on their goods today
    (`applied`, on `on`) and on the as-of round's date (`applied_then`, on `then`)."""

    negotiation: Negotiation
    as_of: int | None
    rows: list[GapRow]
    applied: dict[int, IssueRates]
    on: date
    applied_then: dict[int, IssueRates] | None = None
    then: date | None = None


def gap_view(
    negotiation: Negotiation,
    *,
    as_of: int | None,
    sector: str = "",
    open_only: bool = False,
    sort: str = SortOrder.GAP,
    on: date,
    then: date | None = None,
    issues: list[Issue] | None = None,
) -> GapView:
    """The gap table's rows as the controls select them, with the rates in force `on`
    (today) and, given the as-of round's date, `then`; `issues`: the negotiation's, when
    the caller has them already (with their lines prefetched, it saves a query more).

    The rates are read for all the negotiation's issues, before the rows are filtered:
    the same read says whose tariff an issue on all goods weighs on, for the trade
    values of the rows."""
    if issues is None:
        issues = list(
            Issue.objects.filter(negotiation=negotiation)
            .order_by("name")
            .prefetch_related("tariff_lines")
        )
    days = [on] if then is None else [on, then]
    rates = NegotiationRates.read(negotiation, issues, days)
    rows = gap_table(negotiation, as_of=as_of, issues=issues, taxing=rates.taxing_all_goods())
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
    shown = [row.issue for row in rows]
    applied = rates.on(0, shown)
    earlier = rates.on(1, shown) if then is not None else None
    return GapView(negotiation, as_of, rows, applied, on, earlier, then)


def listed_negotiations(*, party: str = "", status: str = ""):
    """The negotiations the home page lists, filtered by a party's code and a status,
    latest round first, with what their rows print and their data version (for
    `gap.negotiation_summaries`)."""
    negotiations = (
        Negotiation.objects.with_parties()
        .with_data_version()
        .with_round_stats()
        .order_by("-latest_round_on", "title", "pk")
    )
    if party:
        negotiations = negotiations.filter(Q(party_a__code=party) | Q(party_b__code=party))
    if status:
        negotiations = negotiations.filter(status=status)
    return negotiations


def partner_talks(importer: Country | None) -> list[PartnerTalks]:
    """The importer's negotiations, each with the other party as the partner, by title."""
    if importer is None:
        return []
    negotiations = (
        Negotiation.objects.involving(importer).with_parties().with_data_version().order_by("title")
    )
    return [PartnerTalks.of(negotiation, importer) for negotiation in negotiations]


@dataclass(frozen=True)
class DataAsOf:
    """How fresh the data is, two ways: the date of the newest statement on record (how
    recent the facts are) and the time of the last edit (how recent the entry is)."""

    newest_statement_on: date | None
    last_edit_at: datetime | None


# Besides the negotiations' data, whose changes their data versions date (deletions too).
EDITED_TARIFF_MODELS = (TariffLine, TariffMeasure, TradeValue)


def data_as_of() -> DataAsOf:
    """The newest statement's date and the newest edit of anything a page shows: the
    latest change of a negotiation's data (its data version's clock) and the newest edit
    of tariff data. Five small queries, each read from an index's end or a row per
    negotiation, whatever the tables' size."""
    newest = StatedPosition.objects.aggregate(newest=Max("stated_on"))["newest"]
    stamps = [
        NegotiationDataVersion.objects.aggregate(latest=Max("changed_at"))["latest"],
        *(
            model.objects.aggregate(latest=Max("updated_at"))["latest"]
            for model in EDITED_TARIFF_MODELS
        ),
    ]
    return DataAsOf(newest, max((stamp for stamp in stamps if stamp is not None), default=None))
