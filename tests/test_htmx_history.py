"""Every view that answers HTMX with a fragment answers a history restore with the whole
page: htmx keeps no snapshot of earlier pages (historyCacheSize 0), so on back and forward
it asks the server for the page at that URL and swaps it in whole."""

import pytest
from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}
RESTORE = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}

# Every view that renders a partial for HTMX, with the partial it renders.
HTMX_VIEWS = [
    (reverse("negotiations:home"), {"status": "concluded"}, 'id="negotiations"'),
    (reverse("negotiations:detail", args=["japan-us-2025"]), {"round": 2}, 'id="gap-view"'),
    (
        reverse("negotiations:issue_history", args=["japan-us-2025", "autos"]),
        {"round": 2},
        'id="issue-history"',
    ),
    (reverse("negotiations:compare"), {"importer": "USA"}, 'id="comparison"'),
    (reverse("negotiations:tariff_lines"), {"q": "87", "partner": "JPN"}, 'id="results"'),
    (
        reverse("negotiations:tariff_line", args=["USA", "8703"]),
        {"date": "2025-05-01"},
        'id="rates"',
    ),
]


@pytest.mark.parametrize(("url", "params", "partial"), HTMX_VIEWS)
def test_an_htmx_request_gets_the_partial_and_a_history_restore_the_whole_page(
    analyst, cast, url, params, partial
):
    fragment = analyst.get(url, params, **HTMX).content.decode()
    restored = analyst.get(url, params, **RESTORE)
    page = restored.content.decode()

    assert partial in fragment.lstrip().split(">", 1)[0]  # the swapped region, first
    assert "<html" not in fragment
    assert page.lstrip().startswith("<!doctype html>")
    assert partial in page and "<form" in page  # the controls, rendered from the URL
    assert "HX-Request" in restored["Vary"]


def test_the_pages_tell_htmx_to_keep_no_snapshot_and_to_run_no_inline_code(analyst, cast):
    page = analyst.get(reverse("negotiations:detail", args=["japan-us-2025"])).content.decode()

    assert '"historyCacheSize": 0' in page
    assert '"allowEval": false' in page
    assert "hx-on" not in page
    assert '<script src="/static/js/tracker.js" defer></script>' in page
