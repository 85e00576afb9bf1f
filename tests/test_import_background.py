"""An upload too large to apply within a request is applied by a background task (Django's
tasks API, the database backend): the editor sees its progress, then what was written or
the problems, with nothing written; the same all-or-nothing guarantee as a request."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from changes.models import ChangeSet
from negotiations.models import Negotiation, StatedPosition, TalkRound
from tests import csv_samples as samples
from tests.test_import_admin import confirm, text, upload
from tests.test_import_positions import table_counts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_background_threshold(settings):
    # A file of more than 5 rows goes to the background here (a few thousand by default).
    settings.CSV_IMPORT_BACKGROUND_ROWS = 5


@pytest.fixture
def run_worker(monkeypatch):
    """What `manage.py db_worker` does, once: run every task waiting. In the test's
    transaction: the worker's housekeeping would close a connection not in autocommit,
    as Django's test client keeps request_finished from doing."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )


def queue_import(client: Client, rows):
    preview = upload(client, samples.positions_csv(rows))
    assert "Preview of positions.csv" in text(preview), text(preview)
    return confirm(client, preview)


def test_a_large_upload_is_applied_by_a_background_task_with_a_progress_page(
    editor, editor_user, demo, run_worker
):
    rows = samples.generated_positions(12)
    before = table_counts()
    queued = queue_import(editor, rows)
    assert queued.status_code == 302
    task = DBTaskResult.objects.get()
    assert queued.url == reverse(
        "admin:negotiations_statedposition_import_progress", args=[str(task.id)]
    )
    # Queued, not yet run: a progress bar that polls, and nothing written.
    waiting = editor.get(queued.url)
    page = text(waiting)
    assert "Waiting for a worker to start the import of positions.csv" in page
    assert '<progress class="csv-import-bar" max="100" value="0">' in page
    assert f'hx-get="{queued.url}"' in page and 'hx-trigger="every 1s"' in page
    assert table_counts() == before

    run_worker()

    done = editor.get(queued.url, headers={"HX-Request": "true"})
    fragment = text(done)
    assert fragment.lstrip().startswith('<div id="import-progress"')
    assert "Imported positions.csv: 12 positions created, 0 updated, 0 unchanged" in fragment
    assert "hx-get" not in fragment  # done: the polling stops
    imported = StatedPosition.objects.filter(statement__startswith="Generated statement")
    assert imported.count() == 12
    # Written as a request would have: one change set of the editor, one admin log entry.
    change_set = ChangeSet.objects.get(name="positions.csv")
    assert change_set.user == editor_user
    entry = LogEntry.objects.get(object_repr="CSV import of positions.csv")
    assert entry.user == editor_user


def test_a_background_import_with_one_row_refused_writes_none_of_them(editor, demo, run_worker):
    rows = [samples.position(statement=f"Statement {n}.") for n in range(7)]
    rows.append(samples.position(round="11", round_date="2025-10-01", statement="In round 11."))
    queued = queue_import(editor, rows)
    # Someone enters round 11 meanwhile, on another day than the file's.
    TalkRound.objects.create(
        negotiation=Negotiation.objects.get(slug="japan-us-2025"),
        number=11,
        start_date=datetime.date(2025, 10, 2),
    )
    before = table_counts()
    run_worker()
    page = text(editor.get(queued.url))
    assert "1 problem in positions.csv: nothing was written" in page
    assert (
        "line 9, column round_date: round 11 of japan-us-2025 is dated 2025-10-02, not "
        "2025-10-01" in page
    )
    assert table_counts() == before


def test_a_file_refused_in_the_background_lists_its_problems(editor, demo, run_worker):
    rows = samples.generated_positions(12)
    preview = upload(editor, samples.positions_csv(rows))
    # The negotiation is renamed between the preview and the worker's turn.
    Negotiation.objects.filter(slug="japan-us-2025").update(slug="japan-us-2025-renamed")
    queued = confirm(editor, preview)
    run_worker()
    page = text(editor.get(queued.url))
    assert "problems in positions.csv: nothing was written" in page
    assert "line 2, column negotiation: there is no negotiation “japan-us-2025”" in page
    assert StatedPosition.objects.filter(statement__startswith="Generated statement").count() == 0


def test_only_the_editor_who_started_an_import_sees_it(editor, demo, django_user_model):
    queued = queue_import(editor, samples.generated_positions(12))
    other = django_user_model.objects.create_user(
        "other", password="x" * 20, is_staff=True, is_superuser=False
    )
    other.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(other)
    assert client.get(queued.url).status_code == 404
    unknown = reverse("admin:negotiations_statedposition_import_progress", args=["nothing"])
    assert editor.get(unknown).status_code == 404


def test_a_small_upload_is_still_applied_within_the_request(editor, demo):
    preview = upload(editor, samples.positions_csv(samples.generated_positions(3)))
    applied = confirm(editor, preview)
    assert applied.status_code == 302
    assert not DBTaskResult.objects.exists()
    assert StatedPosition.objects.filter(statement__startswith="Generated statement").count() == 3
