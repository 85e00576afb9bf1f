"""The official page: who they are, the rounds they attended, what they said, and where.

The cast (tests/casts.py): Ryosei Akazawa spoke for Japan in all five rounds of the
Japan–U.S. talks; Howard Lutnick sat at the U.S. table with Japan, the U.K. and the EU."""

from decimal import Decimal

import pytest
from django.urls import reverse

from negotiations.models import Stance
from tests.factories import (
    OfficialFactory,
)

pytestmark = pytest.mark.django_db


def official_url(official):
    return reverse("negotiations:official", args=[official.pk])


@pytest.fixture
def akazawa(cast):
    return cast.akazawa


def test_the_page_of_ryosei_akazawa_says_who_he_is(analyst, akazawa):
    response = analyst.get(official_url(akazawa))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Ryosei Akazawa" in html
    # In Japanese, for the browser's glyphs and the screen reader's voice.
    assert '<span class="native-name" lang="ja">赤澤亮正</span>' in html
    assert "Minister in charge of Economic Revitalization" in html
    assert "Cabinet Office / Cabinet Secretariat" in html
    assert f'href="{reverse("negotiations:country", args=["JPN"])}"' in html
    assert "<title>Ryosei Akazawa — Tariff Talks Tracker</title>" in html


def test_akazawa_attended_round_2_of_the_japan_us_talks(analyst, akazawa):
    response = analyst.get(official_url(akazawa))

    attended = [(r.negotiation.slug, r.number) for r, _side in response.context["rounds"]]
    assert ("japan-us-2025", 2) in attended
    html = response.content.decode()
    assert f'href="{reverse("negotiations:round", args=["japan-us-2025", 2])}"' in html
    assert "2025-05-01" in html


def test_akazawas_statements_are_listed_newest_first_with_their_sources(analyst, akazawa):
    response = analyst.get(official_url(akazawa))

    statements = response.context["statements"]
    assert len(statements) == akazawa.positions.count()
    dates = [position.stated_on for position in statements]
    assert dates == sorted(dates, reverse=True)
    autos_in_round_2 = [p for p in statements if p.issue.slug == "autos" and p.round.number == 2]
    assert autos_in_round_2
    assert all(
        (p.stance, p.target_rate_pct) == (Stance.ELIMINATE, Decimal("2.5"))
        for p in autos_in_round_2
    )
    html = response.content.decode()
    assert "Requested a review of all additional tariffs on Japan" in html
    assert "https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/" in html
    assert "reported (unnamed sources or one report)" in html
    assert "2.5%" in html
    # The newest statement comes before the oldest on the page too.
    assert html.index("up to $550 billion") < html.index("strongly proposed a review")


def test_akazawa_took_part_in_the_japan_us_talks_for_japan(analyst, akazawa):
    response = analyst.get(official_url(akazawa))

    [involvement] = response.context["involvements"]
    assert involvement.negotiation.slug == "japan-us-2025"
    assert involvement.side == "a"
    assert 'href="/negotiations/japan-us-2025/"' in response.content.decode()


def test_an_official_in_several_negotiations_lists_each_once(analyst, cast):
    response = analyst.get(official_url(cast.lutnick))

    slugs = [i.negotiation.slug for i in response.context["involvements"]]
    assert sorted(slugs) == ["eu-us-2025", "japan-us-2025", "uk-us-2025"]
    assert all(i.side == "b" for i in response.context["involvements"])


def test_an_official_with_no_record_yet_gets_a_page_that_says_so(analyst):
    official = OfficialFactory(name="New Negotiator")

    response = analyst.get(official_url(official))

    assert response.status_code == 200
    html = response.content.decode()
    assert "No round attended on record." in html
    assert "No statement on record." in html


def test_an_unknown_official_answers_404_saying_so(analyst):
    response = analyst.get(reverse("negotiations:official", args=[987654]))

    assert response.status_code == 404
    assert "There is no official number 987654." in response.content.decode()
