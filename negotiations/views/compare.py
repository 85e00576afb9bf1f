"""The compare page: one importer's negotiations side by side, issue by issue."""

from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from negotiations.forms import CompareForm
from negotiations.gap import compare as compare_talks
from negotiations.gap import compared_slugs
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from negotiations.selections import partner_talks
from negotiations.views import wants_fragment

ISSUES_PER_PAGE = 10


@vary_on_headers("HX-Request")
@cached_page("all")
def compare(request):
    form = CompareForm(request.GET)
    importer = form.importer_country
    talks = partner_talks(importer)
    listing = paginate(
        request,
        compared_slugs(talks),
        per_page=ISSUES_PER_PAGE,
        query=form.effective_query(),
        target="comparison",
    )
    context = {
        "nav": "compare",
        "breadcrumbs": [("Compare", None)],
        "form": form,
        "notices": [*form.notices, *listing.notices],
        "importer": importer,
        "talks": talks,
        "listing": listing,
        # The page prints each side's stance and target: no need for the positions.
        "issues": compare_talks(talks, slugs=list(listing.items), positions=False),
    }
    if wants_fragment(request):
        return render(request, "negotiations/compare.html#comparison", context)
    return render(request, "negotiations/compare.html", context)
