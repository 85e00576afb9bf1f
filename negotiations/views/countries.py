"""The country page: its negotiations, officials and statements; the measures it
imposes and those it faces."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import render

from negotiations.models import Negotiation, StatedPosition, TalkRound
from negotiations.page_cache import cached_page
from negotiations.pagination import count_of, paginate
from tariffs.lookups import get_country
from tariffs.models import Country, TariffLine, TariffMeasure
from tariffs.rates import measures_faced_by, measures_imposed_by, show_lines

NEGOTIATIONS_PER_PAGE = 10
MEASURES_PER_PAGE = 10
STATEMENTS_SHOWN = 20
ROUNDS_SHOWN = 5


@cached_page("all")
def country(request, code):
    country = get_country(code)
    involving = Negotiation.objects.involving(country)
    # The measures without partners it faces are those of the countries it deals with.
    counterparts = Country.objects.filter(
        Q(negotiations_as_a__party_b=country) | Q(negotiations_as_b__party_a=country)
    ).values("pk")
    imposed = TariffMeasure.objects.filter(importer=country)
    faced = measures_faced_by(country, importers=counterparts)
    # The three lists' counts, and whether it has a tariff, in one query.
    counts = (
        Country.objects.filter(pk=country.pk)
        .annotate(
            negotiations=count_of(involving),
            imposed=count_of(imposed),
            faced=count_of(faced),
            has_lines=Exists(TariffLine.objects.filter(importer=OuterRef("pk"))),
        )
        .values("negotiations", "imposed", "faced", "has_lines")
        .get()
    )
    negotiations = paginate(
        request,
        involving.with_parties()
        .with_round_stats()
        # A negotiation may have many rounds: its row links to the latest few.
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=TalkRound.objects.order_by("-number")[:ROUNDS_SHOWN],
                to_attr="latest_rounds",
            )
        )
        .order_by("-started_on", "title", "pk"),
        per_page=NEGOTIATIONS_PER_PAGE,
        param="negotiations",
        label="Negotiations page",
        count=counts["negotiations"],
    )
    imposed = paginate(
        request,
        measures_imposed_by(country),
        per_page=MEASURES_PER_PAGE,
        param="imposed",
        label="Measures imposed page",
        count=counts["imposed"],
    )
    faced = paginate(
        request,
        faced,
        per_page=MEASURES_PER_PAGE,
        param="faced",
        label="Measures faced page",
        count=counts["faced"],
    )
    # Newest first, in the order of the index on (party, stated_on, id).
    statements = (
        StatedPosition.objects.filter(party=country)
        .with_context()
        .order_by("-stated_on", "-pk")[:STATEMENTS_SHOWN]
    )
    context = {
        "country": country,
        "negotiations": negotiations.items,
        "negotiations_listing": negotiations,
        "officials": country.officials.order_by("name"),
        "imposed": show_lines(imposed.items),
        "imposed_listing": imposed,
        "faced": show_lines(faced.items),
        "faced_listing": faced,
        "statements": statements,
        "has_lines": counts["has_lines"],
        "notices": [*negotiations.notices, *imposed.notices, *faced.notices],
        "nav": "negotiations",
        "breadcrumbs": [(country.name, None)],
    }
    return render(request, "negotiations/country.html", context)
