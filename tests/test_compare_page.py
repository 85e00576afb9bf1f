"""The compare page: one importer's negotiations side by side, issue by issue.

The cast (tests/casts.py): the U.S. agreed 15% on cars with Japan and the EU and 10% with
the U.K.; steel is on the Japanese and British tables only, industrial goods on the EU's."""

from decimal import Decimal

from django.urls import reverse

from negotiations.gap import GapStatus

URL = reverse("negotiations:compare")
HTMX = {"HX-Request": "true"}


def lines_by_slug(response):
    return {line.slug: line for line in response.context["issues"]}


def cell(response, slug, negotiation_slug):
    columns = [c.negotiation.slug for c in response.context["talks"]]
    return lines_by_slug(response)[slug].standings[columns.index(negotiation_slug)]


def test_the_united_states_is_the_default_importer_with_its_three_negotiations(analyst, cast):
    response = analyst.get(URL)

    assert response.status_code == 200
    assert response.context["importer"].code == "USA"
    columns = response.context["talks"]
    assert {c.negotiation.slug for c in columns} == {"japan-us-2025", "uk-us-2025", "eu-us-2025"}
    assert {c.partner.code for c in columns} == {"JPN", "GBR", "EUU"}
    html = response.content.decode()
    for slug in ("japan-us-2025", "uk-us-2025", "eu-us-2025"):
        assert f'href="{reverse("negotiations:detail", args=[slug])}"' in html
    assert '<option value="USA" selected>' in html
    assert response.context["notices"] == []


def test_autos_were_agreed_at_15_with_japan_and_the_eu_and_at_10_with_the_uk(analyst, cast):
    response = analyst.get(URL, {"importer": "USA"})

    agreed = {
        slug: cell(response, "autos", slug)
        for slug in ("japan-us-2025", "eu-us-2025", "uk-us-2025")
    }
    assert {slug: c.row.status for slug, c in agreed.items()} == dict.fromkeys(
        agreed, GapStatus.AGREED
    )
    assert {slug: c.agreed_rate for slug, c in agreed.items()} == {
        "japan-us-2025": Decimal("15"),
        "eu-us-2025": Decimal("15"),
        "uk-us-2025": Decimal("10"),
    }
    html = response.content.decode()
    row = html[html.index('id="issue-autos"') :]
    row = row[: row.index("</tr>")]
    assert row.count("agreed at 15%") == 2
    assert row.count("agreed at 10%") == 1


def test_each_cell_shows_the_partners_target_then_the_importers(analyst, cast):
    response = analyst.get(URL, {"importer": "USA"})

    steel = cell(response, "steel-aluminum", "japan-us-2025")
    # Japan asked for 0%, the United States kept 50% (tests/casts.py).
    assert steel.talks.partner.code == "JPN"
    assert steel.partner_position.target_rate_pct == Decimal("0")
    assert steel.importer_position.target_rate_pct == Decimal("50")
    assert steel.row.status == GapStatus.OPEN
    assert steel.agreed_rate is None


def test_issues_are_matched_by_slug_and_an_issue_off_the_table_shows_a_dash(analyst, cast):
    response = analyst.get(URL, {"importer": "USA"})

    lines = lines_by_slug(response)
    assert {"autos", "reciprocal", "steel-aluminum", "agriculture"} <= set(lines)
    assert lines["agriculture"].names == ["Rice and agriculture", "Beef, ethanol and agriculture"]
    assert cell(response, "steel-aluminum", "eu-us-2025") is None
    assert cell(response, "industrial-goods", "japan-us-2025") is None
    html = response.content.decode()
    row = html[html.index('id="issue-steel-aluminum"') :]
    row = row[: row.index("</tr>")]
    assert "—" in row
    assert "not on the table" in row


def test_the_issues_most_negotiations_share_come_first(analyst, cast):
    response = analyst.get(URL)

    slugs = [line.slug for line in response.context["issues"]]
    assert slugs[:2] == ["autos", "reciprocal"]


def test_another_importer_sees_its_own_negotiations_with_the_partner_as_the_other_party(
    analyst, cast
):
    response = analyst.get(URL, {"importer": "jpn"})

    assert response.context["importer"].code == "JPN"
    [column] = response.context["talks"]
    assert column.negotiation.slug == "japan-us-2025"
    assert column.partner.code == "USA"
    steel = cell(response, "steel-aluminum", "japan-us-2025")
    assert steel.importer_position.target_rate_pct == Decimal("0")  # Japan's
    assert steel.partner_position.target_rate_pct == Decimal("50")
    assert response.context["notices"] == []


def test_an_unknown_importer_falls_back_to_the_united_states_with_a_notice(analyst, cast):
    response = analyst.get(URL, {"importer": "XXX"})

    assert response.status_code == 200
    assert response.context["importer"].code == "USA"
    [notice] = response.context["notices"]
    assert "XXX" in notice
    assert "showing United States (USA) instead" in notice
    html = response.content.decode()
    assert 'class="notice"' in html
    assert "showing United States (USA) instead" in html
    assert len(response.context["talks"]) == 3


def test_the_form_works_without_javascript_and_swaps_the_comparison_with_it(analyst, cast):
    html = analyst.get(URL).content.decode()

    main = html[html.index("<main") :]  # past the header's search form
    form = main[main.index("<form") : main.index("</form>")]
    assert 'method="get"' in form
    assert f'action="{URL}"' in form
    assert f'hx-get="{URL}"' in form
    assert 'hx-target="#comparison"' in form
    assert 'hx-push-url="true"' in form
    assert '<label for="id_importer">' in form
    assert 'type="submit"' in form
    assert '<section id="comparison"' in html


def test_the_htmx_request_gets_only_the_comparison(analyst, cast):
    response = analyst.get(URL, {"importer": "USA"}, headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert html.strip().startswith('<section id="comparison"')
    assert "agreed at 15%" in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_full_page_also_varies_on_the_htmx_header(analyst, cast):
    response = analyst.get(URL)

    assert "<html" in response.content.decode()
    assert "HX-Request" in response.headers["Vary"]


def test_the_htmx_fragment_carries_the_fallback_notice(analyst, cast):
    response = analyst.get(URL, {"importer": "XXX"}, headers=HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "showing United States (USA) instead" in html
