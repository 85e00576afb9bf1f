from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from negotiations.forms import HomeFilters
from negotiations.gap import negotiation_summaries
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from negotiations.selections import data_as_of, listed_negotiations
from negotiations.views import wants_fragment

NEGOTIATIONS_PER_PAGE = 25


@vary_on_headers("HX-Request")
@cached_page("all")
def home(request):
    filters = HomeFilters(request.GET)
    listing = paginate(
        request,
        listed_negotiations(party=filters.values["party"], status=filters.values["status"]),
        per_page=NEGOTIATIONS_PER_PAGE,
        query=filters.effective_query(),
        target="negotiations",
    )
    context = {
        "filters": filters,
        "notices": [*filters.notices, *listing.notices],
        "listing": listing,
        "summaries": negotiation_summaries(list(listing.items)),
        "nav": "negotiations",
    }
    template = "negotiations/home.html"
    if wants_fragment(request):
        return render(request, f"{template}#negotiations", context)
    # Outside the fragment: only the full page prints it.
    context["data_as_of"] = data_as_of()
    return render(request, template, context)
