"""The pages cache their gap arithmetic under each negotiation's data version, which the
database changes on every write: an edit shows on the next request, whichever way it was
written (the admin, an import, a version restored from the history, a raw UPDATE), with
the database cache that is the default and with a cache that a rollback does not undo
(Redis, or memory as here).

The cast (tests/casts.py): after the deal the Japan–U.S. talks stay open on steel, Japan
asking 0% and the United States keeping 50%, the widest open gap of those talks."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from negotiations.models import Issue, Stance, StatedPosition
from tariffs.models import TariffMeasure
from tests import csv_samples as samples
from tests.admin_forms import posted

HOME = reverse("negotiations:home")
PAGE = reverse("negotiations:detail", args=["japan-us-2025"])
COMPARE = reverse("negotiations:compare")


@pytest.fixture(params=["database", "memory"])
def any_cache(request, settings):
    """The default database cache, whose writes a test's rollback undoes, and one whose
    writes outlive it, as Redis's would."""
    if request.param == "memory":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return request.param


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def steel_gap_on_home(client) -> str:
    row = re.search(r"japan-us-2025/\">.*?</tr>", text(client.get(HOME))).group(0)
    return re.search(r"<td>([^<]*): ([0-9.]+) pp</td>", row).groups()


def steel_row(client) -> str:
    return re.search(r'<tr id="issue-steel-aluminum">(.*?)</tr>', text(client.get(PAGE))).group(1)


def us_steel(cast) -> StatedPosition:
    """The United States' latest position on steel in the Japan–U.S. talks."""
    return (
        StatedPosition.objects.filter(
            round__negotiation=cast.japan_us.negotiation,
            issue__slug="steel-aluminum",
            party=cast.united_states,
        )
        .in_order()
        .last()
    )


def seen(client, cast) -> None:
    """Every cached view of the talks, filled: the home page, the page, the comparison."""
    assert steel_gap_on_home(client) == ("Steel and aluminum", "50")
    assert '<td class="num gap">50</td>' in steel_row(client)
    client.get(COMPARE)


def assert_shows_40(client) -> None:
    assert steel_gap_on_home(client) == ("Steel and aluminum", "40")
    assert '<td class="num gap">40</td>' in steel_row(client)
    cell = re.search(
        r'<tr id="issue-steel-aluminum">.*?data-negotiation="japan-us-2025">(.*?)</td>',
        text(re_get(client, COMPARE)),
    ).group(1)
    assert '<span class="target">40%</span>' in cell


def re_get(client, url):
    return client.get(url, {"importer": "USA"})


def test_a_raw_update_shows_on_the_next_request(analyst, cast, any_cache):
    seen(analyst, cast)

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE negotiations_statedposition SET target_rate_pct = 40 WHERE id = %s",
            [us_steel(cast).pk],
        )

    assert_shows_40(analyst)


def test_an_admin_edit_shows_on_the_next_request(analyst, editor, cast, any_cache):
    seen(analyst, cast)
    position = us_steel(cast)
    form = {
        "round": position.round_id,
        "party": position.party_id,
        "speaker": position.speaker_id or "",
        "issue": position.issue_id,
        "stance": position.stance,
        "target_rate_pct": "40",
        "statement": position.statement,
        "source": position.source_id or "",
        "stated_on": position.stated_on.isoformat(),
        "confidence": position.confidence,
    }

    response = editor.post(
        reverse("admin:negotiations_statedposition_change", args=[position.pk]), form
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert_shows_40(analyst)


def test_an_import_shows_on_the_next_request(analyst, cast, any_cache, tmp_path):
    seen(analyst, cast)
    path = tmp_path / "positions.csv"
    path.write_bytes(
        samples.positions_csv(
            [
                samples.position(
                    negotiation="japan-us-2025",
                    round="5",
                    round_date="",
                    party="USA",
                    speaker="",
                    issue="steel-aluminum",
                    stance="offer",
                    target_rate_pct="40",
                    statement="Offered to bring the steel tariff down to 40%.",
                    published_on="2025-09-05",
                )
            ]
        )
    )

    call_command("import_csv", "positions", str(path), verbosity=0)

    assert_shows_40(analyst)


def test_an_orm_update_of_an_issue_name_shows_on_the_next_request(analyst, cast, any_cache):
    seen(analyst, cast)

    Issue.objects.filter(slug="steel-aluminum", negotiation=cast.japan_us.negotiation).update(
        name="Metals"
    )

    assert steel_gap_on_home(analyst) == ("Metals", "50")


def test_a_renamed_issue_shows_in_the_search_on_the_next_request(analyst, cast, any_cache):
    search = reverse("negotiations:search")
    assert "Steel and aluminum" in text(analyst.get(search, {"q": "steel"}))

    Issue.objects.filter(slug="steel-aluminum", negotiation=cast.japan_us.negotiation).update(
        name="Steel and metals"
    )

    assert "Steel and metals" in text(analyst.get(search, {"q": "steel"}))


def test_a_deleted_position_gives_way_to_the_one_before_on_the_next_request(
    analyst, cast, any_cache
):
    latest = us_steel(cast)
    cast.japan_us.said(
        latest.round.number,
        cast.united_states,
        "steel-aluminum",
        Stance.OFFER,
        target_rate_pct=Decimal("40"),
        statement="A later offer of 40%.",
    )
    assert_shows_40(analyst)

    us_steel(cast).delete()

    assert steel_gap_on_home(analyst) == ("Steel and aluminum", "50")
    assert '<td class="num gap">50</td>' in steel_row(analyst)


def test_a_version_restored_from_the_history_shows_on_the_next_request(
    analyst, editor, cast, any_cache
):
    position = us_steel(cast)
    first = position.history.earliest("history_date")
    position.target_rate_pct = Decimal("40")
    position.save()
    assert_shows_40(analyst)
    restore = reverse(
        "admin:negotiations_statedposition_simple_history", args=[position.pk, first.history_id]
    )

    response = editor.post(restore, posted(editor.get(restore)))

    assert response.status_code == 302, response.context["errors"]
    assert steel_gap_on_home(analyst) == ("Steel and aluminum", "50")
    assert '<td class="num gap">50</td>' in steel_row(analyst)


# --- whole pages (negotiations/page_cache.py) ---------------------------------------------------
# Pages are cached whole for readers without an account, under the negotiations' data
# versions and the reference data version (countries, tariffs, officials, sources): an
# edit of what a page shows but no negotiation owns shows on the next request too.

AUTOS_LINE = reverse("negotiations:tariff_line", args=["USA", "8703"])
JAPAN_AUTOS = "Japanese autos and parts, 15% all-in (EO 14345 / Commerce notice)"


def autos_rate_today(client) -> str:
    row = re.search(r'<tr id="issue-autos">(.*?)</tr>', text(client.get(PAGE))).group(1)
    rates = re.search(r'<td class="applied">(.*?)</td>', row).group(1)
    return re.sub(r"<[^>]+>", "", rates)


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_officials_new_name_shows_on_every_page_of_theirs(analyst, cast, any_cache):
    official = reverse("negotiations:official", args=[cast.akazawa.pk])
    round_2 = reverse("negotiations:round", args=["japan-us-2025", 2])
    for url in (PAGE, round_2, official):
        assert "Ryosei Akazawa" in text(analyst.get(url))

    sql("UPDATE negotiations_official SET name = %s WHERE id = %s", ["R. Akazawa", cast.akazawa.pk])

    for url in (PAGE, round_2, official):
        page = text(analyst.get(url))
        assert "R. Akazawa" in page and "Ryosei Akazawa" not in page, url


def test_a_sources_new_title_shows_on_the_next_request(analyst, cast, any_cache):
    history = reverse("negotiations:issue_history", args=["japan-us-2025", "autos"])
    title = "Latest Japan-U.S. Tariff Talks Reveal Significant Gap"
    assert title in text(analyst.get(history))

    sql("UPDATE negotiations_source SET title = %s WHERE title = %s", ["Talks far apart", title])

    page = text(analyst.get(history))
    assert "Talks far apart" in page and title not in page


def test_a_countrys_new_name_shows_on_the_next_request(analyst, cast, any_cache):
    for url in (HOME, PAGE):
        assert "Japan" in text(analyst.get(url))

    sql("UPDATE tariffs_country SET name = %s WHERE code = %s", ["Nippon", "JPN"])

    for url in (HOME, PAGE):
        assert "Nippon" in text(analyst.get(url)), url


def test_a_measures_new_rate_shows_on_the_next_request(analyst, cast, any_cache):
    assert "15%" in autos_rate_today(analyst)

    TariffMeasure.objects.filter(name=JAPAN_AUTOS).update(rate_pct=Decimal("12"))

    assert "12%" in autos_rate_today(analyst)


def test_a_line_taken_off_a_measure_shows_on_the_next_request(analyst, cast, any_cache):
    assert JAPAN_AUTOS in text(analyst.get(AUTOS_LINE, {"partner": "JPN"}))

    cast.measures[JAPAN_AUTOS].lines.remove(cast.lines["8703"])

    assert JAPAN_AUTOS not in text(analyst.get(AUTOS_LINE, {"partner": "JPN"}))


def test_the_fragment_and_the_whole_page_are_cached_apart(analyst, cast, any_cache):
    whole = analyst.get(PAGE).content.decode()
    fragment = analyst.get(PAGE, HTTP_HX_REQUEST="true")
    again = analyst.get(PAGE).content.decode()

    assert "<html" in whole and again == whole
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().lstrip().startswith('<section id="gap-view"')
    assert "HX-Request" in fragment["Vary"]


def test_an_editor_logged_in_gets_the_page_computed(analyst, editor, cast, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for client in (analyst, editor):
        client.get(PAGE)

    with CaptureQueriesContext(connection) as anonymous:
        analyst.get(PAGE)
    with CaptureQueriesContext(connection) as logged_in:
        editor.get(PAGE)

    assert len(anonymous) == 1  # the versions; the cache is in memory
    assert len(logged_in) > 5


def test_a_new_release_does_not_serve_the_pages_of_the_last(analyst, cast, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RELEASE = "one"
    analyst.get(PAGE)
    settings.RELEASE = "two"

    with CaptureQueriesContext(connection) as computed:
        analyst.get(PAGE)

    assert len(computed) > 5


def test_an_issue_tied_to_an_hs_code_shows_on_that_codes_page_at_once(
    analyst, editor, cast, any_cache
):
    """The HS pages are cached under every negotiation's version: tying an issue in the
    admin changes its negotiation's, so the code's page is computed again."""
    page = reverse("negotiations:hs_code", args=["72"])
    issue_url = reverse("negotiations:issue_history", args=["japan-us-2025", "steel-aluminum"])
    assert issue_url not in analyst.get(page).content.decode()
    steel = cast.japan_us.issues["steel-aluminum"]
    change = reverse("admin:negotiations_issue_change", args=[steel.pk])
    form = posted(editor.get(change))

    response = editor.post(change, {**form, "hs_code": "72"})

    assert response.status_code == 302
    assert issue_url in analyst.get(page).content.decode()
    assert '<a class="hs-link" href="/hs/72/">HS 72</a>' in steel_row(analyst)
