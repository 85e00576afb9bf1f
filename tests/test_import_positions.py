"""The positions import: every rule of the fixed format, checked before anything is written,
and applied in one transaction, idempotently."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from csvport.importer import plan_file
from csvport.plans import CREATED, UNCHANGED, UPDATED, ImportRefused
from csvport.reading import ADMIN_MAX_BYTES
from csvport.writing import csv_lines
from negotiations.csv_formats import POSITIONS
from negotiations.demo.loader import CSV_FILES
from negotiations.importers import PositionImporter
from negotiations.models import Issue, Negotiation, Official, Source, StatedPosition, TalkRound
from tariffs.models import TariffLine, TariffMeasure
from tests.csv_samples import position, positions_csv
from tests.factories import StatedPositionFactory

pytestmark = pytest.mark.django_db

MODELS = (
    StatedPosition,
    TalkRound,
    Issue,
    Source,
    Official,
    Negotiation,
    TariffLine,
    TariffMeasure,
)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def plan(rows_or_bytes):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else positions_csv(rows_or_bytes)
    return plan_file(PositionImporter, data, max_bytes=ADMIN_MAX_BYTES)


def problems(rows) -> list[str]:
    return [str(problem) for problem in plan(rows).problems]


def test_a_preview_counts_what_would_change_and_writes_nothing(demo):
    before = table_counts()
    preview = plan([position(), position(statement="Another statement.", party="USA", speaker="")])
    assert not preview.refused
    assert preview.counts == {CREATED: 2, UPDATED: 0, UNCHANGED: 0}
    assert preview.summary() == "2 positions to create, 0 to update, 0 unchanged"
    assert preview.related_summary() == "also 1 source to create"
    assert table_counts() == before


def test_applying_creates_the_positions_with_their_source(demo):
    preview = plan([position()])
    preview.apply()
    created = StatedPosition.objects.get(statement=position()["statement"])
    assert created.round.number == 2
    assert created.party.code == "JPN"
    assert created.speaker.name == "Ryosei Akazawa"
    assert created.issue.slug == "autos"
    assert created.stance == "eliminate"
    assert created.target_rate_pct == Decimal("2.5")
    assert created.stated_on == datetime.date(2025, 5, 2)  # published_on
    assert created.confidence == "reported"
    assert (created.source.url, created.source.title, created.source.publisher) == (
        "https://news.example.org/round-2",
        "Round 2 in Washington",
        "Example News",
    )
    assert preview.summary() == "1 position created, 0 updated, 0 unchanged"


def test_a_missing_round_and_issue_are_created_from_the_row(demo):
    row = position(round="11", round_date="2025-10-01", issue="semiconductors", published_on="")
    plan([row]).apply()
    created = StatedPosition.objects.get(statement=row["statement"])
    assert created.round.number == 11
    assert created.round.start_date == datetime.date(2025, 10, 1)
    assert created.issue.name == "Semiconductors"
    assert created.issue.negotiation.slug == "japan-us-2025"
    # Without published_on, a position is dated by its round.
    assert created.stated_on == datetime.date(2025, 10, 1)


def test_a_new_round_may_take_its_date_from_another_row_of_the_file(demo):
    rows = [
        position(round="11", round_date="", statement="First."),
        position(round="11", round_date="2025-10-01", statement="Second."),
    ]
    preview = plan(rows)
    assert not preview.refused
    assert preview.related_summary() == "also 1 round and 1 source to create"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(demo):
    rows = [position(), position(round="12", round_date="2025-11-01", issue="chips")]
    plan(rows).apply()
    before = table_counts()
    stamps = list(StatedPosition.objects.values_list("updated_at", flat=True))
    again = plan(rows)
    assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 2}
    assert again.related_summary() == ""
    again.apply()
    assert table_counts() == before
    assert list(StatedPosition.objects.values_list("updated_at", flat=True)) == stamps


def test_the_demo_positions_file_reimports_unchanged(demo):
    before = table_counts()
    preview = plan(CSV_FILES["positions"].read_bytes())
    assert preview.problems == []
    assert preview.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 67}
    assert preview.related_summary() == ""
    preview.apply()
    assert table_counts() == before


def test_a_changed_row_is_an_update_that_names_what_changes(demo):
    plan([position()]).apply()
    changed = plan([position(stance="reduce", target_rate_pct="10", confidence="confirmed")])
    assert changed.counts == {CREATED: 0, UPDATED: 1, UNCHANGED: 0}
    assert changed.rows[0].changed == ("stance", "target_rate_pct", "confidence")
    changed.apply()
    stored = StatedPosition.objects.get(statement=position()["statement"])
    assert (stored.stance, stored.target_rate_pct, stored.confidence) == (
        "reduce",
        Decimal("10"),
        "confirmed",
    )


def test_a_source_takes_the_first_title_and_publisher_and_the_latest_date(demo):
    rows = [
        position(statement="One.", source_title="", published_on="2025-05-02"),
        position(statement="Two.", source_title="The title", published_on="2025-05-09"),
        position(statement="Three.", source_title="Another title", published_on="2025-05-04"),
    ]
    plan(rows).apply()
    source = Source.objects.get(url=position()["source_url"])
    assert (source.title, source.publisher, source.published_on) == (
        "The title",
        "Example News",
        datetime.date(2025, 5, 9),
    )
    assert StatedPosition.objects.filter(source=source).count() == 3


def test_a_later_report_updates_the_source_and_the_date_stated(demo):
    plan([position()]).apply()
    later = plan([position(published_on="2025-05-09", source_title="Round 2, updated")])
    assert later.rows[0].changed == ("published_on",)
    assert later.related_summary() == "also 1 source to update"
    later.apply()
    source = Source.objects.get(url=position()["source_url"])
    assert (source.title, source.published_on) == ("Round 2, updated", datetime.date(2025, 5, 9))
    stored = StatedPosition.objects.get(statement=position()["statement"])
    assert stored.stated_on == datetime.date(2025, 5, 9)


def test_a_source_without_url_is_found_again_by_publisher_title_and_date(demo):
    row = position(source_url="", source_title="Print edition", source_publisher="Nikkei")
    plan([row]).apply()
    again = plan([row])
    assert again.counts[UNCHANGED] == 1
    assert again.related_summary() == ""


@pytest.mark.parametrize(
    "cited",
    [
        {"source_url": "", "source_title": "Print edition", "source_publisher": "Nikkei"},
        {"source_url": "https://news.example.org/new-story", "source_publisher": "Nikkei"},
    ],
    ids=["without-url", "with-url"],
)
def test_two_imports_confirmed_at_once_create_their_new_source_once(demo, cited):
    # Both previews are made before either is confirmed: each plans to create the source.
    first = plan([position(statement="First editor's statement.", **cited)])
    second = plan([position(statement="Second editor's statement.", **cited)])

    first.apply()
    second.apply()

    sources = Source.objects.filter(url=cited["source_url"], publisher="Nikkei")
    assert sources.count() == 1
    assert StatedPosition.objects.filter(source=sources.get()).count() == 2


def test_the_database_refuses_a_second_source_without_url_alike(demo):
    fields = {"url": "", "publisher": "Nikkei", "title": "Print edition", "published_on": None}
    Source.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(**fields)


def test_cells_are_read_as_a_spreadsheet_writes_them(demo):
    row = position(
        party="jpn",
        speaker="  ryosei   AKAZAWA ",
        stance="Eliminate",
        target_rate_pct="2.50%",
        confidence="Reported",
    )
    plan([row]).apply()
    created = StatedPosition.objects.get(statement=row["statement"])
    assert created.party.code == "JPN"
    assert created.speaker.name == "Ryosei Akazawa"
    assert (created.stance, created.target_rate_pct, created.confidence) == (
        "eliminate",
        Decimal("2.5"),
        "reported",
    )


def exported_positions(positions) -> bytes:
    """The positions as the CSV download writes them."""
    return "".join(csv_lines(POSITIONS.columns, POSITIONS.values(positions), bom=True)).encode()


def test_a_neutralized_formula_is_stored_as_typed_and_round_trips_unchanged(demo):
    # What an export writes for the statement =1+1: the quote makes Excel show it as text.
    data = positions_csv([position(statement="=1+1", source_title="@home")])
    assert b",'=1+1," in data
    plan(data).apply()
    created = StatedPosition.objects.get(issue__slug="autos", statement="=1+1")
    assert created.source.title == "@home"
    # Downloaded and imported again: no second quote, no new row, nothing to update.
    exported = exported_positions(StatedPosition.objects.filter(pk=created.pk))
    assert b",'=1+1," in exported
    again = plan(exported)
    assert (again.counts, again.related_summary()) == ({CREATED: 0, UPDATED: 0, UNCHANGED: 1}, "")


def test_a_statement_that_starts_with_a_quote_keeps_it(demo):
    # An export writes the text '=1+1 as ''=1+1; one quote is dropped on reading.
    data = positions_csv([position(statement="'=1+1")])
    assert b",''=1+1," in data
    plan(data).apply()
    assert StatedPosition.objects.filter(statement="'=1+1").exists()


def test_a_download_of_every_position_imports_again_unchanged(demo):
    before = table_counts()
    again = plan(exported_positions(StatedPosition.objects.all()))
    assert again.problems == []
    assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 67}
    assert again.related_summary() == ""
    again.apply()
    assert table_counts() == before


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"negotiation": "japan-us-2024"}, "line 2, column negotiation: there is no negotiation "),
        ({"negotiation": ""}, "line 2, column negotiation: negotiation is empty"),
        ({"round": "two"}, "line 2, column round: “two” is not a round number"),
        ({"round": "0"}, "line 2, column round: “0” is not a round number"),
        (
            {"round": "11", "round_date": ""},
            "line 2, column round_date: round 11 does not exist and the row gives no round_date",
        ),
        (
            {"round_date": "2025-05-02"},
            "line 2, column round_date: round 2 of japan-us-2025 is dated 2025-05-01, "
            "not 2025-05-02",
        ),
        ({"round_date": "5/1/2025"}, "line 2, column round_date: “5/1/2025” is not a date"),
        ({"round_date": "2025-W18-4"}, "line 2, column round_date: “2025-W18-4” is not a date"),
        ({"round": "²"}, "line 2, column round: “²” is not a round number"),
        ({"party": "JPX"}, "line 2, column party: unknown country “JPX”"),
        ({"party": "CHN"}, "line 2, column party: CHN is not a party to japan-us-2025"),
        (
            {"speaker": "Ryosei Akazwa"},
            "line 2, column speaker: no official named “Ryosei Akazwa” (did you mean "
            "“Ryosei Akazawa”?): add them in the admin (Officials, country JPN) first",
        ),
        (
            {"speaker": "Scott Bessent"},
            "line 2, column speaker: Scott Bessent speaks for USA, not for JPN.",
        ),
        ({"issue": "x" * 51}, "line 2, column issue: issue slug too long: 51 characters"),
        ({"issue": "steel & aluminum"}, "line 2, column issue: “steel & aluminum” is not a slug"),
        ({"stance": "eliminte"}, "line 2, column stance: “eliminte” is not a stance; did you mean"),
        ({"target_rate_pct": "abc"}, "line 2, column target_rate_pct: “abc” is not a rate"),
        (
            {"target_rate_pct": "2,5"},
            "line 2, column target_rate_pct: “2,5” is not a rate: write a number of percent "
            "with a decimal point: 2.5",
        ),
        (
            {"target_rate_pct": "1200"},
            "line 2, column target_rate_pct: “1200” is not a rate between 0 and 1000",
        ),
        ({"target_rate_pct": "-1"}, "line 2, column target_rate_pct: “-1” is not a rate between"),
        ({"target_rate_pct": "NaN"}, "line 2, column target_rate_pct: “NaN” is not a rate"),
        ({"statement": ""}, "line 2, column statement: statement is empty"),
        (
            {"statement": "x" * 1001},
            "line 2, column statement: statement is too long: 1,001 characters, at most 1,000.",
        ),
        ({"source_url": "www.example.org"}, "line 2, column source_url: “www.example.org” is not"),
        (
            {"source_publisher": ""},
            "line 2, column source_publisher: source_publisher is empty; it is required when a "
            "source_url is given.",
        ),
        ({"published_on": "2025-13-01"}, "line 2, column published_on: “2025-13-01” is not a date"),
        ({"confidence": "sure"}, "line 2, column confidence: “sure” is not a confidence"),
    ],
)
def test_a_bad_cell_is_named_by_line_and_column_and_nothing_is_written(demo, cells, expected):
    before = table_counts()
    preview = plan([position(**cells)])
    assert preview.refused
    assert any(str(problem).startswith(expected) for problem in preview.problems), [
        str(problem) for problem in preview.problems
    ]
    with pytest.raises(ImportRefused):
        preview.apply()
    assert table_counts() == before


def test_every_problem_of_every_row_is_listed(demo):
    rows = [
        position(statement="Fine."),
        position(statement="Bad party.", party="JPX", target_rate_pct="abc"),
        position(statement="Fine too."),
        position(statement="Bad stance.", stance="maybe"),
    ]
    assert [problem.split(":")[0] for problem in problems(rows)] == [
        "line 3, column party",
        "line 3, column target_rate_pct",
        "line 5, column stance",
    ]


def test_a_duplicate_row_is_an_error_naming_both_lines(demo):
    before = table_counts()
    rows = [position(), position(statement="Other."), position()]
    assert problems(rows) == [
        "line 4: the same position as line 2; remove one of the two lines.",
    ]
    assert table_counts() == before


def test_conflicting_dates_for_a_new_round_are_an_error(demo):
    rows = [
        position(round="11", round_date="2025-10-01", statement="One."),
        position(round="11", round_date="2025-10-02", statement="Two."),
    ]
    assert problems(rows) == [
        "line 3, column round_date: round 11 is new, dated 2025-10-01 by line 2; this row "
        "says 2025-10-02.",
    ]


def test_a_new_issue_close_to_an_existing_one_is_noted_before_confirming(demo):
    preview = plan([position(issue="auto")])
    assert not preview.refused
    assert [str(note) for note in preview.notes] == [
        "line 2, column issue: japan-us-2025 has no issue “auto”: it will be created; did you "
        "mean “autos”?"
    ]


def test_nothing_is_written_when_the_database_changed_before_applying(demo):
    row = position(round="11", round_date="2025-10-01")
    preview = plan([row])
    before = table_counts()
    # Someone enters the same position (and its round) in the admin meanwhile.
    StatedPositionFactory(
        round=TalkRound.objects.create(
            negotiation=Negotiation.objects.get(slug="japan-us-2025"),
            number=11,
            start_date=datetime.date(2025, 10, 1),
        ),
        issue=Issue.objects.get(negotiation__slug="japan-us-2025", slug="autos"),
        statement=row["statement"],
    )
    after_edit = table_counts()
    with pytest.raises(ImportRefused) as refused:
        preview.apply()
    # In words, never the database's own text.
    message = str(refused.value)
    assert "nothing was written: These talks already have a round with this number" in message
    assert "import the file again" in message
    assert "duplicate key" not in message and "negotiations_talkround" not in message
    assert table_counts() == after_edit != before
