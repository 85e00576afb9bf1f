"""The API: one NinjaAPI, its error answers in words, and its endpoints.

Every endpoint reads its parameters with the form its page uses and selects with the
function its page uses (`negotiations.selections`, `negotiations.gap`, `tariffs.rates`,
`tariffs.search`); it writes nothing. Lists come a page at a time in a stable order, by
cursor (ninja's `CursorPagination`: the position of the last item, not an offset, so a
page costs the same wherever it is). Every answer carries an ETag and Last-Modified
(`api.freshness`); anonymous clients are rate-limited (`api.throttling`).
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI, Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import CursorPagination

from api import schemas
from api.freshness import conditional
from api.records import record
from api.throttling import ApiRateThrottle
from negotiations.csv_formats import GAP_TABLE, NEGOTIATION_SUMMARIES, gap_rows
from negotiations.forms import HomeFilters, TariffLineSearchForm
from negotiations.gap import negotiation_summaries
from negotiations.lookups import get_negotiation, get_official
from negotiations.models import Confidence, Milestone, Official, StatedPosition
from negotiations.selections import listed_negotiations
from negotiations.views.negotiation import selected_gap_view
from tariffs.csv_formats import TARIFF_LINE_SEARCH
from tariffs.hs import normalize_hs_code
from tariffs.lookups import get_country, get_hs_code, get_line
from tariffs.models import Country, HSCode, TariffMeasure
from tariffs.rates import applied_rate, applied_rates, show_lines, with_lines_shown
from tariffs.search import search_lines

PER_PAGE = 50
MAX_PER_PAGE = 500

api = NinjaAPI(
    title="Tariff Talks Tracker API",
    version="1",
    description=(
        "Read-only: negotiations, rounds, milestones, issues, stated positions (with source "
        "and confidence), officials, countries, the HS nomenclature, tariff lines, measures, "
        "the gap table of a "
        "negotiation as of a round, and the rate in force for an importer, partner, line and "
        "date. Lists come a page at a time: follow `next`. Every answer has an ETag: send it "
        "back in If-None-Match and an unchanged answer costs a 304."
    ),
    urls_namespace="api",
    # Swagger UI from the installed package's static files (ninja is in INSTALLED_APPS),
    # configured by a JSON block and a static script: no CDN, no inline script. No
    # validator badge: it would load an image from swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    throttle=[ApiRateThrottle()],
)

ERRORS = {400: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut}


# --- errors, in words --------------------------------------------------------------------------


@api.exception_handler(Http404)
def not_found(request, exc):
    message = str(exc) or "There is nothing at this address."
    return api.create_response(request, {"message": message, "errors": []}, status=404)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = []
    for error in exc.errors:
        if "cursor" in error:  # ninja's CursorPagination says only "Invalid Cursor"
            errors.append({"parameter": "cursor", "message": "not a cursor this API gave out"})
            continue
        where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        errors.append({"parameter": ".".join(where), "message": error.get("msg", "invalid")})
    described = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return api.create_response(
        request, {"message": f"Invalid parameters: {described}.", "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"message": str(exc), "errors": []}, status=exc.status_code)


class BadParameters(Exception):
    """Parameters a page's form refused: (label, value, reason) each, answered 400."""

    def __init__(self, invalid):
        self.invalid = invalid


@api.exception_handler(BadParameters)
def bad_parameters(request, exc):
    errors = [
        {"parameter": label, "value": raw, "message": reason} for label, raw, reason in exc.invalid
    ]
    described = "; ".join(f"{label} “{raw}”: {reason}" for label, raw, reason in exc.invalid)
    return api.create_response(
        request, {"message": f"Invalid parameters: {described}", "errors": errors}, status=400
    )


def answer(view):
    """Every endpoint: refuses a NUL byte anywhere in the address (PostgreSQL would
    refuse it in a query with an error, not an empty result), then answers 304 when the
    client's copy is current (`conditional`), else runs."""
    fresh = conditional(view)

    @wraps(view)
    def guarded(request, *args, **kwargs):
        given = [
            request.path,
            *request.GET.keys(),
            *(v for _, vs in request.GET.lists() for v in vs),
        ]
        if any("\x00" in text for text in given):
            return api.create_response(
                request,
                {
                    "message": "The address holds a NUL character, which no parameter accepts.",
                    "errors": [],
                },
                status=400,
            )
        response = fresh(request, *args, **kwargs)
        # Kept, but asked about again each time: a browser or proxy would otherwise reuse
        # an answer for a while by its age alone (heuristic freshness), stale or not.
        patch_cache_control(response, no_cache=True)
        return response

    return guarded


def refuse(invalid) -> None:
    """The API has no page to show a notice on: a value the page would ignore is refused."""
    if invalid:
        raise BadParameters(invalid)


# --- pages of a list ---------------------------------------------------------------------------


def page(request, queryset, *, ordering, cursor: str | None, size: int | None) -> dict:
    """One page of `queryset` in `ordering` (its first field and the row's place among
    equal ones make the cursor), with the URLs of the pages beside it."""
    if size is not None and not 1 <= size <= MAX_PER_PAGE:
        raise BadParameters([("page_size", str(size), f"Enter 1 to {MAX_PER_PAGE}.")])
    paginator = CursorPagination(ordering=ordering, page_size=PER_PAGE, max_page_size=MAX_PER_PAGE)
    position = paginator.Cursor.from_encoded_param(cursor).p
    if position is not None and "\x00" in position:
        raise BadParameters([("cursor", cursor, "Not a cursor this API gave out.")])
    return paginator.paginate_queryset(
        queryset, paginator.Input(page_size=size, cursor=cursor), request
    )


CURSOR = "The `next` or `previous` URL carries it: do not make one up"
PAGE_SIZE = f"Items a page, 1 to {MAX_PER_PAGE} (default {PER_PAGE})"


# --- negotiations ------------------------------------------------------------------------------

talks = Router(tags=["negotiations"])


@talks.get(
    "/negotiations",
    response={200: schemas.page_of(schemas.NegotiationOut, "NegotiationPage"), **ERRORS},
    summary="Negotiations, with their parties and counts of issues by status",
)
@decorate_view(answer)
def negotiations(
    request,
    party: str | None = Query(None, description="ISO code of a party: JPN"),
    status: str | None = Query(None, description="ongoing, concluded or stalled"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    """As the home page lists them, in slug order: the same counts (open, one-sided,
    agreed, not discussed) and the largest open gap; the columns of `negotiations.csv`."""
    filters = HomeFilters(request.GET)
    refuse(filters.invalid)
    found = page(
        request,
        listed_negotiations(party=filters.values["party"], status=filters.values["status"]),
        ordering=("slug",),
        cursor=cursor,
        size=page_size,
    )
    found["results"] = [
        record(NEGOTIATION_SUMMARIES, summary)
        for summary in negotiation_summaries(found["results"])
    ]
    return found


@talks.get(
    "/negotiations/{slug}",
    response={200: schemas.NegotiationOut, **ERRORS},
    summary="One negotiation, with its parties and counts",
)
@decorate_view(answer)
def negotiation(request, slug: str):
    found = listed_negotiations().filter(slug=slug).first()
    if found is None:
        get_negotiation(slug)  # the 404 in words
    return record(NEGOTIATION_SUMMARIES, negotiation_summaries([found])[0])


@talks.get(
    "/negotiations/{slug}/gap",
    response={200: list[schemas.GapRowOut], **ERRORS},
    summary="The gap table as of a round",
)
@decorate_view(answer)
def gap(
    request,
    slug: str,
    round: str | None = Query(None, description="As of round number (default: the latest)"),
    sector: str | None = Query(None, description="Only the issues of this sector"),
    open: str | None = Query(None, description="on: only open or one-sided issues"),
    sort: str | None = Query(None, description="gap (largest first, the default) or issue"),
):
    """One row per issue, as the negotiation page's gap table and `gap.csv` have them
    (the same rows, statuses, trends and rates, selected by the same code): each side's
    latest stance and target as of the round, the gap in points, status, trend, the rates
    in force on the round's date and today, trade value and amount at stake."""
    _, controls, view = selected_gap_view(request.GET, get_negotiation(slug))
    refuse(controls.table_invalid)
    return [record(GAP_TABLE, item) for item in gap_rows(view)]


@talks.get(
    "/negotiations/{slug}/rounds",
    response={200: schemas.page_of(schemas.RoundOut, "RoundPage"), **ERRORS},
    summary="The rounds of a negotiation, by number",
)
@decorate_view(answer)
def rounds(
    request,
    slug: str,
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    rounds = (
        get_negotiation(slug)
        .rounds.select_related("source")
        .prefetch_related("participants__country")
    )
    return page(request, rounds, ordering=("number",), cursor=cursor, size=page_size)


@talks.get(
    "/negotiations/{slug}/milestones",
    response={200: schemas.page_of(schemas.MilestoneOut, "MilestonePage"), **ERRORS},
    summary="The milestones of a negotiation (deadlines, threats, agreements), by date",
)
@decorate_view(answer)
def milestones(
    request,
    slug: str,
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    found = Milestone.objects.filter(negotiation=get_negotiation(slug)).select_related("source")
    return page(request, found, ordering=("date", "pk"), cursor=cursor, size=page_size)


@talks.get(
    "/negotiations/{slug}/issues",
    response={200: schemas.page_of(schemas.IssueOut, "IssuePage"), **ERRORS},
    summary="The issues of a negotiation, by slug",
)
@decorate_view(answer)
def issues(
    request,
    slug: str,
    sector: str | None = Query(None, description="Only the issues of this sector"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    found = get_negotiation(slug).issues.prefetch_related("tariff_lines__importer")
    if sector:
        found = found.filter(sector=sector)
    return page(request, found, ordering=("slug",), cursor=cursor, size=page_size)


@talks.get(
    "/positions",
    response={200: schemas.page_of(schemas.PositionOut, "PositionPage"), **ERRORS},
    summary="Stated positions, with their source and confidence",
)
@decorate_view(answer)
def positions(
    request,
    negotiation: str | None = Query(None, description="Slug of a negotiation"),
    round: int | None = Query(None, description="Round number (with `negotiation`)"),
    party: str | None = Query(None, description="ISO code of the party that stated it"),
    issue: str | None = Query(None, description="Issue slug (with `negotiation`)"),
    speaker: int | None = Query(None, description="Id of the official who said it"),
    since: date | None = Query(None, description="Stated on or after (YYYY-MM-DD)"),
    until: date | None = Query(None, description="Stated on or before (YYYY-MM-DD)"),
    confidence: Confidence | None = Query(None, description="confirmed, reported or inferred"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    """In the order they were entered (by id): a page starts where the last one ended,
    so reading them all misses none and repeats none while positions are added."""
    found = StatedPosition.objects.with_context()
    if negotiation:
        found = found.filter(round__negotiation=get_negotiation(negotiation))
    elif round is not None or issue:
        raise BadParameters(
            [("round" if round is not None else "issue", round or issue, "Give `negotiation` too.")]
        )
    if round is not None:
        found = found.filter(round__number=round)
    if issue:
        found = found.filter(issue__slug=issue)
    if party:
        found = found.filter(party=get_country(party))
    if speaker is not None:
        found = found.filter(speaker=speaker)
    if since:
        found = found.filter(stated_on__gte=since)
    if until:
        found = found.filter(stated_on__lte=until)
    if confidence:
        found = found.filter(confidence=confidence)
    return page(request, found, ordering=("id",), cursor=cursor, size=page_size)


@talks.get(
    "/officials",
    response={200: schemas.page_of(schemas.OfficialOut, "OfficialPage"), **ERRORS},
    summary="Officials, by name",
)
@decorate_view(answer)
def officials(
    request,
    country: str | None = Query(None, description="ISO code of their country"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    found = Official.objects.select_related("country")
    if country:
        found = found.filter(country=get_country(country))
    return page(request, found, ordering=("name", "id"), cursor=cursor, size=page_size)


@talks.get(
    "/officials/{official_id}",
    response={200: schemas.OfficialOut, **ERRORS},
    summary="One official",
)
@decorate_view(answer)
def official(request, official_id: int):
    return get_official(official_id)


# --- tariffs -----------------------------------------------------------------------------------

tariffs = Router(tags=["tariffs"])


@tariffs.get(
    "/countries",
    response={200: schemas.page_of(schemas.CountryOut, "CountryPage"), **ERRORS},
    summary="Countries and blocs, by code",
)
@decorate_view(answer)
def countries(
    request,
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    return page(request, Country.objects.all(), ordering=("code",), cursor=cursor, size=page_size)


@tariffs.get(
    "/countries/{code}",
    response={200: schemas.CountryOut, **ERRORS},
    summary="One country",
)
@decorate_view(answer)
def country(request, code: str):
    return get_country(code)


@tariffs.get(
    "/hs-codes",
    response={200: schemas.page_of(schemas.HSCodeOut, "HSCodePage"), **ERRORS},
    summary="The HS nomenclature (WCO, edition 2022): chapters, headings, subheadings",
)
@decorate_view(answer)
def hs_codes(
    request,
    under: str | None = Query(
        None, description="Only the codes under this one (87, 87.03), not itself"
    ),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    codes = HSCode.objects.all()
    if under:
        try:
            above = get_hs_code(normalize_hs_code(under))
        except Http404 as unknown:
            raise BadParameters([("under", under, str(unknown))]) from None
        codes = codes.filter(code__startswith=above.code).exclude(code=above.code)
    return page(request, codes, ordering=("code",), cursor=cursor, size=page_size)


@tariffs.get(
    "/hs-codes/{code}",
    response={200: schemas.HSCodeOut, **ERRORS},
    summary="One code of the HS nomenclature, with or without dots",
)
@decorate_view(answer)
def hs_code(request, code: str):
    return get_hs_code(normalize_hs_code(code))


@tariffs.get(
    "/tariff-lines",
    response={200: schemas.page_of(schemas.TariffLineOut, "TariffLinePage"), **ERRORS},
    summary="Tariff lines with their applied rate for a partner on a date",
)
@decorate_view(answer)
def tariff_lines(
    request,
    q: str | None = Query(None, description="HS code prefix (87.03) or words of the description"),
    importer: str | None = Query(None, description="ISO code of the importer"),
    partner: str | None = Query(None, description="ISO code of the partner (default: none)"),
    date: str | None = Query(None, description="Rates as of this day, YYYY-MM-DD (default: today)"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    """The tariff-line search of the pages and `tariff-lines.csv`: the same matching and
    the same columns, in HS-code order."""
    form = TariffLineSearchForm(request.GET)
    refuse(form.invalid)
    values = form.values
    found = page(
        request,
        search_lines(values["q"] or "", values["importer"]),
        ordering=("hs_code", "importer_id"),
        cursor=cursor,
        size=page_size,
    )
    rates = applied_rates(found["results"], values["partner"], values["date"])
    found["results"] = [
        record(TARIFF_LINE_SEARCH, (line, rates[line.pk])) for line in found["results"]
    ]
    return found


@tariffs.get(
    "/measures",
    response={200: schemas.page_of(schemas.MeasureOut, "MeasurePage"), **ERRORS},
    summary="Tariff measures, with their lines counted and partners",
)
@decorate_view(answer)
def measures(
    request,
    importer: str | None = Query(None, description="ISO code of the importer"),
    in_force_on: date | None = Query(None, description="Only those in force on this day"),
    cursor: str | None = Query(None, description=CURSOR),
    page_size: int | None = Query(None, description=PAGE_SIZE),
):
    found = TariffMeasure.objects.select_related("importer").prefetch_related("partners")
    if importer:
        found = found.filter(importer=get_country(importer))
    if in_force_on:
        found = found.in_force_on(in_force_on)
    result = page(
        request, with_lines_shown(found), ordering=("name", "id"), cursor=cursor, size=page_size
    )
    result["results"] = show_lines(result["results"])
    return result


@tariffs.get(
    "/rate",
    response={200: schemas.RateOut, **ERRORS},
    summary="The rate in force for an importer, partner, line and date",
)
@decorate_view(answer)
def rate(
    request,
    importer: str = Query(..., description="ISO code of the importer: USA"),
    partner: str = Query(..., description="ISO code of the partner whose goods pay it: JPN"),
    hs_code: str = Query(..., description="HS code of one of the importer's lines: 8703"),
    on: date | None = Query(None, alias="date", description="YYYY-MM-DD (default: today)"),
):
    """The applied rate as the tariff line page computes it (`tariffs/rates.py`), with its
    breakdown: the base rate, what each measure in force added, and those displaced."""
    line = get_line(get_country(importer), hs_code)
    trading = get_country(partner)
    day = on or timezone.localdate()
    applied = applied_rate(line, trading, day)
    return {
        "importer": line.importer.code,
        "partner": trading.code,
        "hs_code": line.hs_code,
        "description": line.description,
        "on": day,
        "base_pct": applied.base_pct,
        "rate_pct": applied.rate_pct,
        "parts": [
            {
                "label": part.label,
                "points": part.points,
                "measure": part.measure.name if part.measure else None,
            }
            for part in applied.parts
        ],
        "displaced": [measure.name for measure in applied.displaced],
    }


# Last: any other address under /api/ is a 404 in JSON, not the site's HTML page.
elsewhere = Router()


@elsewhere.get("/{path:anything}", include_in_schema=False)
def nothing_here(request, anything: str):
    raise Http404(f"There is no endpoint at /api/{anything}: see /api/docs for those there are.")


api.add_router("", talks)
api.add_router("", tariffs)
api.add_router("", elsewhere)
