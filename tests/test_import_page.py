"""The admin's import page stands on its own: the format, a template and the current
data to download; a preview that names what it would create, lets the editor name new
issues, and offers no confirmation when nothing would change."""

import csv
import io

import pytest
from django.urls import reverse

from negotiations.csv_formats import NEGOTIATIONS, OFFICIALS, POSITIONS, ROUNDS
from negotiations.models import Issue, StatedPosition, TalkRound
from tariffs.csv_formats import TARIFF_LINES, TARIFF_MEASURES, TRADE_VALUES
from tests import csv_samples as samples
from tests.test_import_admin import CONFIRM, IMPORT, text, upload

pytestmark = pytest.mark.django_db


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_page_shows_each_column_with_its_rule_and_an_example_file(editor, demo):
    page = text(editor.get(IMPORT))

    for column in POSITIONS.columns:
        assert f"<code>{column.name}</code>" in page
    assert "one of: eliminate, reduce, maintain" in page
    assert "japan-us-2025,2,2025-05-01,JPN,Ryosei Akazawa,autos,eliminate,2.5" in page
    assert "README" not in page


def test_the_template_is_the_header_and_the_example_row(editor):
    response = editor.get(reverse("admin:negotiations_statedposition_import_template"))

    rows = list(csv.reader(io.StringIO(downloaded(response).decode())))
    assert rows[0] == list(POSITIONS.names)
    assert rows[1][:3] == ["japan-us-2025", "2", "2025-05-01"]


@pytest.mark.parametrize(
    ("model", "csv_format"),
    [
        ("statedposition", POSITIONS),
        ("talkround", ROUNDS),
        ("negotiation", NEGOTIATIONS),
        ("official", OFFICIALS),
        ("issue", None),
        ("milestone", None),
        ("source", None),
    ],
)
def test_the_current_data_imports_back_unchanged(editor, demo, model, csv_format):
    current = editor.get(reverse(f"admin:negotiations_{model}_import_current"))
    assert current.status_code == 200

    preview = upload(editor, downloaded(current), url=reverse(f"admin:negotiations_{model}_import"))

    plan = preview.context["result"].plan
    assert not plan.problems, plan.problems[:3]
    assert plan.rows and not plan.changes
    assert not plan.changes_anything
    assert "Confirm import" not in text(preview)
    assert "Nothing to import" in text(preview)


@pytest.mark.parametrize(
    ("model", "csv_format"),
    [
        ("tariffmeasure", TARIFF_MEASURES),
        ("tariffline", TARIFF_LINES),
        ("tradevalue", TRADE_VALUES),
    ],
)
def test_the_current_tariff_data_imports_back_unchanged(editor, demo, model, csv_format):
    current = downloaded(editor.get(reverse(f"admin:tariffs_{model}_import_current")))
    rows = list(csv.DictReader(io.StringIO(current.decode())))
    assert list(rows[0]) == list(csv_format.names)

    preview = upload(editor, current, url=reverse(f"admin:tariffs_{model}_import"))

    plan = preview.context["result"].plan
    assert not plan.problems, plan.problems[:3]
    assert plan.rows and not plan.changes_anything


def test_the_preview_names_what_it_creates_and_the_editor_names_the_new_issue(editor, demo):
    row = samples.position(
        round="11",
        round_date="2025-10-01",
        issue="steel-aluminum-quota",
        published_on="",
    )
    preview = upload(editor, samples.positions_csv([row]))
    page = text(preview)
    assert "new round: round 11 of japan-us-2025 (2025-10-01): Ryosei Akazawa attended" in page
    assert "new issue: “Steel aluminum quota” (steel-aluminum-quota) of japan-us-2025" in page
    assert "new source: Example News: Round 2 in Washington" in page
    key = "issue_name:japan-us-2025:steel-aluminum-quota"
    assert f'name="{key}"' in page

    data = {**preview.context["confirm_form"].initial, key: "Quota on steel and aluminum"}
    editor.post(CONFIRM, {**data, "confirm": "Confirm import"})

    issue = Issue.objects.get(negotiation__slug="japan-us-2025", slug="steel-aluminum-quota")
    assert issue.name == "Quota on steel and aluminum"
    round_11 = TalkRound.objects.get(negotiation__slug="japan-us-2025", number=11)
    assert list(round_11.participants.values_list("name", flat=True)) == ["Ryosei Akazawa"]
    assert StatedPosition.objects.filter(round=round_11).count() == 1


def test_an_import_in_the_admin_is_one_change_set_of_the_editor(editor, editor_user, demo):
    preview = upload(editor, samples.positions_csv([samples.position()]), name="mine.csv")
    editor.post(CONFIRM, {**preview.context["confirm_form"].initial, "confirm": "1"})

    record = StatedPosition.history.latest("history_date")
    assert record.history_user == editor_user
    assert record.change_set.name == "mine.csv"
    assert record.change_set.summary.startswith("Imported mine.csv: 1 position created")


def test_problems_are_plain_text_without_markup_characters(editor, demo):
    bad = samples.positions_csv(
        [samples.position(party="JPX", stance="eliminte", speaker="Nobody", issue="a b")]
    )

    problems = [str(p) for p in upload(editor, bad).context["result"].plan.problems]

    assert len(problems) >= 3
    assert not [p for p in problems if "`" in p]
