"""The round page: who met, what each side said, and what moved since the previous round."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from negotiations.gap import moves_since
from negotiations.lookups import get_negotiation, get_round
from negotiations.models import Issue, Negotiation, Official, StatedPosition, TalkRound
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate


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


ISSUES_PER_PAGE = 20


@cached_page("negotiation")
def detail(request, slug, number):
    negotiation = get_negotiation(slug)
    talk_round = get_round(negotiation, number)
    dates = dict(
        TalkRound.objects.filter(negotiation=negotiation)
        .order_by("number")
        .values_list("number", "start_date")
    )
    previous = max((n for n in dates if n < number), default=None)
    following = min((n for n in dates if n > number), default=None)

    # The round's positions and what moved come a page of issues at a time: only an
    # issue stated on in this round can have moved since the previous one.
    listing = paginate(
        request,
        Issue.objects.filter(positions__round=talk_round).distinct().order_by("name", "pk"),
        per_page=ISSUES_PER_PAGE,
    )
    issues = list(listing.items)
    for issue in issues:
        issue.negotiation = negotiation
    positions = list(talk_round.positions.filter(issue__in=issues).with_context().in_order())

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
        "listing": listing,
        "notices": listing.notices,
        "previous": (previous, dates[previous]) if previous is not None else None,
        "next": (following, dates[following]) if following is not None else None,
        "moves": moves_since(negotiation, number, previous, issues=issues),
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
