"""Recent changes, their CSV and their Atom feeds: who changed what, in words."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from changes.models import ChangeSet
from changes.scope import change_set
from tests.admin_forms import posted
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = pytest.mark.django_db

CHANGES = reverse("negotiations:changes")


@pytest.fixture
def talks():
    negotiation = NegotiationFactory(slug="japan-us-2025", title="Japan–U.S. tariff talks")
    round_1 = TalkRoundFactory(negotiation=negotiation, number=1)
    autos = IssueFactory(negotiation=negotiation, slug="autos", name="Passenger cars")
    StatedPositionFactory(
        round=round_1,
        party=country("JPN"),
        issue=autos,
        target_rate_pct=Decimal("2.5"),
        statement="Japan asked for a review.",
    )
    other = NegotiationFactory(slug="uk-us-2025", title="U.K.–U.S. talks", party_a=country("GBR"))
    TalkRoundFactory(negotiation=other, number=1, location="London")
    return {"negotiation": negotiation, "round": round_1, "autos": autos, "other": other}


def edit_target(editor, round_, value: str):
    url = reverse("admin:negotiations_talkround_change", args=[round_.pk])
    data = posted(editor.get(url))
    data["positions-0-target_rate_pct"] = value
    assert editor.post(url, data).status_code == 302


def test_an_edit_in_the_admin_reads_as_a_sentence_with_who_and_a_link(editor, talks):
    edit_target(editor, talks["round"], "3")

    page = editor.get(CHANGES, {"negotiation": "japan-us-2025"}).content.decode()

    assert "Japan’s position on Passenger cars in round 1: target rate 2.5 % → 3 %" in page
    assert "editor, <time" in page
    assert 'href="/negotiations/japan-us-2025/rounds/1/"' in page


def test_the_negotiation_filter_leaves_out_other_talks(analyst, talks):
    page = analyst.get(CHANGES, {"negotiation": "uk-us-2025"}).content.decode()

    assert "Round 1 of the U.K.–U.S. talks added" in page
    assert "Japan–U.S." not in page.split("<h1>")[1].split("Download")[0].replace(
        "Japan–U.S. tariff talks</option>", ""
    )


def test_the_period_filter_and_a_bad_date_is_a_notice(analyst, talks):
    ChangeSet.objects.update(created_at="2025-01-01T12:00:00Z")

    before = analyst.get(CHANGES, {"until": "2024-12-31"}).content.decode()
    bad = analyst.get(CHANGES, {"since": "2025-13-40"})

    assert "No changes in this period." in before
    assert bad.status_code == 200
    assert "From: “2025-13-40” was ignored." in bad.content.decode()


def test_the_csv_has_one_row_per_change_and_the_command_gives_the_same_bytes(
    editor, analyst, talks, tmp_path
):
    edit_target(editor, talks["round"], "3")

    response = analyst.get(reverse("negotiations:changes_csv"), {"negotiation": "japan-us-2025"})
    body = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    call_command(
        "export_csv", "changes", "--negotiation", "japan-us-2025", "-o", str(tmp_path / "c.csv")
    )

    assert response["Content-Disposition"] == 'attachment; filename="changes-japan-us-2025.csv"'
    edit = rows[0]
    assert (edit["changed_by"], edit["kind"], edit["action"]) == (
        "editor",
        "stated position",
        "changed",
    )
    assert edit["changes"] == "target rate 2.5 % → 3 %"
    assert edit["url"] == "/negotiations/japan-us-2025/rounds/1/"
    assert {row["negotiation"] for row in rows} == {"japan-us-2025"}
    assert (tmp_path / "c.csv").read_bytes() == body


def test_a_bad_csv_parameter_is_refused_in_words(analyst, talks):
    response = analyst.get(reverse("negotiations:changes_csv"), {"since": "yesterday"})

    assert response.status_code == 400
    assert "From: “yesterday” is not valid." in response.content.decode()


def test_the_feeds_are_atom_entries_in_words(editor, analyst, talks):
    edit_target(editor, talks["round"], "3")

    everything = analyst.get(reverse("negotiations:changes_feed"))
    one = analyst.get(reverse("negotiations:negotiation_feed", args=["japan-us-2025"]))

    assert everything["Content-Type"].startswith("application/atom+xml")
    text = one.content.decode()
    assert (
        "<title>Japan’s position on Passenger cars in round 1: target rate 2.5 % → 3 %</title>"
        in text
    )
    assert "<name>editor</name>" in text
    assert "/negotiations/japan-us-2025/rounds/1/" in text
    assert "London" not in text
    assert "London" in everything.content.decode()


def test_a_feed_of_an_unknown_negotiation_is_a_404(analyst, talks):
    assert analyst.get("/negotiations/nowhere/changes.atom").status_code == 404


def test_pages_advertise_their_feeds_in_the_head(analyst, talks):
    page = analyst.get(reverse("negotiations:detail", args=["japan-us-2025"])).content.decode()
    head = page.split("</head>")[0]

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Recent changes" '
        'href="/changes.atom">' in head
    )
    assert 'href="/negotiations/japan-us-2025/changes.atom"' in head
    assert f'href="{CHANGES}"' in page


def test_an_import_is_one_entry_named_after_its_file(analyst, talks):
    with change_set(kind="import", name="round-2.csv", username="hana") as scope:
        for n in range(30):
            StatedPositionFactory(
                round=talks["round"],
                party=country("USA"),
                issue=talks["autos"],
                source=None,
                statement=f"S{n}",
            )
        scope.summary = "Imported round-2.csv: 30 positions created"

    page = analyst.get(CHANGES).content.decode()

    assert "hana imported round-2.csv: 30 changes" in page
    assert "Imported round-2.csv: 30 positions created" in page
    assert "… and 10 more changes" in page


def test_the_page_costs_a_bounded_number_of_queries(analyst, talks):
    for n in range(25):
        StatedPositionFactory(round=talks["round"], party=country("USA"), statement=f"S{n}")

    with CaptureQueriesContext(connection) as queries:
        assert analyst.get(CHANGES).status_code == 200

    assert len(queries) <= 45
