"""Pages of a list in a browser: the next page swaps in place and pushes its address; the
back button brings the first page back; a history opened in the gap table shows its first
page and leads to the history page, whose pages swap in place in turn."""

import re

import pytest
from playwright.sync_api import Page, expect

from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def many(site):
    """30 more negotiations beside the demo's; one with 60 statements on one issue."""
    for n in range(30):
        TalkRoundFactory(negotiation=NegotiationFactory(slug=f"more-{n:02d}"), number=1)
    negotiation = NegotiationFactory(slug="long-history", title="Long history")
    issue = IssueFactory(negotiation=negotiation, slug="steel", name="Steel")
    for number in range(1, 31):
        talk_round = TalkRoundFactory(negotiation=negotiation, number=number)
        for party in ("JPN", "USA"):
            StatedPositionFactory(
                round=talk_round,
                party=country(party),
                issue=issue,
                stance=Stance.REDUCE,
                target_rate_pct=number,
                statement=f"{party} in round {number}",
            )
    return site


def test_the_next_page_of_negotiations_swaps_in_pushes_its_address_and_back_returns(
    page: Page, many, artifacts
):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{many}/")
    page.evaluate("window.__noReload = true")
    table = page.locator("#negotiations")
    expect(table).to_contain_text("Page 1 of 2")

    with page.expect_response(re.compile(r"page=2")):
        table.get_by_role("link", name="Next").click()

    expect(table).to_contain_text("Page 2 of 2")
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    assert page.evaluate("window.__noReload === true")
    page.screenshot(path=artifacts / "home-page-2-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=artifacts / "home-page-2-390.png", full_page=True)

    page.go_back()

    expect(table).to_contain_text("Page 1 of 2")
    expect(page).not_to_have_url(re.compile(r"page=2"))


def test_a_history_opened_in_the_gap_table_leads_to_its_pages(page: Page, many, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{many}/negotiations/long-history/")
    page.locator("#issue-steel a.history-toggle").click()
    history = page.locator("#history-steel")
    expect(history).to_contain_text("The first 50 of 60 statements")
    expect(history).to_contain_text("USA in round 25")
    expect(history).not_to_contain_text("USA in round 26")
    page.screenshot(path=artifacts / "history-in-gap-table-1366.png", full_page=True)

    history.get_by_role("link", name="the whole history, page by page").click()
    section = page.locator("#issue-history")
    expect(section).to_contain_text("Page 1 of 2")
    page.evaluate("window.__noReload = true")
    with page.expect_response(re.compile(r"page=2")):
        section.get_by_role("link", name="Next").click()

    expect(section).to_contain_text("Page 2 of 2")
    expect(section).to_contain_text("USA in round 30")  # rounds 26 to 30
    expect(section).not_to_contain_text("USA in round 25")
    expect(page).to_have_url(
        re.compile(r"/negotiations/long-history/issues/steel/\?round=30&page=2$")
    )
    assert page.evaluate("window.__noReload === true")
    page.screenshot(path=artifacts / "history-page-2-1366.png", full_page=True)
