"""Recent changes: who changed what in the talks and tariff data, newest first, for one
negotiation or all, over a period; each save in the admin or import is one entry."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from negotiations.forms import RecentChangesFilters
from negotiations.recent_changes import change_sets, entries

PER_PAGE = 20


def selected_change_sets(query):
    """The filters as the page and its CSV read them, and the change sets they select."""
    filters = RecentChangesFilters(query)
    values = filters.values
    sets = change_sets(
        negotiation=filters.selected_negotiation, since=values["since"], until=values["until"]
    )
    return filters, sets


def recent(request):
    filters, sets = selected_change_sets(request.GET)
    page = Paginator(sets, PER_PAGE).get_page(filters.values["page"])
    negotiation = filters.selected_negotiation
    feed = (
        reverse("negotiations:negotiation_feed", args=[negotiation.slug])
        if negotiation
        else reverse("negotiations:changes_feed")
    )
    context = {
        "filters": filters,
        "notices": filters.notices,
        "page": page,
        "entries": entries(page.object_list, negotiation=negotiation),
        "negotiation": negotiation,
        "feed_url": feed,
        "query": filters.effective_query(exclude=("page",)),
        "nav": "changes",
    }
    return render(request, "changes/recent_changes.html", context)
