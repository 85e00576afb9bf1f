"""The positions file round trip: export, delete, import, export again, byte for byte."""

import pytest
from django.core.management import call_command

from negotiations.models import Negotiation, StatedPosition, TalkRound

pytestmark = pytest.mark.django_db


def test_exporting_deleting_and_importing_every_demo_position_gives_the_same_file(
    demo, tmp_path, capsys
):
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    call_command("export_csv", "positions", output=str(before))
    count = StatedPosition.objects.count()
    negotiations, rounds = Negotiation.objects.count(), TalkRound.objects.count()

    StatedPosition.objects.all().delete()
    call_command("import_csv", "positions", str(before))
    call_command("export_csv", "positions", output=str(after))

    assert StatedPosition.objects.count() == count == 67
    assert (Negotiation.objects.count(), TalkRound.objects.count()) == (negotiations, rounds)
    assert after.read_bytes() == before.read_bytes()
    assert f"{count} positions" in capsys.readouterr().out


def test_a_second_import_of_the_same_file_changes_nothing(demo, tmp_path, capsys):
    exported = tmp_path / "positions.csv"
    call_command("export_csv", "positions", output=str(exported))
    capsys.readouterr()

    call_command("import_csv", "positions", str(exported))

    assert "67 unchanged" in capsys.readouterr().out
