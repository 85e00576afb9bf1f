"""The tariff-line pages: the search, and one line with its rate for each partner.

They live here, not in `tariffs`, because they show negotiations beside the duties:
the partners an importer negotiates with, the issues about a line.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from negotiations.forms import TariffLineSearchForm
from negotiations.models import Negotiation
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from negotiations.views import wants_fragment
from tariffs.forms import AsOfForm
from tariffs.hs import normalize_hs_code
from tariffs.lookups import get_country, get_line
from tariffs.models import HSCode
from tariffs.rates import applied_rates, measures_covering, rates_by_partner
from tariffs.search import search_lines

LINES_PER_PAGE = 50
MEASURES_PER_PAGE = 25
ISSUES_PER_PAGE = 25


@vary_on_headers("HX-Request")
@cached_page("all")
def lines(request):
    form = TariffLineSearchForm(request.GET)
    values = form.values
    notices = list(form.notices)
    on, partner = values["date"], values["partner"]

    # Links carry the values in effect, not what was typed: a bad date is not passed on.
    filters = {
        "q": values["q"] or "",
        "importer": values["importer"].code if values["importer"] else "",
        "partner": partner.code if partner else "",
    }
    if form.date_chosen:
        filters["date"] = on.isoformat()
    query = urlencode({key: value for key, value in filters.items() if value})
    listing = paginate(
        request,
        search_lines(values["q"] or "", values["importer"]),
        per_page=LINES_PER_PAGE,
        query=query,
        target="results",
    )
    notices += listing.notices
    page = listing.page

    rates = applied_rates(page.object_list, partner, on)
    rows = [(line, rates[line.pk]) for line in page.object_list]
    code = searched_hs_code(values["q"] or "")

    context = {
        "form": form,
        "values": values,
        "on": on,
        "partner": partner,
        "page_obj": page,
        "listing": listing,
        "rows": rows,
        "place": HSCode.objects.place_of(code) if code else None,
        "export_query": query,
        "line_query": f"?date={on.isoformat()}" if form.date_chosen else "",
        "notices": notices,
        "nav": "lines",
        "breadcrumbs": [("Tariff lines", None)],
    }
    if wants_fragment(request):
        return render(request, "negotiations/tariff_lines.html#results", context)
    return render(request, "negotiations/tariff_lines.html", context)


def searched_hs_code(query: str) -> str:
    """The first word of a search that is an HS code (87.03 → 8703), to name it above the
    results; "" when none is."""
    for word in query.split():
        code = normalize_hs_code(word)
        if 2 <= len(code) <= 10 and code.isascii() and code.isdigit():
            return code[:10]
    return ""


@vary_on_headers("HX-Request")
@cached_page("all")
def line_detail(request, importer, hs_code):
    line = get_line(get_country(importer), hs_code)
    form = AsOfForm(request.GET)
    on = form.values["date"]

    negotiations = sorted(
        (
            (negotiation.other_party(line.importer), negotiation)
            for negotiation in Negotiation.objects.involving(line.importer).with_parties()
        ),
        key=lambda pair: pair[0].name,
    )
    rows = [(None, None), *negotiations]
    rates = rates_by_partner(line, [partner for partner, _ in rows], on)
    context = {
        "line": line,
        "form": form,
        "on": on,
        "rates": [
            (partner, negotiation, rate)
            for (partner, negotiation), rate in zip(rows, rates, strict=True)
        ],
        "notices": form.notices,
        "nav": "lines",
        "breadcrumbs": [
            ("Tariff lines", reverse("negotiations:tariff_lines")),
            (f"{line.importer.code} {line.hs_code}", None),
        ],
    }
    if wants_fragment(request):
        return render(request, "negotiations/tariff_line.html#rates", context)

    measures = paginate(
        request,
        measures_covering(line),
        per_page=MEASURES_PER_PAGE,
        param="measures",
        label="Measures page",
    )
    issues = paginate(
        request,
        line.issues.select_related("negotiation__party_a", "negotiation__party_b").order_by(
            "negotiation__title", "name", "pk"
        ),
        per_page=ISSUES_PER_PAGE,
        param="issues",
        label="Issues page",
    )
    context.update(
        place=HSCode.objects.place_of(line.hs_code),
        measures=measures.items,
        measures_listing=measures,
        issues=issues.items,
        issues_listing=issues,
        notices=[*form.notices, *measures.notices, *issues.notices],
    )
    return render(request, "negotiations/tariff_line.html", context)
