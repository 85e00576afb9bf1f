"""The header's search box in a real browser: suggestions appear as one types (swapped in
by htmx, the page not reloaded), Enter opens the search page, the back button returns,
Escape closes the suggestions, and the header still fits a phone with them open."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_interactions import mark_document, still_same_document

pytestmark = pytest.mark.django_db(transaction=True)

TALKS = "/negotiations/japan-us-2025/"
PHONE, LAPTOP = 390, 1366


def type_in_header(page: Page, text: str) -> None:
    page.locator(".site-search input[name=q]").press_sequentially(text, delay=20)


def test_typing_shows_suggestions_enter_opens_the_search_and_back_returns(page: Page, site):
    page.goto(f"{site}{TALKS}")
    mark_document(page)

    type_in_header(page, "Akaz")

    suggestions = page.locator("#search-suggestions")
    expect(suggestions.get_by_role("link", name="Ryosei Akazawa")).to_be_visible()
    expect(suggestions).to_contain_text("Officials")
    assert page.url == f"{site}{TALKS}" and still_same_document(page)

    page.locator(".site-search input[name=q]").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=Akaz$"))
    expect(page.locator("main h1")).to_have_text("Search results for “Akaz”")
    expect(page.locator("#results-officials + ol")).to_contain_text("Ryosei Akazawa")

    page.go_back()

    expect(page).to_have_url(f"{site}{TALKS}")
    expect(page.locator("main h1")).to_contain_text("Japan–U.S. tariff talks 2025")


def test_a_suggestion_is_a_link_to_its_page(page: Page, site):
    page.goto(f"{site}{TALKS}")
    type_in_header(page, "8703")

    page.locator("#search-suggestions").get_by_role("link", name="USA 8703").click()

    expect(page).to_have_url(re.compile(r"/tariff-lines/USA/8703/$"))


def test_escape_closes_the_suggestions_and_typing_opens_them_again(page: Page, site):
    page.goto(f"{site}{TALKS}")
    type_in_header(page, "rice")
    suggestions = page.locator("#search-suggestions")
    expect(suggestions).to_contain_text("Rice and agriculture")

    page.locator(".site-search input[name=q]").press("Escape")
    expect(suggestions).to_be_hidden()

    type_in_header(page, " agri")
    expect(suggestions).to_be_visible()
    expect(suggestions).to_contain_text("Rice and agriculture")


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_the_header_and_its_suggestions_fit_the_screen(page: Page, site, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{site}{TALKS}")
    type_in_header(page, "steel")
    suggestions = page.locator("#search-suggestions")
    expect(suggestions).to_contain_text("Steel and aluminum")

    assert page.evaluate("document.documentElement.scrollWidth") == width
    box = suggestions.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
