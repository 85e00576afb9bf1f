from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from negotiations.forms import HomeFilters
from negotiations.selections import data_as_of, negotiation_summaries
from negotiations.views import wants_fragment


@vary_on_headers("HX-Request")
def home(request):
    filters = HomeFilters(request.GET)
    context = {
        "filters": filters,
        "notices": filters.notices,
        "summaries": negotiation_summaries(
            party=filters.values["party"], status=filters.values["status"]
        ),
        "data_as_of": data_as_of(),
        "nav": "negotiations",
    }
    template = "negotiations/home.html"
    return render(
        request, f"{template}#negotiations" if wants_fragment(request) else template, context
    )
