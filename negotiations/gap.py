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

from django.db.models import Q, TextChoices

from negotiations.models import Issue, Negotiation, Stance, StatedPosition, TalkRound
from tariffs.models import ALL_GOODS, Country, TariffMeasure, TradeValue


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
    """The gap on one issue as of one round: a point of the trend's sparkline, a cell of
    the gap-by-round table, and (the round before) the ghost of the dumbbell chart."""

    round_number: int
    gap_pp: Decimal | None
    status: GapStatus
    target_a: Decimal | None = None  # each side's target rate as of that round
    target_b: Decimal | None = None


@dataclass(frozen=True)
class RoundStep:
    """One round of an issue's history, and how its gap moved since the round before
    (None for the first round, or when either round's gap has no number)."""

    point: RoundPoint
    change_pp: Decimal | None
    moved: Trend | None


@dataclass(frozen=True)
class GapRow:
    issue: Issue
    standing: Standing
    history: tuple[RoundPoint, ...]
    trade_value_usd: Decimal | None  # the figures found; `trade` says which, and what is missing
    trade: IssueTrade | None = None

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
    def previous(self) -> RoundPoint | None:
        """The gap as of the round before this one (whatever it was then)."""
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def steps(self) -> list[RoundStep]:
        """The history round by round, each with its move since the round before: the
        rows of the gap-by-round table and its download."""
        steps, before = [], None
        for point in self.history:
            numbers = None if before is None else (before.gap_pp, point.gap_pp)
            change = None if numbers is None or None in numbers else numbers[1] - numbers[0]
            moved = None if numbers is None else trend_between(*numbers)
            steps.append(RoundStep(point, change, moved))
            before = point
        return steps

    @property
    def compared_with(self) -> RoundPoint | None:
        """The last earlier round where the gap had a number: what `trend` compares with.
        None when the gap has no number now."""
        if not self.history or self.history[-1].gap_pp is None:
            return None
        earlier = [point for point in self.history[:-1] if point.gap_pp is not None]
        return earlier[-1] if earlier else None

    @property
    def trend(self) -> Trend | None:
        """The gap now against the last earlier round where it had a number."""
        point = self.compared_with
        return None if point is None else trend_between(point.gap_pp, self.gap_pp)

    @property
    def change_pp(self) -> Decimal | None:
        """How many points the gap moved since `compared_with` (negative: it narrowed)."""
        point = self.compared_with
        return None if point is None else self.gap_pp - point.gap_pp

    @property
    def first_figure(self) -> RoundPoint | None:
        """The first round where the gap had a number, when that is before the last one:
        what `trend_overall` compares with."""
        if not self.history or self.history[-1].gap_pp is None:
            return None
        return next((p for p in self.history[:-1] if p.gap_pp is not None), None)

    @property
    def trend_overall(self) -> Trend | None:
        """The gap now against its first figure: the whole history, where `trend` is the
        last step only (a gap that rose, then held, is widening overall and unchanged
        since the round before)."""
        point = self.first_figure
        return None if point is None else trend_between(point.gap_pp, self.gap_pp)

    @property
    def change_overall_pp(self) -> Decimal | None:
        point = self.first_figure
        return None if point is None else self.gap_pp - point.gap_pp

    @property
    def at_stake_usd(self) -> Decimal | None:
        """The gap times the yearly imports of the issue's goods, when every one of them
        has a figure; None when any is missing (see `at_stake_found_usd`)."""
        if self.trade is not None and self.trade.missing:
            return None
        return self.at_stake_found_usd

    @property
    def at_stake_found_usd(self) -> Decimal | None:
        """The gap times the figures found, however many are missing: a lower bound."""
        if self.gap_pp is None or self.trade_value_usd is None:
            return None
        return (self.gap_pp / 100 * self.trade_value_usd).quantize(Decimal("1"))


@dataclass(frozen=True)
class StatusCount:
    status: str  # a GapStatus value; "agreed" counts readings that differ too
    label: str
    count: int


class GapSummary:
    """What a page says of its gap rows (`self.rows`): how many issues are open, one-sided,
    agreed and not discussed, each counted apart, and which open gap is the widest."""

    rows: list[GapRow]

    def _count(self, *statuses: GapStatus) -> int:
        return sum(1 for row in self.rows if row.status in statuses)

    @property
    def open_count(self) -> int:
        """Issues where both sides have spoken and still differ."""
        return self._count(GapStatus.OPEN)

    @property
    def one_sided_count(self) -> int:
        return self._count(GapStatus.ONE_SIDED)

    @property
    def agreed_count(self) -> int:
        """Agreed issues, those whose readings differ included."""
        return self._count(GapStatus.AGREED, GapStatus.READINGS_DIFFER)

    @property
    def readings_differ_count(self) -> int:
        return self._count(GapStatus.READINGS_DIFFER)

    @property
    def not_discussed_count(self) -> int:
        return self._count(GapStatus.NOT_DISCUSSED)

    @property
    def status_counts(self) -> list[StatusCount]:
        """The four counts in reading order, those of none left out."""
        counts = [
            StatusCount(GapStatus.OPEN, "open", self.open_count),
            StatusCount(GapStatus.ONE_SIDED, "one-sided", self.one_sided_count),
            StatusCount(GapStatus.AGREED, "agreed", self.agreed_count),
            StatusCount(GapStatus.NOT_DISCUSSED, "not discussed", self.not_discussed_count),
        ]
        return [count for count in counts if count.count]

    @property
    def numbered_open(self) -> list[GapRow]:
        """Open issues where both sides stated a target: the gaps that have a number."""
        return [row for row in self.rows if row.status == GapStatus.OPEN and row.gap_pp is not None]

    @property
    def largest(self) -> GapRow | None:
        """The widest gap among the open issues that have a number."""
        return max(self.numbered_open, key=lambda row: row.gap_pp, default=None)


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

    At most six queries whatever the number of issues, rounds and positions: the rounds,
    the issues, the positions (with speaker, source and round), and the three of
    `trade_values_by_issue`.
    """
    return gap_tables([negotiation], as_of=as_of)[negotiation.pk]


def gap_tables(
    negotiations: list[Negotiation], *, as_of: int | None = None
) -> dict[int, list[GapRow]]:
    """`gap_table` for several negotiations at once, in the same queries (the home and
    compare pages). `as_of` applies to every one of them."""
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
            RoundPoint(
                number,
                standing.gap_pp,
                standing.status,
                _target(standing.side_a),
                _target(standing.side_b),
            )
            for number, standing in history
        )
        trade = values.get(issue.pk, NO_TRADE)
        tables[issue.negotiation_id].append(GapRow(issue, latest, points, trade.total_usd, trade))
    return tables


def _target(position: StatedPosition | None) -> Decimal | None:
    return None if position is None else position.target_rate_pct


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


@dataclass(frozen=True)
class MissingValue:
    """Goods an issue covers whose yearly imports we have no figure for."""

    importer: Country
    partner: Country
    goods: str  # an HS code, or "all goods"


@dataclass(frozen=True)
class MissingFlow:
    importer: Country
    partner: Country
    goods: list[str]


@dataclass(frozen=True)
class IssueTrade:
    """The yearly imports an issue's gap weighs on: the latest figure for each of its
    lines, or for all goods, from the other party; and the goods with no figure, which a
    page names rather than summing what is there as if it were all."""

    values: tuple[TradeValue, ...] = ()
    missing: tuple[MissingValue, ...] = ()

    @property
    def total_usd(self) -> Decimal | None:
        """The sum of the figures found; None when none was."""
        return sum((value.value_usd for value in self.values), Decimal(0)) if self.values else None

    @property
    def complete(self) -> bool:
        return bool(self.values) and not self.missing

    @property
    def missing_by_flow(self) -> list[MissingFlow]:
        """The goods with no figure, grouped by importer and partner."""
        flows: dict[tuple[int, int], MissingFlow] = {}
        for missing in self.missing:
            key = (missing.importer.pk, missing.partner.pk)
            flow = flows.setdefault(key, MissingFlow(missing.importer, missing.partner, []))
            flow.goods.append(missing.goods)
        return list(flows.values())


NO_TRADE = IssueTrade()


def trade_values_by_issue(negotiations: list[Negotiation]) -> dict[int, IssueTrade]:
    """issue id -> the yearly imports its gap weighs on, each the latest year's figure:
    for an issue tied to tariff lines, each line's imports from the other party; for an
    issue on all goods, the all-goods total of imports from the other party of each party
    that taxes all goods from it (the U.S. with its reciprocal tariff, not Japan).

    Three queries for all the negotiations at once: the issues' goods, the trade values
    between their parties and, when an issue covers all goods, the measures on all goods.
    """
    by_pk = {n.pk: n for n in negotiations}
    goods = (
        Issue.objects.filter(negotiation__in=by_pk)
        .filter(Q(covers_all_goods=True) | Q(tariff_lines__isnull=False))
        .values_list(
            "pk",
            "negotiation",
            "covers_all_goods",
            "tariff_lines",
            "tariff_lines__importer",
            "tariff_lines__hs_code",
        )
        .order_by("pk", "tariff_lines__hs_code")
    )
    # issue -> its lines as (line id, importer id, HS code)
    lines: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    all_goods: set[int] = set()
    negotiation_of: dict[int, int] = {}
    for issue_id, negotiation_id, covers_all, line_id, importer_id, hs_code in goods:
        negotiation_of[issue_id] = negotiation_id
        if covers_all:
            all_goods.add(issue_id)
        if line_id is not None:
            lines[issue_id].append((line_id, importer_id, hs_code))
    if not negotiation_of:
        return {}

    parties = {pk for n in negotiations for pk in (n.party_a_id, n.party_b_id)}
    latest: dict[tuple[int, int, int | None], TradeValue] = {}
    for value in TradeValue.objects.between(parties):
        # Newest year first: the first figure of a key is the one used.
        latest.setdefault((value.importer_id, value.partner_id, value.line_id), value)
    taxing = TariffMeasure.objects.taxing_all_goods(parties) if all_goods else set()

    result: dict[int, IssueTrade] = {}
    for issue_id, negotiation_id in negotiation_of.items():
        negotiation = by_pk[negotiation_id]
        party = {
            negotiation.party_a_id: negotiation.party_a,
            negotiation.party_b_id: negotiation.party_b,
        }
        other = {
            negotiation.party_a_id: negotiation.party_b,
            negotiation.party_b_id: negotiation.party_a,
        }
        # (importer, line id or None for all goods, HS code or ALL_GOODS)
        wanted = [
            (importer_id, line_id, hs_code)
            for line_id, importer_id, hs_code in lines.get(issue_id, ())
            if importer_id in other  # a line of a third country weighs on neither side
        ]
        if issue_id in all_goods:
            wanted += [
                (importer_id, None, ALL_GOODS)
                for importer_id, partner in other.items()
                if (importer_id, partner.pk) in taxing
            ]
        values, missing = [], []
        for importer_id, line_id, goods_label in wanted:
            partner = other[importer_id]
            value = latest.get((importer_id, partner.pk, line_id))
            if value is not None:
                values.append(value)
            else:
                missing.append(MissingValue(party[importer_id], partner, goods_label))
        result[issue_id] = IssueTrade(tuple(values), tuple(missing))
    return result


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

    Six queries at most per gap table; none for the first round, where nothing came before.
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
    every negotiation in six queries at most."""
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
