"""The load and fault run (`make loadtest`, scripts/loadtest.sh): gunicorn as the README
runs it, on 127.0.0.1, against a throwaway PostgreSQL cluster the script started and that
this stops and starts again in the middle of the run, under a bounded load:

- analysts, each in a loop: the home page, the negotiation page, its HTMX partial, a
  tariff search, a gap table CSV (read whole; one ending with the "incomplete" line is an
  error);
- editors, each logged in to the admin (CSRF token, session cookie): the add form of a
  stated position, then its POST; a 302 is an acknowledged save;
- one importer: `manage.py import_csv positions` of a small file, every few seconds; exit
  status 0 is an acknowledged import.

Every saved statement carries a token of the run; afterwards every acknowledged one must be
in the database. Requests are sorted into three windows: before the stop, the outage (any
request whose time overlaps the stop-to-started interval) and after the start. Outside the
outage every request must succeed. Clients wait a second after an answer they did not want,
as a person would before trying again.
"""

from __future__ import annotations

import csv
import http.client
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.db import close_old_connections

from bench.measure import NEGOTIATION, ROUND
from csvport.writing import INCOMPLETE_LINE
from negotiations.csv_formats import POSITIONS
from negotiations.models import Negotiation, StatedPosition
from negotiations.services import editor_create

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-editor-password-not-a-secret"
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "30"]
IMPORT_ROWS = 20


@dataclass
class Sample:
    client: str  # analyst, editor, importer
    what: str  # home, negotiation, partial, search, csv, login, form, save, import
    started: float
    ended: float
    status: int  # the HTTP status (0: no answer: refused, reset, timed out); an exit code
    ok: bool
    # Not ok, but the answer promised when the database is down: a 503 with Retry-After,
    # or import_csv's one-line message on the database's failure.
    refused: bool = False


@dataclass
class Outage:
    stopped: float | None = None  # when the stop was asked for
    started: float | None = None  # when pg_ctl start said the server accepts connections


@dataclass
class Run:
    port: int
    deadline: float
    samples: list[Sample] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # statements of acknowledged writes
    lock: threading.Lock = field(default_factory=threading.Lock)
    tag: str = field(default_factory=lambda: f"loadtest-{os.getpid()}-{int(time.time())}")

    def record(self, sample: Sample, acknowledged: tuple[str, ...] = ()) -> None:
        with self.lock:
            self.samples.append(sample)
            self.acknowledged.extend(acknowledged)

    def going(self) -> bool:
        return time.monotonic() < self.deadline


class Browser:
    """One client's keep-alive connection and cookies, over http.client."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method, path, headers=None, form=None) -> tuple[int, dict, bytes]:
        """(status, headers, body); status 0 when no answer came."""
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0, {}, b""
        for raw in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content


def analyst(run: Run, number: int, urls: list[tuple[str, str, dict]]) -> None:
    browser = Browser(run.port)
    i = number
    while run.going():
        what, url, headers = urls[i % len(urls)]
        i += 1
        started = time.monotonic()
        status, _, body = browser.request("GET", url, headers)
        ok = status == 200
        if what == "csv" and ok:
            ok = not body.rstrip(b"\r\n").endswith(INCOMPLETE_LINE.encode())
        run.record(Sample("analyst", what, started, time.monotonic(), status, ok, refused(status)))
        if not ok:
            time.sleep(1)


def refused(status: int) -> bool:
    return status == 503


def csrf_token(browser: Browser) -> str | None:
    return browser.cookies.get("csrftoken")


def editor(run: Run, number: int, username: str, position: dict) -> None:
    browser = Browser(run.port)
    logged_in = False
    n = 0
    while run.going():
        if not logged_in:
            started = time.monotonic()
            status, _, _ = browser.request("GET", "/admin/login/")
            if status == 200:
                form = {
                    "csrfmiddlewaretoken": csrf_token(browser) or "",
                    "username": username,
                    "password": PASSWORD,
                    "next": "/admin/",
                }
                login = "/admin/login/?next=/admin/"
                status, headers, _ = browser.request("POST", login, form=form)
                logged_in = status == 302 and headers.get("location") == "/admin/"
            ended = time.monotonic()
            login = Sample("editor", "login", started, ended, status, logged_in, refused(status))
            run.record(login)
            if not logged_in:
                time.sleep(1)
            continue
        add = "/admin/negotiations/statedposition/add/"
        started = time.monotonic()
        status, _, body = browser.request("GET", add)
        ok = status == 200 and b'name="statement"' in body
        run.record(Sample("editor", "form", started, time.monotonic(), status, ok, refused(status)))
        if not ok:
            logged_in = status != 302  # a redirect to the login page: log in again
            time.sleep(1)
            continue
        n += 1
        statement = f"{run.tag} editor {number} save {n}"
        form = {**position, "statement": statement, "csrfmiddlewaretoken": csrf_token(browser)}
        started = time.monotonic()
        status, headers, _ = browser.request("POST", add, form=form)
        saved = status == 302 and "/statedposition/" in headers.get("location", "")
        run.record(
            Sample("editor", "save", started, time.monotonic(), status, saved, refused(status)),
            (statement,) if saved else (),
        )
        if not saved:
            time.sleep(1)


def importer(run: Run, folder: Path, username: str, rows: dict) -> None:
    n = 0
    while run.going():
        n += 1
        out = io.StringIO()
        writer = csv.DictWriter(out, POSITIONS.names, restval="")
        writer.writeheader()
        statements = [f"{run.tag} import {n} row {i}" for i in range(IMPORT_ROWS)]
        for statement in statements:
            writer.writerow({**rows, "statement": statement})
        path = folder / f"import-{n}.csv"
        path.write_text(out.getvalue())
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "manage.py", "import_csv", "positions", str(path), "--user", username],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        ok = done.returncode == 0
        stopped = done.returncode == 1 and "CommandError: The database failed" in done.stderr
        run.record(
            Sample("importer", "import", started, time.monotonic(), done.returncode, ok, stopped),
            tuple(statements) if ok else (),
        )
        # An import every two seconds or so; at once again after a failure, as a script
        # retrying would, but not in a tight loop.
        time.sleep(2 if ok else 1)


def pg_ctl(command: list[str], user: str | None) -> None:
    if user:
        command = ["runuser", "-u", user, "--", *command]
    subprocess.run(command, cwd="/", check=True, capture_output=True)


def fault(run: Run, outage: Outage, start: float, options: dict) -> None:
    """Stops PostgreSQL (immediate: as a crash would) at `stop_at`, starts it `outage`
    seconds later."""
    base = [options["pg_ctl"], "-D", options["pg_data"]]
    time.sleep(max(0.0, start + options["stop_at"] - time.monotonic()))
    outage.stopped = time.monotonic()
    pg_ctl([*base, "-m", "immediate", "-w", "stop"], options["pg_user"])
    time.sleep(max(0.0, outage.stopped + options["outage"] - time.monotonic()))
    pg_ctl([*base, "-l", options["pg_log"], "-w", "-t", "120", "start"], options["pg_user"])
    outage.started = time.monotonic()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def window_of(sample: Sample, outage: Outage) -> str:
    if sample.ended < outage.stopped:
        return "before the stop"
    if sample.started > outage.started:
        return "after the start"
    return "outage"


def summary(samples: list[Sample]) -> dict:
    latencies = [(s.ended - s.started) * 1000 for s in samples]
    return {
        "requests": len(samples),
        "ok": sum(s.ok for s in samples),
        "refused (503)": sum(s.refused for s in samples),
        "errors": sum(not s.ok and not s.refused for s in samples),
        "p50 ms": percentile(latencies, 0.50) if samples else 0,
        "p95 ms": percentile(latencies, 0.95) if samples else 0,
        "p99 ms": percentile(latencies, 0.99) if samples else 0,
        "max ms": max(latencies) if samples else 0,
    }


def table(rows: list[tuple[str, dict]]) -> str:
    heads = ["window", *rows[0][1]]
    lines = ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
    for name, values in rows:
        cells = [f"{v:,.0f}" if isinstance(v, float) else f"{v:,}" for v in values.values()]
        lines.append("| " + " | ".join([name, *cells]) + " |")
    return "\n".join(lines)


def setup(editors: int) -> tuple[list, list[str], dict, dict]:
    """The analysts' URLs, the editors' names, an editor's form and an import's row."""
    negotiation = Negotiation.objects.select_related("party_a").get(slug=NEGOTIATION)
    round_ = negotiation.rounds.order_by("number").first()
    issue = negotiation.issues.order_by("slug").first()
    page = f"/negotiations/{NEGOTIATION}/"
    urls = [
        ("home", "/", {}),
        ("negotiation", page, {}),
        ("partial", f"{page}?round={ROUND}", {"HX-Request": "true"}),
        ("search", "/tariff-lines/?q=87", {}),
        ("csv", f"/negotiations/{NEGOTIATION}/gap.csv?round={ROUND}", {}),
    ]
    names = []
    for n in range(1, editors + 1):
        name = f"loadtest-editor-{n}"
        editor_create(username=name, password=PASSWORD, email="", reset_password=True)
        names.append(name)
    position = {
        "round": round_.pk,
        "party": negotiation.party_a_id,
        "speaker": "",
        "issue": issue.pk,
        "stance": "reduce",
        "target_rate_pct": "12.5",
        "source": "",
        "stated_on": "",
        "confidence": "reported",
        "version_seen": "",
        "_save": "Save",
    }
    row = {
        "negotiation": NEGOTIATION,
        "round": round_.number,
        "party": negotiation.party_a.code,
        "issue": issue.slug,
        "stance": "offer",
        "target_rate_pct": "7.5",
        "source_publisher": "Load test wire",
        "published_on": round_.start_date.isoformat(),
        "confidence": "reported",
    }
    return urls, names, position, row


def wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _, _ = Browser(port).request("GET", "/healthz")
        if status == 200:
            return
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered; see its log")
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within a minute")


def run_load(options: dict, out=sys.stdout) -> int:
    """The whole run; prints the tables and the checks; 0 if they pass, 1 if not."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", options["port"]))
        except OSError:
            raise RuntimeError(
                f"127.0.0.1:{options['port']} is in use: choose another (LOADTEST_PORT)."
            ) from None
    urls, names, position, row = setup(options["editors"])
    folder = Path(tempfile.mkdtemp(prefix="loadtest-"))
    log_path = folder / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{options['port']}", *GUNICORN],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    log_start = 0
    try:
        wait_ready(options["port"], server)
        for _what, url, headers in urls:  # fills the cache, as a warm server has it
            Browser(options["port"]).request("GET", url, headers)
        log_start = log_path.stat().st_size
        start = time.monotonic()
        run = Run(port=options["port"], deadline=start + options["seconds"])
        outage = Outage()
        threads = [threading.Thread(target=fault, args=(run, outage, start, options))]
        threads += [
            threading.Thread(target=analyst, args=(run, n, urls))
            for n in range(options["analysts"])
        ]
        threads += [
            threading.Thread(target=editor, args=(run, n, name, position))
            for n, name in enumerate(names, 1)
        ]
        threads.append(threading.Thread(target=importer, args=(run, folder, names[0], row)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if outage.started is None:
            raise RuntimeError("PostgreSQL was not stopped and started again: see above")
    except BaseException:
        sys.stderr.write("gunicorn's log ends:\n" + log_path.read_text(errors="replace")[-3000:])
        raise
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_text = log_path.read_bytes()[log_start:].decode(errors="replace")
        shutil.rmtree(folder)
    return report(run, outage, start, options, log_text, out)


def report(run: Run, outage: Outage, start: float, options: dict, log_text: str, out) -> int:
    by_window: dict[str, list[Sample]] = {}
    for sample in run.samples:
        by_window.setdefault(window_of(sample, outage), []).append(sample)
    order = ["before the stop", "outage", "after the start"]
    out.write(
        f"\n{options['seconds']} s, {options['analysts']} analysts, {options['editors']} "
        f"editors, 1 importer; gunicorn {' '.join(GUNICORN)} on 127.0.0.1:{options['port']}; "
        f"PostgreSQL stopped (immediate) at {outage.stopped - start:.1f} s, accepting "
        f"connections again at {outage.started - start:.1f} s "
        f"({outage.started - outage.stopped:.1f} s). Load average at the end: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs.\n\n"
    )
    out.write(table([(w, summary(by_window.get(w, []))) for w in order]) + "\n\n")
    kinds = sorted({(s.client, s.what) for s in run.samples})
    outside = [s for s in run.samples if window_of(s, outage) != "outage"]
    out.write("Outside the outage, by request:\n\n")
    out.write(
        table(
            [
                (f"{c}: {w}", summary([s for s in outside if (s.client, s.what) == (c, w)]))
                for c, w in kinds
            ]
        )
        + "\n\n"
    )
    close_old_connections()
    tokens = set(run.acknowledged)
    stored = set(
        StatedPosition.objects.filter(statement__startswith=run.tag).values_list(
            "statement", flat=True
        )
    )
    lost = tokens - stored
    unacknowledged_kept = len(stored - tokens)
    lines = log_text.splitlines()
    tracebacks = log_text.count("Traceback (most recent call last)")
    faults = sum("answered 503" in line or "health check failed" in line for line in lines)
    saves = sum(s.ok for s in run.samples if s.what == "save")
    imports = sum(s.ok for s in run.samples if s.what == "import")
    out.write(
        f"Acknowledged writes: {len(tokens):,} statements ({saves:,} "
        f"admin saves, {imports:,} imports of "
        f"{IMPORT_ROWS} rows); in the database afterwards: {len(tokens) - len(lost):,}; lost: "
        f"{len(lost):,}. Written though not acknowledged: {unacknowledged_kept:,}.\n"
        f"gunicorn's log during the run: {len(lines):,} lines ({len(log_text.encode()):,} "
        f"bytes), {faults:,} of them a 503's one line, {tracebacks} tracebacks.\n"
    )
    for s in run.samples:
        if not s.ok and not (s.refused and window_of(s, outage) == "outage"):
            out.write(
                f"  error ({window_of(s, outage)}) at {s.started - start:.2f}-"
                f"{s.ended - start:.2f} s: {s.client} {s.what} -> {s.status}\n"
            )
    others = [line for line in lines if "answered 503" not in line]
    for line in others[:10]:
        out.write(f"  log: {line[:300]}\n")
    errors_outside = sum(not s.ok for s in outside)
    failed = []
    if errors_outside:
        failed.append(f"{errors_outside} errors outside the outage")
    if lost:
        failed.append(f"{len(lost)} acknowledged writes lost")
    if tracebacks:
        failed.append(f"{tracebacks} tracebacks in the log")
    if failed:
        out.write("FAIL: " + "; ".join(failed) + ".\n")
        return 1
    out.write("PASS: no error outside the outage, no acknowledged write lost, no traceback.\n")
    return 0
