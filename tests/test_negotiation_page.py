"""The negotiation page: gap table, chart, controls, timeline and each issue's history.

The cast (tests/casts.py) is the Japan–U.S. talks in five rounds: a 25-point gap on cars
in rounds 2 and 3, a deal at 15% in round 4, the order putting it in force in round 5."""

import re

import pytest
from django.urls import reverse

from negotiations.models import Stance
from tests.factories import (
    TradeValueFactory,
)

URL = reverse("negotiations:detail", args=["japan-us-2025"])
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def gap_row(response, slug):
    """The gap-table row of one issue, as printed."""
    match = re.search(rf'<tr id="issue-{slug}">(.*?)</tr>', text(response))
    assert match, f"no row for {slug}"
    return match.group(1)


def test_the_seed_case_as_of_round_2_autos_are_open_25_points_apart(analyst, cast):
    response = analyst.get(URL, {"round": 2})

    assert response.status_code == 200
    row = gap_row(response, "autos")
    assert "eliminate" in row and "2.5%" in row
    assert ">refuse</span>" in row and "27.5%" in row
    assert '<td class="num gap">25</td>' in row
    assert "status-open" in row
    assert "Largest gap: <strong>Passenger cars</strong>, 25 percentage points" in text(response)


def test_at_the_deal_autos_are_agreed_at_15_and_implemented_since(analyst, cast):
    at_the_deal = gap_row(analyst.get(URL, {"round": 4}), "autos")
    latest = gap_row(analyst.get(URL), "autos")

    assert "status-agreed" in at_the_deal
    assert "narrowing" in at_the_deal  # 25 points in round 3, none in round 4
    assert "unchanged" in latest
    # Today's rate on the goods, linked to the line's page that says what makes it.
    assert '<a class="rate" href="/tariff-lines/USA/8703/">15%</a>' in latest
    assert "implemented" in latest


def test_the_page_shows_the_timeline_of_rounds_and_milestones(analyst, cast):
    page = text(analyst.get(URL))
    body = page[page.index('<section class="timeline">') :]

    assert 'href="/negotiations/japan-us-2025/rounds/2/"><strong>Round 2</strong>' in body
    assert "Washington, D.C. (U.S. Treasury Department)" in body
    assert "Letter to Ishiba: 25% on all Japanese goods" in body
    # Events in date order: the July 7 threat comes between rounds 3 and 4.
    assert body.index("Round 3") < body.index("Letter to Ishiba") < body.index("Round 4")


def test_the_dumbbell_chart_draws_one_line_per_issue_with_targets(analyst, cast):
    body = text(analyst.get(URL, {"round": 2}))

    chart = body[body.index('<figure class="dumbbell">') : body.index("</figure>")]
    assert chart.count('class="bell"') == 3  # autos, steel and aluminum, reciprocal
    assert "Japan: 2.5%" in chart and "United States: 27.5%" in chart
    assert 'role="img"' in chart


def test_open_only_and_sector_filter_the_rows(analyst, cast):
    body = text(analyst.get(URL, {"round": 5, "open": "on", "sector": "automotive"}))

    assert 'id="issue-autos"' not in body  # agreed by round 5
    assert 'id="issue-steel-aluminum"' not in body  # another sector
    assert "No issue matches these controls." in body


def test_sorting_by_issue_name_orders_the_rows_alphabetically(analyst, cast):
    body = text(analyst.get(URL, {"round": 2, "sort": "issue"}))

    slugs = re.findall(r'<tr id="issue-([a-z-]+)">', body)
    assert slugs[:3] == ["auto-parts", "currency", "defense"]


def test_the_htmx_request_gets_only_the_gap_view(analyst, cast):
    response = analyst.get(URL, {"round": 2}, **HTMX)

    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="gap-view"')
    assert "<html" not in body and "Timeline" not in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"round": "abc"}, "As of round: “abc” was ignored."),
        ({"round": "99"}, "As of round: “99” was ignored."),
        ({"sort": "sideways"}, "Sort by: “sideways” was ignored."),
        ({"sector": "<script>"}, "Sector: “&lt;script&gt;” was ignored."),
    ],
)
def test_a_malformed_control_falls_back_to_its_default_visibly(analyst, cast, params, notice):
    response = analyst.get(URL, params)

    assert response.status_code == 200
    assert notice in text(response)
    assert "Where they stand as of round 5" in text(response)  # the latest


def test_an_unknown_negotiation_is_a_404_that_says_so(analyst, db):
    response = analyst.get(reverse("negotiations:detail", args=["atlantis-2025"]))

    assert response.status_code == 404
    assert "There is no negotiation “atlantis-2025”." in response.content.decode()


def test_an_issue_expands_to_its_history_in_order(analyst, cast):
    url = reverse("negotiations:issue_history", args=["japan-us-2025", "autos"])

    response = analyst.get(url, {"round": 2}, **HTMX)

    body = text(response)
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]
    assert body.count("<tr>") == 1 + 4  # header + round 1 and three round-2 statements
    assert body.index("2025-04-16") < body.index("2025-04-30") < body.index("2025-05-01")
    assert "Ryosei Akazawa" in body and "Scott Bessent" in body
    assert (
        'href="https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/"'
        in body
    )
    assert "reported" in body


def test_the_history_link_works_without_javascript_as_a_full_page(analyst, cast):
    url = reverse("negotiations:issue_history", args=["japan-us-2025", "autos"])

    response = analyst.get(url)

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Bessent" in text(response)


def test_an_unknown_issue_is_a_404_that_says_so(analyst, cast):
    url = reverse("negotiations:issue_history", args=["japan-us-2025", "bananas"])

    response = analyst.get(url)

    assert response.status_code == 404
    assert "has no issue “bananas”" in response.content.decode()


def test_the_rates_in_force_on_the_rounds_date_and_today_each_link_to_their_explanation(
    analyst, cast
):
    row = gap_row(analyst.get(URL, {"round": 2}), "autos")

    line = "/tariff-lines/USA/8703/"
    # On 2025-05-01 the Section 232 tariff made Japanese cars pay 27.5%; today, 15%.
    assert f'<a class="rate" href="{line}?date=2025-05-01">27.5%</a>' in row
    assert "on 2025-05-01</span>" in row
    assert f'<a class="rate" href="{line}">15%</a>' in row


def test_an_issue_on_all_goods_links_its_rate_to_the_measures_of_its_importer(analyst, cast):
    row = gap_row(analyst.get(URL, {"round": 2}), "reciprocal")

    assert 'href="/countries/USA/#imposed">10%</a>' in row  # the baseline, on 2025-05-01
    assert 'href="/countries/USA/#imposed">15%</a>' in row  # the deal's rate, today


def test_the_summary_counts_each_status_apart_and_names_the_widest_numbered_gap(analyst, cast):
    body = text(analyst.get(URL, {"round": 2}))

    summary = re.search(r'<p class="summary">(.*?)</p>', body).group(1)
    assert "10 issues:" in summary
    assert "open" in summary and "one-sided" in summary and "not discussed" in summary
    assert "Largest gap: <strong>Passenger cars</strong>, 25 percentage points" in summary


def test_an_issue_missing_a_trade_figure_says_so_instead_of_an_amount(analyst, cast):
    row = gap_row(analyst.get(URL, {"round": 2}), "steel-aluminum")

    assert "No figure for United States imports of 72, 73, 76 from Japan." in row


def test_the_amount_at_stake_shows_the_figures_source_and_confidence(analyst, cast):
    TradeValueFactory(
        line=cast.lines["8703"],
        partner=cast.japan,
        value_usd=40_000_000_000,
        source_publisher="Opportimes",
        published_on="2025-02-10",
    )

    row = gap_row(analyst.get(URL, {"round": 2}), "autos")

    assert '<data class="amount" value="10000000000"' in row  # 25 points of $40 bn
    assert "$10 bn</data>" in row
    assert "United States imports of 8703 from Japan, 2024" in row
    assert '>Opportimes</a>, <span class="nowrap">2025-02-10</span>' in row
    assert 'class="confidence confidence-reported"' in row


def test_the_gap_by_round_has_a_cell_per_issue_and_round_with_its_status(analyst, cast):
    body = text(analyst.get(URL, {"round": 3}))

    table = body[
        body.index('<table class="data gap-by-round') : body.index(
            "</table>", body.index("gap-by-round")
        )
    ]
    assert (
        table.count('<th scope="col" class="num"><a href="/negotiations/japan-us-2025/rounds/') == 3
    )
    autos = re.search(r"<th scope=\"row\">Passenger cars</th>(.*?)</tr>", table).group(1)
    cells = re.findall(r'<td class="num cell mark-([a-z-]+)">(.*?)</td>', autos)
    assert [status for status, _ in cells] == ["one-sided", "open", "open"]
    assert cells[1][1].startswith("25 ")


def gap_by_round_columns(body: str) -> list[str]:
    table = body[body.index('<table class="data gap-by-round') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="col" class="num"><a href="[^"]*/rounds/(\d+)/', table)


def test_the_gap_by_round_shows_eight_rounds_and_links_to_the_earlier_ones(analyst, cast):
    talks = cast.japan_us
    for number in range(6, 13):
        talks.round(number, f"2025-{number - 1:02d}-28")

    body = text(analyst.get(URL))

    assert gap_by_round_columns(body) == [str(n) for n in range(5, 13)]
    assert "Rounds 5 to 12 of 12 shown" in body
    earlier = re.search(r'<a id="rounds-earlier" href="([^"]*)"', body).group(1)
    assert "until=4" in earlier
    assert 'id="rounds-later"' not in body

    body = text(analyst.get(earlier.replace("&amp;", "&")))

    assert gap_by_round_columns(body) == ["1", "2", "3", "4"]
    later = re.search(r'<a id="rounds-later" href="([^"]*)"', body).group(1)
    assert "until" not in later  # back to the latest rounds, the default
    assert 'id="rounds-earlier"' not in body
    # The as-of round and the other controls are kept; the downloads stay whole.
    assert 'href="/negotiations/japan-us-2025/gap-by-round.csv?round=12&amp;sort=gap"' in body


def test_the_gap_by_round_window_follows_the_as_of_round_and_ignores_a_bad_until(analyst, cast):
    talks = cast.japan_us
    for number in range(6, 13):
        talks.round(number, f"2025-{number - 1:02d}-28")

    assert gap_by_round_columns(text(analyst.get(URL, {"round": 10, "until": 12}))) == [
        str(n) for n in range(3, 11)
    ]
    body = text(analyst.get(URL, {"until": "x"}))
    assert gap_by_round_columns(body) == [str(n) for n in range(5, 13)]
    assert "Gap by round up to: “x” was ignored." in body


def test_an_expanded_history_is_rendered_from_the_url_without_javascript(analyst, cast):
    body = text(analyst.get(URL, {"round": 2, "history": "autos"}))

    toggle = re.search(r'<a class="history-toggle small" id="history-toggle-autos"(.*?)</a>', body)
    assert 'aria-expanded="true"' in toggle.group(1)
    assert 'aria-controls="history-autos"' in toggle.group(1)
    assert "Hide history" in toggle.group(1)
    # A second click goes to the page without it.
    assert 'href="/negotiations/japan-us-2025/?round=2&amp;sort=gap"' in toggle.group(1)
    history = body[body.index('id="history-autos"') :]
    assert history.count("Scott Bessent") >= 1 and "2025-04-30" in history
    # The other rows are closed, and their toggles open them beside the one open.
    other = re.search(r'id="history-toggle-reciprocal"(.*?)</a>', body).group(1)
    assert 'aria-expanded="false"' in other and "aria-controls" not in other
    assert "history=autos&amp;history=reciprocal" in other
    # The controls form carries the open histories on, so a new round keeps them open.
    assert '<input type="hidden" name="history" value="autos" form="gap-controls">' in body


def test_an_unknown_history_is_ignored_with_a_notice_and_the_download_does_not_mind(analyst, cast):
    page = text(analyst.get(URL, {"round": 2, "history": "bananas"}))
    csv_response = analyst.get(
        reverse("negotiations:gap_csv", args=["japan-us-2025"]), {"round": 2, "history": "bananas"}
    )

    assert "History shown of: “bananas” was ignored." in page
    assert csv_response.status_code == 200


def test_the_gap_tables_download_links_leave_the_expanded_histories_out(analyst, cast):
    body = text(analyst.get(URL, {"round": 2, "history": "autos"}))

    assert 'href="/negotiations/japan-us-2025/gap.csv?round=2&amp;sort=gap"' in body
    assert 'href="/negotiations/japan-us-2025/gap-by-round.csv?round=2&amp;sort=gap"' in body


def test_the_issue_page_has_a_round_control_and_its_links_keep_the_round(analyst, cast):
    url = reverse("negotiations:issue_history", args=["japan-us-2025", "autos"])

    body = text(analyst.get(url, {"round": 2}))

    main = body[body.index("<main") :]  # past the header's search form
    form = main[main.index("<form") : main.index("</form>")]
    assert 'name="round"' in form and 'method="get"' in form and "<noscript>" in form
    assert '<option value="2" selected>' in form
    assert 'href="/negotiations/japan-us-2025/?round=2"' in body  # back to the gap table
    assert 'href="/negotiations/japan-us-2025/issues/autos/history.csv?round=2"' in body
    assert "up to round 2" in body


def test_the_dumbbell_marks_both_sides_at_one_rate_and_ghosts_the_round_before(analyst, cast):
    body = text(analyst.get(URL, {"round": 4}))

    chart = body[body.index('<figure class="dumbbell">') : body.index("</figure>")]
    autos = chart[chart.index(">Passenger cars<") :].split('<g class="bell">')[0]
    # Agreed at 15% in round 4: one ring, labelled, no dot of one side over the other's.
    assert '<circle class="same"' in autos and "both 15%" in autos
    assert 'class="dot-a"' not in autos and 'class="dot-b"' not in autos
    # Round 3's 2.5% and 27.5% behind it.
    assert "Japan, round 3: 2.5%" in autos and "United States, round 3: 27.5%" in autos
    assert "round 3, where it differs" in chart


def test_every_stance_reads_as_what_the_side_said_and_says_it_in_full_on_hover(analyst, cast):
    labels = {stance.value: stance.label for stance in Stance}

    # A side refusing to cut a tariff or open a market still discusses it.
    assert labels["refuse"] == "refuse"
    assert labels["discuss_only"] == "discuss only part"
    assert len(set(labels.values())) == len(Stance)
    assert all(stance.meaning for stance in Stance)
    row = gap_row(analyst.get(URL, {"round": 2}), "autos")
    assert f'title="{Stance.REFUSE.meaning}">refuse</span>' in row
