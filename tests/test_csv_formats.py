"""Each CSV format is declared once, and the README documents the declarations."""

import dataclasses
from pathlib import Path

import pytest

from csvport.importer import plan_file
from csvport.parsers import CellError, choice
from csvport.reading import ADMIN_MAX_BYTES
from negotiations.csv_formats import GAP_BY_ROUND, GAP_TABLE, POSITIONS, ROUNDS
from negotiations.importers import IMPORTERS as NEGOTIATION_IMPORTERS
from negotiations.importers import RoundImporter
from negotiations.models import TalkRound
from tariffs.importers import IMPORTERS as TARIFF_IMPORTERS
from tariffs.models import Confidence
from tests.factories import NegotiationFactory

README = Path(__file__).resolve().parent.parent / "README.md"
FORMATS = [importer.format for importer in (*TARIFF_IMPORTERS, *NEGOTIATION_IMPORTERS)]


@pytest.mark.parametrize("csv_format", FORMATS, ids=lambda f: f.name)
def test_the_readme_documents_each_import_format_as_declared(csv_format):
    assert csv_format.markdown_table() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("csv_format", [GAP_TABLE, GAP_BY_ROUND], ids=lambda f: f.name)
def test_the_readme_documents_the_gap_downloads_as_declared(csv_format):
    assert csv_format.markdown_table() in README.read_text(encoding="utf-8")
    for column in csv_format.columns:
        assert column.rule, column.name


def test_every_import_format_has_one_importer():
    importers = [*TARIFF_IMPORTERS, *NEGOTIATION_IMPORTERS]

    assert sorted(importer.format.name for importer in importers) == sorted(f.name for f in FORMATS)


@pytest.mark.parametrize("csv_format", FORMATS, ids=lambda f: f.name)
def test_every_column_says_its_rule_and_how_a_cell_is_read(csv_format):
    for column in csv_format.columns:
        assert column.rule, column.name
        # Parsed by the declaration, or looked up by the importer from the path it names.
        assert column.parse or column.field, column.name


def test_the_positions_export_reads_plain_values_in_the_declared_order():
    assert POSITIONS.fields[:3] == (
        "round__negotiation__slug",
        "round__number",
        "round__start_date",
    )
    assert len(POSITIONS.fields) == len(POSITIONS.columns)
    # An update names the column a changed field comes from.
    assert POSITIONS.attnames["source_id"] == "source_url"
    assert POSITIONS.attnames["stated_on"] == "published_on"
    assert POSITIONS.key_attnames == ("round_id", "party_id", "issue_id", "statement")


@pytest.mark.django_db
def test_a_format_grown_by_an_optional_column_still_imports_the_files_written_before_it():
    # As if `confidence` were new to the rounds format, and optional.
    columns = [
        dataclasses.replace(column, optional=True) if column.name == "confidence" else column
        for column in ROUNDS.columns
    ]

    class GrownRoundImporter(RoundImporter):
        format = dataclasses.replace(ROUNDS, columns=tuple(columns))

    NegotiationFactory(slug="older-talks")
    old_file = b"negotiation,round,start_date,end_date,location,participants,summary,outcome,"
    old_file += b"source_url\r\nolder-talks,1,2025-05-01,,Geneva,,,,\r\n"

    plan = plan_file(GrownRoundImporter, old_file, max_bytes=ADMIN_MAX_BYTES)
    plan.apply()

    # The column left out reads as empty, and an empty cell is the field's default.
    assert plan.problems == []
    talk_round = TalkRound.objects.get(negotiation__slug="older-talks", number=1)
    assert (talk_round.location, talk_round.confidence) == ("Geneva", Confidence.CONFIRMED)


@pytest.mark.django_db
def test_an_optional_column_of_a_blank_field_without_a_default_reads_as_blank():
    # As if `location` (blank, no default) were new to the rounds format, optional, and
    # one of a few choices: a parser that refuses an empty cell.
    columns = [
        dataclasses.replace(column, optional=True, parse=choice(["Geneva", "Tokyo"]))
        if column.name == "location"
        else column
        for column in ROUNDS.columns
    ]

    class GrownRoundImporter(RoundImporter):
        format = dataclasses.replace(ROUNDS, columns=tuple(columns))

    NegotiationFactory(slug="older-talks")
    old_file = b"negotiation,round,start_date,end_date,participants,summary,outcome,"
    old_file += b"source_url,confidence\r\nolder-talks,1,2025-05-01,,,,,,reported\r\n"

    plan = plan_file(GrownRoundImporter, old_file, max_bytes=ADMIN_MAX_BYTES)
    plan.apply()

    assert plan.problems == []
    assert TalkRound.objects.get(negotiation__slug="older-talks", number=1).location == ""


def test_a_choice_is_read_as_people_type_it_and_kept_as_declared():
    # A declared value with a hyphen or capitals ("all-in") must be readable, not only
    # snake_case ones: the rate_basis trial of issue 7 found "all-in" refused as "all-in".
    parse = choice(["all-in", "additional", "discuss_only", "Geneva"])

    assert parse("all-in", "basis") == "all-in"
    assert parse(" All in ", "basis") == "all-in"
    assert parse("Discuss only", "stance") == "discuss_only"
    assert parse("geneva", "location") == "Geneva"
    with pytest.raises(CellError, match="“most” is not a basis"):
        parse("most", "basis")


@pytest.mark.parametrize("csv_format", FORMATS, ids=lambda f: f.name)
def test_each_example_in_a_format_is_a_value_its_column_accepts(csv_format):
    # The examples fill the import page's template file and the README: an editor who
    # copies one must not be refused it.
    for column in csv_format.columns:
        if column.parse is not None and column.example:
            column.parse(column.example, column.name)
