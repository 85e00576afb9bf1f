"""The search over everything (negotiations/search.py): the page of results grouped by
kind, one kind paged through, and the suggestions the header's box shows as one types."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from negotiations.forms import SearchForm
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from negotiations.search import KINDS, Group, attach_headings, first_of_each, is_searchable
from negotiations.views import wants_fragment

PER_KIND = 5  # on the page of every kind
SUGGESTED_PER_KIND = 3  # under the header's box
PER_PAGE = 25  # one kind paged through


@vary_on_headers("HX-Request")
@cached_page("all")
def search(request):
    form = SearchForm(request.GET)
    query = (form.values["q"] or "").strip()
    kind = KINDS.get(form.values["kind"] or "")
    fragment = wants_fragment(request)
    notices = list(form.notices)
    groups, listing = [], None
    if is_searchable(query):
        if kind is not None and not fragment:
            listing = paginate(
                request,
                kind.find(query),
                per_page=PER_PAGE,
                query=urlencode({"q": query, "kind": kind.key}),
                label="Results page",
            )
            notices += listing.notices
            groups = [Group(kind, list(listing.items), listing.page.paginator.count)]
        else:
            groups = first_of_each(query, SUGGESTED_PER_KIND if fragment else PER_KIND)
    elif query:
        notices.append(f"“{query}” has no letter or digit to search for.")
    attach_headings(next((group.items for group in groups if group.kind.key == "lines"), []))
    context = {
        "form": form,
        "query": query,
        "kind": kind,
        "groups": groups,
        "listing": listing,
        "more_query": urlencode({"q": query}),
        "notices": notices,
        "search_q": query,
        "breadcrumbs": [("Search", None)],
    }
    if fragment:
        return render(request, "negotiations/search.html#search-suggestions", context)
    return render(request, "negotiations/search.html", context)
