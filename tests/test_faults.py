"""The site when its database fails, with real faults: a database URL pointing at a closed
port, a table locked by another connection past the statement timeout, `pg_sleep` past it,
a server that accepts and never answers, and the connection of a download terminated by
`pg_terminate_backend` mid-file."""

import logging
import os
import socket
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import request_finished
from django.db import (
    DEFAULT_DB_ALIAS,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.db.models.signals import pre_migrate
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from config import faults
from config.settings import postgresql_timeouts
from csvport.importer import plan_file
from csvport.writing import INCOMPLETE_LINE
from negotiations.importers import PositionImporter
from tests import factories

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement timeouts and COPY are PostgreSQL's"
)


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def connections_refused(django_db_blocker):
    """The site's database settings pointing at a closed port, as when PostgreSQL is
    stopped: every connection attempt is refused by the operating system (a live
    server's threads included: they read the same settings)."""
    default = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        default.close()
        saved = default.settings_dict["HOST"], default.settings_dict["PORT"]
        default.settings_dict["HOST"], default.settings_dict["PORT"] = "127.0.0.1", closed_port()
        try:
            yield
        finally:
            default.close()
            default.settings_dict["HOST"], default.settings_dict["PORT"] = saved


@pytest.fixture
def database_down(django_db_blocker):
    with connections_refused(django_db_blocker):
        yield


def server_dsn() -> str:
    """A second connection to the test database, from outside the site."""
    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
    )


def fault_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("tracker.faults", "django.request")]


def test_the_health_check_answers_200_with_one_query_and_no_session(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


@postgresql_only
def test_the_health_check_answers_503_when_the_database_refuses_connections(database_down, caplog):
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert response.content == b"database unavailable\n"
    [record] = fault_records(caplog)
    assert "health check failed: OperationalError" in record.getMessage()


@postgresql_only
def test_a_page_answers_503_with_retry_after_and_one_log_line_when_the_database_is_down(
    database_down, caplog
):
    caplog.set_level(logging.INFO)
    response = Client().get(reverse("negotiations:home"))

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"The database is not answering" in response.content
    # One line, no traceback: not Django's "Internal Server Error" with exc_info.
    [record] = fault_records(caplog)
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    message = record.getMessage()
    assert message.startswith("database unavailable, GET / answered 503: OperationalError:")
    assert "\n" not in message


@postgresql_only
@pytest.mark.parametrize(
    ("url", "accept"),
    [
        ("/positions.csv", "text/csv"),
        ("/negotiations.csv", "*/*"),
        ("/", "application/json"),
    ],
)
def test_downloads_and_clients_that_want_no_html_get_the_503_as_text(database_down, url, accept):
    response = Client().get(url, HTTP_ACCEPT=accept)

    assert response.status_code == 503
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.startswith(b"503 Service Unavailable: the database is not answering.")
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)


@postgresql_only
def test_an_editor_saving_while_the_database_is_down_gets_503_not_500(database_down):
    """The login form's POST: the session and the user are read from the database."""
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "a-long-editor-password"}
    )

    assert response.status_code == 503
    assert b"Nothing was changed" in response.content


@postgresql_only
def test_a_fault_raised_in_a_middleware_is_a_503_from_the_error_handler(database_down, caplog):
    """Outside any view (a session saved, a user loaded) Django calls handler500 while
    the exception is being handled."""
    request = RequestFactory().get("/rounds/")
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
    except OperationalError:
        response = faults.server_error(request)

    assert response.status_code == 503
    assert response._has_been_logged
    [record] = fault_records(caplog)
    assert "GET /rounds/ answered 503" in record.getMessage()


def test_any_other_error_is_still_the_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = faults.server_error(rf.get("/"))

    assert response.status_code == 500


@postgresql_only
def test_the_default_statement_timeout_applies_to_every_connection(db, settings):
    assert settings.DB_STATEMENT_TIMEOUT == 10
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("10s",)


@postgresql_only
def test_the_statement_timeout_setting_stops_a_statement_that_runs_longer(db):
    """`pg_sleep` past DB_STATEMENT_TIMEOUT=0.2 on a connection made from the settings."""
    options = postgresql_timeouts({}, connect_timeout=5, statement_timeout=0.2)
    # A second wrapper under the default alias: django.contrib.postgres looks a new
    # connection's alias up in `connections` (its type handlers), and an alias of our own
    # would not be there.
    timed = connections[DEFAULT_DB_ALIAS].__class__(
        {**connection.settings_dict, "OPTIONS": options}, DEFAULT_DB_ALIAS
    )
    try:
        with timed.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.05)")  # under the limit
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(5)")
    finally:
        timed.close()


@postgresql_only
def test_migrate_runs_without_the_statement_timeout_and_puts_it_back(db):
    """A migration that builds an index on a year's data may take minutes: the pages'
    limit is lifted while migrations run, and is the default again afterwards."""
    seen = []

    def note_timeout(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])

    pre_migrate.connect(note_timeout, dispatch_uid="note_timeout")
    try:
        call_command("migrate", verbosity=0)
    finally:
        pre_migrate.disconnect(dispatch_uid="note_timeout")

    assert seen and set(seen) == {"0"}
    assert show_statement_timeout() == "10s"


def test_the_timeouts_keep_the_database_urls_own_options():
    options = postgresql_timeouts({"options": "-c search_path=tracker"}, 3, 1.5)

    assert options == {
        "options": "-c search_path=tracker -c statement_timeout=1500",
        "connect_timeout": 3,
    }
    assert postgresql_timeouts({}, 0, 0) == {}


@pytest.mark.slow
@postgresql_only
def test_the_connect_timeout_gives_up_on_a_server_that_never_answers(db):
    """A port that accepts connections (the kernel's backlog) and never answers them, as
    a hung server does: without connect_timeout, connecting waits forever."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        settings_dict = {
            **connection.settings_dict,
            "HOST": "127.0.0.1",
            "PORT": hung.getsockname()[1],
            "OPTIONS": postgresql_timeouts({}, connect_timeout=2, statement_timeout=0),
        }
        stuck = connections[DEFAULT_DB_ALIAS].__class__(settings_dict, "stuck")
        with pytest.raises(OperationalError, match="timeout expired"):
            stuck.ensure_connection()


@postgresql_only
def test_a_page_held_behind_a_lock_answers_503_once_the_statement_timeout_trips(db, caplog):
    """Another connection holds the negotiations table: the home page waits on the lock
    until the statement timeout (DB_STATEMENT_TIMEOUT, here 0.2 s) cancels it."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")  # what DB_STATEMENT_TIMEOUT=0.2 sets
    with psycopg.connect(server_dsn()) as holder:
        holder.execute("LOCK TABLE negotiations_negotiation IN ACCESS EXCLUSIVE MODE")
        response = Client().get(reverse("negotiations:home"))
        holder.rollback()

    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_AFTER_SECONDS)
    [record] = fault_records(caplog)
    assert "canceling statement due to statement timeout" in record.getMessage()


def show_statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@postgresql_only
def test_a_download_runs_without_the_statement_timeout_and_puts_it_back(cast, analyst):
    url = reverse("negotiations:positions_csv", args=["japan-us-2025"])
    pages = show_statement_timeout()
    response = analyst.get(url)
    chunks = iter(response.streaming_content)
    next(chunks)  # the header: the rows are read next

    assert show_statement_timeout() == "0"
    assert b"".join(chunks).count(b"\r\n") > 1
    assert show_statement_timeout() == pages == "10s"

    # Called as the WSGI server calls it (the test client would close it its own way).
    abandoned = resolve(url).func(RequestFactory().get(url), **resolve(url).kwargs)
    next(iter(abandoned))
    # The client went away. (Without close_old_connections, which would close the test's
    # connection: its transaction is not in autocommit, as a request's connection is.)
    request_finished.disconnect(close_old_connections)
    try:
        abandoned.close()
    finally:
        request_finished.connect(close_old_connections)
    assert show_statement_timeout() == pages


def fat_positions(rows: int) -> str:
    """`rows` positions of a 1,000-character statement each (about 1 KB a line of CSV),
    in a negotiation of their own; its slug."""
    return factories.many_positions("heavy", rows, lambda n: f"{n:06d} " + "x" * 993)


ROWS = 20_000  # 20 MB: more than the sockets' buffers hold, so COPY is still sending


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_copy(pid: int) -> None:
    """From another connection: the backend is in the middle of its COPY; end it."""
    with psycopg.connect(server_dsn(), autocommit=True) as other:
        state, query = other.execute(
            "SELECT state, query FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()
        assert (state, query[:5]) == ("active", "COPY ")
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.slow
@postgresql_only
def test_a_download_cut_short_by_the_database_ends_with_a_line_saying_so(db, analyst, caplog):
    slug = fat_positions(ROWS)
    pid = backend_pid()
    response = analyst.get(reverse("negotiations:positions_csv", args=[slug]))
    chunks = iter(response.streaming_content)
    received = [next(chunks), next(chunks)]  # the header, then the first rows

    terminate_copy(pid)
    received.extend(chunks)
    connection.close()  # it died with its backend; the test's teardown opens another

    assert response.status_code == 200  # sent before the first row: the file must tell
    body = b"".join(received)
    lines = body.split(b"\r\n")
    assert lines[-2] == INCOMPLETE_LINE.encode()
    assert lines[-1] == b""
    assert 2_000 <= len(lines) - 3 < ROWS  # what was sent before the end
    [record] = [r for r in caplog.records if r.name == "csvport"]
    assert record.getMessage().startswith("heavy-positions.csv cut short after ")


@pytest.mark.slow
@postgresql_only
def test_export_csv_cut_short_by_the_database_says_so_and_fails(db, tmp_path):
    """The command writes into a pipe its reader stops reading, so that the COPY is
    still running when its backend is terminated."""
    slug = fat_positions(ROWS)
    pid = backend_pid()
    fifo = tmp_path / "positions.csv"
    os.mkfifo(fifo)
    received, failed = [], []

    def read():
        with open(fifo, "rb") as pipe:
            received.append(pipe.read(1 << 20))
            try:
                terminate_copy(pid)
            except BaseException as error:  # reported below; the pipe is read to its end
                failed.append(error)
            received.append(pipe.read())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        with pytest.raises(CommandError) as refused:
            call_command("export_csv", "positions", negotiation=slug, output=str(fifo))
    finally:
        reader.join(timeout=60)
        connection.close()

    assert not failed
    message = str(refused.value)
    assert message.startswith(f"The database failed while {fifo} was being written (")
    assert message.endswith("it is incomplete, and its last line says so. Export it again.")
    body = b"".join(received)
    assert body.endswith(b"\r\n" + INCOMPLETE_LINE.encode() + b"\r\n")
    assert body.count(b"\r\n") < ROWS


@postgresql_only
def test_import_csv_with_the_database_down_fails_with_a_message(database_down, tmp_path):
    path = tmp_path / "positions.csv"
    path.write_text(
        "negotiation,round,round_date,party,speaker,issue,stance,target_rate_pct,statement,"
        "source_url,source_title,source_publisher,published_on,confidence\n"
        "japan-us-2025,2,2025-05-01,JPN,,autos,eliminate,,Asked for a review,,,,,reported\n"
    )

    with pytest.raises(CommandError, match=r"^The database failed \(connection failed: .*"):
        call_command("import_csv", "positions", str(path))


def test_a_file_marked_incomplete_is_refused_by_the_importer(cast, analyst):
    """Re-importing a cut file must not pass for the whole of it."""
    response = analyst.get(reverse("negotiations:positions_csv", args=["japan-us-2025"]))
    whole = b"".join(response.streaming_content)
    rows = whole.count(b"\r\n") - 1
    cut = whole + INCOMPLETE_LINE.encode() + b"\r\n"

    assert not plan_file(PositionImporter, whole, max_bytes=10**7).refused
    plan = plan_file(PositionImporter, cut, max_bytes=10**7)
    assert plan.refused
    assert any(problem.line == rows + 2 for problem in plan.problems)
