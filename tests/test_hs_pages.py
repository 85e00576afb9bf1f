"""The page of an HS code, /hs/<code>/: its place in the nomenclature, the codes under it,
every importer's lines under it and the issues tied to it, and 404s in words.

The cast (tests/casts.py): U.S. lines 8703 (cars), 8708 (parts), 72, 73, 76, Japan's 1006
(rice); the Japan–U.S. issue on cars tied to heading 87.03, parts to 87.08, rice to 10.06,
the U.K.'s cars to 87.03 and the EU's cars and parts to chapter 87."""

import html
import re

import pytest

from tests.factories import TariffLineFactory, country

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def links(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def breadcrumb(response) -> list[str]:
    trail = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', response.content.decode(), re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split())
        for item in re.findall(r"<li>(.*?)</li>", trail.group(0), re.S)
    ]


def test_a_heading_shows_its_section_chapter_subheadings_lines_and_issues(analyst, cast):
    response = analyst.get("/hs/8703/")

    assert response.status_code == 200
    body = text(response)
    assert "87.03 Motor cars and other motor vehicles; principally designed" in body
    assert "Section XVII" in body
    # The breadcrumb and the facts lead up to the chapter; the subheadings lead down.
    assert {"/hs/87/", "/hs/870323/", "/hs/870380/"} <= links(response)
    assert breadcrumb(response) == ["Home", "Tariff lines", "Chapter 87", "Heading 87.03"]
    assert "/tariff-lines/USA/8703/" in links(response)
    assert "/tariff-lines/USA/8708/" not in links(response)
    # The issues tied to 87.03, and the EU's tied to chapter 87 above it.
    assert {
        "/negotiations/japan-us-2025/issues/autos/",
        "/negotiations/uk-us-2025/issues/autos/",
        "/negotiations/eu-us-2025/issues/autos/",
    } <= links(response)
    assert "/negotiations/japan-us-2025/issues/auto-parts/" not in links(response)


def test_a_chapter_lists_its_headings_and_the_issues_tied_to_codes_under_it(analyst, cast):
    response = analyst.get("/hs/87/")

    assert response.status_code == 200
    assert {"/hs/8703/", "/hs/8708/", "/tariff-lines/USA/8703/", "/tariff-lines/USA/8708/"} <= (
        links(response)
    )
    assert {
        "/negotiations/japan-us-2025/issues/autos/",
        "/negotiations/japan-us-2025/issues/auto-parts/",
        "/negotiations/eu-us-2025/issues/autos/",
    } <= links(response)
    assert "/negotiations/japan-us-2025/issues/agriculture/" not in links(response)


def test_a_subheading_shows_the_broader_line_that_covers_it_and_national_lines_under_it(
    analyst, cast
):
    TariffLineFactory(importer=country("JPN"), hs_code="870323910", description="Cars 1.5-2 l")

    response = analyst.get("/hs/870323/")

    assert response.status_code == 200
    body = text(response)
    assert "A subheading: the nomenclature goes no further." in body
    assert {"/hs/87/", "/hs/8703/"} <= links(response)
    assert breadcrumb(response)[2:] == ["Chapter 87", "Heading 87.03", "Subheading 8703.23"]
    assert {"/tariff-lines/USA/8703/", "/tariff-lines/JPN/870323910/"} <= links(response)
    # Tied to the heading above it.
    assert "/negotiations/japan-us-2025/issues/autos/" in links(response)


def test_a_dotted_code_redirects_to_the_page_of_its_digits(analyst, cast):
    response = analyst.get("/hs/87.03/", {"lines": "2"})

    assert response.status_code == 301
    assert response["Location"] == "/hs/8703/?lines=2"
    assert analyst.get("/hs/8703.23/").headers["Location"] == "/hs/870323/"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        # Chapter 77 is reserved for a future use; 98 is left to each country.
        ("7701", "The HS nomenclature (edition 2022) has no code 77.01."),
        ("98", "The HS nomenclature (edition 2022) has no code 98."),
        ("abc", "“abc” is not an HS code: write 2, 4 or 6 digits"),
        ("870", "“870” is not an HS code: write 2, 4 or 6 digits"),
        ("8703.23.10", "“87032310” is longer than the HS nomenclature goes"),
    ],
)
def test_an_unknown_or_malformed_code_is_a_404_in_words(analyst, code, words):
    response = analyst.get(f"/hs/{code}/", follow=True)

    assert response.status_code == 404
    assert words in text(response)


def test_the_lines_under_a_chapter_come_in_pages(analyst, cast):
    for n in range(60):
        TariffLineFactory(hs_code=f"8471{n:04d}", description=f"Computer {n}")

    first = analyst.get("/hs/84/")
    second = analyst.get("/hs/84/", {"lines": "2"})

    assert first.status_code == second.status_code == 200
    assert "/tariff-lines/USA/84710000/" in links(first)
    assert "/tariff-lines/USA/84710059/" not in links(first)
    assert "/hs/84/?lines=2" in links(first)
    assert "/tariff-lines/USA/84710059/" in links(second)
    assert "page 2 of 2 (60 in all)" in text(second)


def test_a_page_number_that_is_not_one_is_ignored_with_a_notice(analyst, cast):
    response = analyst.get("/hs/8703/", {"lines": "x", "issues": "9"})

    assert response.status_code == 200
    assert "Tariff lines page: “x” was ignored." in text(response)
    assert "Issues page 9 does not exist" in text(response)


# --- the tariff-line pages name the codes above a line -------------------------------------


def test_a_line_page_names_its_chapter_and_heading_with_links(analyst, cast):
    response = analyst.get("/tariff-lines/USA/8703/")

    assert response.status_code == 200
    body = text(response)
    assert "Chapter 87 Vehicles; other than railway or tramway rolling stock" in body
    assert "Heading 87.03 Motor cars and other motor vehicles;" in body
    assert {"/hs/87/", "/hs/8703/"} <= links(response)
    assert "not in the WCO's HS nomenclature" not in body


def test_a_national_line_names_its_subheading_and_says_what_is_national(analyst, cast):
    TariffLineFactory(hs_code="87032301", description="Cars, 1.5 to 2 litres")
    TariffLineFactory(hs_code="870399", description="A subheading HS 2022 does not have")

    national = analyst.get("/tariff-lines/USA/87032301/")
    unknown = analyst.get("/tariff-lines/USA/870399/")

    assert "Subheading 8703.23 Vehicles; with only spark-ignition" in text(national)
    assert {"/hs/87/", "/hs/8703/", "/hs/870323/"} <= links(national)
    assert unknown.status_code == 200
    assert (
        "8703.99 is not a code of the HS nomenclature (edition 2022): it is a national "
        "subdivision." in text(unknown)
    )


def test_a_line_of_a_national_chapter_says_so_instead_of_failing(analyst, cast):
    TariffLineFactory(hs_code="9801001010", description="U.S. goods returned")

    response = analyst.get("/tariff-lines/USA/9801001010/")

    assert response.status_code == 200
    assert (
        "9801001010 is not in the WCO's HS nomenclature (edition 2022): chapters 98 and 99 "
        "are left to each country's own use, so it is a national code." in text(response)
    )
    assert not {link for link in links(response) if link.startswith("/hs/")}


@pytest.mark.parametrize("query", ["87.03", "8703", "cars 8703"])
def test_a_search_by_hs_code_names_the_code_above_the_results(analyst, cast, query):
    response = analyst.get("/tariff-lines/", {"q": query})

    section = response.content.decode().split('<section id="results"', 1)[1]
    named = section.split('<p class="summary">')[0]
    assert "/hs/8703/" in named and "/hs/87/" in named
    assert "Heading 87.03 Motor cars and other motor vehicles" in text(response)


def test_the_search_fragment_names_the_code_too(analyst, cast):
    response = analyst.get("/tariff-lines/", {"q": "1006"}, HTTP_HX_REQUEST="true")

    assert "<html" not in response.content.decode()
    assert "Heading 10.06 Rice" in text(response)
    assert "/hs/1006/" in links(response)


def test_a_search_by_words_names_no_code(analyst, cast):
    response = analyst.get("/tariff-lines/", {"q": "cars"})

    assert 'class="hs-place"' not in response.content.decode()


def test_a_search_by_a_national_code_says_it_is_national_and_still_searches(analyst, cast):
    TariffLineFactory(hs_code="9801001010", description="U.S. goods returned")

    response = analyst.get("/tariff-lines/", {"q": "9801"})

    assert "9801 is not in the WCO's HS nomenclature (edition 2022)" in text(response)
    assert "/tariff-lines/USA/9801001010/" in links(response)
