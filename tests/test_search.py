"""The search over everything (/search/ and the header's box), on PostgreSQL against the
demo data: what an analyst types first ("Akazawa", "赤沢", "rice", "8703", "87.03",
"steel", "Lutnick") gives what they expect first, a typo and a name without its accents
still find the person, and every kind's query is served by an index."""

import html
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.urls import reverse

from negotiations import search as search_module
from negotiations.models import Issue, Negotiation
from negotiations.search import KINDS, attach_headings
from tariffs.models import TariffLine

pytestmark = pytest.mark.django_db

SEARCH = reverse("negotiations:search")
HTMX = {"HTTP_HX_REQUEST": "true"}


def plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def groups(response) -> dict[str, list[str]]:
    """Each group of results, in the page's order: its kind, and the text of each result's
    link, in order."""
    page = response.content.decode()
    found = {}
    for kind, body in re.findall(
        r'<section class="search-group" aria-labelledby="results-(\w+)">(.*?)</section>',
        page,
        re.S,
    ):
        found[kind] = [plain(link) for link in re.findall(r"<li>\s*<a [^>]*>(.*?)</a>", body, re.S)]
    return found


def search(client, query: str, **params) -> dict[str, list[str]]:
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return groups(response)


@pytest.fixture
def requires_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("full-text search and trigrams are PostgreSQL's")


pg = pytest.mark.usefixtures("requires_postgresql")


@pg
def test_a_ministers_name_finds_him_first_then_what_he_said(analyst, demo):
    found = search(analyst, "Akazawa")

    assert list(found)[:2] == ["officials", "statements"]
    assert found["officials"][0] == "Ryosei Akazawa"
    assert all("Akazawa" in statement for statement in found["statements"])


def test_a_name_in_its_own_script_finds_the_official_whatever_form_of_a_character(analyst, demo):
    """He writes 赤澤; newspapers write 赤沢: both find him."""
    for query in ("赤沢", "赤澤", "赤沢亮正"):
        found = search(analyst, query)

        assert list(found) == ["officials"], query
        assert found["officials"] == ["Ryosei Akazawa"], query


@pg
def test_a_product_finds_the_issue_first_then_statements_lines_and_codes(analyst, demo):
    found = search(analyst, "rice")

    assert list(found) == ["issues", "statements", "lines", "hs"]
    assert found["issues"][0] == "Rice and agriculture"
    assert found["lines"][0] == "JPN 1006"
    assert found["hs"][0] == "10.06"


@pg
@pytest.mark.parametrize("query", ["8703", "87.03", " 87.03 "])
def test_an_hs_code_with_or_without_dots_finds_the_line_the_code_above_and_under_and_issues(
    analyst, demo, query
):
    found = search(analyst, query)

    assert list(found)[:3] == ["lines", "hs", "issues"]
    assert found["lines"] == ["USA 8703"]
    # The code itself, then the chapter above it, then the subheadings under it.
    assert found["hs"][:3] == ["87.03", "87", "8703.10"]
    assert found["issues"] == ["Passenger cars"] * 3


def test_an_issue_tied_to_a_code_is_found_by_it_without_a_tariff_line(analyst, demo):
    """Trucks tied to heading 87.04 with no line listed: its code and the chapter find it;
    each HS code links to its page."""
    talks = Negotiation.objects.get(slug="japan-us-2025")
    Issue.objects.create(negotiation=talks, name="Pickup trucks", slug="trucks", hs_code_id="8704")

    for query in ("87.04", "870421", "87"):
        assert "Pickup trucks" in search(analyst, query).get("issues", []), query
    page = analyst.get(SEARCH, {"q": "87.04"}).content.decode()
    assert '<a href="/hs/8704/">87.04</a>' in page


@pg
def test_a_subheading_finds_the_broader_line_that_covers_it(analyst, demo):
    found = search(analyst, "8703.23")

    assert found["lines"] == ["USA 8703"]
    assert found["hs"] == ["8703.23", "87", "87.03"]


@pg
def test_steel_finds_the_issue_first_and_the_chapter_of_the_nomenclature(analyst, demo):
    found = search(analyst, "steel")

    assert list(found) == ["issues", "statements", "lines", "hs"]
    assert found["issues"] == ["Steel and aluminum", "Steel and aluminum"]
    assert found["lines"] == ["USA 72", "USA 73"]
    assert found["hs"][:2] == ["72", "73"]


@pg
@pytest.mark.parametrize("query", ["Lutnick", "lutnick", "Lutnik", "Howard Lutnick"])
def test_a_name_or_a_typo_of_it_finds_the_official(analyst, demo, query):
    found = search(analyst, query)

    assert next(iter(found)) == "officials"
    assert found["officials"][0] == "Howard Lutnick"


@pg
def test_a_name_typed_without_its_accents_finds_it(analyst, demo):
    assert search(analyst, "Sefcovic")["officials"] == ["Maroš Šefčovič"]
    assert search(analyst, "Maros")["officials"] == ["Maroš Šefčovič"]


@pg
def test_the_last_word_is_found_as_it_is_being_typed(analyst, demo):
    found = search(analyst, "alum")

    assert found["issues"][0] == "Steel and aluminum"
    assert found["lines"] == ["USA 76"]


def test_nothing_typed_shows_the_form_and_no_results(analyst, demo):
    response = analyst.get(SEARCH, {"q": ""})

    assert response.status_code == 200
    assert groups(response) == {}
    assert "Nothing found" not in response.content.decode()
    assert '<input type="search" name="q" id="id_q" value=""' in response.content.decode()


def test_nothing_found_says_so_and_what_to_try(analyst, demo):
    response = analyst.get(SEARCH, {"q": "zzzqqqxxx"})

    assert groups(response) == {}
    assert "Nothing found for “zzzqqqxxx”. Try fewer words" in plain(response.content.decode())


def test_punctuation_alone_is_answered_in_words(analyst, demo):
    response = analyst.get(SEARCH, {"q": "%%"})

    assert "“%%” has no letter or digit to search for." in plain(response.content.decode())


def test_a_pasted_paragraph_is_refused_in_words_quoting_only_its_start(analyst, demo):
    """Longer than the box takes: ignored, said so, and not repeated whole (a phone's
    page would have to scroll sideways past it)."""
    response = analyst.get(SEARCH, {"q": "x" * 300})

    text = plain(response.content.decode())
    assert f"Search: “{'x' * 40}…” was ignored." in text
    assert "at most 100 characters (it has 300)" in text
    assert "x" * 41 not in text


@pg
def test_each_group_counts_its_results_and_links_to_all_of_them(analyst, demo):
    response = analyst.get(SEARCH, {"q": "steel"})
    page = plain(response.content.decode())
    statements = re.search(r"Statements (\d+)", page)

    assert int(statements.group(1)) > 5
    assert f"All {statements.group(1)} statements" in page
    assert 'href="/search/?q=steel&amp;kind=statements"' in response.content.decode()


@pg
def test_one_kind_is_paged_through(analyst, demo):
    first = analyst.get(SEARCH, {"q": "steel", "kind": "hs"})
    second = analyst.get(SEARCH, {"q": "steel", "kind": "hs", "page": 2})

    assert list(groups(first)) == ["hs"]
    assert len(groups(first)["hs"]) == 25
    assert groups(first)["hs"][:2] == ["72", "73"]
    assert "Page 1 of" in plain(first.content.decode())
    assert 'href="/search/?q=steel&amp;kind=hs&amp;page=2"' in first.content.decode()
    assert not set(groups(first)["hs"]) & set(groups(second)["hs"])


def test_a_tariff_line_shows_its_chapter_and_heading(demo):
    line = TariffLine.objects.get(importer__code="USA", hs_code="8703")
    attach_headings([line])

    assert [code.code for code in line.headings] == ["87", "8703"]


@pg
def test_the_header_box_gets_a_few_suggestions_of_each_kind(analyst, demo):
    response = analyst.get(SEARCH, {"q": "steel"}, **HTMX)
    fragment = response.content.decode()

    assert fragment.startswith('<div id="search-suggestions"')
    assert "<html" not in fragment
    assert len(re.findall(r"<li>", fragment)) <= 3 * len(KINDS)
    assert "Steel and aluminum" in fragment
    assert 'href="/search/?q=steel"' in fragment  # every result, on the search page


def test_the_header_box_is_emptied_when_the_query_is(analyst, demo):
    response = analyst.get(SEARCH, {"q": ""}, **HTMX)

    assert response.content.decode().strip() == (
        '<div id="search-suggestions" class="search-suggestions"></div>'
    )


def test_every_page_has_the_search_box_in_its_header(analyst, demo):
    for url in ("/", "/negotiations/japan-us-2025/", "/tariff-lines/", SEARCH):
        page = analyst.get(url).content.decode()

        assert '<form class="site-search" role="search" method="get" action="/search/"' in page
        assert 'hx-get="/search/"' in page


def test_the_search_page_keeps_the_query_in_the_header_box(analyst, demo):
    page = analyst.get(SEARCH, {"q": "rice"}).content.decode()

    assert re.search(r'<input type="search" name="q" value="rice"[^>]*aria-label="Search', page)


@pg
@pytest.mark.parametrize(
    ("kind", "query", "index"),
    [
        ("negotiations", "japan", "negotiations_negotiation_fts"),
        ("issues", "steel", "negotiations_issue_fts"),
        ("statements", "steel", "negotiations_pos_statement_fts"),
        ("officials", "Lutnik", "negotiations_official_name_trgm"),
        ("lines", "steel", "tariffs_line_description_trgm"),
        ("hs", "steel", "tariffs_hscode_description_fts"),
        ("hs", "8703", "tariffs_hscode_prefix"),
    ],
)
def test_each_kind_is_found_through_its_index(demo, kind, query, index):
    """With scans forbidden the planner takes the index if it can: the query's expression
    is the one the migration indexed. (On the demo's few rows it would rightly scan.) GIN
    and trigram indexes are read by bitmap scans, which stay allowed."""
    with connection.cursor() as cursor:
        # Nor a walk of a whole b-tree (the primary key's, in the order wanted), which on
        # a few rows can cost less than the index: only an index search is left.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = KINDS[kind].find(query).explain()

    assert index in plan


@pg
def test_a_word_in_more_statements_than_are_ranked_is_counted_as_so_many_or_more(
    analyst, demo, monkeypatch
):
    """A word in most of a million statements is ranked among the first found only
    (STATEMENTS_RANKED), and the page says the count stopped there."""
    monkeypatch.setattr(search_module, "STATEMENTS_RANKED", 3)
    monkeypatch.setitem(KINDS, "statements", replace(KINDS["statements"], at_most=3))

    response = analyst.get(SEARCH, {"q": "steel"})
    page = plain(response.content.decode())

    assert "Statements 3+" in page
    assert "All 3 or more statements" in page
