"""The round page: who met, what each side said, and what moved since the previous round."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render

from negotiations.gap import GapRow, GapStatus, Trend, gap_table, trend_between
from negotiations.lookups import get_negotiation, get_round
from negotiations.models import Issue, Negotiation, Official, StatedPosition, TalkRound
from tariffs.models import Country


@dataclass(frozen=True)
class Participant:
    official: Official
    side: str | None


@dataclass(frozen=True)
class IssuePositions:
    """What the two sides said on one issue in this round, party A first."""

    issue: Issue
    side_a: list[StatedPosition]
    side_b: list[StatedPosition]


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


def detail(request, slug, number):
    negotiation = get_negotiation(slug)
    talk_round = get_round(negotiation, number)
    positions = list(talk_round.positions.with_context().in_order())
    dates = dict(
        TalkRound.objects.filter(negotiation=negotiation)
        .order_by("number")
        .values_list("number", "start_date")
    )
    previous = max((n for n in dates if n < number), default=None)
    following = min((n for n in dates if n > number), default=None)

    participants = sorted(
        (
            Participant(official, negotiation.side_of(official.country_id))
            for official in talk_round.participants.all()
        ),
        # Party A's people first, then party B's, then anyone else (a mediator).
        key=lambda p: ({"a": 0, "b": 1}.get(p.side, 2), p.official.name),
    )
    context = {
        "nav": "negotiations",
        "breadcrumbs": [
            (negotiation.title, negotiation.get_absolute_url()),
            (f"Round {number}", None),
        ],
        "negotiation": negotiation,
        "round": talk_round,
        "participants": participants,
        "issues": positions_by_issue(negotiation, positions),
        "previous": (previous, dates[previous]) if previous is not None else None,
        "next": (following, dates[following]) if following is not None else None,
        "moves": moves_since(negotiation, number, previous),
    }
    return render(request, "negotiations/round.html", context)


def positions_by_issue(
    negotiation: Negotiation, positions: list[StatedPosition]
) -> list[IssuePositions]:
    groups: dict[int, IssuePositions] = {}
    for position in positions:
        group = groups.setdefault(position.issue_id, IssuePositions(position.issue, [], []))
        if position.party_id == negotiation.party_a_id:
            group.side_a.append(position)
        else:
            group.side_b.append(position)
    return sorted(groups.values(), key=lambda group: group.issue.name)


def moves_since(negotiation: Negotiation, number: int, previous: int | None) -> Moves:
    """Compare the gap table as of this round with the one as of the previous round.

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
