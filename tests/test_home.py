"""The home page: every negotiation with its rounds, open issues and largest gap.

The cast (tests/casts.py): the Japan–U.S. talks had five rounds, the last on 2025-09-04;
after the deal on cars, steel stays open 50 points apart."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Stance
from tests.factories import NegotiationFactory, StatedPositionFactory, TalkRoundFactory, country

URL = reverse("negotiations:home")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_lists_every_negotiation_with_its_figures(analyst, cast):
    body = text(analyst.get(URL))

    assert 'href="/negotiations/japan-us-2025/">Japan–U.S. tariff talks 2025</a>' in body
    assert "uk-us-2025" in body and "eu-us-2025" in body
    row = re.search(r"japan-us-2025/\">.*?</tr>", body).group(0)
    assert '<td class="num">5</td>' in row  # rounds
    assert "2025-09-04" in row  # the latest round
    assert "Steel and aluminum: 50 pp" in row  # still open after the deal
    assert "Data as of" in body


def test_home_filters_by_party_and_status(analyst, cast):
    body = text(analyst.get(URL, {"party": "GBR"}))

    assert "uk-us-2025" in body
    assert "japan-us-2025" not in body
    assert "No negotiation matches these filters." in text(
        analyst.get(URL, {"party": "JPN", "status": "stalled"})
    )


def test_home_answers_htmx_with_the_table_only(analyst, cast):
    response = analyst.get(URL, {"status": "concluded"}, HTTP_HX_REQUEST="true")

    assert text(response).lstrip().startswith('<section id="negotiations">')
    assert "<html" not in text(response)
    assert "HX-Request" in response["Vary"]


def test_home_ignores_a_bad_filter_visibly(analyst, cast):
    body = text(analyst.get(URL, {"party": "XXX"}))

    assert "Party: “XXX” was ignored." in body
    assert "japan-us-2025" in body


def test_home_queries_do_not_grow_with_the_negotiations(analyst, db):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert analyst.get(URL).status_code == 200
        return len(captured)

    def add_negotiation(n):
        round_ = TalkRoundFactory(negotiation=NegotiationFactory(slug=f"n-{n}"), number=1)
        for party in ("JPN", "USA"):
            StatedPositionFactory(round=round_, party=country(party), stance=Stance.REDUCE)

    add_negotiation(0)
    few = queries()
    for n in range(1, 15):
        add_negotiation(n)

    assert queries() == few <= 15
