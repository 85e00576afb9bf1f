"""The URL is the state: after back, forward and reload every control, heading and table
shows what the URL says, and an expanded history is part of it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_interactions import mark_document, still_same_document

pytestmark = pytest.mark.django_db(transaction=True)

TALKS = "/negotiations/japan-us-2025/"


def expect_gap_view(page: Page, *, round_number: str, sector: str, rows: dict[str, str]):
    """The controls, the heading and the table agree: all say this round and sector."""
    expect(page.locator("select[name=round]")).to_have_value(round_number)
    expect(page.locator("select[name=sector]")).to_have_value(sector)
    expect(page.locator("#gap-view h2")).to_contain_text(f"as of round {round_number}")
    expect(page.locator(".gap-table caption")).to_contain_text(f"as of round {round_number}")
    for slug, text in rows.items():
        if text is None:
            expect(page.locator(f"#issue-{slug}")).to_have_count(0)
        else:
            expect(page.locator(f"#issue-{slug}")).to_contain_text(text)


def test_round_then_sector_then_back_back_forward_keeps_controls_heading_and_table_together(
    page: Page, site
):
    page.goto(f"{site}{TALKS}")
    expect_gap_view(page, round_number="10", sector="", rows={"autos": "accept"})
    mark_document(page)

    page.select_option("select[name=round]", "2")
    expect(page).to_have_url(re.compile(r"\?round=2"))
    round_2 = {"autos": "refuse", "reciprocal": "discuss only part"}
    expect_gap_view(page, round_number="2", sector="", rows=round_2)

    page.select_option("select[name=sector]", "automotive")
    expect(page).to_have_url(re.compile(r"round=2.*sector=automotive"))
    expect_gap_view(page, round_number="2", sector="automotive", rows={"reciprocal": None})

    page.go_back()
    expect(page).not_to_have_url(re.compile("sector=automotive"))
    expect_gap_view(page, round_number="2", sector="", rows=round_2)

    page.go_back()
    expect(page).not_to_have_url(re.compile("round="))
    expect_gap_view(page, round_number="10", sector="", rows={"autos": "accept"})

    page.go_forward()
    expect(page).to_have_url(re.compile(r"\?round=2"))
    expect_gap_view(page, round_number="2", sector="", rows=round_2)

    # The next control keeps the round the page shows (it jumped to round 10 before).
    page.get_by_label("Open or one-sided only").check()
    expect(page).to_have_url(re.compile(r"round=2.*open=on"))
    expect_gap_view(page, round_number="2", sector="", rows={"currency": None})
    # Back and forward were answered by the server, swapped into this same document.
    assert still_same_document(page)


def test_a_reload_shows_what_the_url_says_not_what_was_last_chosen(page: Page, site):
    page.goto(f"{site}{TALKS}?round=2")
    page.select_option("select[name=round]", "3")
    expect(page).to_have_url(re.compile(r"round=3"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"round=2$"))

    page.reload()

    expect_gap_view(page, round_number="2", sector="", rows={"autos": "refuse"})


def history_length(page: Page) -> int:
    return page.evaluate("history.length")


def test_the_tariff_search_replaces_the_url_while_typing_and_pushes_on_a_choice(page: Page, site):
    page.goto(f"{site}/")
    page.get_by_role("link", name="Tariff lines").click()
    expect(page).to_have_url(re.compile(r"/tariff-lines/$"))
    entries = history_length(page)
    search = page.locator("main input[type=search]")
    results = page.locator("#results")

    # Two pauses while typing: two requests, and still one history entry for the search.
    with page.expect_response(re.compile(r"q=passenger&")):
        search.press_sequentially("passenger", delay=30)
    with page.expect_response(re.compile(r"q=passenger(\+|%20)cars")):
        search.press_sequentially(" cars", delay=30)
    expect(page).to_have_url(re.compile(r"q=passenger(\+|%20)cars"))
    expect(results).to_contain_text("8703")
    assert history_length(page) == entries

    page.select_option("select[name=partner]", "JPN")
    expect(page).to_have_url(re.compile(r"q=passenger(\+|%20)cars.*partner=JPN"))
    expect(results).to_contain_text("for goods from Japan")
    assert history_length(page) == entries + 1

    # Enter on a search the page already shows adds no second entry for the same view.
    with page.expect_response(re.compile(r"partner=JPN")):
        search.press("Enter")
    assert history_length(page) == entries + 1

    page.go_back()
    expect(page).not_to_have_url(re.compile("partner=JPN"))
    expect(search).to_have_value("passenger cars")
    expect(page.locator("select[name=partner]")).to_have_value("")
    expect(results).to_contain_text("for any partner")
    expect(results).to_contain_text("8703")

    page.go_forward()
    expect(page).to_have_url(re.compile("partner=JPN"))
    expect(search).to_have_value("passenger cars")
    expect(page.locator("select[name=partner]")).to_have_value("JPN")
    expect(results).to_contain_text("for goods from Japan")

    page.go_back()
    page.go_back()
    expect(page).to_have_url(f"{site}/")  # the typing replaced the empty search's entry


def test_an_expanded_history_is_in_the_url_survives_a_reload_and_closes_on_a_second_click(
    page: Page, site
):
    page.goto(f"{site}{TALKS}?round=2")
    toggle = page.locator("#history-toggle-autos")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()

    expect(page).to_have_url(re.compile(r"round=2.*history=autos"))
    history = page.locator("#history-autos")
    expect(history).to_contain_text("Scott Bessent")
    expect(history.locator("tbody tr")).to_have_count(4)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_attribute("aria-controls", "history-autos")
    expect(toggle).to_be_focused()

    page.reload()

    expect(page.locator("#history-autos")).to_contain_text("Scott Bessent")
    expect(toggle).to_have_attribute("aria-expanded", "true")

    # The keyboard closes it, and the focus stays on the toggle.
    toggle.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#history-autos")).to_have_count(0)
    expect(page).not_to_have_url(re.compile("history="))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()


def test_changing_the_round_keeps_the_expanded_history_open(page: Page, site):
    page.goto(f"{site}{TALKS}?round=2&history=autos")
    expect(page.locator("#history-autos tbody tr")).to_have_count(4)

    page.select_option("select[name=round]", "3")

    expect(page).to_have_url(re.compile(r"round=3.*history=autos"))
    expect(page.locator("#history-autos tbody tr")).to_have_count(5)


def gap_by_round_rounds(page: Page) -> list[str]:
    return page.locator("table.gap-by-round thead th a").all_inner_texts()


def test_earlier_rounds_of_the_gap_by_round_survive_back_forward_and_reload(page: Page, site):
    page.goto(f"{site}{TALKS}")
    latest = [f"Round {n}" for n in range(3, 11)]
    expect(page.locator(".round-window")).to_contain_text("Rounds 3 to 10 of 10 shown")
    assert gap_by_round_rounds(page) == latest
    mark_document(page)

    page.click("#rounds-earlier")
    expect(page).to_have_url(re.compile(r"until=2"))
    expect(page.locator(".round-window")).to_contain_text("Rounds 1 to 2 of 10 shown")
    assert gap_by_round_rounds(page) == ["Round 1", "Round 2"]

    page.go_back()
    expect(page.locator(".round-window")).to_contain_text("Rounds 3 to 10 of 10 shown")
    assert gap_by_round_rounds(page) == latest
    page.go_forward()
    expect(page.locator(".round-window")).to_contain_text("Rounds 1 to 2 of 10 shown")
    assert still_same_document(page)

    page.reload()
    expect(page.locator(".round-window")).to_contain_text("Rounds 1 to 2 of 10 shown")
    expect(page.locator("select[name=round]")).to_have_value("10")
    page.click("#rounds-later")
    expect(page).not_to_have_url(re.compile("until="))
    assert gap_by_round_rounds(page) == latest
