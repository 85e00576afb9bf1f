"""Analyst pages of the tariffs app: the tariff-line search, a line, a country."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from negotiations.models import Negotiation, StatedPosition
from tariffs import exports
from tariffs.csvkit import csv_response, wants_bom
from tariffs.forms import AsOfForm, TariffLineQueryForm
from tariffs.hs import normalize_hs_code
from tariffs.lookups import get_country, get_line
from tariffs.models import Country, TariffLine, TariffMeasure
from tariffs.rates import applied_rates, compose_rate, for_partner, measures_by_importer

LINES_PER_PAGE = 50
# Threats that never took effect have no start: after the measures that did, on every database.
IN_FORCE_ORDER = F("in_force_from").asc(nulls_last=True)


def _wants_fragment(request) -> bool:
    # A history restore after a cache miss sends HX-Request too, but needs the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def search_lines(query: str, importer: Country | None = None):
    """Lines matching every word of `query`, with their importer.

    A word that is an HS code (87.03, 870323) matches the lines under it and the broader
    lines that cover it (heading 8703 covers 870323); any other word must appear in the
    description, in any case. Plain `icontains` on every database: it matches parts of
    words as they are typed ("alum"), which PostgreSQL full-text search does not, and the
    descriptions are short enough that a scan costs little.
    """
    lines = TariffLine.objects.select_related("importer")
    if importer is not None:
        lines = lines.filter(importer=importer)
    for word in query.split():
        code = normalize_hs_code(word)
        if code.isdigit():
            covering = [code[:n] for n in range(2, len(code) + 1)]
            lines = lines.filter(Q(hs_code__startswith=code) | Q(hs_code__in=covering))
        else:
            lines = lines.filter(description__icontains=word)
    return lines


def lines_csv(request):
    """The lines the search selects, all pages of them, as CSV."""
    form = TariffLineQueryForm(request.GET)
    invalid = [item for item in form.invalid if item[0] != "Page"]
    if invalid:
        text = "\n".join(
            [
                "Nothing was exported.",
                *(f"{label}: “{raw}” is not valid. {why}" for label, raw, why in invalid),
            ]
        )
        return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
    values = form.values
    on, partner, importer = values["date"], values["partner"], values["importer"]
    name = "-".join(
        part
        for part in ("tariff-lines", importer and importer.code, partner and partner.code)
        if part
    )
    rows = exports.line_rows(search_lines(values["q"] or "", importer), partner, on)
    return csv_response(f"{name}-{on.isoformat()}.csv", exports.LINES, rows, bom=wants_bom(request))


@vary_on_headers("HX-Request")
def lines(request):
    form = TariffLineQueryForm(request.GET)
    values = form.values
    notices = list(form.notices)
    on, partner = values["date"], values["partner"]

    paginator = Paginator(search_lines(values["q"] or "", values["importer"]), LINES_PER_PAGE)
    number = values["page"] or 1
    if number > paginator.num_pages:
        notices.append(
            f"Page {number} does not exist; showing the last page, {paginator.num_pages}."
        )
        number = paginator.num_pages
    page = paginator.page(number)

    rates = applied_rates(page.object_list, partner, on)
    rows = [(line, rates[line.pk]) for line in page.object_list]

    # Links carry the values in effect, not what was typed: a bad date is not passed on.
    filters = {
        "q": values["q"] or "",
        "importer": values["importer"].code if values["importer"] else "",
        "partner": partner.code if partner else "",
    }
    if form.date_chosen:
        filters["date"] = on.isoformat()
    query = urlencode({key: value for key, value in filters.items() if value})

    context = {
        "form": form,
        "values": values,
        "on": on,
        "partner": partner,
        "page_obj": page,
        "rows": rows,
        "page_query": f"{query}&" if query else "",
        "export_query": query,
        "line_query": f"?date={on.isoformat()}" if form.date_chosen else "",
        "notices": notices,
        "nav": "lines",
        "breadcrumbs": [("Tariff lines", None)],
    }
    if _wants_fragment(request):
        return render(request, "tariffs/lines.html#results", context)
    return render(request, "tariffs/lines.html", context)


@vary_on_headers("HX-Request")
def line_detail(request, importer, hs_code):
    line = get_line(get_country(importer), hs_code)
    form = AsOfForm(request.GET)
    on = form.values["date"]

    negotiations = sorted(
        (
            (_other_party(n, line.importer), n)
            for n in Negotiation.objects.involving(line.importer).with_parties()
        ),
        key=lambda pair: pair[0].name,
    )
    rows = [(None, None), *negotiations]
    in_force = measures_by_importer([line.importer_id], [partner for partner, _ in rows], on)
    rates = [
        (
            partner,
            negotiation,
            compose_rate(
                hs_code=line.hs_code,
                base_pct=line.base_rate_pct,
                partner=partner,
                on=on,
                measures=for_partner(in_force[line.importer_id], partner),
            ),
        )
        for partner, negotiation in rows
    ]

    context = {
        "line": line,
        "form": form,
        "on": on,
        "rates": rates,
        "notices": form.notices,
        "nav": "lines",
        "breadcrumbs": [
            ("Tariff lines", reverse("tariffs:lines")),
            (f"{line.importer.code} {line.hs_code}", None),
        ],
    }
    if _wants_fragment(request):
        return render(request, "tariffs/line.html#rates", context)

    covering = [line.hs_code[:n] for n in range(2, len(line.hs_code) + 1)]
    context["measures"] = (
        TariffMeasure.objects.filter(importer=line.importer)
        .filter(Q(covers_all_lines=True) | Q(lines__hs_code__in=covering))
        .distinct()
        .prefetch_related("partners")
        .order_by(IN_FORCE_ORDER, "name")
    )
    context["issues"] = line.issues.select_related(
        "negotiation__party_a", "negotiation__party_b"
    ).order_by("negotiation__title", "name")
    return render(request, "tariffs/line.html", context)


def _other_party(negotiation: Negotiation, country: Country) -> Country:
    return negotiation.party_b if negotiation.party_a_id == country.pk else negotiation.party_a


def country(request, code):
    country = get_country(code)
    negotiations = list(
        Negotiation.objects.involving(country)
        .with_parties()
        .with_round_stats()
        .prefetch_related("rounds")
    )
    counterparts = {_other_party(negotiation, country).pk for negotiation in negotiations}

    names_country = TariffMeasure.partners.through.objects.filter(
        tariffmeasure=OuterRef("pk"), country=country
    )
    faced = (
        TariffMeasure.objects.filter(
            Q(partners=country) | Q(partners__isnull=True, importer__in=counterparts)
        )
        .distinct()
        .annotate(names_country=Exists(names_country))
        .select_related("importer")
        .prefetch_related("lines")
        .order_by("importer__name", IN_FORCE_ORDER, "name")
    )
    imposed = (
        TariffMeasure.objects.filter(importer=country)
        .prefetch_related("lines", "partners")
        .order_by(IN_FORCE_ORDER, "name")
    )
    statements = (
        StatedPosition.objects.filter(party=country)
        .with_context()
        .order_by("-stated_on", "-round__number", "-pk")[:20]
    )
    context = {
        "country": country,
        "negotiations": negotiations,
        "officials": country.officials.order_by("name"),
        "imposed": imposed,
        "faced": faced,
        "statements": statements,
        "has_lines": country.tariff_lines.exists(),
        "nav": "negotiations",
        "breadcrumbs": [(country.name, None)],
    }
    return render(request, "tariffs/country.html", context)
