"""The country page: its negotiations, officials and statements; the measures it
imposes and those it faces."""

from django.shortcuts import render

from negotiations.models import Negotiation, StatedPosition
from tariffs.lookups import get_country
from tariffs.rates import measures_faced_by, measures_imposed_by


def country(request, code):
    country = get_country(code)
    negotiations = list(
        Negotiation.objects.involving(country)
        .with_parties()
        .with_round_stats()
        .prefetch_related("rounds")
    )
    counterparts = {negotiation.other_party(country).pk for negotiation in negotiations}
    statements = (
        StatedPosition.objects.filter(party=country)
        .with_context()
        .order_by("-stated_on", "-round__number", "-pk")[:20]
    )
    context = {
        "country": country,
        "negotiations": negotiations,
        "officials": country.officials.order_by("name"),
        "imposed": measures_imposed_by(country),
        "faced": measures_faced_by(country, importers=counterparts),
        "statements": statements,
        "has_lines": country.tariff_lines.exists(),
        "nav": "negotiations",
        "breadcrumbs": [(country.name, None)],
    }
    return render(request, "negotiations/country.html", context)
