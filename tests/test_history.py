"""Every change to talk and tariff data is kept: who, when, old and new values; an import
is one change set named after its file, written in bulk; a stale CSV row is refused."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from changes.describe import field_changes, format_changes
from changes.models import ChangeKind, ChangeSet
from csvport.importer import plan_file
from csvport.reading import ADMIN_MAX_BYTES
from negotiations.importers import PositionImporter
from negotiations.models import StatedPosition, TalkRound
from tariffs.models import TariffMeasure
from tests.csv_samples import position, positions_csv
from tests.factories import StatedPositionFactory, TariffLineFactory, TariffMeasureFactory

pytestmark = pytest.mark.django_db


def import_file(tmp_path, rows, *args, name="positions.csv"):
    path = tmp_path / name
    path.write_bytes(positions_csv(rows))
    out = io.StringIO()
    call_command("import_csv", "positions", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_an_import_is_one_change_set_named_after_the_file(tmp_path, demo):
    rows = [
        position(round="11", round_date="2025-10-01", issue="chips", published_on=""),
        position(round="11", round_date="2025-10-01", statement="2nd.", issue="chips"),
    ]

    import_file(tmp_path, rows, name="round-11.csv")

    change_set = ChangeSet.objects.get(name="round-11.csv")
    assert change_set.kind == ChangeKind.IMPORT
    assert change_set.username.endswith("(command line)")
    assert change_set.summary.startswith("Imported round-11.csv: 2 positions created")
    created = StatedPosition.history.filter(change_set=change_set)
    assert [r.history_type for r in created] == ["+", "+"]
    round_11 = TalkRound.objects.get(number=11, negotiation__slug="japan-us-2025")
    (round_record,) = round_11.history.all()
    assert round_record.change_set == change_set
    # The speaker attended the round, and the round's history says so.
    assert [p.official.name for p in round_record.participants.all()] == ["Ryosei Akazawa"]


def test_the_user_option_names_the_account_in_the_history(tmp_path, demo, editor_user):
    import_file(tmp_path, [position()], "--user", "editor")

    record = StatedPosition.history.latest("history_date")
    assert record.history_user == editor_user
    assert record.change_set.username == "editor"


def test_an_updating_import_keeps_the_old_and_new_values(tmp_path, demo):
    import_file(tmp_path, [position(target_rate_pct="2.5")])
    import_file(tmp_path, [position(target_rate_pct="3")], name="fix.csv")

    stored = StatedPosition.objects.get(statement=position()["statement"])
    new, old = stored.history.all()[:2]
    assert new.history_type == "~"
    assert new.change_set.name == "fix.csv"
    assert stored.version == 2
    assert format_changes(field_changes(new, old)) == "target rate 2.5 % → 3 %"


def test_a_row_changed_since_its_export_is_refused_naming_what_changed(tmp_path, demo):
    import_file(tmp_path, [position(target_rate_pct="2.5")])
    stored = StatedPosition.objects.get(statement=position()["statement"])
    exported = position(target_rate_pct="2.5", version=str(stored.version))
    stored.stance = "reduce"
    stored.save()  # someone else, after the export

    preview = plan_file(
        PositionImporter,
        positions_csv([{**exported, "target_rate_pct": "4"}]),
        max_bytes=ADMIN_MAX_BYTES,
    )

    (problem,) = preview.problems
    assert problem.column == "version"
    assert "changed after the file was exported (version 1 in the file, 2 now)" in str(problem)
    assert "would change stance, target_rate_pct" in str(problem)
    assert "stance eliminate → reduce" in str(problem)
    stored.refresh_from_db()
    assert stored.target_rate_pct == Decimal("2.5")


def test_a_stale_row_that_changes_nothing_is_no_conflict(tmp_path, demo):
    import_file(tmp_path, [position()])
    stored = StatedPosition.objects.get(statement=position()["statement"])
    stored.save()

    preview = plan_file(
        PositionImporter, positions_csv([position(version="1")]), max_bytes=ADMIN_MAX_BYTES
    )

    assert not preview.problems
    assert preview.counts["unchanged"] == 1


def test_a_version_cell_that_is_not_a_number_is_explained():
    preview = plan_file(
        PositionImporter, positions_csv([position(version="v2")]), max_bytes=ADMIN_MAX_BYTES
    )

    (problem,) = preview.problems
    assert str(problem).startswith("line 2, column version: “v2” is not a version")


def test_a_save_in_a_shell_is_a_change_set_of_its_own_and_raises_the_version():
    position_ = StatedPositionFactory(target_rate_pct=Decimal("2.5"))
    position_.target_rate_pct = Decimal("3")
    position_.save()

    new, old = position_.history.all()[:2]
    assert new.change_set != old.change_set
    assert (old.version, new.version) == (1, 2)


def test_a_measure_import_keeps_its_lines_in_the_history(tmp_path):
    line = TariffLineFactory(hs_code="0101", description="Live horses")
    measure = TariffMeasureFactory(importer=line.importer, name="Horse duty")
    path = tmp_path / "measures.csv"
    path.write_text(
        "importer,name,legal_basis,kind,rate_pct,covers_all_lines,lines,partners,displaces,"
        "announced_on,in_force_from,in_force_until,source_url,confidence,note\n"
        f"{line.importer.code},Horse duty,,additional,25,no,0101,,,,2025-04-03,,,"
        "confirmed,\n"
    )

    call_command("import_csv", "tariff-measures", str(path), stdout=io.StringIO())

    record = TariffMeasure.history.filter(id=measure.pk).latest("history_date")
    assert [li.tariffline_id for li in record.lines.all()] == [line.pk]
    assert record.change_set.name == "measures.csv"
