"""The official page: the rounds someone attended, what they said, the talks they were in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import render

from negotiations.lookups import get_official
from negotiations.models import Negotiation, Official
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate

ROUNDS_PER_PAGE = 25
STATEMENTS_PER_PAGE = 25


@dataclass(frozen=True)
class Involvement:
    """One negotiation the official took part in, and how much."""

    negotiation: Negotiation
    side: str | None
    rounds: int
    statements: int


@cached_page("all")
def detail(request, pk):
    official = get_official(pk)
    rounds = paginate(
        request,
        official.rounds.select_related("negotiation__party_a", "negotiation__party_b").order_by(
            "-start_date", "-number", "-pk"
        ),
        per_page=ROUNDS_PER_PAGE,
        param="rounds",
        label="Rounds page",
    )
    statements = paginate(
        request,
        # Newest first, in the order of the index on (speaker, stated_on, id).
        official.positions.with_context()
        .select_related("round__negotiation__party_a", "round__negotiation__party_b")
        .order_by("-stated_on", "-pk"),
        per_page=STATEMENTS_PER_PAGE,
        param="statements",
        label="Statements page",
    )
    context = {
        "nav": "negotiations",
        "breadcrumbs": [(official.name, None)],
        "official": official,
        "rounds": [(r, r.negotiation.side_of(official.country_id)) for r in rounds.items],
        "rounds_listing": rounds,
        "statements": statements.items,
        "statements_listing": statements,
        "notices": [*rounds.notices, *statements.notices],
        "involvements": involvements(official),
    }
    return render(request, "negotiations/official.html", context)


def involvements(official: Official) -> list[Involvement]:
    """The negotiations the official attended a round of or spoke in, with how many of
    each: two counts by negotiation and the negotiations, three queries."""
    rounds = dict(
        official.rounds.order_by()
        .values_list("negotiation")
        .annotate(count=Count("pk"))
        .values_list("negotiation", "count")
    )
    statements = dict(
        official.positions.order_by()
        .values_list("round__negotiation")
        .annotate(count=Count("pk"))
        .values_list("round__negotiation", "count")
    )
    negotiations = Negotiation.objects.with_parties().filter(pk__in={*rounds, *statements})
    found = [
        Involvement(
            negotiation,
            negotiation.side_of(official.country_id),
            rounds.get(negotiation.pk, 0),
            statements.get(negotiation.pk, 0),
        )
        for negotiation in negotiations
    ]
    # The order of the home page: the latest talks first.
    return sorted(
        found,
        key=lambda i: (
            -(i.negotiation.started_on or datetime.date.min).toordinal(),
            i.negotiation.title,
        ),
    )
