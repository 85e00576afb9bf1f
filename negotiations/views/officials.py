"""The official page: the rounds someone attended, what they said, the talks they were in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.shortcuts import render

from negotiations.lookups import get_official
from negotiations.models import Negotiation, Official, StatedPosition, TalkRound


@dataclass
class Involvement:
    """One negotiation the official took part in, and how."""

    negotiation: Negotiation
    side: str | None
    rounds: list[TalkRound] = field(default_factory=list)
    statements: list[StatedPosition] = field(default_factory=list)


def detail(request, pk):
    official = get_official(pk)
    rounds = list(
        official.rounds.select_related("negotiation__party_a", "negotiation__party_b").order_by(
            "-start_date", "-number"
        )
    )
    statements = list(
        official.positions.with_context()
        .select_related("round__negotiation__party_a", "round__negotiation__party_b")
        .order_by("-stated_on", "-round__number", "-pk")
    )
    context = {
        "nav": "negotiations",
        "breadcrumbs": [(official.name, None)],
        "official": official,
        "rounds": [(r, r.negotiation.side_of(official.country_id)) for r in rounds],
        "statements": statements,
        "involvements": involvements(official, rounds, statements),
    }
    return render(request, "negotiations/official.html", context)


def involvements(
    official: Official, rounds: list[TalkRound], statements: list[StatedPosition]
) -> list[Involvement]:
    """The negotiations behind the rounds and statements already fetched: no query, and
    no join of participants with positions, which would multiply rows."""
    found: dict[int, Involvement] = {}

    def involvement(negotiation: Negotiation) -> Involvement:
        if negotiation.pk not in found:
            side = negotiation.side_of(official.country_id)
            found[negotiation.pk] = Involvement(negotiation, side)
        return found[negotiation.pk]

    for talk_round in rounds:
        involvement(talk_round.negotiation).rounds.append(talk_round)
    for statement in statements:
        involvement(statement.round.negotiation).statements.append(statement)
    # The order of the home page: the latest talks first.
    return sorted(
        found.values(),
        key=lambda i: (
            -(i.negotiation.started_on or datetime.date.min).toordinal(),
            i.negotiation.title,
        ),
    )
