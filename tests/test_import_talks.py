"""The imports of negotiations, officials, sources, rounds, milestones and issues: one
model row per file row, found by natural key, with the relations a row lists."""

import datetime

import pytest

from csvport.importer import plan_file
from csvport.plans import CREATED, UNCHANGED, UPDATED
from csvport.reading import ADMIN_MAX_BYTES
from negotiations.importers import (
    IssueImporter,
    MilestoneImporter,
    NegotiationImporter,
    OfficialImporter,
    RoundImporter,
    SourceImporter,
)
from negotiations.models import Issue, Milestone, Negotiation, Official, TalkRound
from tests.csv_samples import csv_bytes
from tests.factories import (
    NegotiationFactory,
    OfficialFactory,
    SourceFactory,
    TariffLineFactory,
    country,
)

pytestmark = pytest.mark.django_db


def plan(importer, rows: list[dict]):
    return plan_file(importer, csv_bytes(importer.format.required, rows), max_bytes=ADMIN_MAX_BYTES)


def problems(importer, rows) -> list[str]:
    return [str(problem) for problem in plan(importer, rows).problems]


@pytest.fixture
def talks():
    return NegotiationFactory(slug="japan-us", party_a=country("JPN"), party_b=country("USA"))


# Round 2 of the talks above, as a rounds file writes it.
ROUND_2 = {
    "negotiation": "japan-us",
    "round": "2",
    "start_date": "2025-05-01",
    "location": "Washington, D.C.",
    "participants": "Ryosei Akazawa | Scott Bessent",
    "confidence": "confirmed",
}


class TestRounds:
    @pytest.fixture(autouse=True)
    def cast(self, talks):
        OfficialFactory(name="Ryosei Akazawa", country=country("JPN"))
        OfficialFactory(name="Scott Bessent", country=country("USA"))

    def test_a_round_is_created_with_its_participants_and_a_second_import_changes_nothing(self):
        plan(RoundImporter, [ROUND_2]).apply()

        talk_round = TalkRound.objects.get(negotiation__slug="japan-us", number=2)
        assert talk_round.start_date == datetime.date(2025, 5, 1)
        assert sorted(talk_round.participants.values_list("name", flat=True)) == [
            "Ryosei Akazawa",
            "Scott Bessent",
        ]
        assert plan(RoundImporter, [ROUND_2]).counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 1}

    def test_the_participants_a_row_lists_replace_the_rounds_and_the_preview_says_so(self):
        plan(RoundImporter, [ROUND_2]).apply()

        # Names match whatever their case and spacing, as a positions file's speakers do.
        changed = plan(RoundImporter, [{**ROUND_2, "participants": "ryosei  AKAZAWA"}])
        assert [(row.outcome, row.changed) for row in changed.rows] == [
            (UPDATED, ("participants",))
        ]
        changed.apply()
        talk_round = TalkRound.objects.get(negotiation__slug="japan-us", number=2)
        assert list(talk_round.participants.values_list("name", flat=True)) == ["Ryosei Akazawa"]

    @pytest.mark.parametrize(
        ("cells", "expected"),
        [
            (
                {"negotiation": "japan-us-2024"},
                "line 2, column negotiation: there is no negotiation “japan-us-2024” (add it "
                "in the admin, or import the negotiations first); did you mean “japan-us”?",
            ),
            (
                {"participants": "Ryosei Akazwa"},
                "line 2, column participants: there is no official “Ryosei Akazwa” (add it in "
                "the admin, or import the officials first); did you mean “Ryosei Akazawa”?",
            ),
            (
                {"end_date": "2025-04-30"},
                "line 2, column end_date: The round cannot end before it starts; check the "
                "two dates.",
            ),
            ({"start_date": ""}, "line 2, column start_date: start_date is empty"),
            (
                {"source_url": "https://news.example.org/unknown"},
                "line 2, column source_url: there is no source “https://news.example.org/unknown”",
            ),
        ],
    )
    def test_a_bad_round_is_named_by_line_and_column(self, cells, expected):
        found = problems(RoundImporter, [{**ROUND_2, **cells}])

        assert any(problem.startswith(expected) for problem in found), found
        assert not TalkRound.objects.exists()

    def test_a_round_cites_a_source_by_its_url(self):
        source = SourceFactory(url="https://news.example.org/round-2")

        plan(RoundImporter, [{**ROUND_2, "source_url": source.url}]).apply()

        assert TalkRound.objects.get(number=2).source == source


def test_negotiations_are_checked_by_the_models_own_rules():
    row = {
        "negotiation": "uk-us",
        "title": "U.K.–U.S. talks",
        "party_a": "GBR",
        "party_b": "USA",
        "status": "ongoing",
        "started_on": "2025-05-08",
    }
    rows = [
        {**row, "party_b": "gbr"},
        {**row, "negotiation": "uk-us-2", "concluded_on": "2025-05-01"},
    ]

    assert problems(NegotiationImporter, rows) == [
        "line 2, column party_b: A negotiation needs two different parties.",
        "line 3, column concluded_on: The talks cannot conclude before they started.",
    ]
    plan(NegotiationImporter, [row]).apply()
    assert Negotiation.objects.get(slug="uk-us").party_b.code == "USA"


def test_officials_may_carry_the_provenance_the_model_does_not_keep():
    row = {"name": "Keir Starmer", "title": "Prime Minister", "country": "GBR"}
    data = csv_bytes(
        [*OfficialImporter.format.required, "source_url", "confidence"],
        [{**row, "source_url": "https://www.example.org/starmer", "confidence": "sure"}],
    )

    refused = plan_file(OfficialImporter, data, max_bytes=ADMIN_MAX_BYTES)
    assert [str(problem) for problem in refused.problems] == [
        "line 2, column confidence: “sure” is not a confidence (one of: confirmed, reported, "
        "inferred)."
    ]
    plan(OfficialImporter, [row]).apply()
    assert Official.objects.get(name="Keir Starmer").country.code == "GBR"


def test_a_native_name_comes_with_its_language():
    akazawa = {"name": "Ryosei Akazawa", "native_name": "赤澤亮正", "country": "JPN"}
    columns = [*OfficialImporter.format.required, "native_name_lang"]

    without = plan_file(OfficialImporter, csv_bytes(columns, [akazawa]), max_bytes=ADMIN_MAX_BYTES)
    japanese = {**akazawa, "native_name_lang": "ja"}
    with_it = plan_file(OfficialImporter, csv_bytes(columns, [japanese]), max_bytes=ADMIN_MAX_BYTES)
    with_it.apply()

    assert [str(problem) for problem in without.problems] == [
        "line 2, column native_name_lang: Give the language of the native name (ja for "
        "Japanese), so that it is rendered and read in that language."
    ]
    assert Official.objects.get(name="Ryosei Akazawa").native_name_lang == "ja"


def test_a_source_needs_its_url_and_publisher():
    assert problems(SourceImporter, [{"url": "", "title": "Print edition"}]) == [
        "line 2, column url: url is empty; write a full http:// or https:// URL.",
        "line 2, column publisher: publisher is empty; name who published it.",
    ]


def test_milestones_are_found_again_by_negotiation_date_and_title(talks):
    row = {
        "negotiation": "japan-us",
        "date": "2025-07-07",
        "kind": "threat",
        "title": "Letter: 25% from August 1",
        "confidence": "confirmed",
    }
    plan(MilestoneImporter, [row]).apply()

    again = plan(MilestoneImporter, [{**row, "kind": "deadline"}])
    assert [(r.outcome, r.changed) for r in again.rows] == [(UPDATED, ("kind",))]
    again.apply()
    assert Milestone.objects.get(negotiation=talks).kind == "deadline"


class TestIssues:
    def test_an_issue_is_tied_to_the_lines_of_the_importer_it_names(self, talks):
        line = TariffLineFactory(importer=country("USA"), hs_code="8703")
        row = {"negotiation": "japan-us", "issue": "autos", "name": "Passenger cars"}

        plan(IssueImporter, [{**row, "lines_importer": "usa", "lines": "87.03"}]).apply()

        assert list(Issue.objects.get(slug="autos").tariff_lines.all()) == [line]

    def test_an_issue_is_tied_to_an_hs_code_written_with_or_without_dots(self, talks):
        rows = [
            {"negotiation": "japan-us", "issue": "autos", "name": "Cars", "hs_code": "87.03"},
            {"negotiation": "japan-us", "issue": "rice", "name": "Rice", "hs_code": "1006"},
            {"negotiation": "japan-us", "issue": "parts", "name": "Parts", "hs_code": "87"},
            {"negotiation": "japan-us", "issue": "currency", "name": "Currency", "hs_code": ""},
        ]
        body = csv_bytes(IssueImporter.format.names, rows)

        plan_file(IssueImporter, body, max_bytes=ADMIN_MAX_BYTES).apply()

        assert dict(Issue.objects.values_list("slug", "hs_code")) == {
            "autos": "8703",
            "rice": "1006",
            "parts": "87",
            "currency": None,
        }

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            (
                "77.01",
                "line 3, column hs_code: the HS nomenclature (edition 2022) has no code 77.01: "
                "write a chapter, heading or subheading that exists (87, 87.03, 8703.23), or "
                "leave it empty.",
            ),
            (
                "870",
                "line 3, column hs_code: “870” is not a code of the HS nomenclature: write a "
                "chapter (87), a heading (87.03) or a subheading (8703.23), or leave it empty.",
            ),
            ("8703.23.10", "line 3, column hs_code: “8703.23.10” is not a code of the HS"),
        ],
    )
    def test_an_unknown_or_malformed_hs_code_is_refused_by_row_and_nothing_is_written(
        self, talks, code, expected
    ):
        rows = [
            {"negotiation": "japan-us", "issue": "autos", "name": "Cars", "hs_code": "8703"},
            {"negotiation": "japan-us", "issue": "rice", "name": "Rice", "hs_code": code},
        ]
        planned = plan_file(
            IssueImporter, csv_bytes(IssueImporter.format.names, rows), max_bytes=ADMIN_MAX_BYTES
        )

        found = [str(problem) for problem in planned.problems]
        assert len(found) == 1 and found[0].startswith(expected), found
        assert not Issue.objects.exists()

    @pytest.mark.parametrize(
        ("cells", "expected"),
        [
            (
                {"lines_importer": "", "lines": "8703"},
                "line 2, column lines_importer: lines_importer is empty",
            ),
            (
                {"lines_importer": "JPN", "lines": "8703"},
                "line 2, column lines: JPN has no tariff line 8703",
            ),
            ({"issue": "steel & aluminum"}, "line 2, column issue: “steel & aluminum” is not a"),
        ],
    )
    def test_a_bad_issue_is_named_by_line_and_column(self, talks, cells, expected):
        TariffLineFactory(importer=country("USA"), hs_code="8703")
        row = {"negotiation": "japan-us", "issue": "autos", "name": "Passenger cars", **cells}

        found = problems(IssueImporter, [row])

        assert any(problem.startswith(expected) for problem in found), found
