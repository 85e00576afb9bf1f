"""A phone is a first-class screen: no page scrolls sideways at 390 px, and the gap table
shows each issue's gap and status without scrolling. Screenshots of the main pages at a
laptop's and a phone's width go to test-artifacts/ for a person to look at."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE, LAPTOP = 390, 1366

# Every page type, at an address that shows its widest content.
PAGES = {
    "home": "/",
    "negotiation": "/negotiations/japan-us-2025/?round=2&history=autos",
    "issue": "/negotiations/japan-us-2025/issues/autos/?round=2",
    "round": "/negotiations/japan-us-2025/rounds/2/",
    "official": "official",
    "country": "/countries/JPN/",
    "compare": "/compare/?importer=USA",
    "tariff-lines": "/tariff-lines/?importer=USA&partner=JPN",
    "tariff-line": "/tariff-lines/USA/8703/?date=2025-05-01",
    "hs-chapter": "/hs/87/",
    "hs-heading": "/hs/8703/",
    "search": "/search/?q=steel",
}


def address(page: Page, site: str, name: str) -> str:
    if PAGES[name] == "official":  # its id is the database's
        page.goto(f"{site}/countries/JPN/")
        return site + page.get_by_role("link", name="Ryosei Akazawa").first.get_attribute("href")
    return site + PAGES[name]


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(page: Page, site, name):
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(address(page, site, name))
    expect(page.locator("main h1")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_the_gap_and_status_show_on_a_phone_without_scrolling(page: Page, site):
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(f"{site}/negotiations/japan-us-2025/?round=2")
    autos = page.locator("#issue-autos")

    for cell in (autos.locator("td.gap"), autos.locator(".badge.status-open")):
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    expect(autos.locator("td.gap")).to_have_text("25")


@pytest.mark.parametrize("query", ["?round=2", ""])
def test_the_gap_table_fits_a_laptop_without_scrolling_in_its_box(page: Page, site, query):
    # At 1,366 px every column shows, "at stake" included: the table's own box must not scroll.
    page.set_viewport_size({"width": LAPTOP, "height": 900})
    page.goto(f"{site}/negotiations/japan-us-2025/{query}")
    box = page.locator("table.gap-table").locator("xpath=..")

    assert box.evaluate("e => e.scrollWidth - e.clientWidth") == 0


@pytest.mark.parametrize(
    "name", ["home", "negotiation", "issue", "round", "compare", "tariff-line", "hs-heading"]
)
def test_screenshots_at_a_laptop_and_a_phone_width(page: Page, site, artifacts, name):
    for width in (LAPTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(address(page, site, name))
        expect(page.locator("main h1")).to_be_visible()
        page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)
