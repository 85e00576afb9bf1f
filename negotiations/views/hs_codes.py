"""The page of one code of the HS nomenclature: where it sits (section, chapter, heading),
the codes under it, every importer's tariff lines under it and the issues of negotiations
about it.

It lives here, not in `tariffs`, because it lists negotiations' issues beside the lines.
The nomenclature itself is written by migrations only, so the release fingerprint and the
data versions of `cached_page("all")` cover everything the page shows.
"""

from django.shortcuts import redirect, render
from django.urls import reverse

from negotiations.models import Issue
from negotiations.page_cache import cached_page
from negotiations.pagination import paginate
from tariffs.hs import HS_CODE_RE, normalize_hs_code, under_or_covering
from tariffs.lookups import get_hs_code
from tariffs.models import TariffLine

LINES_PER_PAGE = 50
ISSUES_PER_PAGE = 25


def issues_about(code: str):
    """Issues tied to `code`, to a code under it (8703 ← an issue on 8703.23) or to one
    above it (8703.23 ← an issue on chapter 87), with what the page prints of each."""
    return (
        Issue.objects.filter(under_or_covering(code, "hs_code__code"))
        .select_related("negotiation__party_a", "negotiation__party_b", "hs_code")
        .order_by("negotiation__title", "name", "pk")
    )


@cached_page("all")
def hs_code(request, code):
    normalized = normalize_hs_code(code)
    if normalized != code and HS_CODE_RE.match(normalized):
        # 87.03 is 8703: one address per code, the one the site links to.
        query = request.GET.urlencode()
        url = reverse("negotiations:hs_code", args=[normalized])
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    hs = get_hs_code(code)
    above = hs.ancestors

    lines = paginate(
        request,
        TariffLine.objects.under_or_covering(hs.code)
        .select_related("importer")
        .order_by("hs_code", "importer__code"),
        per_page=LINES_PER_PAGE,
        param="lines",
        label="Tariff lines page",
    )
    issues = paginate(
        request,
        issues_about(hs.code),
        per_page=ISSUES_PER_PAGE,
        param="issues",
        label="Issues page",
    )
    context = {
        "hs": hs,
        "above": above,
        "children": list(hs.children.all()),
        "lines": lines.items,
        "lines_listing": lines,
        "issues": issues.items,
        "issues_listing": issues,
        "notices": [*lines.notices, *issues.notices],
        "nav": "lines",
        "breadcrumbs": [
            ("Tariff lines", reverse("negotiations:tariff_lines")),
            *((broader.label, broader.get_absolute_url()) for broader in above),
            (hs.label, None),
        ],
    }
    return render(request, "negotiations/hs_code.html", context)
