"""What only a browser shows: HTMX swaps, the pushed URL, the back button, typing."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def mark_document(page: Page) -> None:
    """A flag that a full page load would wipe: it survives only HTMX swaps."""
    page.evaluate("window.__noReload = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.__noReload === true")


def autos_row(page: Page):
    return page.locator("#issue-autos")


def test_changing_as_of_round_swaps_the_table_pushes_the_url_and_back_restores_it(
    page: Page, site, artifacts
):
    page.goto(f"{site}/negotiations/japan-us-2025/")
    expect(autos_row(page)).to_contain_text("accept")
    mark_document(page)

    with page.expect_response(re.compile(r"round=2")):
        page.select_option("select[name=round]", "2")

    expect(autos_row(page)).to_contain_text("refuse")
    expect(autos_row(page)).to_contain_text("27.5%")
    expect(page).to_have_url(re.compile(r"round=2"))
    assert still_same_document(page)
    page.screenshot(path=artifacts / "negotiation-round-2.png", full_page=True)

    page.go_back()

    expect(page).not_to_have_url(re.compile(r"round=2"))
    expect(autos_row(page)).to_contain_text("accept")
    expect(page.locator("select[name=round]")).to_have_value("10")


def test_the_pushed_url_loaded_directly_renders_the_same_state(page: Page, site):
    page.goto(f"{site}/negotiations/japan-us-2025/?round=2&open=on&sort=issue")

    expect(page.locator("select[name=round]")).to_have_value("2")
    expect(page.locator("input[name=open]")).to_be_checked()
    expect(autos_row(page)).to_contain_text("27.5%")
    expect(page.locator("#issue-currency")).to_have_count(0)  # agreed: not open


def test_the_tariff_search_updates_as_one_types(page: Page, site):
    page.goto(f"{site}/tariff-lines/")
    mark_document(page)

    with page.expect_response(re.compile(r"q=87\.03")):
        page.locator("main input[type=search]").press_sequentially("87.03", delay=40)

    results = page.locator("#results")
    expect(results).to_contain_text("Passenger")
    expect(results).not_to_contain_text("Iron and steel")
    expect(page).to_have_url(re.compile(r"q=87\.03"))
    assert still_same_document(page)
