"""The tariff-line search and the page of one line.

The cast (tests/casts.py) has six lines (five U.S. ones, Japan's rice) and the U.S.
measures on cars: Section 232's 25 points from 2025-04-03, then 15% all-in for Japan from
2025-09-16, 10% for the U.K. and 15% for the EU."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tariffs.models import MeasureKind
from tests.factories import (
    NegotiationFactory,
    TariffLineFactory,
    TariffMeasureFactory,
    country,
)

pytestmark = pytest.mark.django_db

LINES = "/tariff-lines/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    """The page as a reader sees it: tags and select options dropped, whitespace collapsed."""
    page = re.sub(r"<select.*?</select>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def notice(response) -> str:
    """The text of the notice box: what the page ignored and what it did instead."""
    found = re.search(r'<div class="notice"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert found, "no notice on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def ignored(response, label: str, value: str) -> bool:
    """Whether the notice says the value of that control was ignored (in any quotes)."""
    return (
        re.search(rf"{label}: \W?{re.escape(value)}\W? was ignored\.", notice(response)) is not None
    )


def cells(row: str) -> list[str]:
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in found]


def table_rows(response, start: str) -> list[list[str]]:
    """The body rows, as lists of cell texts, of the first table after `start`."""
    body = response.content.decode().split(start, 1)[1].split("</table>")[0]
    return [cells(row) for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)]


def result_rows(response) -> list[list[str]]:
    return table_rows(response, '<section id="results"')


def codes(response) -> list[str]:
    return [row[1] for row in result_rows(response) if len(row) > 1]


def many_lines(count: int, importer: str = "USA"):
    """`count` lines under chapter 84, a baseline on all of them and a Japan-only deal."""
    for n in range(count):
        TariffLineFactory(
            importer=country(importer), hs_code=f"84{n:04d}", description=f"Machine {n}"
        )
    baseline = TariffMeasureFactory(
        importer=country(importer), name="Baseline", covers_all_lines=True, rate_pct=10
    )
    TariffMeasureFactory(
        importer=country(importer),
        name="Japan deal",
        kind=MeasureKind.TOTAL,
        rate_pct=15,
        covers_all_lines=True,
        partners=[country("JPN")],
        displaces=[baseline],
    )


def test_an_hs_code_with_dots_finds_the_us_passenger_car_line(analyst, cast):
    response = analyst.get(LINES, {"q": "87.03"})

    assert response.status_code == 200
    (row,) = result_rows(response)
    assert row[:3] == ["USA", "8703", "Passenger motor vehicles (cars)"]
    assert 'href="/tariff-lines/USA/8703/"' in response.content.decode()


def test_every_word_of_the_description_must_match_in_any_case(analyst, cast):
    assert codes(analyst.get(LINES, {"q": "MOTOR passenger"})) == ["8703"]
    assert codes(analyst.get(LINES, {"q": "passenger trucks"})) == []
    assert "No tariff line matches" in text(analyst.get(LINES, {"q": "passenger trucks"}))


def test_words_and_an_hs_code_combine(analyst, cast):
    assert codes(analyst.get(LINES, {"q": "7 steel"})) == ["72", "73"]


def test_the_importer_filter_keeps_only_that_importers_lines(analyst, cast):
    response = analyst.get(LINES, {"importer": "jpn"})

    assert [row[:2] for row in result_rows(response)] == [["JPN", "1006"]]
    assert '<option value="JPN" selected>' in response.content.decode()


def test_the_importer_choices_are_the_countries_that_have_lines(analyst, cast):
    page = analyst.get(LINES).content.decode()
    select = page.split('name="importer"')[1].split("</select>")[0]

    assert re.findall(r'<option value="([A-Z]{3})"', select) == ["JPN", "USA"]


def test_japanese_cars_pay_27_5_percent_with_section_232_on_1_may_2025(analyst, cast):
    response = analyst.get(LINES, {"q": "87.03", "partner": "JPN", "date": "2025-05-01"})

    (row,) = result_rows(response)
    assert row[3:5] == ["2.5%", "27.5%"]
    assert "Section 232 autos: +25" in row[5]
    assert "for goods from Japan" in text(response)
    page = response.content.decode()
    assert 'name="date" id="id_date" value="2025-05-01"' in page
    assert 'href="/tariff-lines/USA/8703/?date=2025-05-01"' in page


def test_japanese_cars_pay_15_percent_after_the_deal(analyst, cast):
    response = analyst.get(LINES, {"q": "8703", "partner": "jpn", "date": "2025-09-20"})

    (row,) = result_rows(response)
    assert row[3:5] == ["2.5%", "15%"]
    assert "Japanese autos and parts, 15% all-in" in row[5]
    assert "Section 232" not in row[5]


def test_without_a_partner_only_measures_on_every_partner_count(analyst, cast):
    response = analyst.get(LINES, {"q": "8703", "date": "2025-09-20"})

    (row,) = result_rows(response)
    assert row[4] == "27.5%"
    assert "Japanese autos" not in row[5]
    assert "any partner : only measures that apply to every partner count" in text(response)


def test_a_specific_duty_has_no_percentage_rate(analyst, cast):
    (row,) = result_rows(analyst.get(LINES, {"q": "rice"}))

    assert row[3:5] == ["specific duty", "specific duty"]


def test_a_malformed_date_falls_back_to_today_with_a_notice(analyst, cast):
    response = analyst.get(LINES, {"q": "8703", "date": "2025-13-40"})

    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert ignored(response, "As of", "2025-13-40")
    assert f"Showing rates as of today, {today}." in notice(response)
    assert 'name="date" id="id_date" value=""' in response.content.decode()


def test_an_unknown_partner_and_importer_are_ignored_with_a_notice(analyst, cast):
    response = analyst.get(LINES, {"partner": "XXX", "importer": "ZZZ"})

    assert response.status_code == 200
    assert ignored(response, "Partner", "XXX")
    assert ignored(response, "Importer", "ZZZ")
    assert len(result_rows(response)) == 6  # every line of the cast


def test_the_full_page_has_a_search_form_that_works_without_javascript(analyst):
    response = analyst.get(LINES)
    page = response.content.decode()
    form = page.split("<main")[1].split("<form")[1].split(">")[0]  # not the header's search

    assert "<html" in page
    assert 'method="get"' in form
    assert 'action="/tariff-lines/"' in form
    assert 'hx-get="/tariff-lines/"' in form
    assert 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    assert 'autocomplete="off"' in form  # the controls show the URL's values, not the last typed
    search_box = page.split('<input type="search" name="q" id="id_q"')[1].split(">")[0]
    # Typing replaces the URL; choosing or submitting pushes a new entry.
    assert 'hx-trigger="input changed delay:300ms"' in search_box
    assert 'hx-replace-url="true"' in search_box and 'hx-push-url="false"' in search_box
    assert "change from:#id_partner" in form
    for control in ('name="q"', 'name="importer"', 'name="partner"', 'name="date"'):
        assert control in page
    assert "HX-Request" in response["Vary"]


def test_an_htmx_request_gets_only_the_results_region(analyst, cast):
    response = analyst.get(LINES, {"q": "87.03", "partner": "JPN"}, **HTMX)
    fragment = response.content.decode().strip()

    assert response.status_code == 200
    assert "<html" not in fragment
    assert "<form" not in fragment
    assert fragment.startswith('<section id="results"')
    assert [row[1] for row in result_rows(response)] == ["8703"]
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_full_page(analyst):
    response = analyst.get(LINES, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_an_htmx_request_with_a_bad_date_shows_the_notice_in_the_fragment(analyst):
    response = analyst.get(LINES, {"date": "2025-02-30"}, **HTMX)

    assert "<html" not in response.content.decode()
    assert ignored(response, "As of", "2025-02-30")


def test_an_hs_prefix_finds_the_codes_under_it_but_not_its_neighbours(analyst):
    for code in ("8703", "870323", "8708"):
        TariffLineFactory(hs_code=code)

    for query in ("87.03", "8703", " 87.03 "):
        assert codes(analyst.get(LINES, {"q": query})) == ["8703", "870323"], query


def test_a_longer_hs_code_also_finds_the_heading_that_covers_it(analyst):
    TariffLineFactory(hs_code="72", description="Iron and steel")
    TariffLineFactory(hs_code="7308", description="Structures of iron or steel")

    assert codes(analyst.get(LINES, {"q": "7208.10"})) == ["72"]


def test_results_come_fifty_a_page_with_the_filters_kept_in_the_page_links(analyst):
    many_lines(60)
    filters = {"q": "machine", "partner": "JPN", "date": "2025-06-01"}

    first = analyst.get(LINES, filters)
    second = analyst.get(LINES, {**filters, "page": "2"})

    assert len(result_rows(first)) == 50
    assert "60 lines." in text(first)
    assert "Page 1 of 2" in text(first)
    next_page = "/tariff-lines/?q=machine&amp;partner=JPN&amp;date=2025-06-01&amp;page=2"
    assert f'href="{next_page}"' in first.content.decode()
    assert f'hx-get="{next_page}"' in first.content.decode()
    assert len(result_rows(second)) == 10
    assert result_rows(second)[0][1] == "840050"
    assert result_rows(second)[0][4] == "15%"


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(analyst):
    many_lines(60)

    response = analyst.get(LINES, {"page": "7"})

    assert response.status_code == 200
    assert len(result_rows(response)) == 10
    assert "Page 7 does not exist; showing the last page, 2." in notice(response)


def test_a_malformed_page_shows_the_first_page_with_a_notice(analyst):
    many_lines(60)

    response = analyst.get(LINES, {"page": "abc"})

    assert response.status_code == 200
    assert len(result_rows(response)) == 50
    assert ignored(response, "Page", "abc")
    assert "Page 1 of 2" in text(response)


def test_nul_bytes_in_the_parameters_are_ignored_with_a_notice(analyst):
    response = analyst.get(
        LINES, {"q": "a\x00b", "importer": "U\x00A", "partner": "\x00", "date": "2025\x00"}
    )

    assert response.status_code == 200
    assert notice(response).count("was ignored") == 4


def test_a_malformed_date_is_not_carried_into_the_page_links(analyst):
    many_lines(60)

    page = analyst.get(LINES, {"date": "garbage"}).content.decode()

    assert 'href="/tariff-lines/?page=2"' in page
    assert "garbage" not in page.split('id="results"')[1].split('class="notice"')[0]


def test_a_page_of_fifty_lines_takes_a_bounded_number_of_queries(
    analyst, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page computed, not stored whole
    many_lines(60)

    with django_assert_max_num_queries(12):
        response = analyst.get(LINES, {"partner": "JPN"})
    assert len(result_rows(response)) == 50


@pytest.mark.parametrize("partner", ["", "JPN"], ids=["any partner", "a partner"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_lines(analyst, partner):
    many_lines(3)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            analyst.get(LINES, {"partner": partner})
        return len(queries)

    few = count_queries()
    for n in range(57):
        TariffLineFactory(hs_code=f"85{n:04d}")
    assert count_queries() == few


# --- The page of one line -------------------------------------------------------------------


def rate_rows(response) -> dict[str, list[str]]:
    """The applied-rate table, by partner: partner, negotiation, rate, made of, displaced."""
    rows = table_rows(response, '<section id="rates"')
    return {row[0].split(" (")[0]: row for row in rows}


def test_the_line_page_gives_the_rate_for_each_negotiation_partner_and_any_partner(analyst, cast):
    response = analyst.get("/tariff-lines/USA/8703/", {"date": "2025-09-20"})

    assert response.status_code == 200
    rows = rate_rows(response)
    assert list(rows) == ["Any partner", "European Union", "Japan", "United Kingdom"]
    assert rows["Any partner"][2] == "27.5%"
    _, negotiation, rate, made_of, displaced = rows["Japan"]
    assert negotiation == "Japan–U.S. tariff talks 2025"
    assert rate == "15%"
    assert "Japanese autos and parts, 15% all-in" in made_of
    assert "Section 232 autos" in displaced
    assert rows["United Kingdom"][2] == "10%"
    assert rows["European Union"][2] == "15%"


def test_the_line_page_accepts_dots_and_a_lowercase_importer(analyst, cast):
    response = analyst.get("/tariff-lines/usa/87.03/", {"date": "2025-05-01"})

    assert response.status_code == 200
    assert "USA 8703: Passenger motor vehicles (cars)" in text(response)
    assert rate_rows(response)["Japan"][2] == "27.5%"
    assert "Section 232 autos: +25" in rate_rows(response)["Japan"][3]


def test_the_line_page_lists_the_measures_that_cover_the_line(analyst, cast):
    response = analyst.get("/tariff-lines/USA/8703/")

    rows = {row[0]: row for row in table_rows(response, "Measures that cover this line")}
    autos = rows["Section 232 autos"]
    assert autos[1:6] == ["additional", "+25%", "every partner", "2025-04-03", "—"]
    assert "Proclamation 10908" in autos[6]
    assert autos[7] == "source confirmed"
    assert rows["U.K. cars within the 100,000 quota (EO 14309)"][1:4] == [
        "total",
        "=10%",
        "GBR",
    ]
    assert rows["Reciprocal rate for Japan, July 7 letter (threat) (all goods)"][4] == (
        "never (threat)"
    )
    assert "Section 232 auto parts" not in rows  # another heading
    assert 'href="https://www.govinfo.gov/content/pkg/FR-2025-04-03/html/2025-05930.htm"' in (
        response.content.decode()
    )


def test_the_line_page_links_the_issues_that_concern_the_line(analyst, cast):
    page = analyst.get("/tariff-lines/USA/8703/").content.decode()

    for slug in ("japan-us-2025", "uk-us-2025", "eu-us-2025"):
        assert f'href="/negotiations/{slug}/"' in page
    assert 'href="/negotiations/japan-us-2025/issues/autos/"' in page


def test_an_htmx_date_change_on_the_line_page_gets_only_the_rates(analyst, cast):
    response = analyst.get("/tariff-lines/USA/8703/", {"date": "2025-05-01"}, **HTMX)
    fragment = response.content.decode().strip()

    assert "<html" not in fragment
    assert fragment.startswith('<section id="rates"')
    assert "Measures that cover this line" not in fragment
    assert rate_rows(response)["Japan"][2] == "27.5%"
    assert "HX-Request" in response["Vary"]


def test_the_line_page_has_a_date_form_that_works_without_javascript(analyst, cast):
    page = analyst.get("/tariff-lines/USA/8703/").content.decode()
    form = page.split("<main")[1].split("<form")[1].split(">")[0]  # not the header's search

    assert 'method="get"' in form
    assert 'action="/tariff-lines/USA/8703/"' in form
    assert 'hx-target="#rates"' in form
    assert 'hx-push-url="true"' in form


def test_a_bad_date_on_the_line_page_falls_back_to_today_with_a_notice(analyst, cast):
    response = analyst.get("/tariff-lines/USA/8703/", {"date": "2025-13-40"})

    assert response.status_code == 200
    assert ignored(response, "As of", "2025-13-40")
    assert f"as of {timezone.localdate():%Y-%m-%d}" in text(response)


def test_an_unknown_hs_code_is_404_saying_so(analyst):
    response = analyst.get("/tariff-lines/USA/9999/")

    assert response.status_code == 404
    assert "United States has no tariff line with HS code “9999”." in text(response)


def test_a_malformed_hs_code_or_importer_is_404_not_500(analyst):
    assert analyst.get("/tariff-lines/USA/87%0003/").status_code == 404
    assert analyst.get("/tariff-lines/U%00A/8703/").status_code == 404
    assert analyst.get("/tariff-lines/USA/cars/").status_code == 404


def test_an_unknown_importer_is_404_saying_so(analyst):
    response = analyst.get("/tariff-lines/XYZ/8703/")

    assert response.status_code == 404
    assert "There is no country with the code “XYZ”." in text(response)


def test_the_line_page_queries_do_not_grow_with_the_number_of_partners(
    analyst, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page computed, not stored whole
    line = TariffLineFactory(hs_code="8703")
    TariffMeasureFactory(name="Autos", lines=[line])
    partners = ["JPN", "GBR", "EUU", "KOR", "CAN", "MEX", "VNM", "IND"]

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = analyst.get("/tariff-lines/USA/8703/")
        assert response.status_code == 200
        return len(queries)

    NegotiationFactory(party_a=country(partners[0]), party_b=country("USA"))
    one_partner = count_queries()
    for code in partners[1:]:
        NegotiationFactory(party_a=country("USA"), party_b=country(code))
    with django_assert_max_num_queries(one_partner):
        analyst.get("/tariff-lines/USA/8703/")
    assert one_partner <= 10
