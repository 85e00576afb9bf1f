"""The negotiation page: timeline, gap table and chart, and each issue's history."""

from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from negotiations.charts import dumbbell_chart, sparkline
from negotiations.forms import GapControls
from negotiations.lookups import get_issue, get_negotiation
from negotiations.models import Milestone, StatedPosition
from negotiations.selections import gap_view
from negotiations.views import wants_fragment


def selected_gap_view(query, negotiation):
    """The controls read from the query string and the gap rows they select: the page
    and its CSV export both start here."""
    rounds = list(negotiation.rounds.order_by("number"))
    controls = GapControls(query, negotiation=negotiation, rounds=rounds)
    values = controls.values
    view = gap_view(
        negotiation,
        as_of=values["round"],
        sector=values["sector"],
        open_only=values["open"],
        sort=values["sort"],
        on=timezone.localdate(),
    )
    return rounds, controls, view


@vary_on_headers("HX-Request")
def detail(request, slug):
    negotiation = get_negotiation(slug)
    rounds, controls, view = selected_gap_view(request.GET, negotiation)
    values = controls.values
    as_of_round = next((r for r in rounds if r.number == values["round"]), None)
    context = {
        "negotiation": negotiation,
        "controls": controls,
        "notices": controls.notices,
        "view": view,
        "as_of_round": as_of_round,
        "table": [
            {
                "row": row,
                "spark": sparkline(row),
                "applied": view.applied.get(row.issue.pk),
                "implementation": view.applied[row.issue.pk].implementation(row),
            }
            for row in view.rows
        ],
        "chart": dumbbell_chart(view.rows),
    }
    if wants_fragment(request):
        return render(request, "negotiations/negotiation.html#gap-view", context)
    context.update(
        nav="negotiations",
        breadcrumbs=[(negotiation.title, None)],
        timeline=_timeline(negotiation, rounds),
    )
    return render(request, "negotiations/negotiation.html", context)


def _timeline(negotiation, rounds):
    """Rounds and milestones in date order, so the effect of deadlines shows."""
    prefetch_related_objects(rounds, "participants__country")
    events = [
        {"date": r.start_date, "round": r, "participants": list(r.participants.all())}
        for r in rounds
    ]
    milestones = Milestone.objects.filter(negotiation=negotiation).select_related("source")
    events += [{"date": m.date, "milestone": m} for m in milestones]
    return sorted(events, key=lambda event: (event["date"], "milestone" in event))


def selected_history(query, slug, issue_slug):
    """The issue and its statements up to the chosen round: for the page and its export."""
    negotiation = get_negotiation(slug)
    issue = get_issue(negotiation, issue_slug)
    rounds = list(negotiation.rounds.order_by("number"))
    controls = GapControls(query, negotiation=negotiation, rounds=rounds)
    positions = StatedPosition.objects.of_issue(issue, as_of=controls.values["round"])
    return negotiation, issue, controls, positions


@vary_on_headers("HX-Request")
def issue_history(request, slug, issue_slug):
    negotiation, issue, controls, positions = selected_history(request.GET, slug, issue_slug)
    context = {
        "negotiation": negotiation,
        "issue": issue,
        "positions": positions,
        "as_of": controls.values["round"],
        "history_query": controls.effective_query(exclude=("sector", "open", "sort")),
        "notices": controls.notices,
    }
    if wants_fragment(request):
        context["inline"] = True  # expanded inside the gap table, so it can be hidden
        return render(request, "negotiations/issue_history.html#issue-history", context)
    context.update(
        nav="negotiations",
        breadcrumbs=[(negotiation.title, negotiation.get_absolute_url()), (issue.name, None)],
    )
    return render(request, "negotiations/issue_history.html", context)
