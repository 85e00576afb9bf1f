"""A control whose request fails says so in words and leaves the page as it was; the
next request that succeeds clears the message. The fault is real: the live server's
database connections are refused, as when PostgreSQL is stopped."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_interactions import mark_document, still_same_document
from tests.test_faults import connections_refused

pytestmark = pytest.mark.django_db(transaction=True)

TALKS = "/negotiations/japan-us-2025/"


def test_a_control_answered_503_says_the_database_is_not_answering_and_changes_nothing(
    page: Page, site, django_db_blocker
):
    page.goto(f"{site}{TALKS}")
    problem = page.locator("#request-problem")
    expect(problem).to_be_hidden()
    mark_document(page)

    with connections_refused(django_db_blocker):
        with page.expect_response(re.compile(r"round=2")) as answer:
            page.select_option("select[name=round]", "2")
        assert answer.value.status == 503
        expect(problem).to_be_visible()
        expect(problem).to_contain_text("The database is not answering")
        expect(problem).to_contain_text("Nothing was changed")
    # The table, its heading and the address are still those of the page as it was.
    expect(page.locator("#gap-view h2")).to_contain_text("as of round 10")
    assert "round=2" not in page.url
    assert still_same_document(page)

    page.select_option("select[name=round]", "3")
    expect(page.locator("#gap-view h2")).to_contain_text("as of round 3")
    expect(problem).to_be_hidden()
