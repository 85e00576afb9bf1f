"""A preview's cost is bounded whatever the file: rows and bytes are capped with a plain
answer, a file with too many problems is read no further, "did you mean" suggestions are
capped per file and come from an index, rows are read as a stream, abandoned uploads
expire. (Times and memory are the benchmark's: bench/hostile_files.py.)"""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from csvport.importer import plan_file
from csvport.reading import ADMIN_MAX_BYTES, stream_table
from csvport.wording import closest, suggestions
from negotiations.csv_formats import POSITIONS
from negotiations.importers import PositionImporter
from tariffs.importers import TariffMeasureImporter
from tests import csv_samples as samples
from tests.test_import_admin import text, upload

pytestmark = pytest.mark.django_db


def plan(data: bytes, **kwargs):
    return plan_file(PositionImporter, data, max_bytes=ADMIN_MAX_BYTES, **kwargs)


def test_a_file_over_the_row_limit_is_refused_in_words(demo):
    data = samples.positions_csv(samples.generated_positions(30))
    refused = plan(data, max_rows=25)
    assert [str(problem) for problem in refused.problems] == [
        "line 27: the file has more than 25 rows, the limit here: split it into smaller "
        "files, or have an operator load it with “manage.py import_csv”."
    ]
    assert not plan(data, max_rows=30).refused


def test_the_admin_takes_its_row_limit_from_the_settings(editor, demo, settings):
    settings.CSV_IMPORT_ADMIN_MAX_ROWS = 10
    page = text(upload(editor, samples.positions_csv(samples.generated_positions(11))))
    assert "the file has more than 10 rows, the limit here" in page


def test_one_cell_lines_stop_the_reading_at_the_problem_limit(demo, settings):
    # The hostile file of issue 11: millions of one-cell lines under a positions header.
    settings.CSV_IMPORT_MAX_PROBLEMS = 50
    header = ",".join(POSITIONS.names).encode()
    lines = b"\n".join(b"x" for _ in range(100_000))
    refused = plan(header + b"\n" + lines)
    assert len(refused.problems) == 50
    assert refused.more_problems
    assert str(refused.problems[0]).startswith("line 2: 1 cells where the header has 15 columns")
    # Read no further than the limit: the last problem listed is near the top of the file.
    assert refused.problems[-1].line == 51


def test_the_command_says_when_it_stopped_reading(tmp_path, demo, settings, capsys):
    from django.core.management import CommandError, call_command

    settings.CSV_IMPORT_MAX_PROBLEMS = 3
    path = tmp_path / "bad.csv"
    rows = [samples.position(statement=f"S{n}", party="JPX") for n in range(10)]
    path.write_bytes(samples.positions_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_csv", "positions", str(path), stdout=out)
    assert "… and more: the file was read no further after 3 problems" in out.getvalue()


def test_suggestions_are_capped_per_file(demo, settings):
    settings.CSV_IMPORT_MAX_SUGGESTIONS = 3
    rows = [
        samples.position(statement=f"S{n}", speaker=f"Ryosei Akazaw{chr(98 + n)}")
        for n in range(10)
    ]
    refused = plan(samples.positions_csv(rows))
    speakers = [p.message for p in refused.problems if p.column == "speaker"]
    assert len(speakers) == 10
    assert sum("did you mean" in message for message in speakers) == 3


def test_the_same_misspelling_costs_one_suggestion(demo, settings):
    settings.CSV_IMPORT_MAX_SUGGESTIONS = 1
    rows = [samples.position(statement=f"S{n}", speaker="Ryosei Akazwa") for n in range(20)]
    refused = plan(samples.positions_csv(rows))
    assert all("did you mean “Ryosei Akazawa”" in p.message for p in refused.problems)


def test_a_suggestion_compares_only_the_closest_candidates_of_the_index():
    candidates = [f"Section {n} measure on goods" for n in range(5000)] + ["Reciprocal tariff"]
    with suggestions(10):
        assert closest("Reciprocal tarif", candidates) == "Reciprocal tariff"
        assert (
            closest("Section 4999 measure on good", candidates) == "Section 4999 measure on goods"
        )


def test_measure_names_misspelled_by_the_thousand_get_capped_suggestions(db, settings):
    settings.CSV_IMPORT_MAX_SUGGESTIONS = 5
    # 2,000 measures, each displacing one that exists nowhere (the hostile file of issue
    # 11 had 8,000): every row is a problem; only the first few get a suggestion.
    rows = [
        {
            "importer": "USA",
            "name": f"Measure {n}",
            "kind": "additional",
            "rate_pct": "10",
            "covers_all_lines": "yes",
            "displaces": f"Measure {n}x",
            "confidence": "confirmed",
        }
        for n in range(2000)
    ]
    refused = plan_file(
        TariffMeasureImporter, samples.tariff_measures_csv(rows), max_bytes=ADMIN_MAX_BYTES
    )
    displaced = [p.message for p in refused.problems if p.column == "displaces"]
    assert len(displaced) == 2000
    assert sum("did you mean" in message for message in displaced) == 5


def test_rows_are_read_one_at_a_time(demo):
    data = samples.positions_csv(samples.generated_positions(3))
    table = stream_table(data, POSITIONS, max_bytes=ADMIN_MAX_BYTES)
    rows = table.rows
    assert next(rows).line == 2
    # The rest of the file is still unread: the reader stands after line 2.
    assert table.lines.number == 2
    assert [row.line for row in rows] == [3, 4]


def test_an_abandoned_upload_expires_after_the_setting(editor, demo, settings):
    settings.CSV_IMPORT_PREVIEW_MINUTES = 30
    before = timezone.now()
    upload(editor, samples.positions_csv([samples.position()]))
    kept = next(s for s in Session.objects.all() if "csv_upload" in s.get_decoded())
    expected = before + datetime.timedelta(minutes=30)
    assert expected <= kept.expire_date <= expected + datetime.timedelta(minutes=1)
