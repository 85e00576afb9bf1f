"""Editors import CSV files in the admin: upload, preview with every problem, confirm."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from negotiations.models import StatedPosition
from tests import csv_samples as samples
from tests.test_import_positions import table_counts

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:negotiations_statedposition_import")
CONFIRM = reverse("admin:negotiations_statedposition_process_import")
CHANGELIST = reverse("admin:negotiations_statedposition_changelist")


def upload(client: Client, data: bytes, name: str = "positions.csv", url: str = IMPORT):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(url, {"resource": "0", "format": "0", "import_file": file})


def confirm(client: Client, preview, url: str = CONFIRM):
    """Press "Confirm import" on a preview page."""
    return client.post(url, preview.context["confirm_form"].initial)


def text(response) -> str:
    return response.content.decode()


def test_editors_find_the_import_button_on_the_positions_list(editor, demo):
    assert IMPORT in text(editor.get(CHANGELIST))
    page = editor.get(IMPORT)
    assert page.status_code == 200
    assert "negotiation,round,round_date,party" in text(page)
    assert "at most 5 MB" in text(page)


def test_staff_who_are_not_editors_cannot_import(django_user_model, demo):
    clerk = django_user_model.objects.create_user("clerk", password="x" * 20, is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, samples.positions_csv([samples.position()])).status_code == 403


def test_an_editor_fixes_two_bad_lines_of_a_colleagues_300_positions_and_applies(editor, demo):
    rows = samples.generated_positions(300)
    rows[55]["party"] = "JPX"  # line 57: the header is line 1
    rows[209]["target_rate_pct"] = "abc"  # line 211
    before = table_counts()

    refused = upload(editor, samples.positions_csv(rows, bom=True))
    assert refused.status_code == 200
    page = text(refused)
    assert "2 problems in positions.csv: nothing was written" in page
    assert "line 57, column party: unknown country “JPX”" in page
    assert "line 211, column target_rate_pct: “abc” is not a rate" in page
    assert "confirm_form" not in refused.context
    assert table_counts() == before

    rows[55]["party"], rows[209]["target_rate_pct"] = "JPN", "12.5"
    preview = upload(editor, samples.positions_csv(rows, bom=True))
    page = text(preview)
    assert "Preview of positions.csv" in page
    assert "300 positions to create, 0 to update, 0 unchanged" in page
    assert "also 20 issues and 1,000 sources to create" not in page  # 300 rows: 300 sources
    assert "also 20 issues and 300 sources to create" in page
    assert table_counts() == before

    applied = confirm(editor, preview)
    assert applied.status_code == 302
    assert applied.url == CHANGELIST
    listing = editor.get(CHANGELIST)
    assert "Imported positions.csv: 300 positions created, 0 updated, 0 unchanged" in text(listing)
    imported = StatedPosition.objects.filter(statement__startswith="Generated statement")
    assert imported.count() == 300
    fixed = imported.get(statement=rows[55]["statement"])
    assert fixed.party.code == "JPN"
    assert imported.get(statement=rows[209]["statement"]).target_rate_pct == 12.5
    entry = LogEntry.objects.get(object_repr="CSV import of positions.csv")
    assert entry.user.username == "editor"

    # The same file again: nothing to do.
    again = upload(editor, samples.positions_csv(rows, bom=True))
    assert "0 positions to create, 0 to update, 300 unchanged" in text(again)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty."),
        (b"\xef\xbb\xbf", "the file is empty."),
        (samples.positions_csv([]), "the file has a header but no rows"),
        (samples.xlsx_bytes(), "this is an Excel workbook (.xlsx), not a CSV file"),
        (
            samples.positions_csv([samples.position()]).replace(b"stance", b"stnace"),
            "“stnace” is not a column; did you mean “stance”?",
        ),
        (
            samples.positions_csv([samples.position(statement="Café au lait")], encoding="cp1252"),
            "line 2, column statement: the file is not UTF-8",
        ),
    ],
)
def test_a_bad_file_is_refused_in_the_preview_and_not_kept(editor, demo, data, expected):
    before, sessions = table_counts(), Session.objects.count()
    response = upload(editor, data)
    assert response.status_code == 200
    assert expected in text(response)
    assert "confirm_form" not in response.context
    assert table_counts() == before
    assert Session.objects.count() == sessions


def test_a_file_over_the_admin_limit_is_refused_before_it_is_read(editor, demo):
    rows = samples.generated_positions(30_000)
    data = samples.positions_csv(rows)
    assert len(data) > 5 * 1024 * 1024
    before, sessions = table_counts(), Session.objects.count()
    response = upload(editor, data)
    assert "the limit here is 5 MB" in text(response)
    assert "manage.py import_csv" in text(response)
    assert table_counts() == before
    assert Session.objects.count() == sessions


def test_the_file_waits_for_confirmation_in_the_database_not_on_the_server(editor, demo):
    sessions = Session.objects.count()
    preview = upload(editor, samples.positions_csv([samples.position()]))
    assert Session.objects.count() == sessions + 1
    confirm(editor, preview)
    assert Session.objects.count() == sessions
    assert StatedPosition.objects.filter(statement=samples.position()["statement"]).exists()


def test_a_confirmation_after_the_database_changed_writes_nothing(editor, demo):
    row = samples.position(round="11", round_date="2025-10-01")
    preview = upload(editor, samples.positions_csv([row]))
    assert "1 position to create" in text(preview)
    # Meanwhile a colleague enters round 11 with another date.
    from negotiations.models import Negotiation, TalkRound

    TalkRound.objects.create(
        negotiation=Negotiation.objects.get(slug="japan-us-2025"),
        number=11,
        start_date="2025-10-02",
    )
    before = table_counts()
    response = confirm(editor, preview)
    assert response.status_code == 200
    assert "round 11 of japan-us-2025 is dated 2025-10-02, not 2025-10-01" in text(response)
    assert table_counts() == before


def test_an_expired_preview_asks_for_the_file_again(editor, demo):
    preview = upload(editor, samples.positions_csv([samples.position()]))
    Session.objects.filter(
        session_key=preview.context["confirm_form"].initial["import_file_name"]
    ).delete()
    response = confirm(editor, preview)
    assert "the uploaded file is no longer kept" in text(response)
    assert not StatedPosition.objects.filter(statement=samples.position()["statement"]).exists()


def test_editors_import_tariff_lines_too(editor):
    url = reverse("admin:tariffs_tariffline_import")
    data = samples.tariff_lines_csv(
        [{"importer": "USA", "hs_code": "8703.23", "description": "Cars", "base_rate_pct": "2.5"}]
    )
    preview = upload(editor, data, "lines.csv", url)
    assert "1 tariff line to create" in text(preview)
    response = confirm(editor, preview, reverse("admin:tariffs_tariffline_process_import"))
    assert response.status_code == 302
    assert editor.get(response.url).status_code == 200


def test_editors_import_tariff_measures_too(editor):
    url = reverse("admin:tariffs_tariffmeasure_import")
    assert editor.get(url).status_code == 200
    assert url in text(editor.get(reverse("admin:tariffs_tariffmeasure_changelist")))
