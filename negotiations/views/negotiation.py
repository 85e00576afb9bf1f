"""The negotiation page: timeline, gap table and chart, and each issue's history."""

from django.db.models import Count, F, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from negotiations.charts import dumbbell_chart, sparkline
from negotiations.forms import GapControls
from negotiations.lookups import get_issue, get_negotiation
from negotiations.models import Issue, Milestone, StatedPosition
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from negotiations.selections import gap_view
from negotiations.views import wants_fragment
from tariffs.models import ALL_GOODS


def selected_gap_view(query, negotiation):
    """The controls read from the query string and the gap rows they select, with the
    rates in force today and on the as-of round's date: the page and its CSV exports all
    start here."""
    rounds = list(negotiation.rounds.order_by("number"))
    # Read once for the controls (sectors, histories), the gap table, and with their
    # lines for the rates and trade values.
    issues = list(
        Issue.objects.filter(negotiation=negotiation)
        .order_by("name")
        .prefetch_related("tariff_lines")
    )
    controls = GapControls(query, negotiation=negotiation, rounds=rounds, issues=issues)
    values = controls.values
    as_of_round = next((r for r in rounds if r.number == values["round"]), None)
    view = gap_view(
        negotiation,
        as_of=values["round"],
        sector=values["sector"],
        open_only=values["open"],
        sort=values["sort"],
        on=timezone.localdate(),
        then=as_of_round.start_date if as_of_round else None,
        issues=issues,
    )
    return rounds, controls, view


@vary_on_headers("HX-Request")
@cached_page("negotiation")
def detail(request, slug):
    negotiation = get_negotiation(slug)
    rounds, controls, view = selected_gap_view(request.GET, negotiation)
    values = controls.values
    as_of_round = next((r for r in rounds if r.number == values["round"]), None)
    shown = _histories_shown(negotiation, values["history"], values["round"])
    rounds_shown = [r for r in rounds if as_of_round is None or r.number <= as_of_round.number]
    by_round = RoundWindow(rounds_shown, values["until"], controls)
    context = {
        "negotiation": negotiation,
        "controls": controls,
        "notices": controls.notices,
        "view": view,
        "as_of_round": as_of_round,
        "rounds_shown": rounds_shown,
        "by_round": by_round,
        "table": [
            {
                "row": row,
                "spark": sparkline(row),
                "rates": _rates_then_and_now(view, row.issue.pk),
                "implementation": view.applied[row.issue.pk].implementation(row),
                "history": shown.get(row.issue.slug),
                "toggle_query": controls.history_toggled(row.issue.slug),
                "by_round": by_round.steps(row),
            }
            for row in view.rows
        ],
        "chart": dumbbell_chart(view.rows),
        "round_query": controls.effective_query(
            exclude=("sector", "open", "sort", "history", "until")
        ),
    }
    if wants_fragment(request):
        return render(request, "negotiations/negotiation.html#gap-view", context)
    context.update(
        nav="negotiations",
        breadcrumbs=[(negotiation.title, None)],
        timeline=_timeline(negotiation, rounds),
    )
    return render(request, "negotiations/negotiation.html", context)


ROUNDS_PER_TABLE = 8


class RoundWindow:
    """The rounds the gap-by-round table shows: at most ROUNDS_PER_TABLE, ending at the
    round the `until` control names (the latest shown by default), with the addresses
    of the rounds before and after. A 30-round, 60-issue table would be 1,800 cells
    (and most of the page's HTML); the URL keeps which rounds are shown."""

    def __init__(self, rounds_shown, until, controls):
        numbers = [r.number for r in rounds_shown]
        end = until if until in numbers else (numbers[-1] if numbers else None)
        stop = numbers.index(end) + 1 if numbers else 0
        start = max(0, stop - ROUNDS_PER_TABLE)
        self.rounds = rounds_shown[start:stop]
        self.numbers = {r.number for r in self.rounds}
        self.first = self.rounds[0].number if self.rounds else None
        self.last = self.rounds[-1].number if self.rounds else None
        self.total = len(rounds_shown)
        self.earlier_query = (
            controls.effective_query(until=numbers[start - 1]) if start > 0 else None
        )
        if stop < len(numbers):
            later = min(stop + ROUNDS_PER_TABLE, len(numbers))
            self.later_query = (
                controls.effective_query(until=numbers[later - 1])
                if later < len(numbers)
                else controls.effective_query(exclude=("until",))
            )
        else:
            self.later_query = None

    def steps(self, row) -> list:
        return [step for step in row.steps if step.point.round_number in self.numbers]


def _rates_then_and_now(view, issue_id) -> list[dict]:
    """The rates in force on an issue's goods on the as-of round's date and today, side
    by side, each with the address of the page that explains it: the line's page on that
    date, or for all goods the measures its importer imposes."""
    now = {(r.label, r.importer.pk): r for r in view.applied[issue_id].rates}
    then = (
        {(r.label, r.importer.pk): r for r in view.applied_then[issue_id].rates}
        if view.then
        else {}
    )
    rates = []
    for key in sorted(then.keys() | now.keys()):
        issue_rate = now.get(key) or then[key]
        label, importer = issue_rate.label, issue_rate.importer
        if label == ALL_GOODS:
            url = reverse("negotiations:country", args=[importer.code]) + "#imposed"
            then_url = now_url = url
        else:
            now_url = reverse("negotiations:tariff_line", args=[importer.code, label])
            then_url = f"{now_url}?date={view.then:%Y-%m-%d}" if view.then else None
        rates.append(
            {
                "label": label,
                "then": then[key].rate if key in then else None,
                "now": now[key].rate if key in now else None,
                "then_url": then_url,
                "now_url": now_url,
            }
        )
    return rates


def _histories_shown(negotiation, slugs, as_of) -> dict[str, list[StatedPosition]]:
    """issue slug -> its first statements up to round `as_of` (at most a page of the
    history page), for the rows whose history is expanded; one query for all of them,
    none when none is. Each has `history_count`, the statements in all."""
    if not slugs:
        return {}
    shown: dict[str, list[StatedPosition]] = {slug: [] for slug in slugs}
    positions = StatedPosition.objects.filter(issue__negotiation=negotiation, issue__slug__in=slugs)
    if as_of is not None:
        positions = positions.filter(round__number__lte=as_of)
    by_issue = {"partition_by": [F("issue")]}
    order = [F("round__number"), F("stated_on"), F("pk")]
    positions = (
        positions.annotate(
            history_index=Window(RowNumber(), order_by=order, **by_issue),
            history_count=Window(Count("pk"), **by_issue),
        )
        .filter(history_index__lte=HISTORY_PER_PAGE)
        .with_context()
        .in_order()
    )
    for position in positions:
        shown[position.issue.slug].append(position)
    return shown


def _timeline(negotiation, rounds):
    """Rounds and milestones in date order, so the effect of deadlines shows."""
    # Only their names and sides are printed: no need for their countries.
    prefetch_related_objects(rounds, "participants")
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


HISTORY_PER_PAGE = 50


@vary_on_headers("HX-Request")
@cached_page("negotiation")
def issue_history(request, slug, issue_slug):
    negotiation, issue, controls, positions = selected_history(request.GET, slug, issue_slug)
    round_query = controls.effective_query(exclude=("sector", "open", "sort", "history", "until"))
    listing = paginate(
        request, positions, per_page=HISTORY_PER_PAGE, query=round_query, target="issue-history"
    )
    context = {
        "negotiation": negotiation,
        "issue": issue,
        "controls": controls,
        "positions": listing.items,
        "listing": listing,
        "as_of": controls.values["round"],
        "round_query": round_query,
        "notices": [*controls.notices, *listing.notices],
    }
    if wants_fragment(request):
        return render(request, "negotiations/issue_history.html#issue-history", context)
    context.update(
        nav="negotiations",
        breadcrumbs=[(negotiation.title, negotiation.get_absolute_url()), (issue.name, None)],
    )
    return render(request, "negotiations/issue_history.html", context)
