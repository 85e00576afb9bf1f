"""The gap between the two sides of a negotiation, issue by issue, as of a round.

For each issue, as of round R, each side's position is its latest stated position on
that issue in a round numbered R or lower (positions supersede each other in the order
round, date stated, entry). Then:

- gap: the distance in percentage points between the two target rates, where both sides
  stated one; a disagreement on stance alone is a gap with no number;
- status: agreed (both accept, or the same target), agreed but readings differ (both
  accept, with different targets: Tokyo and Washington read "no stacking" differently),
  open, one-sided (one side has spoken), not discussed;
- trend: the gap now against the last earlier round where it had a number;
- at stake: the gap times the yearly import value of the issue's lines, where known;
- implementation: for an issue agreed on a rate, whether the rate in force is that rate;
- movement: what changed between two rounds (`moves_since`);
- comparison: one importer's negotiations side by side, issue by issue (`compare`).

Plain functions over querysets, no HTTP: pages, exports and tests call the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, TextChoices

from negotiations.models import Issue, Negotiation, Stance, StatedPosition, TalkRound
from tariffs.models import Country, TradeValue


class GapStatus(TextChoices):
    AGREED = "agreed", "agreed"
    READINGS_DIFFER = "agreed-readings-differ", "agreed, readings differ"
    OPEN = "open", "open"
    ONE_SIDED = "one-sided", "one-sided"
    NOT_DISCUSSED = "not-discussed", "not discussed"


class Trend(TextChoices):
    NARROWING = "narrowing", "narrowing"
    WIDENING = "widening", "widening"
    UNCHANGED = "unchanged", "unchanged"


class Implementation(TextChoices):
    """Whether the rate in force on an issue's goods is the rate the two sides agreed."""

    IMPLEMENTED = "implemented", "implemented"
    PENDING = "pending", "pending"  # not yet, but a measure that would change it is scheduled
    DIFFERS = "differs", "differs"


@dataclass(frozen=True)
class Standing:
    """Where the two sides stand on one issue at one moment."""

    side_a: StatedPosition | None
    side_b: StatedPosition | None

    @property
    def gap_pp(self) -> Decimal | None:
        a, b = self.side_a, self.side_b
        if a is None or b is None or a.target_rate_pct is None or b.target_rate_pct is None:
            return None
        return abs(a.target_rate_pct - b.target_rate_pct)

    @property
    def status(self) -> GapStatus:
        a, b = self.side_a, self.side_b
        if a is None and b is None:
            return GapStatus.NOT_DISCUSSED
        if a is None or b is None:
            return GapStatus.ONE_SIDED
        gap = self.gap_pp
        if a.stance == Stance.ACCEPT and b.stance == Stance.ACCEPT:
            return GapStatus.READINGS_DIFFER if gap else GapStatus.AGREED
        if gap == 0:
            return GapStatus.AGREED
        return GapStatus.OPEN


def trend_between(before: Decimal | None, after: Decimal | None) -> Trend | None:
    """How a gap moved from one number to another; None when either has no number."""
    if before is None or after is None:
        return None
    if after < before:
        return Trend.NARROWING
    if after > before:
        return Trend.WIDENING
    return Trend.UNCHANGED


@dataclass(frozen=True)
class RoundPoint:
    """The gap on one issue as of one round: a point of the trend's sparkline."""

    round_number: int
    gap_pp: Decimal | None
    status: GapStatus


@dataclass(frozen=True)
class GapRow:
    issue: Issue
    standing: Standing
    history: tuple[RoundPoint, ...]
    trade_value_usd: Decimal | None

    @property
    def side_a(self) -> StatedPosition | None:
        return self.standing.side_a

    @property
    def side_b(self) -> StatedPosition | None:
        return self.standing.side_b

    @property
    def gap_pp(self) -> Decimal | None:
        return self.standing.gap_pp

    @property
    def status(self) -> GapStatus:
        return self.standing.status

    @property
    def agreed_rate_pct(self) -> Decimal | None:
        """The rate both sides settled on, where the issue is agreed on a number."""
        if self.status != GapStatus.AGREED:
            return None
        targets = [p.target_rate_pct for p in (self.side_a, self.side_b) if p is not None]
        return next((target for target in targets if target is not None), None)

    @property
    def is_open(self) -> bool:
        return self.status in (GapStatus.OPEN, GapStatus.ONE_SIDED)

    @property
    def trend(self) -> Trend | None:
        """The gap now against the last earlier round where it had a number."""
        numbered = [point.gap_pp for point in self.history if point.gap_pp is not None]
        if len(numbered) < 2 or self.history[-1].gap_pp is None:
            return None
        return trend_between(numbered[-2], numbered[-1])

    @property
    def at_stake_usd(self) -> Decimal | None:
        if self.gap_pp is None or self.trade_value_usd is None:
            return None
        return (self.gap_pp / 100 * self.trade_value_usd).quantize(Decimal("1"))


class GapSummary:
    """What a page says of its gap rows (`self.rows`): how many are open, which is widest."""

    rows: list[GapRow]

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.rows if row.is_open)

    @property
    def largest(self) -> GapRow | None:
        numbered = [row for row in self.rows if row.gap_pp is not None and row.is_open]
        return max(numbered, key=lambda row: row.gap_pp, default=None)


def implementation(
    row: GapRow, rates_in_force: Iterable[Decimal | None], *, change_scheduled: bool
) -> Implementation | None:
    """For an issue agreed on a rate: implemented when every rate in force on its goods
    is that rate; otherwise pending when a measure that would change them is scheduled,
    else differs. None for an issue not agreed on a rate, or with no rate in force known."""
    agreed = row.agreed_rate_pct
    rates = list(rates_in_force)
    if agreed is None or not rates:
        return None
    if all(rate == agreed for rate in rates):
        return Implementation.IMPLEMENTED
    return Implementation.PENDING if change_scheduled else Implementation.DIFFERS


def gap_table(negotiation: Negotiation, *, as_of: int | None = None) -> list[GapRow]:
    """One row per issue of `negotiation`, as of round number `as_of` (default: latest).

    Four queries whatever the number of issues, rounds and positions: the rounds, the
    issues, the positions (with speaker, source and round), and the trade values.
    """
    return gap_tables([negotiation], as_of=as_of)[negotiation.pk]


def gap_tables(
    negotiations: list[Negotiation], *, as_of: int | None = None
) -> dict[int, list[GapRow]]:
    """`gap_table` for several negotiations at once, in the same four queries (the home
    and compare pages). `as_of` applies to every one of them."""
    by_pk = {negotiation.pk: negotiation for negotiation in negotiations}
    rounds: dict[int, list[int]] = defaultdict(list)
    round_rows = TalkRound.objects.filter(negotiation__in=by_pk).order_by("number")
    if as_of is not None:
        round_rows = round_rows.filter(number__lte=as_of)
    for negotiation_id, number in round_rows.values_list("negotiation", "number"):
        rounds[negotiation_id].append(number)

    positions_by_negotiation: dict[int, list[StatedPosition]] = defaultdict(list)
    positions = (
        StatedPosition.objects.filter(round__negotiation__in=by_pk).with_context().in_order()
    )
    if as_of is not None:
        positions = positions.filter(round__number__lte=as_of)
    for position in positions:
        positions_by_negotiation[position.round.negotiation_id].append(position)

    values = trade_values_by_issue(negotiations)
    tables: dict[int, list[GapRow]] = {pk: [] for pk in by_pk}
    issues = Issue.objects.filter(negotiation__in=by_pk).order_by("name")
    histories = {
        pk: _histories(by_pk[pk], positions_by_negotiation[pk], rounds[pk]) for pk in by_pk
    }
    for issue in issues:
        # The negotiation object the caller holds, with its parties already loaded.
        issue.negotiation = by_pk[issue.negotiation_id]
        history = histories[issue.negotiation_id].get(issue.pk, ())
        latest = history[-1][1] if history else Standing(None, None)
        points = tuple(
            RoundPoint(number, standing.gap_pp, standing.status) for number, standing in history
        )
        tables[issue.negotiation_id].append(GapRow(issue, latest, points, values.get(issue.pk)))
    return tables


def _histories(negotiation, positions, rounds):
    """issue id -> [(round number, Standing as of that round)] for every round."""
    latest: dict[tuple[int, int], StatedPosition] = {}
    by_round: dict[int, list[StatedPosition]] = defaultdict(list)
    for position in positions:
        by_round[position.round.number].append(position)
    issue_ids = {position.issue_id for position in positions}

    histories: dict[int, list[tuple[int, Standing]]] = defaultdict(list)
    for number in rounds:
        for position in by_round.get(number, ()):
            latest[(position.issue_id, position.party_id)] = position
        for issue_id in issue_ids:
            standing = Standing(
                latest.get((issue_id, negotiation.party_a_id)),
                latest.get((issue_id, negotiation.party_b_id)),
            )
            histories[issue_id].append((number, standing))
    return histories


def trade_values_by_issue(negotiations: list[Negotiation]) -> dict[int, Decimal]:
    """issue id -> yearly import value in USD of its lines from the other party, using
    each line's latest year. One query for all the negotiations."""
    parties = {pk for n in negotiations for pk in (n.party_a_id, n.party_b_id)}
    issue_parties = {n.pk: {n.party_a_id, n.party_b_id} for n in negotiations}
    rows = (
        TradeValue.objects.filter(
            line__issues__negotiation__in=issue_parties,
            line__importer__in=parties,
            partner__in=parties,
        )
        .exclude(partner=F("line__importer"))
        .values_list(
            "line__issues",
            "line__issues__negotiation",
            "line__importer",
            "partner",
            "line",
            "value_usd",
        )
        .order_by("line__issues", "line", "partner", "-year")
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[tuple[int, int, int]] = set()
    for issue_id, negotiation_id, importer_id, partner_id, line_id, value in rows:
        # Only trade between this negotiation's two parties weighs on its gap.
        if {importer_id, partner_id} != issue_parties[negotiation_id]:
            continue
        if (issue_id, line_id, partner_id) in seen:
            continue  # an older year of a line already counted
        seen.add((issue_id, line_id, partner_id))
        totals[issue_id] += value
    return dict(totals)


# --- movement between two rounds ------------------------------------------------------------


@dataclass(frozen=True)
class IssueMove:
    """An issue whose gap or status changed since the previous round."""

    before: GapRow
    after: GapRow

    @property
    def issue(self) -> Issue:
        return self.after.issue

    @property
    def gap_changed(self) -> bool:
        return self.before.gap_pp != self.after.gap_pp

    @property
    def status_changed(self) -> bool:
        return self.before.status != self.after.status

    @property
    def trend(self) -> Trend | None:
        # Against the previous round only: GapRow.trend looks further back when the
        # previous round had no number.
        return trend_between(self.before.gap_pp, self.after.gap_pp)

    @property
    def agreed_rate(self) -> Decimal | None:
        return self.after.agreed_rate_pct


@dataclass(frozen=True)
class PositionChange:
    """A side's latest position on an issue now differs in stance or target."""

    issue: Issue
    party: Country
    side: str
    before: StatedPosition | None
    after: StatedPosition


@dataclass(frozen=True)
class Moves:
    previous: int | None
    issues: list[IssueMove]
    positions: list[PositionChange]
    raised: list[GapRow]


def moves_since(negotiation: Negotiation, number: int, previous: int | None) -> Moves:
    """What moved between the gap table as of round `previous` and as of round `number`:
    gaps and statuses that changed, positions restated differently, issues first raised.

    Four queries per gap table; none for the first round, where nothing came before.
    """
    after = gap_table(negotiation, as_of=number)
    before = (
        {}
        if previous is None
        else {row.issue.pk: row for row in gap_table(negotiation, as_of=previous)}
    )
    issues, changes, raised = [], [], []
    for row in after:
        earlier = before.get(row.issue.pk)
        if earlier is None or earlier.status == GapStatus.NOT_DISCUSSED:
            if row.status != GapStatus.NOT_DISCUSSED:
                raised.append(row)
            continue
        move = IssueMove(earlier, row)
        if move.gap_changed or move.status_changed:
            issues.append(move)
        for side, party in (("a", negotiation.party_a), ("b", negotiation.party_b)):
            then = getattr(earlier, f"side_{side}")
            now = getattr(row, f"side_{side}")
            if now is not None and _says_something_else(then, now):
                changes.append(PositionChange(row.issue, party, side, then, now))
    return Moves(previous, issues, changes, raised)


def _says_something_else(then: StatedPosition | None, now: StatedPosition) -> bool:
    if then is None:
        return True
    # A repeated statement (a new row, same stance and target) is not a change.
    return (then.stance, then.target_rate_pct) != (now.stance, now.target_rate_pct)


# --- one importer's negotiations side by side -------------------------------------------------


@dataclass(frozen=True)
class PartnerTalks:
    """One of an importer's negotiations; the partner is the other party."""

    negotiation: Negotiation
    importer_side: str
    partner_side: str

    @classmethod
    def of(cls, negotiation: Negotiation, importer: Country) -> PartnerTalks:
        if negotiation.party_a_id == importer.pk:
            return cls(negotiation, "a", "b")
        return cls(negotiation, "b", "a")

    @property
    def partner(self) -> Country:
        return getattr(self.negotiation, f"party_{self.partner_side}")


@dataclass(frozen=True)
class PartnerStanding:
    """Where the importer and one partner stand on one issue."""

    talks: PartnerTalks
    row: GapRow

    @property
    def importer_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.talks.importer_side}")

    @property
    def partner_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.talks.partner_side}")

    @property
    def agreed_rate(self) -> Decimal | None:
        return self.row.agreed_rate_pct


@dataclass(frozen=True)
class ComparedIssue:
    """An issue slug across the talks; a standing is None where it is not on the table."""

    slug: str
    names: list[str]
    standings: list[PartnerStanding | None]


def compare(talks: list[PartnerTalks]) -> list[ComparedIssue]:
    """The importer's talks side by side, issues matched by slug, the issues on most
    tables first (those are the ones a comparison is for). `gap_tables` answers for
    every negotiation in four queries."""
    if not talks:
        return []
    tables = gap_tables([t.negotiation for t in talks])
    issues: dict[str, ComparedIssue] = {}
    for index, partner_talks in enumerate(talks):
        for row in tables[partner_talks.negotiation.pk]:
            slug = row.issue.slug
            compared = issues.setdefault(slug, ComparedIssue(slug, [], [None] * len(talks)))
            compared.standings[index] = PartnerStanding(partner_talks, row)
            if row.issue.name not in compared.names:
                compared.names.append(row.issue.name)
    return sorted(
        issues.values(),
        key=lambda issue: (-sum(s is not None for s in issue.standings), issue.slug),
    )
