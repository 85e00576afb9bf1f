"""The Content-Security-Policy holds in a real browser: the analysts' pages, the admin and
the round screen's script work under it, and a violation fails the test (the
`csp_violations` fixture of conftest.py watches every browser test)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_editors import log_in, make_editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_policy_violation_is_caught(page: Page, site, csp_violations):
    page.goto(f"{site}/")
    # What an injected payload would try: an inline style and an inline script.
    page.evaluate(
        """() => {
            document.body.setAttribute("style", "outline: 3px solid red");
            const script = document.createElement("script");
            script.textContent = "window.__injected = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length >= 2")

    assert page.evaluate("window.__injected") is None  # the script did not run
    assert any("style-src" in v for v in csp_violations)
    assert any("script-src" in v for v in csp_violations)
    csp_violations.clear()  # caught as it should be: this test passes


def test_the_analyst_pages_run_under_the_policy(page: Page, site, csp_violations):
    for path in (
        "/",
        "/negotiations/japan-us-2025/?round=2",
        "/negotiations/japan-us-2025/rounds/2/",
        "/negotiations/japan-us-2025/issues/autos/",
        "/tariff-lines/?q=8703",
        "/hs/8703/",
        "/compare/?importer=USA",
        "/changes/",
        "/countries/USA/",
    ):
        page.goto(f"{site}{path}")
        expect(page.locator("main h1")).to_be_visible()
    # An HTMX swap: htmx itself injects no style and evaluates nothing.
    page.goto(f"{site}/negotiations/japan-us-2025/")
    page.locator("#issue-autos a.history-toggle").first.click()
    expect(page.locator("#issue-autos")).to_contain_text("Hide history")

    assert csp_violations == []


def test_the_admin_and_the_round_screen_run_under_the_policy(page: Page, site, csp_violations):
    make_editor("hana")
    log_in(page, site, "hana")
    page.goto(f"{site}/admin/negotiations/statedposition/?stated_on__year=2025")
    expect(page.locator("#changelist")).to_be_visible()
    page.locator("#result_list tbody a").first.click()
    page.locator("a.historylink").click()  # the History page (django-simple-history)
    expect(page.locator("#change-history")).to_be_visible()
    page.goto(f"{site}/admin/negotiations/talkround/add/?negotiation=1&number=11")
    # The round screen's script fills the position's date from the round's.
    page.fill("#id_start_date", "2025-10-01")
    expect(page.locator("#positions-group")).to_be_visible()
    page.goto(f"{site}/admin/tariffs/tariffmeasure/add/")
    page.locator(".select2-selection").first.click()  # an autocomplete (select2) opens
    page.locator(".select2-container--open .select2-search__field").fill("Japan")
    expect(page.locator(".select2-results__option").first).to_contain_text("Japan")

    assert csp_violations == []
