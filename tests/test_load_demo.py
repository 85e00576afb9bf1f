"""The demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU."""

import csv
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csvport.plans import CREATED, UPDATED
from negotiations.demo import loader
from negotiations.demo.loader import MODELS, DemoDataError, count_key, load_demo
from negotiations.models import Negotiation, Official, TalkRound
from tariffs.models import Country

pytestmark = pytest.mark.django_db

SEED_ARTICLE = "https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/"
ROOT = Path(__file__).resolve().parent.parent


class _OpenedFiles:
    """Records the files opened while `paths` is a list. Audit hooks cannot be removed, so
    this one is installed once and does nothing between tests."""

    paths: list[str] | None = None

    def __call__(self, event, args):
        if event == "open" and self.paths is not None:
            self.paths.append(str(args[0]))


OPENED = _OpenedFiles()
sys.addaudithook(OPENED)


def table_counts() -> dict[str, int]:
    """Rows of every model the demo loads, and of their many-to-many tables."""
    counts = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        for field in model._meta.many_to_many:
            counts[f"{model.__name__}.{field.name}"] = field.remote_field.through.objects.count()
    return counts


def japan_us_round(number: int) -> TalkRound:
    return TalkRound.objects.get(negotiation__slug="japan-us-2025", number=number)


def test_load_demo_twice_changes_nothing():
    first = load_demo()
    rows = table_counts()
    second = load_demo()

    assert all(first[count_key(model, CREATED)] == rows[model.__name__] for model in MODELS)
    assert {key: n for key, n in second.items() if n and key.endswith((CREATED, UPDATED))} == {}
    assert table_counts() == rows


def test_an_edited_row_is_restored_and_counted_as_updated():
    load_demo()
    bessent = Official.objects.get(name="Scott Bessent")
    Official.objects.filter(pk=bessent.pk).update(title="Edited")
    japan_us_round(2).participants.remove(bessent)

    counts = load_demo()

    assert counts["officials.updated"] == 1
    assert counts["rounds.updated"] == 1
    assert Official.objects.get(pk=bessent.pk).title.startswith("Secretary of the Treasury")
    assert japan_us_round(2).participants.filter(pk=bessent.pk).exists()


def test_each_demo_file_is_a_file_editors_could_import(capsys):
    load_demo()

    # One write path: the same command, the same format, and nothing left to change.
    for kind, path in loader.CSV_FILES.items():
        capsys.readouterr()
        call_command("import_csv", kind, str(path), "--dry-run")
        preview = capsys.readouterr().out.splitlines()
        assert preview[1].startswith("0 ") and ", 0 to update, " in preview[1], preview
        assert preview[-1] == "Dry run: nothing was written.", preview
        assert not any("problem" in line for line in preview), preview


def test_the_demo_data_files_live_in_the_package():
    package = Path(loader.__file__).resolve().parent

    for path in loader.CSV_FILES.values():
        assert path.parent == package
        assert path.is_file()


def test_loading_opens_no_file_under_the_fact_sheets():
    OPENED.paths = []
    try:
        load_demo()
    finally:
        opened, OPENED.paths = OPENED.paths, None

    # Only the project's own files and Python's: never the fact sheets beside the clone.
    outside = (str(ROOT), sys.prefix, sys.base_prefix, "/dev", "/proc", "/etc", "/usr")
    assert [path for path in opened if not path.startswith(outside)] == []
    assert {str(path) for path in loader.CSV_FILES.values()} <= set(opened)


def write_positions(path: Path, **changes) -> Path:
    """A positions file of one row, the seed case, with `changes` applied."""
    with loader.CSV_FILES["positions"].open(encoding="utf-8", newline="") as file:
        seed = next(row for row in csv.DictReader(file) if row["source_url"] == SEED_ARTICLE)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(seed))
        writer.writeheader()
        writer.writerow({**seed, **changes})
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"speaker": "Scott Bessent"}, "column speaker: Scott Bessent speaks for USA, not for JPN"),
        ({"party": "EUU", "speaker": ""}, "column party: EUU is not a party to japan-us-2025"),
        ({"round": "11", "round_date": ""}, "column round_date: round 11 does not exist"),
        ({"round_date": "2025-05-02"}, "column round_date: round 2 of japan-us-2025 is dated"),
    ],
)
def test_a_bad_position_row_is_named_and_nothing_is_written(
    tmp_path, monkeypatch, changes, message
):
    bad = write_positions(tmp_path / "positions.csv", **changes)
    monkeypatch.setitem(loader.CSV_FILES, "positions", bad)

    # The demo's positions go through the importer editors use: its rules and words.
    with pytest.raises(DemoDataError, match=f"positions.csv line 2, {message}"):
        load_demo()
    assert Official.objects.count() == 0
    assert Negotiation.objects.count() == 0


def test_the_command_prints_counts_per_model_and_leaves_a_database_with_data_alone():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert "officials: 16 created, 0 updated, 0 unchanged" in first.getvalue()
    assert "stated positions: 67 created, 0 updated, 0 unchanged" in first.getvalue()
    assert second.getvalue().startswith(
        "The database already holds talks or tariff data (16 officials, 55 sources, "
    )
    assert "the demo data was not loaded and nothing changed" in second.getvalue()
    assert "manage.py load_demo --reset" in second.getvalue()


def test_an_editors_change_survives_load_demo_and_reset_puts_the_demo_back():
    call_command("load_demo", stdout=StringIO())
    bessent = Official.objects.get(name="Scott Bessent")
    Official.objects.filter(pk=bessent.pk).update(title="Edited by an editor")

    call_command("load_demo", stdout=StringIO())
    assert Official.objects.get(pk=bessent.pk).title == "Edited by an editor"

    out = StringIO()
    call_command("load_demo", "--reset", stdout=out)
    assert Official.objects.get(pk=bessent.pk).title.startswith("Secretary of the Treasury")
    assert "officials: 0 created, 1 updated, 15 unchanged" in out.getvalue()


def test_any_talks_data_counts_as_not_empty():
    Official.objects.create(name="Someone", country=Country.objects.get(code="JPN"))
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert "(1 official)" in out.getvalue()
    assert Negotiation.objects.count() == 0


def test_the_command_fails_with_a_clear_message_on_bad_data(tmp_path, monkeypatch):
    bad = write_positions(tmp_path / "positions.csv", speaker="Scott Bessent")
    monkeypatch.setitem(loader.CSV_FILES, "positions", bad)

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_demo", stdout=StringIO())
