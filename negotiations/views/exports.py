"""CSV downloads of the negotiation pages' tables.

Each reads its query string with the form its page uses and selects its rows with the
function its page uses; a malformed parameter, which the page would show as a notice,
is answered 400 here, since a file has nowhere to show one.
"""

from django.http import HttpResponseBadRequest
from django.utils import timezone

from negotiations import exports
from negotiations.forms import CompareForm, HomeFilters
from negotiations.gap import compare
from negotiations.lookups import get_negotiation, get_round
from negotiations.models import StatedPosition
from negotiations.selections import negotiation_summaries, partner_talks
from negotiations.views.negotiation import selected_gap_view, selected_history
from tariffs.csvkit import csv_response, wants_bom


def bad_request(form) -> HttpResponseBadRequest:
    lines = [f"{label}: “{raw}” is not valid. {reason}" for label, raw, reason in form.invalid]
    return HttpResponseBadRequest(
        "\n".join(["Nothing was exported.", *lines]), content_type="text/plain; charset=utf-8"
    )


def negotiations_csv(request):
    filters = HomeFilters(request.GET)
    if filters.invalid:
        return bad_request(filters)
    party, status = filters.values["party"], filters.values["status"]
    name = "-".join(["negotiations", *(value for value in (party, status) if value)])
    summaries = negotiation_summaries(party=party, status=status)
    return csv_response(f"{name}.csv", exports.NEGOTIATIONS, summaries, bom=wants_bom(request))


def gap_csv(request, slug):
    negotiation = get_negotiation(slug)
    _, controls, view = selected_gap_view(request, negotiation)
    if controls.invalid:
        return bad_request(controls)
    name = f"{slug}-gap" + (f"-round-{view.as_of}" if view.as_of is not None else "")
    if controls.values["sector"]:
        name += f"-{controls.values['sector'].replace(' ', '-')}"
    if controls.values["open"]:
        name += "-open"
    return csv_response(f"{name}.csv", exports.GAP, exports.gap_rows(view), bom=wants_bom(request))


def history_csv(request, slug, issue_slug):
    _, issue, controls, positions = selected_history(request, slug, issue_slug)
    if controls.invalid:
        return bad_request(controls)
    as_of = controls.values["round"]
    name = f"{slug}-{issue.slug}-history" + (f"-round-{as_of}" if as_of is not None else "")
    return _positions_response(request, name, positions)


def round_csv(request, slug, number):
    talk_round = get_round(get_negotiation(slug), number)
    return _positions_response(request, f"{slug}-round-{number}", talk_round.positions.in_order())


def positions_csv(request, slug=None):
    """Every position of one negotiation, or of all, in the positions import format."""
    positions = StatedPosition.objects.in_export_order()
    if slug is not None:
        positions = positions.filter(round__negotiation=get_negotiation(slug))
    return _positions_response(request, f"{slug}-positions" if slug else "positions", positions)


def compare_csv(request):
    form = CompareForm(request.GET)
    if form.invalid:
        return bad_request(form)
    importer = form.importer_country
    code = importer.code if importer else ""
    issues = compare(partner_talks(importer))
    return csv_response(
        f"compare-{code or 'none'}.csv",
        exports.compare_columns(code, timezone.localdate()),
        exports.compare_rows(issues),
        bom=wants_bom(request),
    )


def _positions_response(request, name, positions):
    return csv_response(
        f"{name}.csv", exports.POSITIONS, exports.positions_rows(positions), bom=wants_bom(request)
    )
