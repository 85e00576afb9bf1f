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
- at stake: the gap times the yearly import value of the issue's lines, where known.

Plain functions over querysets, no HTTP: pages, exports and tests call the same code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, TextChoices

from negotiations.models import Issue, Negotiation, Stance, StatedPosition, TalkRound
from tariffs.models import TradeValue


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
    def is_open(self) -> bool:
        return self.status in (GapStatus.OPEN, GapStatus.ONE_SIDED)

    @property
    def trend(self) -> Trend | None:
        """The gap now against the last earlier round where it had a number."""
        numbered = [point.gap_pp for point in self.history if point.gap_pp is not None]
        if len(numbered) < 2 or self.history[-1].gap_pp is None:
            return None
        now, before = numbered[-1], numbered[-2]
        if now < before:
            return Trend.NARROWING
        if now > before:
            return Trend.WIDENING
        return Trend.UNCHANGED

    @property
    def at_stake_usd(self) -> Decimal | None:
        if self.gap_pp is None or self.trade_value_usd is None:
            return None
        return (self.gap_pp / 100 * self.trade_value_usd).quantize(Decimal("1"))


def gap_table(negotiation: Negotiation, *, as_of: int | None = None) -> list[GapRow]:
    """One row per issue of `negotiation`, as of round number `as_of` (default: latest).

    Four queries whatever the number of issues, rounds and positions: the rounds, the
    issues, the positions (with speaker, source and round), and the trade values.
    """
    rounds = list(
        TalkRound.objects.filter(negotiation=negotiation)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if as_of is not None:
        rounds = [number for number in rounds if number <= as_of]
    issues = list(Issue.objects.filter(negotiation=negotiation).order_by("name"))
    positions = (
        StatedPosition.objects.filter(round__negotiation=negotiation).with_context().in_order()
    )
    if as_of is not None:
        positions = positions.filter(round__number__lte=as_of)

    histories = _histories(negotiation, positions, rounds)
    values = trade_values_by_issue(negotiation)
    rows = []
    for issue in issues:
        history = histories.get(issue.pk, ())
        latest = history[-1][1] if history else Standing(None, None)
        points = tuple(
            RoundPoint(number, standing.gap_pp, standing.status) for number, standing in history
        )
        rows.append(GapRow(issue, latest, points, values.get(issue.pk)))
    return rows


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


def trade_values_by_issue(negotiation: Negotiation) -> dict[int, Decimal]:
    """issue id -> yearly import value in USD of its lines, from the other party, using
    each line's latest year. One query."""
    parties = (negotiation.party_a_id, negotiation.party_b_id)
    rows = (
        TradeValue.objects.filter(
            line__issues__negotiation=negotiation,
            line__importer__in=parties,
            partner__in=parties,
        )
        .exclude(partner=F("line__importer"))
        .values_list("line__issues", "line", "year", "value_usd")
        .order_by("line__issues", "line", "-year")
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    seen: set[tuple[int, int]] = set()
    for issue_id, line_id, _year, value in rows:
        if (issue_id, line_id) in seen:
            continue  # an older year of a line already counted
        seen.add((issue_id, line_id))
        totals[issue_id] += value
    return dict(totals)
