"""The JSON API under /api/: every endpoint answers from the pages' own selections, its
OpenAPI document validates, lists come in cursor pages, an unchanged answer is a 304, and
bad parameters are answered in words.

The cast (tests/casts.py): the Japan–U.S. talks in five rounds, a 25-point gap on cars as
of round 2, the U.S. duties on cars (27.5% on 1 May 2025 with the Section 232 tariff)."""

import csv
import io
import re
from pathlib import Path

import ninja
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from negotiations.models import StatedPosition
from tests.factories import OfficialFactory, country
from tests.test_query_counts import grow

JAPAN_US = "/api/negotiations/japan-us-2025"
README = Path(__file__).resolve().parent.parent / "README.md"

# Every endpoint, with the parameters an analyst would give it.
ENDPOINTS = {
    "negotiations": "/api/negotiations?party=JPN",
    "negotiation": f"{JAPAN_US}",
    "gap": f"{JAPAN_US}/gap?round=2",
    "gap, filtered": f"{JAPAN_US}/gap?round=3&sector=automotive&open=on&sort=issue",
    "rounds": f"{JAPAN_US}/rounds",
    "milestones": f"{JAPAN_US}/milestones",
    "issues": f"{JAPAN_US}/issues?sector=automotive",
    "positions": "/api/positions?negotiation=japan-us-2025&round=2&party=USA",
    "positions by date": "/api/positions?since=2025-05-01&until=2025-05-31&confidence=reported",
    "officials": "/api/officials?country=JPN",
    "official": "/api/officials/{akazawa}",
    "countries": "/api/countries",
    "country": "/api/countries/JPN",
    "hs codes": "/api/hs-codes?under=87.03",
    "hs code": "/api/hs-codes/8703.23",
    "tariff lines": "/api/tariff-lines?q=87&importer=USA&partner=JPN&date=2025-05-01",
    "measures": "/api/measures?importer=USA&in_force_on=2025-05-01",
    "rate in force": "/api/rate?importer=USA&partner=JPN&hs_code=8703&date=2025-05-01",
}


def url_of(name, cast) -> str:
    return ENDPOINTS[name].format(akazawa=cast.akazawa.pk)


def test_the_openapi_document_validates_and_lists_every_endpoint(anonymous):
    response = anonymous.get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on an invalid OpenAPI document
    paths = set(document["paths"])
    for url in ENDPOINTS.values():
        path = url.partition("?")[0]
        path = re.sub(r"/(japan-us-2025)", "/{slug}", path)
        path = path.replace("/{akazawa}", "/{official_id}").replace("/JPN", "/{code}")
        path = path.replace("/8703.23", "/{code}")
        assert path in paths, path


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_endpoint_answers_json_to_an_anonymous_reader(anonymous, cast, name):
    response = anonymous.get(url_of(name, cast))

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"] == "no-cache"
    body = response.json()
    assert body if not isinstance(body, dict) or "results" not in body else body["results"]


def test_the_gap_as_of_round_2_has_cars_25_points_apart_and_open(anonymous, cast):
    rows = {row["issue"]: row for row in anonymous.get(f"{JAPAN_US}/gap?round=2").json()}

    autos = rows["autos"]
    assert (autos["party_a"], autos["party_a_stance"], autos["party_a_target_pct"]) == (
        "JPN",
        "eliminate",
        2.5,
    )
    assert (autos["party_b"], autos["party_b_stance"], autos["party_b_target_pct"]) == (
        "USA",
        "refuse",
        27.5,
    )
    assert (autos["gap_pp"], autos["status"], autos["as_of_round"]) == (25.0, "open", 2)
    assert autos["rate_on_round_date_min_pct"] == 27.5
    assert autos["party_a_source_url"].startswith("https://japannews.yomiuri.co.jp/")


@pytest.mark.parametrize("query", ["round=2", "round=4&sector=automotive&open=on&sort=issue"])
def test_the_gap_is_the_pages_own_rows_as_its_csv_has_them(anonymous, cast, query):
    """The page's download selects with the page's code: the API gives the same rows, in
    the same order, with the same values (the CSV's text for each)."""
    rows = anonymous.get(f"{JAPAN_US}/gap?{query}").json()
    download = anonymous.get(f"/negotiations/japan-us-2025/gap.csv?{query}")
    text = b"".join(download.streaming_content).decode()
    expected = list(csv.DictReader(io.StringIO(text)))

    assert [row["issue"] for row in rows] == [row["issue"] for row in expected]
    for row, line in zip(rows, expected, strict=True):
        assert set(row) == set(line)
        for column, cell in line.items():
            assert as_cell(row[column]) == cell, (row["issue"], column)


def as_cell(value) -> str:
    """A JSON value written as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:f}".rstrip("0").rstrip(".")
    return str(value)


def test_the_rate_in_force_on_cars_from_japan_on_1_may_2025_is_27_5(anonymous, cast):
    rate = anonymous.get(url_of("rate in force", cast)).json()

    assert (rate["importer"], rate["partner"], rate["hs_code"], rate["on"]) == (
        "USA",
        "JPN",
        "8703",
        "2025-05-01",
    )
    assert (rate["base_pct"], rate["rate_pct"]) == (2.5, 27.5)
    assert [part["points"] for part in rate["parts"]] == [2.5, 25.0]
    assert rate["parts"][1]["measure"] == "Section 232 autos"


def test_positions_carry_their_source_and_confidence(anonymous, cast):
    page = anonymous.get("/api/positions?negotiation=japan-us-2025&round=2&party=USA").json()

    refused = next(p for p in page["results"] if p["issue"] == "autos")
    assert refused["speaker"] == "Scott Bessent"
    assert refused["confidence"] == "reported"
    assert refused["source"]["publisher"] == "Investing.com (Kyodo)"
    assert {p["party"] for p in page["results"]} == {"USA"}


def test_an_unchanged_answer_is_a_304_and_an_edit_changes_the_etag(anonymous, cast):
    url = f"{JAPAN_US}/gap?round=2"
    first = anonymous.get(url)

    again = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert (again["ETag"], again["Cache-Control"]) == (first["ETag"], "no-cache")
    since = anonymous.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert anonymous.get(f"{url}&sort=issue", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200

    StatedPosition.objects.filter(issue__slug="autos", target_rate_pct=27.5).update(
        target_rate_pct=30
    )
    changed = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    autos = next(row for row in changed.json() if row["issue"] == "autos")
    assert autos["gap_pp"] == 27.5


def test_an_edit_made_around_the_app_changes_the_etag_of_reference_data(anonymous, cast):
    """The ETag follows the database's own versions: an official renamed by raw SQL (no
    admin, no change set) is a new answer, not a 304."""
    url = "/api/officials?country=JPN"
    first = anonymous.get(url)
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE negotiations_official SET title = 'Minister' WHERE name = 'Ryosei Akazawa'"
        )
    changed = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Minister" in {official["title"] for official in changed.json()["results"]}


def test_the_hs_nomenclature_names_a_code_typed_with_dots_and_lists_the_codes_under_it(
    anonymous,
):
    heading = anonymous.get("/api/hs-codes/87.03").json()
    assert (heading["code"], heading["dotted"], heading["level"], heading["parent"]) == (
        "8703",
        "87.03",
        "heading",
        "87",
    )
    assert heading["description"].startswith("Motor cars and other motor vehicles")
    assert heading["section"] == "XVII"

    under = anonymous.get("/api/hs-codes?under=8703").json()["results"]
    assert [code["code"] for code in under][:3] == ["870310", "870321", "870322"]
    assert {code["parent"] for code in under} == {"8703"}
    assert len(under) == 14

    chapters = anonymous.get("/api/hs-codes?page_size=2").json()
    assert [code["code"] for code in chapters["results"]] == ["01", "0101"]


def test_a_list_is_read_page_by_page_by_cursor_in_a_stable_order(anonymous, cast):
    every = list(
        StatedPosition.objects.filter(round__negotiation__slug="japan-us-2025")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    url, seen, pages = "/api/positions?negotiation=japan-us-2025&page_size=4", [], []
    while url:
        page = anonymous.get(url).json()
        pages.append(page)
        seen += [position["id"] for position in page["results"]]
        url = page["next"]

    assert seen == every
    assert len(pages) == -(-len(every) // 4)
    assert pages[0]["previous"] is None
    back = anonymous.get(pages[2]["previous"]).json()
    assert [p["id"] for p in back["results"]] == [p["id"] for p in pages[1]["results"]]


def test_a_page_of_names_with_equal_first_keys_misses_none(anonymous, cast):
    """Officials by name: the cursor holds the last name and how many of that name were
    read, so two officials of one name on either side of a page break are both listed."""
    for code in ("JPN", "USA", "GBR"):
        OfficialFactory(name="Same Name", country=country(code))
    names, url = [], "/api/officials?page_size=2"
    while url:
        page = anonymous.get(url).json()
        names += [official["name"] for official in page["results"]]
        url = page["next"]

    assert names.count("Same Name") == 3
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        (f"{JAPAN_US}/gap?round=abc", 400, "As of round “abc”: Select a valid choice"),
        (f"{JAPAN_US}/gap?sector=nothing", 400, "Sector “nothing”"),
        ("/api/negotiations?status=finished", 400, "Status “finished”"),
        ("/api/tariff-lines?date=2025-13-40", 400, "As of “2025-13-40”: Enter a valid date"),
        ("/api/positions?since=2025-13-01", 422, "since: Input should be a valid date"),
        ("/api/positions?round=2", 400, "Give `negotiation` too"),
        ("/api/positions?cursor=not-a-cursor", 422, "cursor: not a cursor this API gave out"),
        ("/api/positions?page_size=0", 400, "Enter 1 to 500"),
        ("/api/rate?importer=USA&partner=JPN", 422, "hs_code: Field required"),
        ("/api/negotiations/no-such-talks/gap", 404, "There is no negotiation “no-such-talks”."),
        ("/api/rate?importer=USA&partner=JPN&hs_code=9999", 404, "has no tariff line"),
        ("/api/countries/XYZ", 404, "There is no country with the code “XYZ”."),
        ("/api/officials/999999", 404, "There is no official number 999999."),
        ("/api/hs-codes/77.01", 404, "The HS nomenclature (edition 2022) has no code 77.01."),
        ("/api/hs-codes/87032310", 404, "longer codes are each importer's own tariff lines"),
        ("/api/hs-codes?under=steel", 400, "under “steel”: “steel” is not an HS code"),
        ("/api/nothing-here", 404, "There is no endpoint at /api/nothing-here"),
        ("/api/negotiations/japan-us-2025/issues?sector=%00", 400, "NUL character"),
        ("/api/negotiations/%00/gap", 400, "NUL character"),
        ("/api/officials?cursor=cD0lMDA%3D", 400, "cursor “cD0lMDA=”: Not a cursor"),
    ],
)
def test_a_bad_parameter_is_answered_in_words_as_json(anonymous, cast, url, status, words):
    response = anonymous.get(url)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["message"]


def test_anonymous_reads_are_rate_limited_by_the_setting(anonymous, cast, settings):
    settings.API_RATE_LIMIT = "3/min"

    answers = [anonymous.get("/api/countries/JPN") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].json()["message"] == "Too many requests."
    assert 0 < int(answers[3]["Retry-After"]) <= 60
    settings.API_RATE_LIMIT = ""
    assert anonymous.get("/api/countries/JPN").status_code == 200


def test_the_docs_page_uses_the_packages_files_and_no_inline_script(anonymous):
    response = anonymous.get("/api/docs")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert 'href="/static/ninja/swagger-ui.css"' in page
    assert "cdn" not in page.lower() and "//" not in re.sub(r'"/static/[^"]*"', "", page)
    # Every script is a file of ours or data (JSON), which a strict CSP allows.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    # From the installed package, collected with the site's own static files.
    assert finders.find("ninja/swagger-ui-bundle.js").startswith(ninja.__path__[0])


def test_the_readme_pandas_example_reads_a_url_that_answers_the_gap(anonymous, cast):
    example = README.read_text().split("## API", 1)[1]
    url = re.search(r'read_json\(\s*"http://127\.0\.0\.1:8000(/api/[^"]+)"', example).group(1)

    rows = anonymous.get(url).json()

    autos = next(row for row in rows if row["issue"] == "autos")
    assert (autos["as_of_round"], autos["gap_pp"], autos["status"]) == (2, 25.0, "open")


# Endpoints with the SQL queries they make, the data-version read for the ETag included:
# what the answer costs the database whatever its size. The rate limiter counts each
# client's requests in the cache on top: on the database cache (the default) that is
# LIMITER_QUERIES more, a read and a write of the client's count; on Redis none.
QUERIES = {
    "negotiations": 4,
    "negotiation": 3,
    "gap": 10,
    "gap, filtered": 10,
    "rounds": 5,
    "milestones": 3,
    "issues": 5,
    "positions": 4,
    "positions by date": 2,
    "officials": 3,
    "official": 2,
    "countries": 2,
    "country": 2,
    "tariff lines": 6,
    "measures": 4,
    "rate in force": 6,
    "hs codes": 3,
    "hs code": 2,
}
LIMITER_QUERIES = 6


def queries(client, url) -> int:
    client.get(url)  # the first call fills the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def every_count(client, cast) -> dict[str, int]:
    return {name: queries(client, url_of(name, cast)) for name in ENDPOINTS}


def test_each_endpoint_makes_the_same_queries_with_many_times_the_data(anonymous, cast, settings):
    """One test for all of them: growing the data takes seconds."""
    settings.API_RATE_LIMIT = ""
    before = every_count(anonymous, cast)
    grow(cast)
    after = every_count(anonymous, cast)

    assert before == QUERIES
    assert after == QUERIES
    assert max(QUERIES.values()) <= 12


def test_the_rate_limiter_adds_the_same_few_queries_to_every_endpoint(anonymous, cast, settings):
    settings.API_RATE_LIMIT = ""
    unlimited = {name: queries(anonymous, url_of(name, cast)) for name in ("gap", "country")}
    settings.API_RATE_LIMIT = "1000/min"
    limited = {name: queries(anonymous, url_of(name, cast)) for name in ("gap", "country")}

    assert {name: limited[name] - unlimited[name] for name in limited} == {
        "gap": LIMITER_QUERIES,
        "country": LIMITER_QUERIES,
    }
