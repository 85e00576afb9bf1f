"""Every page type, full and HTMX fragment, makes a fixed number of SQL queries, at most
12, and the same number once the database holds many times more of everything: a page's
cost follows what it shows, not the database (the benchmark, `make bench`, shows the
same with a million positions).

The counts are those of a page computed (the whole-page cache off) after it was viewed
before (the cache holds the gap arithmetic of each negotiation under its data version,
negotiations.gap); a page served whole from the cache (negotiations/page_cache.py) makes
two, whatever the page. `test_cache_freshness.py` shows that an edit is seen on the next
request all the same."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
    TradeValueFactory,
    country,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
JAPAN_US = "/negotiations/japan-us-2025"

# page -> (URL, headers, queries)
PAGES = {
    "home": ("/", {}, 9),
    "home, fragment": ("/?status=concluded", HTMX, 4),
    "negotiation": (f"{JAPAN_US}/", {}, 11),
    "negotiation, fragment": (f"{JAPAN_US}/?round=3", HTMX, 9),
    # One query more for the statements of the rows opened, however many are.
    "negotiation, histories open": (f"{JAPAN_US}/?history=autos&history=steel-aluminum", {}, 12),
    "issue history": (f"{JAPAN_US}/issues/autos/", {}, 6),
    "issue history, fragment": (f"{JAPAN_US}/issues/autos/?round=3", HTMX, 6),
    "round": (f"{JAPAN_US}/rounds/2/", {}, 9),
    "official": ("/officials/{akazawa}/", {}, 8),
    "country": ("/countries/USA/", {}, 8),
    # One query more for the HS code searched, named above the results.
    "tariff search by HS code": ("/tariff-lines/?q=87", {}, 7),
    "tariff search by words": ("/tariff-lines/?q=steel&partner=JPN", {}, 7),
    "tariff search, fragment": ("/tariff-lines/?q=87&partner=JPN", HTMX, 6),
    "tariff line": ("/tariff-lines/USA/8703/", {}, 11),
    "tariff line, fragment": ("/tariff-lines/USA/8703/?date=2025-05-01", HTMX, 5),
    "HS code": ("/hs/87/", {}, 6),
    "HS code, second pages": ("/hs/8703/?lines=2&issues=2", {}, 6),
    # One query per kind of result (its rows and their count), one for the lines' chapters.
    "search": ("/search/?q=steel", {}, 7),
    "search, one kind": ("/search/?q=steel&kind=statements&page=1", {}, 2),
    "search, suggestions": ("/search/?q=steel", HTMX, 7),
    "compare": ("/compare/?importer=USA", {}, 5),
    "compare, fragment": ("/compare/?importer=JPN", HTMX, 5),
}


def queries(client, url, headers) -> int:
    client.get(url, **headers)  # the first view fills the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(captured)


def grow(cast) -> None:
    """Many times more of everything the pages list or read: negotiations of Japan and
    the United States, rounds and positions in the Japan–U.S. talks and elsewhere,
    statements by Akazawa, lines, measures and trade values, issues tied to heading 87.03."""
    japan, usa = country("JPN"), country("USA")
    talks = cast.japan_us
    for number in range(6, 16):
        talks.round(number, f"2025-{1 + number // 3:02d}-{1 + number:02d}")
    for number in range(1, 16):
        talk_round = talks.rounds[number]
        talk_round.participants.add(cast.akazawa)
        for issue in talks.issues.values():
            for party, stance in ((japan, Stance.REDUCE), (usa, Stance.MAINTAIN)):
                StatedPositionFactory(
                    round=talk_round,
                    party=party,
                    issue=issue,
                    stance=stance,
                    target_rate_pct=Decimal(number),
                    speaker=cast.akazawa if party == japan else None,
                )
    for n in range(30):
        other = NegotiationFactory(
            party_a=japan if n % 2 else country("KOR"), party_b=usa, slug=f"more-{n}"
        )
        for number in (1, 2, 3):
            talk_round = TalkRoundFactory(negotiation=other, number=number)
            for slug in ("autos", "steel-aluminum", f"only-{n}"):
                issue = other.issues.filter(slug=slug).first() or IssueFactory(
                    negotiation=other,
                    slug=slug,
                    name=slug,
                    hs_code_id="8703" if slug == "autos" else None,
                )
                for party in (other.party_a, usa):
                    StatedPositionFactory(
                        round=talk_round, party=party, issue=issue, target_rate_pct=n
                    )
    OfficialFactory.create_batch(5, country=japan)
    for n in range(120):
        line = TariffLineFactory(hs_code=f"8703{n:04d}", description=f"Steel cars {n}")
        TradeValueFactory(line=line, partner=japan)
    lines = list(cast.lines.values())
    for n in range(40):
        TariffMeasureFactory(
            name=f"More measure {n}",
            lines=lines,
            partners=[japan] if n % 2 else [],
            in_force_from=datetime.date(2025, 1, 1) + datetime.timedelta(days=n * 10),
        )


# Not "page": that is pytest-playwright's fixture, and would make these browser tests.
@pytest.mark.parametrize("page_type", PAGES)
def test_each_page_makes_the_same_queries_with_many_times_the_data(
    analyst, cast, settings, page_type
):
    settings.PAGE_CACHE_SECONDS = 0
    url, headers, expected = PAGES[page_type]
    url = url.format(akazawa=cast.akazawa.pk)

    before = queries(analyst, url, headers)
    grow(cast)
    after = queries(analyst, url, headers)

    assert (before, after) == (expected, expected)
    assert expected <= 12


@pytest.mark.parametrize("page_type", PAGES)
def test_each_page_served_from_the_page_cache_makes_two_queries(analyst, cast, page_type):
    """The data versions (one query) and the cache read (the database cache's one)."""
    url, headers, _ = PAGES[page_type]
    url = url.format(akazawa=cast.akazawa.pk)

    before = queries(analyst, url, headers)
    grow(cast)
    after = queries(analyst, url, headers)

    assert (before, after) == (2, 2)


# Recent changes and its feeds: not cached whole (they change with every write). Their
# queries depend on which kinds of rows the change sets shown touched (a few queries per
# kind present: its rows, their previous versions, the rows they name, their links), not
# on how many rows changed: at most 40 (the issue's target of 12 is not met yet).
CHANGE_PAGES = {
    "recent changes": "/changes/",
    "recent changes feed": "/changes.atom",
    "a negotiation's changes feed": f"{JAPAN_US}/changes.atom",
}


@pytest.mark.parametrize("page_type", CHANGE_PAGES)
def test_recent_changes_queries_stay_bounded_with_many_times_the_data(analyst, cast, page_type):
    url = CHANGE_PAGES[page_type]

    before = queries(analyst, url, {})
    grow(cast)
    after = queries(analyst, url, {})

    assert before <= 40 and after <= 40, (before, after)
