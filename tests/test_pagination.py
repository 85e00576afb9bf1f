"""No page renders an unbounded list: each comes in pages, with links that keep the rest
of the query, swap the list in place where HTMX is on, and a notice for a page number
that is not one."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
    country,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def links(response, label: str) -> list[str]:
    """The hrefs of the pagination nav named `label`."""
    page = response.content.decode()
    nav = re.search(rf'<nav class="pagination" aria-label="{label}">(.*?)</nav>', page, re.S)
    assert nav, f"no pagination named {label}"
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', nav.group(1))]


@pytest.fixture
def thirty_negotiations(db):
    for n in range(30):
        negotiation = NegotiationFactory(slug=f"talks-{n:02d}", title=f"Talks {n:02d}")
        TalkRoundFactory(negotiation=negotiation, number=1)


def test_the_home_page_lists_negotiations_25_a_page_keeping_the_filters(
    analyst, thirty_negotiations
):
    first = analyst.get("/", {"party": "JPN"})
    second = analyst.get("/", {"party": "JPN", "page": "2"})

    assert first.content.decode().count('<td class="num">1</td>') == 25  # one round each
    assert "Page 1 of 2" in text(first)
    assert links(first, "Pages of negotiations") == ["/?party=JPN&page=2"]
    assert 'hx-get="/?party=JPN&amp;page=2" hx-target="#negotiations"' in first.content.decode()
    assert second.content.decode().count('<td class="num">1</td>') == 5
    assert links(second, "Pages of negotiations") == ["/?party=JPN&page=1"]


def test_an_htmx_page_of_the_home_page_is_the_table_alone(analyst, thirty_negotiations):
    response = analyst.get("/", {"page": "2"}, **HTMX)

    assert response.content.decode().lstrip().startswith('<section id="negotiations">')
    assert "Page 2 of 2" in text(response)


@pytest.mark.parametrize(
    ("number", "notice", "shown"),
    [
        ("abc", "Page: “abc” was ignored. Enter a whole number from 1.", "Page 1 of 2"),
        ("0", "Page: “0” was ignored. Enter a whole number from 1.", "Page 1 of 2"),
        ("9", "Page 9 does not exist; showing the last page, 2.", "Page 2 of 2"),
    ],
)
def test_a_page_number_that_is_not_one_falls_back_with_a_notice(
    analyst, thirty_negotiations, number, notice, shown
):
    response = analyst.get("/", {"page": number})

    assert response.status_code == 200
    assert notice in text(response)
    assert shown in text(response)


@pytest.fixture
def chatty_official(db):
    """An official who attended 30 rounds and made 60 statements."""
    official = OfficialFactory(name="Chatty", country=country("JPN"))
    negotiation = NegotiationFactory(slug="chatty-talks")
    issue = IssueFactory(negotiation=negotiation)
    for number in range(1, 31):
        talk_round = TalkRoundFactory(negotiation=negotiation, number=number)
        talk_round.participants.add(official)
        for n in range(2):
            StatedPositionFactory(
                round=talk_round,
                party=country("JPN"),
                speaker=official,
                issue=issue,
                statement=f"Statement {number}-{n}",
            )
    return official


def test_an_officials_rounds_and_statements_come_in_pages_of_their_own(analyst, chatty_official):
    url = reverse("negotiations:official", args=[chatty_official.pk])

    first = analyst.get(url)
    later = analyst.get(url, {"statements": "3", "rounds": "2"})

    assert len(first.context["statements"]) == 25
    assert len(first.context["rounds"]) == 25
    assert links(first, "Pages of statements")[0] == f"{url}?statements=2"
    # Each list's links keep the other's page.
    assert f"{url}?rounds=2&statements=2" in links(later, "Pages of statements")
    assert len(later.context["statements"]) == 10
    assert len(later.context["rounds"]) == 5
    involvement = first.context["involvements"][0]
    assert (involvement.rounds, involvement.statements) == (30, 60)
    assert "30 rounds attended, 60 statements" in text(first)


def test_an_issue_history_comes_in_pages_and_the_one_opened_in_the_gap_table_is_cut_short(
    analyst, chatty_official
):
    slug = chatty_official.positions.first().issue.slug
    url = reverse("negotiations:issue_history", args=["chatty-talks", slug])

    page = analyst.get(url)
    fragment = analyst.get(url, {"page": "2"}, **HTMX)
    table = analyst.get(reverse("negotiations:detail", args=["chatty-talks"]), {"history": slug})

    assert "Page 1 of 2" in text(page)
    assert len(page.context["positions"]) == 50
    nav = re.search(r'<nav class="pagination".*?</nav>', page.content.decode(), re.S).group(0)
    assert 'hx-target="#issue-history"' in nav
    assert "Page 2 of 2" in text(fragment)
    # Opened in the gap table, a history shows its first page and leads to the rest.
    assert "The first 50 of 60 statements: the whole history, page by page" in text(table)


def test_a_rounds_issues_come_in_pages_with_what_moved_on_them(analyst, db):
    negotiation = NegotiationFactory(slug="many-issues")
    rounds = [TalkRoundFactory(negotiation=negotiation, number=n) for n in (1, 2)]
    for n in range(25):
        issue = IssueFactory(negotiation=negotiation, name=f"Issue {n:02d}", slug=f"i-{n:02d}")
        for talk_round, target in zip(rounds, (10, 5), strict=True):
            for party in ("JPN", "USA"):
                StatedPositionFactory(
                    round=talk_round,
                    party=country(party),
                    issue=issue,
                    stance=Stance.REDUCE,
                    target_rate_pct=Decimal(target if party == "JPN" else 20),
                )
    url = reverse("negotiations:round", args=["many-issues", 2])

    first = analyst.get(url)
    second = analyst.get(url, {"page": "2"})

    assert len(first.context["issues"]) == 20
    assert len(first.context["moves"].issues) == 20  # each gap went from 10 to 15
    assert len(second.context["issues"]) == len(second.context["moves"].issues) == 5
    assert "issues 21–25 of the 25 discussed in this round" in text(second)


def test_a_measure_listing_many_lines_shows_the_first_five_and_their_count(analyst, db):
    lines = [TariffLineFactory(hs_code=f"7208{n:04d}") for n in range(40)]
    TariffMeasureFactory(name="Broad steel measure", lines=lines)

    response = analyst.get("/countries/USA/")

    row = re.search(r"Broad steel measure.*?</tr>", response.content.decode(), re.S).group(0)
    assert row.count("/tariff-lines/USA/") == 5
    assert "… 40 lines in all" in html.unescape(row)


def test_a_countrys_measures_come_ten_a_page(analyst, db):
    for n in range(13):
        TariffMeasureFactory(
            name=f"Measure {n:02d}",
            in_force_from=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
        )

    first = analyst.get("/countries/USA/")
    second = analyst.get("/countries/USA/", {"imposed": "2"})

    assert len(first.context["imposed"]) == 10
    assert "Measures it imposes (13)" in text(first)
    assert [m.name for m in second.context["imposed"]] == ["Measure 10", "Measure 11", "Measure 12"]
