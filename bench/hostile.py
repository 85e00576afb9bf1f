"""The hostile files of issue 11, previewed as the admin previews an upload (its byte and
row limits): seconds and peak memory above the idle process, each in a process of its own
(`manage.py benchmark hostile`, run by `make bench`).

- 8,000 measure rows, each displacing a measure that exists nowhere ("did you mean" for
  every one of them took gunicorn past its 30 s timeout);
- 450,000 tariff lines of importers that do not exist (5 MB);
- 2.6 million one-cell lines under a positions header (5 MB: a worker grew to 1 GB).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time

from django.conf import settings

from csvport.importer import plan_file
from csvport.reading import ADMIN_MAX_BYTES
from negotiations.csv_formats import POSITIONS
from negotiations.importers import PositionImporter
from tariffs.csv_formats import TARIFF_LINES, TARIFF_MEASURES
from tariffs.importers import TariffLineImporter, TariffMeasureImporter


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def bad_measures() -> bytes:
    return _csv(
        TARIFF_MEASURES.required,
        (
            {
                "importer": "USA",
                "name": f"Bench measure {n}",
                "kind": "additional",
                "rate_pct": "10",
                "covers_all_lines": "yes",
                "displaces": f"Bench measure {n}x",
                "confidence": "reported",
            }
            for n in range(8000)
        ),
    )


def unknown_importers() -> bytes:
    return _csv(
        TARIFF_LINES.required,
        (
            {"importer": "XXA", "hs_code": f"{n:08d}", "description": "x", "base_rate_pct": "1"}
            for n in range(450_000)
        ),
    )


def one_cell_lines() -> bytes:
    return ",".join(POSITIONS.names).encode() + b"\n" + b"x\n" * 2_600_000


FILES = {
    "8,000 measure rows displacing unknown measures": (bad_measures, TariffMeasureImporter),
    "450,000 tariff lines of unknown importers": (unknown_importers, TariffLineImporter),
    "2.6 million one-cell lines": (one_cell_lines, PositionImporter),
}


def write_hostile(name: str, path: str) -> dict:
    data = FILES[name][0]()
    with open(path, "wb") as file:
        file.write(data)
    return {"megabytes": len(data) / 1e6}


def measure_hostile(name: str, path: str) -> dict:
    """Preview the file `name` (written at `path` by another process) as the admin does,
    reading it from disk as a stream."""
    from bench.measure import rss_mb

    importer = FILES[name][1]
    idle = rss_mb("VmRSS")
    started = time.perf_counter()
    with open(path, "rb") as stream:
        plan = plan_file(
            importer,
            stream,
            # The admin's limit in bytes would refuse the larger ones unread: measure the
            # reading, with its limit of rows.
            max_bytes=max(ADMIN_MAX_BYTES, os.path.getsize(path)),
            max_rows=settings.CSV_IMPORT_ADMIN_MAX_ROWS,
        )
    seconds = time.perf_counter() - started
    return {
        "file": name,
        "seconds": seconds,
        "peak_above_idle_mb": rss_mb("VmHWM") - idle,
        "problems": len(plan.problems),
        "more_problems": plan.more_problems,
        "first_problem": str(plan.problems[0]) if plan.problems else "",
        "suggestions": sum("did you mean" in problem.message for problem in plan.problems),
    }


def measure_all() -> list[dict]:
    from bench.measure import in_subprocess

    results = []
    for name in FILES:
        with tempfile.NamedTemporaryFile(suffix=".csv") as file:
            made = in_subprocess("hostile-file", name, file.name)
            results.append({**in_subprocess("hostile", name, file.name), **made})
    return results


def table(results: list[dict]) -> str:
    lines = [
        "| hostile file, previewed as the admin does | MB | seconds | peak above idle "
        "| problems listed | suggestions | first problem |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        listed = f"{r['problems']:,}" + (" (read no further)" if r["more_problems"] else "")
        lines.append(
            f"| {r['file']} | {r['megabytes']:.1f} | {r['seconds']:.2f} | "
            f"{r['peak_above_idle_mb']:.1f} MB | {listed} | {r['suggestions']:,} | "
            f"{r['first_problem'][:90]} |"
        )
    return "\n".join(lines)
