"""“manage.py import_csv”: the admin's preview on the command line, all or nothing, and
every kind of bad file refused with a plain answer and nothing written."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from negotiations.csv_formats import POSITIONS
from negotiations.models import StatedPosition
from tests.csv_samples import (
    POSITION,
    generated_positions,
    position,
    positions_csv,
    tariff_lines_csv,
    xlsx_bytes,
)
from tests.test_import_positions import table_counts

pytestmark = pytest.mark.django_db

HEADER = ",".join(POSITION).encode()
ROW = positions_csv([position()]).split(b"\r\n")[1]


def run(tmp_path, data: bytes, *args, kind="positions", name="positions.csv"):
    """Run the command on “data”; (stdout, stderr, the CommandError's message or None)."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_csv", kind, str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


BAD_FILES = {
    "empty": (b"", "the file is empty."),
    "header only": (HEADER + b"\r\n", "the file has a header but no rows: no positions to import."),
    "missing column": (
        positions_csv([position()]).replace(b",confidence", b"").replace(b",reported", b""),
        "line 1: the column “confidence” is missing.",
    ),
    "misspelled column": (
        positions_csv([position()]).replace(b"stance", b"stnace", 1),
        "line 1: “stnace” is not a column; did you mean “stance”?",
    ),
    "extra column": (
        HEADER + b",notes\r\n" + ROW + b",checked\r\n",
        "line 1: “notes” is not a column of the positions format; remove it",
    ),
    "no header": (ROW + b"\r\n" + ROW + b"\r\n", "line 1: this line should be the header"),
    "duplicate rows": (
        positions_csv([position(), position(statement="Other."), position()]),
        "line 4: the same position as line 2; remove one of the two lines.",
    ),
    "Windows-1252": (
        positions_csv([position(), position(statement="Café au lait")], encoding="cp1252"),
        "line 3, column statement: the file is not UTF-8: byte 0xE9 here is not UTF-8; it "
        "looks like Windows-1252",
    ),
    "Shift_JIS": (
        positions_csv(
            [position(speaker="", statement="赤沢大臣は見直しを求めた")], encoding="cp932"
        ),
        "line 2, column statement: the file is not UTF-8",
    ),
    "UTF-16": (
        positions_csv([position()], encoding="utf-16"),
        "the file is UTF-16 (Excel's “Unicode Text” is saved so), not UTF-8",
    ),
    "xlsx renamed .csv": (xlsx_bytes(), "this is an Excel workbook (.xlsx), not a CSV file"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97–2003 workbook"),
    "unclosed quote": (
        positions_csv([position(), position(statement="Other.")]).replace(b",Other.,", b',"Other.,')
        + ROW.replace(b"Japan asked", b"Japan said")
        + b"\r\n",
        "line 3, column statement: a quoted cell starts here and is never closed",
    ),
    "text after a closing quote": (
        HEADER + b"\r\n" + ROW.replace(b",Japan asked", b',"Japan" asked') + b"\r\n",
        "line 2, column statement: text follows the quote that closes this cell",
    ),
    "a cell too few": (
        positions_csv([position(), position(statement="Other.")]).replace(
            b",reported,\r\n", b",reported\r\n", 1
        ),
        f"line 2: {len(POSITIONS.names) - 1} cells where the header has "
        f"{len(POSITIONS.names)} columns",
    ),
    "NUL byte": (
        positions_csv([position(statement="a\0b")]),
        "line 2: the file contains a NUL byte",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_plain_answer_and_nothing_written(tmp_path, demo, case):
    data, expected = BAD_FILES[case]
    before = table_counts()
    out, _, error = run(tmp_path, data)
    assert error == f"positions.csv was refused ({_problems(out)}); nothing was written."
    assert expected in out
    assert table_counts() == before


def _problems(out: str) -> str:
    return next(line for line in out.splitlines() if "; nothing was written:" in line).split(";")[0]


def test_columns_may_come_in_any_order_and_named_in_any_case(tmp_path, demo):
    columns = ["Confidence", *reversed([c for c in POSITION if c != "confidence"])]
    header = ",".join(columns).encode()
    row = ",".join(position()[column.lower()] for column in columns).encode()
    out, _, error = run(tmp_path, header + b",,\r\n" + row + b",,\r\n", "--dry-run")
    assert error is None, out
    assert "1 position to create" in out


def test_a_file_from_excel_with_semicolons_is_read(tmp_path, demo):
    data = positions_csv([position(statement="No commas here")]).replace(b",", b";")
    out, _, error = run(tmp_path, data, "--dry-run")
    assert error is None, out
    assert "1 position to create" in out


def test_a_file_over_the_limit_is_refused_unread(tmp_path, demo, monkeypatch):
    monkeypatch.setattr("negotiations.management.commands.import_csv.COMMAND_MAX_BYTES", 1000)
    before = table_counts()
    out, _, error = run(tmp_path, positions_csv([position(statement=f"S{i}") for i in range(9)]))
    assert "the file is 0.0 MB; the limit here is 0 MB; split it into smaller files." in out
    assert error is not None
    assert table_counts() == before


def test_a_missing_file_is_an_error(tmp_path, db):
    with pytest.raises(CommandError, match=r"cannot read .*nowhere\.csv: No such file"):
        call_command("import_csv", "positions", str(tmp_path / "nowhere.csv"))


def test_a_dry_run_prints_the_preview_and_writes_nothing(tmp_path, demo):
    before = table_counts()
    out, err, error = run(tmp_path, positions_csv([position()], bom=True), "--dry-run")
    assert error is None
    assert out.splitlines() == [
        "positions.csv: 1 valid row.",
        "1 position to create, 0 to update, 0 unchanged; also 1 source to create.",
        "new source: Example News: Round 2 in Washington",
        "Dry run: nothing was written.",
    ]
    assert err == ""  # a small file needs no progress
    assert table_counts() == before


def test_the_command_applies_a_file_and_a_second_run_changes_nothing(tmp_path, demo):
    data = positions_csv([position(), position(statement="Other.", target_rate_pct="")])
    out, _, error = run(tmp_path, data)
    assert error is None
    assert out.splitlines()[-1] == (
        "Imported positions.csv: 2 positions created, 0 updated, 0 unchanged; "
        "also 1 source created."
    )
    before = table_counts()
    out, _, _ = run(tmp_path, data)
    assert (
        out.splitlines()[-1]
        == "Imported positions.csv: 0 positions created, 0 updated, 2 unchanged."
    )
    assert table_counts() == before


def test_errors_are_printed_one_a_line_with_line_and_column(tmp_path, demo):
    rows = [
        position(),
        position(statement="Two.", party="JPX"),
        position(statement="Three.", target_rate_pct="abc"),
    ]
    out, _, error = run(tmp_path, positions_csv(rows), "--dry-run")
    assert error == "positions.csv was refused (2 problems); nothing was written."
    assert out.splitlines()[-3:] == [
        "2 problems; nothing was written:",
        "line 3, column party: unknown country “JPX”: the parties to japan-us-2025 are JPN "
        "and USA.",
        "line 4, column target_rate_pct: “abc” is not a rate: write a number of percent such "
        "as 2.5.",
    ]


def test_the_command_imports_tariff_lines(tmp_path, db):
    data = tariff_lines_csv(
        [{"importer": "USA", "hs_code": "8703.23", "description": "Cars", "base_rate_pct": ""}]
    )
    out, _, error = run(tmp_path, data, kind="tariff-lines", name="lines.csv")
    assert error is None
    assert "Imported lines.csv: 1 tariff line created" in out


@pytest.mark.slow
def test_a_refused_file_exits_with_status_1(tmp_path):
    # A file refused before any query: the child process needs no test database.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_csv", "positions", str(empty)],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "the file is empty." in done.stdout
    assert "CommandError: empty.csv was refused (1 problem); nothing was written." in done.stderr


@pytest.mark.slow
def test_a_hundred_thousand_positions_import_then_reimport_as_unchanged(tmp_path, demo):
    data = positions_csv(generated_positions(100_000, new_rounds=5))
    # How fast is the benchmark's to say (`make bench`), not a timed test's.
    out, err, error = run(tmp_path, data)
    assert error is None, out[-2000:]
    assert "Imported positions.csv: 100,000 positions created, 0 updated, 0 unchanged" in out
    assert (
        StatedPosition.objects.filter(statement__startswith="Generated statement").count()
        == 100_000
    )
    # Progress on stderr: the rows read, then every 10,000 rows checked and written.
    assert "checked 50,000 of 100,000 rows" in err
    assert "written 100,000 of 100,000 rows" in err

    out, err, error = run(tmp_path, data)
    assert "0 positions created, 0 updated, 100,000 unchanged." in out


@pytest.mark.slow
def test_the_command_imports_and_updates_on_sqlite_too(tmp_path):
    # “make run” uses SQLite, where updates take Django's plain bulk_update path.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'import.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }

    def manage(*args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=Path(settings.BASE_DIR),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    manage("migrate", "--noinput")
    manage("load_demo")
    path = tmp_path / "positions.csv"
    rows = [position(round="11", round_date="2025-10-01", issue="chips"), position()]
    path.write_bytes(positions_csv(rows))
    assert manage("import_csv", "positions", str(path)) == (
        "Imported positions.csv: 2 positions created, 0 updated, 0 unchanged; "
        "also 1 round, 1 issue and 1 source created."
    )
    path.write_bytes(positions_csv([rows[0], position(stance="refuse", target_rate_pct="")]))
    assert manage("import_csv", "positions", str(path)) == (
        "Imported positions.csv: 0 positions created, 1 updated, 1 unchanged."
    )
    assert manage("import_csv", "positions", str(path)).endswith("0 updated, 2 unchanged.")
