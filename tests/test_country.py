"""The country page: its negotiations, officials, measures and statements.

The cast (tests/casts.py) gives Japan one negotiation, with the U.S., in five rounds, and
the U.S. the measures on cars, parts and metals that Japan, the U.K. and the EU face."""

import datetime
import html
import re

import pytest

from tests.factories import (
    NegotiationFactory,
    OfficialFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
    country,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def section(response, heading_id: str) -> str:
    """The markup from a section's heading to the next heading."""
    page = response.content.decode()
    return page.split(f'<h2 id="{heading_id}">', 1)[1].split("<h2", 1)[0]


def rows(markup: str) -> list[list[str]]:
    """The body rows of the table in `markup`, as lists of cell texts as a reader sees
    them (markup dropped, not turned into spaces: "<a>talks</a>, round 1")."""
    body = markup.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    ]


def test_the_page_for_japan_lists_the_japan_us_negotiation_and_akazawa(analyst, cast):
    response = analyst.get("/countries/JPN/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Japan (JPN)" in text(response)
    (negotiation,) = rows(section(response, "negotiations"))
    assert negotiation[:5] == [
        "Japan–U.S. tariff talks 2025",
        "Japan – United States",
        "concluded",
        "2025-04-07",
        "2025-07-22",
    ]
    assert negotiation[5].startswith("5: 1 2 3")
    assert 'href="/negotiations/japan-us-2025/"' in page
    assert 'href="/negotiations/japan-us-2025/rounds/2/"' in page
    officials = section(response, "officials")
    assert "Ryosei Akazawa" in officials
    assert '<span lang="ja">赤澤亮正</span>' in officials
    assert f'<a href="/officials/{cast.akazawa.pk}/">Ryosei Akazawa</a>' in officials


def test_a_lowercase_code_is_accepted(analyst):
    response = analyst.get("/countries/jpn/")

    assert response.status_code == 200
    assert "Japan (JPN)" in text(response)


def test_the_us_page_lists_the_measures_it_imposes(analyst, cast):
    response = analyst.get("/countries/USA/")

    imposed = {row[0]: row for row in rows(section(response, "imposed"))}
    assert imposed["Section 232 autos"][1:7] == [
        "additional",
        "+25%",
        "8703",
        "every partner",
        "2025-04-03",
        "—",
    ]
    assert imposed["Reciprocal rate for Japan, 15% all-in (EO 14345)"][1:5] == [
        "total",
        "=15%",
        "all goods",
        "JPN",
    ]
    assert imposed["Reciprocal rate for Japan, July 7 letter (threat)"][5] == "never (threat)"
    assert 'href="/tariff-lines/USA/8703/"' in section(response, "imposed")


def test_japan_faces_the_measures_naming_it_and_those_on_every_partner_of_its_counterparts(
    analyst, cast
):
    response = analyst.get("/countries/JPN/")

    faced = {row[0]: row for row in rows(section(response, "faced"))}
    assert faced["Japanese autos and parts, 15% all-in (EO 14345 / Commerce notice)"][1:3] == [
        "United States",
        "JPN by name",
    ]
    assert faced["Section 232 autos"][1:3] == ["United States", "every partner"]
    assert "U.K. cars within the 100,000 quota (EO 14309)" not in faced
    assert "Reciprocal rate for the EU, 15% all-in (July 31 order)" not in faced
    assert "with no partner restriction imposed by the countries it negotiates with" in text(
        response
    )
    assert rows(section(response, "imposed")) == [["No measure of Japan is recorded."]]


def test_the_japan_page_links_to_what_its_goods_pay(analyst, cast):
    page = analyst.get("/countries/JPN/").content.decode()

    assert 'href="/tariff-lines/?partner=JPN"' in page
    assert 'href="/tariff-lines/?importer=JPN"' in page


def test_an_unknown_country_is_404_saying_so(analyst):
    response = analyst.get("/countries/XYZ/")

    assert response.status_code == 404
    assert "There is no country with the code “XYZ”." in text(response)


def test_a_malformed_code_is_404_not_500(analyst):
    assert analyst.get("/countries/J%00N/").status_code == 404
    assert analyst.get("/countries/JAPAN/").status_code == 404


def test_a_measure_on_every_partner_of_a_country_it_does_not_negotiate_with_is_not_faced(
    analyst,
):
    NegotiationFactory(party_a=country("JPN"), party_b=country("USA"))
    TariffMeasureFactory(importer=country("USA"), name="U.S. baseline", covers_all_lines=True)
    TariffMeasureFactory(importer=country("CHN"), name="Chinese baseline", covers_all_lines=True)
    TariffMeasureFactory(importer=country("CHN"), name="On Japan", partners=[country("JPN")])

    faced = [row[0] for row in rows(section(analyst.get("/countries/JPN/"), "faced"))]

    assert faced == ["On Japan", "U.S. baseline"]


def test_recent_statements_come_newest_first_twenty_at_most(analyst):
    negotiation = NegotiationFactory(slug="japan-us", title="Japan–U.S. talks")
    rounds = [TalkRoundFactory(negotiation=negotiation, number=n) for n in (1, 2, 3)]
    akazawa = OfficialFactory(name="Ryosei Akazawa")
    for n in range(25):
        StatedPositionFactory(
            round=rounds[n % 3],
            speaker=akazawa,
            statement=f"Statement {n:02d}",
            stated_on=datetime.date(2025, 4, 1) + datetime.timedelta(days=n),
            target_rate_pct=15 if n == 24 else None,
        )
    StatedPositionFactory(round=rounds[0], party=country("USA"), statement="A U.S. statement")

    response = analyst.get("/countries/JPN/")

    statements = rows(section(response, "statements"))
    assert len(statements) == 20
    assert [row[6] for row in statements[:2]] == ["Statement 24", "Statement 23"]
    assert statements[0][0] == "2025-04-25"
    assert statements[0][1] == "Japan–U.S. talks, round 1"
    assert statements[0][3] == "Ryosei Akazawa"
    assert statements[0][5] == "15%"
    assert statements[0][7] == "Example News, 2025-05-04 confirmed"
    assert "A U.S. statement" not in text(response)
    markup = section(response, "statements")
    assert 'href="/negotiations/japan-us/rounds/1/"' in markup
    assert 'href="https://news.example.org/story-' in markup


def test_the_page_takes_a_bounded_number_of_queries(
    analyst, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page computed, not stored whole
    japan = country("JPN")
    for code in ("USA", "GBR", "CAN", "KOR"):
        negotiation = NegotiationFactory(party_a=japan, party_b=country(code))
        for number in (1, 2, 3):
            round_ = TalkRoundFactory(negotiation=negotiation, number=number)
            StatedPositionFactory(round=round_)
        OfficialFactory(country=japan)
        line = TariffLineFactory(importer=country(code))
        TariffMeasureFactory(importer=country(code), lines=[line], partners=[japan])
        TariffMeasureFactory(importer=japan, covers_all_lines=True, partners=[country(code)])

    with django_assert_max_num_queries(12):
        response = analyst.get("/countries/JPN/")
    assert response.status_code == 200
