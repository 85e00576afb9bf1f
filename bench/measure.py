"""What the benchmark measures, on a database `generate_synthetic` filled.

- Pages: every page type through Django's test client, the first request (the cache
  cold) and the median and 95th percentile of the next ones, with their SQL queries; the
  bare view (bench/urls.py) the same way.
- Exports: each download, streamed to nowhere in a process of its own, with its rows per
  second, its first bytes and its peak memory above the process's idle size, beside
  PostgreSQL's `COPY (the export's query) TO STDOUT WITH CSV`.
- The positions import (`import_csv`), rolled back, in a process of its own.
- Load (`load`): gunicorn on 127.0.0.1 as the README runs it, wrk with 8 clients against
  the bare view and the negotiation page; and a million-row download through gunicorn,
  with a worker timeout shorter than the download.

Results are plain dicts, written as JSON and read by `report`.
"""

from __future__ import annotations

import csv
import io
import os
import platform
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.synthetic import SLUG_PREFIX, full_tariff
from negotiations.csv_formats import POSITIONS
from negotiations.models import Issue, Negotiation, Official, StatedPosition
from negotiations.views import downloads

ROOT = Path(__file__).resolve().parent.parent
NEGOTIATION = f"{SLUG_PREFIX}001"  # the largest: 30 rounds, 60 issues, at both scales
ROUND = 15
HTMX = {"HTTP_HX_REQUEST": "true"}
REPEATS = 20


def line_code() -> str:
    """A U.S. line under heading 87 that exists at both scales (every 100th line does)."""
    codes = full_tariff("USA")
    return next(c for i, c in enumerate(codes) if c.startswith("8703") and i % 100 == 0)


def busiest_issue() -> str:
    return (
        Issue.objects.filter(negotiation__slug=NEGOTIATION)
        .annotate(count=Count("positions"))
        .order_by("-count", "slug")
        .values_list("slug", flat=True)
        .first()
    )


def busiest_official() -> Official:
    """The official who said most in the largest negotiation: the same one at both scales
    (with more statements elsewhere at the large one)."""
    return (
        Official.objects.filter(positions__round__negotiation__slug=NEGOTIATION)
        .annotate(count=Count("positions"))
        .order_by("-count", "name")
        .first()
    )


def pages() -> dict[str, tuple[str, dict]]:
    """page type -> (URL, headers)."""
    negotiation = f"/negotiations/{NEGOTIATION}"
    return {
        "home": ("/", {}),
        "negotiation": (f"{negotiation}/", {}),
        "negotiation, HTMX partial": (f"{negotiation}/?round={ROUND}", HTMX),
        "issue history": (f"{negotiation}/issues/{busiest_issue()}/", {}),
        "round": (f"{negotiation}/rounds/{ROUND}/", {}),
        "official": (f"/officials/{busiest_official().pk}/", {}),
        "country": ("/countries/USA/", {}),
        "tariff search, HS prefix": ("/tariff-lines/?q=87", {}),
        "tariff search, words": ("/tariff-lines/?q=steel", {}),
        "search, words": ("/search/?q=steel", {}),
        "tariff line": (f"/tariff-lines/USA/{line_code()}/", {}),
        "compare": ("/compare/?importer=USA", {}),
    }


BARE = ("/bench/bare/", {})


def measure_pages(repeats: int = REPEATS) -> dict:
    """Each page: the first request after the cache is emptied, then `repeats` more."""
    cache.clear()
    client = Client()
    results = {}
    for name, (url, headers) in {**pages(), "bare view": BARE}.items():
        started = time.perf_counter()
        response = client.get(url, **headers)
        first = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        # Counted now: the next request's start empties the log the context reads.
        queries = len(captured)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url, **headers)
            times.append(time.perf_counter() - started)
        times.sort()
        computed = _computed(client, url, headers, max(3, repeats // 2))
        results[name] = {
            "url": url,
            "htmx": bool(headers),
            "first_ms": first * 1000,
            "median_ms": statistics.median(times) * 1000,
            "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] * 1000,
            "queries": queries,
            "bytes": len(response.content),
            **computed,
        }
    return results


def _computed(client, url, headers, repeats) -> dict:
    """The page computed, not served whole from the page cache (negotiations/page_cache.py):
    what the first reader after a write waits (the gap arithmetic's cache warm), and its
    queries."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(url, **headers)
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        queries = len(captured)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(url, **headers)
            times.append(time.perf_counter() - started)
    return {"computed_median_ms": statistics.median(times) * 1000, "computed_queries": queries}


# --- exports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """A download, and the query of its rows for COPY to be measured against."""

    download: Callable
    reference: Callable


def _negotiation():
    return Negotiation.objects.get(slug=NEGOTIATION)


EXPORTS = {
    "every position": Export(
        lambda: downloads.positions_download({}),
        lambda: StatedPosition.objects.in_export_order().values(*POSITIONS.fields),
    ),
    "a negotiation's positions": Export(
        lambda: downloads.positions_download({}, NEGOTIATION),
        lambda: (
            StatedPosition.objects.in_export_order()
            .filter(round__negotiation=_negotiation())
            .values(*POSITIONS.fields)
        ),
    ),
    "a round's positions": Export(
        lambda: downloads.round_download({}, NEGOTIATION, ROUND),
        lambda: (
            StatedPosition.objects.in_order()
            .filter(round__negotiation=_negotiation(), round__number=ROUND)
            .values(*POSITIONS.fields)
        ),
    ),
    "an issue's history": Export(
        lambda: downloads.history_download({}, NEGOTIATION, busiest_issue()),
        lambda: StatedPosition.objects.of_issue(
            Issue.objects.get(negotiation=_negotiation(), slug=busiest_issue())
        ).values(*POSITIONS.fields),
    ),
    "gap table": Export(
        lambda: downloads.gap_download({}, NEGOTIATION),
        lambda: Issue.objects.filter(negotiation=_negotiation()).values(),
    ),
    "compare": Export(
        lambda: downloads.compare_download({"importer": "USA"}),
        lambda: Issue.objects.filter(
            negotiation__in=Negotiation.objects.filter(party_a__code="USA")
            | Negotiation.objects.filter(party_b__code="USA")
        ).values(),
    ),
    "negotiations": Export(
        lambda: downloads.negotiations_download({}),
        lambda: Negotiation.objects.values(),
    ),
    "tariff lines, every line": Export(
        lambda: downloads.tariff_lines_download({"partner": "JPN"}),
        lambda: downloads.search_lines("").values(),
    ),
}


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak so far) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_export(name: str) -> dict:
    """One export streamed to nowhere (run it in a process of its own: the peak memory is
    the process's), then COPY of its rows' query."""
    export = EXPORTS[name]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # As a download and export_csv do (csvport/timeouts.py): a million rows take longer
        # than a page may. The process is this export's own: nothing runs after it.
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    idle = rss_mb("VmRSS")
    started = time.perf_counter()
    size = 0
    lines = 0
    first = None
    for index, chunk in enumerate(export.download().chunks()):
        if index == 1:  # the first chunk of rows, after the header's
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    seconds = time.perf_counter() - started
    peak = rss_mb("VmHWM")
    rows = lines - 1  # the header (the synthetic data has no line break in a cell)
    result = {
        "rows": rows,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "first_rows_ms": (first or seconds) * 1000,
        "idle_mb": idle,
        "peak_above_idle_mb": peak - idle,
    }
    if connection.vendor == "postgresql":
        sql, params = export.reference().query.sql_with_params()
        started = time.perf_counter()
        copied = 0
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params
            ) as copy,
        ):
            for block in copy:
                copied += len(block)
        copy_seconds = time.perf_counter() - started
        result |= {"copy_seconds": copy_seconds, "copy_rows_per_s": rows / copy_seconds}
    return result


# --- the positions import --------------------------------------------------------------------


def write_positions_file(path: str, rows: int) -> None:
    """`rows` new positions on the largest negotiation, in rounds it does not have yet
    (the file creates them), on its issues, both parties: the import's usual work.
    Written as it is made: a million rows never sit in the benchmark's memory."""
    negotiation = _negotiation()
    issues = list(negotiation.issues.order_by("slug").values_list("slug", flat=True))
    parties = (negotiation.party_a.code, negotiation.party_b.code)
    with open(path, "w", newline="", encoding="utf-8") as out:
        # By column name: a column the format gains later (a row's version, new rows
        # leave it empty) stays empty here rather than shifting the others.
        writer = csv.DictWriter(out, POSITIONS.names, restval="")
        writer.writeheader()
        for n in range(rows):
            number = 100 + n // 500
            writer.writerow(
                {
                    "negotiation": NEGOTIATION,
                    "round": number,
                    "round_date": f"2030-01-{1 + number % 28:02d}",
                    "party": parties[n % 2],
                    "issue": issues[n % len(issues)],
                    "stance": ("eliminate", "reduce", "refuse", "offer")[n % 4],
                    "target_rate_pct": str(n % 50),
                    "statement": f"Imported statement number {n} on the tariffs, for the "
                    "benchmark.",
                    "source_url": f"https://synthetic.invalid/import/{n % 1000}",
                    "source_title": f"Report {n % 1000}",
                    "source_publisher": "Benchmark wire",
                    "published_on": f"2030-02-{1 + n % 28:02d}",
                    "confidence": "reported",
                }
            )


def measure_import(rows: int) -> dict:
    """`import_csv positions` of `rows` new positions, in a transaction rolled back; the
    file is on disk, and the command reads it from there."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as file:
        write_positions_file(file.name, rows)
        megabytes = os.path.getsize(file.name) / 1e6
        connection.ensure_connection()
        idle = rss_mb("VmRSS")
        started = time.perf_counter()
        with transaction.atomic():
            call_command("import_csv", "positions", file.name, stdout=io.StringIO(), verbosity=0)
            transaction.set_rollback(True)
        seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "megabytes": megabytes,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "peak_above_idle_mb": rss_mb("VmHWM") - idle,
    }


def in_subprocess(*args: str) -> dict:
    """Run `manage.py benchmark …` in a process of its own and read the JSON it prints."""
    import json

    done = subprocess.run(
        [sys.executable, "manage.py", "benchmark", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- load: gunicorn and wrk ------------------------------------------------------------------

GUNICORN = [
    "--workers",
    "2",
    "--worker-class",
    "gthread",
    "--threads",
    "4",
    "--timeout",
    "30",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving this checkout on a free port of 127.0.0.1, stopped on exit (the
    process it started, by its id)."""

    def __init__(self, options: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{self.port}", *options],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + BARE[0], timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn stopped: " + self.process.stderr.read()) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url: str, seconds: int) -> float | None:
    """Requests per second with 8 clients on two threads, for `seconds`; None without wrk."""
    try:
        done = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{seconds}s", url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=True,
        )
    except FileNotFoundError:
        return None
    return float(re.search(r"Requests/sec:\s+([0-9.]+)", done.stdout).group(1))


def download(url: str) -> dict:
    """Stream a download to nowhere: its size, time, and whether it came whole."""
    started = time.perf_counter()
    size = 0
    whole = True
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            while block := response.read(1 << 16):
                size += len(block)
    except Exception:  # a worker killed mid-stream: the download is cut short
        whole = False
    return {"megabytes": size / 1e6, "seconds": time.perf_counter() - started, "whole": whole}


def measure_load(seconds: int = 10) -> dict:
    page = pages()["negotiation"][0]
    result = {"gunicorn": " ".join(GUNICORN), "wrk_seconds": seconds}
    with Gunicorn(GUNICORN) as server:
        urllib.request.urlopen(server.url + page).read()  # fills the cache
        result["bare_rps"] = wrk(server.url + BARE[0], seconds)
        result["negotiation_rps"] = wrk(server.url + page, seconds)
        result["home_rps"] = wrk(server.url + "/", seconds)
        result["positions_download"] = download(server.url + "/positions.csv")
    # A worker timeout shorter than the download: the sync worker is killed mid-stream,
    # the threaded one's heartbeat goes on while a thread streams.
    for worker in ("sync", "gthread"):
        options = ["--workers", "1", "--worker-class", worker, "--timeout", "3"]
        with Gunicorn(options) as server:
            result[f"download_{worker}_timeout_3s"] = download(server.url + "/positions.csv")
    return result


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "postgresql": server,
        "load_average": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d"),
    }
