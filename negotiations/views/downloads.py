"""CSV downloads of the analyst pages' tables.

Each download is a function from its parameters (the query string's, the path's) to a
`Download`: the file's name, its columns and its rows. It reads the parameters with the
form its page uses and selects its rows with the function its page uses; a malformed
parameter, which the page would show as a notice, raises `InvalidParameters`, answered
400, since a file has nowhere to show one. The views below and `manage.py export_csv`
call the same functions, so both give the same bytes.
"""

from collections.abc import Callable, Mapping
from itertools import islice

from django.utils import timezone

from csvport.writing import Download, InvalidParameters, refuse_invalid, wants_bom
from negotiations.csv_formats import (
    CHANGES,
    GAP_BY_ROUND,
    GAP_TABLE,
    NEGOTIATION_SUMMARIES,
    POSITIONS,
    compare_columns,
    compare_rows,
    gap_by_round_rows,
    gap_rows,
)
from negotiations.forms import CompareForm, HomeFilters, TariffLineSearchForm
from negotiations.gap import compare, compared_slugs, negotiation_summaries
from negotiations.lookups import get_negotiation, get_round
from negotiations.models import Negotiation, StatedPosition
from negotiations.recent_changes import every_change
from negotiations.selections import listed_negotiations, partner_talks
from negotiations.views.changes import selected_change_sets
from negotiations.views.negotiation import selected_gap_view, selected_history
from tariffs.csv_formats import TARIFF_LINE_SEARCH
from tariffs.rates import iter_applied_rates
from tariffs.search import search_lines

Query = Mapping[str, str]
COMPARED_AT_ONCE = 50
NEGOTIATIONS_PER_QUERY = 25


def negotiations_download(query: Query) -> Download:
    filters = HomeFilters(query)
    refuse_invalid(filters.invalid)
    party, status = filters.values["party"], filters.values["status"]
    name = "-".join(["negotiations", *(value for value in (party, status) if value)])
    negotiations = listed_negotiations(party=party, status=status)
    return Download(f"{name}.csv", NEGOTIATION_SUMMARIES.columns, _summaries(negotiations))


def _summaries(negotiations):
    """Every negotiation's summary, a hundred negotiations at a time: streamed."""
    rows = negotiations.iterator(chunk_size=100)
    while chunk := list(islice(rows, 100)):
        yield from negotiation_summaries(chunk)


def gap_download(query: Query, slug: str) -> Download:
    _, controls, view = selected_gap_view(query, get_negotiation(slug))
    refuse_invalid(controls.table_invalid)
    return Download(_gap_name(slug, "gap", controls, view), GAP_TABLE.columns, gap_rows(view))


def gap_by_round_download(query: Query, slug: str) -> Download:
    """The gap table's issues, one row per round up to its as-of round."""
    rounds, controls, view = selected_gap_view(query, get_negotiation(slug))
    refuse_invalid(controls.table_invalid)
    dates = {talk_round.number: talk_round.start_date for talk_round in rounds}
    return Download(
        _gap_name(slug, "gap-by-round", controls, view),
        GAP_BY_ROUND.columns,
        gap_by_round_rows(view, dates),
    )


def _gap_name(slug, table, controls, view) -> str:
    name = f"{slug}-{table}" + (f"-round-{view.as_of}" if view.as_of is not None else "")
    if controls.values["sector"]:
        name += f"-{controls.values['sector']}"
    if controls.values["open"]:
        name += "-open"
    return f"{name}.csv"


def history_download(query: Query, slug: str, issue_slug: str) -> Download:
    _, issue, controls, positions = selected_history(query, slug, issue_slug)
    refuse_invalid(controls.table_invalid)
    as_of = controls.values["round"]
    name = f"{slug}-{issue.slug}-history" + (f"-round-{as_of}" if as_of is not None else "")
    return _positions(name, positions)


def round_download(query: Query, slug: str, number: int) -> Download:
    talk_round = get_round(get_negotiation(slug), number)
    return _positions(f"{slug}-round-{number}", talk_round.positions.in_order())


def positions_download(query: Query, slug: str | None = None) -> Download:
    """Every position of one negotiation, or of all, in the positions import format."""
    positions = StatedPosition.objects.in_export_order()
    if slug is not None:
        return _positions(
            f"{slug}-positions", positions.filter(round__negotiation=get_negotiation(slug))
        )
    # A few negotiations after another in slug order, which is in_export_order's first
    # key: the same file as one query, but each sort is of a few negotiations' positions,
    # so the first rows leave after half a second, not after sorting a million (3 s).
    # (One negotiation at a time is slower in all: 11 s against 8 s for a million.)
    negotiations = list(Negotiation.objects.order_by("slug").values_list("pk", flat=True))
    batches = [
        negotiations[start : start + NEGOTIATIONS_PER_QUERY]
        for start in range(0, len(negotiations), NEGOTIATIONS_PER_QUERY)
    ]
    return Download(
        "positions.csv",
        POSITIONS.columns,
        querysets=(positions.filter(round__negotiation__in=batch) for batch in batches),
    )


def compare_download(query: Query) -> Download:
    form = CompareForm(query)
    refuse_invalid(form.invalid)
    importer = form.importer_country
    code = importer.code if importer else ""
    return Download(
        f"compare-{code or 'none'}.csv",
        compare_columns(code, timezone.localdate()),
        compare_rows(_compared(partner_talks(importer))),
    )


def _compared(talks):
    """Every compared issue, a page's worth at a time: streamed."""
    slugs = compared_slugs(talks)
    for start in range(0, len(slugs), COMPARED_AT_ONCE):
        yield from compare(talks, slugs=slugs[start : start + COMPARED_AT_ONCE])


def tariff_lines_download(query: Query) -> Download:
    """The lines the search selects, all pages of them."""
    form = TariffLineSearchForm(query)
    refuse_invalid(form.invalid)
    values = form.values
    on, partner, importer = values["date"], values["partner"], values["importer"]
    name = "-".join(
        part
        for part in ("tariff-lines", importer and importer.code, partner and partner.code)
        if part
    )
    rows = iter_applied_rates(search_lines(values["q"] or "", importer), partner, on)
    return Download(f"{name}-{on.isoformat()}.csv", TARIFF_LINE_SEARCH.columns, rows)


def changes_download(query: Query) -> Download:
    """Every change the Recent changes page selects, all pages of it, one row each."""
    filters, sets = selected_change_sets(query)
    refuse_invalid([item for item in filters.invalid if item[0] != "Page"])
    negotiation, values = filters.selected_negotiation, filters.values
    name = "-".join(
        part
        for part in (
            "changes",
            negotiation.slug if negotiation else "",
            values["since"].isoformat() if values["since"] else "",
            values["until"].isoformat() if values["until"] else "",
        )
        if part
    )
    return Download(f"{name}.csv", CHANGES.columns, every_change(sets, negotiation=negotiation))


def _positions(name: str, positions) -> Download:
    return Download(f"{name}.csv", POSITIONS.columns, querysets=[positions])


# --- the views -------------------------------------------------------------------------------


def _respond(request, download: Callable[..., Download], *args):
    try:
        file = download(request.GET, *args)
    except InvalidParameters as refusal:
        return refusal.response()
    return file.response(bom=wants_bom(request))


def negotiations_csv(request):
    return _respond(request, negotiations_download)


def gap_csv(request, slug):
    return _respond(request, gap_download, slug)


def gap_by_round_csv(request, slug):
    return _respond(request, gap_by_round_download, slug)


def history_csv(request, slug, issue_slug):
    return _respond(request, history_download, slug, issue_slug)


def round_csv(request, slug, number):
    return _respond(request, round_download, slug, number)


def positions_csv(request, slug=None):
    return _respond(request, positions_download, slug)


def changes_csv(request):
    return _respond(request, changes_download)


def compare_csv(request):
    return _respond(request, compare_download)


def tariff_lines_csv(request):
    return _respond(request, tariff_lines_download)
