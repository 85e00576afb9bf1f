"""The home page: every negotiation with its rounds, open issues and largest gap.

The cast (tests/casts.py): the Japan–U.S. talks had five rounds, the last on 2025-09-04;
after the deal on cars, steel stays open 50 points apart."""

import csv
import datetime
import io
import re

from django.urls import reverse
from django.utils import timezone

from tests.factories import StatedPositionFactory, TalkRoundFactory

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


def test_home_counts_open_one_sided_agreed_and_not_discussed_apart(analyst, cast):
    body = text(analyst.get(URL))

    # U.K.–U.S.: cars agreed; only one side spoke on the reciprocal tariff, steel and
    # agriculture, which are not open gaps.
    row = re.search(r"uk-us-2025/\">.*?</tr>", body).group(0)
    counts = re.search(r'<td class="counts">(.*?)</td>', row).group(1)
    assert re.sub(r"<[^>]+>", "", counts) == "3 one-sided, 1 agreed"
    # No open issue has a rate stated by both sides: said, not "—".
    assert "none with a rate stated by both sides" in row


def test_home_says_the_newest_statements_date_and_the_last_edits_time_apart(analyst, cast):
    newest = StatedPositionFactory(
        round=cast.japan_us.rounds[5],
        party=cast.japan,
        issue=cast.japan_us.issues["autos"],
        stated_on=datetime.date(2025, 9, 30),
    )
    last_edit = TalkRoundFactory(number=9).updated_at  # after the statement was entered

    body = text(analyst.get(URL))

    assert 'newest statement <time datetime="2025-09-30">2025-09-30</time>' in body
    # The time of the last write to a negotiation's data, as its data version dates it.
    shown = re.search(r'last edited <time datetime="([^"]+)"', body).group(1)
    assert last_edit <= datetime.datetime.fromisoformat(shown) <= timezone.now()
    assert last_edit > newest.updated_at


def test_the_negotiations_download_counts_each_status_apart(analyst, cast):
    response = analyst.get(reverse("negotiations:home_csv"), {"party": "GBR"})
    body = b"".join(response.streaming_content).decode()

    (row,) = csv.DictReader(io.StringIO(body))
    counts = ("open_issues", "one_sided_issues", "agreed_issues", "not_discussed_issues")
    assert [row[name] for name in counts] == ["0", "3", "1", "0"]
    assert (row["largest_gap_issue"], row["largest_gap_pp"]) == ("", "")
