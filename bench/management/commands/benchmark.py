"""`manage.py benchmark`: the measurements `make bench` runs (see bench/measure.py).

    benchmark run --output small.json       pages, exports, (--import-rows N) the import
    benchmark load --output load.json       gunicorn and wrk on 127.0.0.1
    benchmark hostile [--output hostile.json]   issue 11's hostile files, previewed
    benchmark report small.json large.json [load.json]   the table, targets and verdicts

Each export and the import run in a process of their own (`benchmark export NAME`,
`benchmark import N`), so that their peak memory is theirs. Settings: bench.settings
(the site's, with a bare view), DEBUG=false.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench import hostile, measure
from bench.management.commands.generate_synthetic import marker
from bench.report import table
from negotiations.models import Negotiation, StatedPosition
from tariffs.models import TariffLine


class Command(BaseCommand):
    help = "Measure pages, exports, the import and load on generate_synthetic's data."

    def add_arguments(self, parser):
        steps = parser.add_subparsers(dest="step", required=True)
        run = steps.add_parser("run", help="pages and exports (and --import-rows N)")
        run.add_argument("--output", required=True)
        run.add_argument("--repeats", type=int, default=measure.REPEATS)
        run.add_argument("--import-rows", type=int, default=0)
        load = steps.add_parser("load", help="gunicorn and wrk on 127.0.0.1")
        load.add_argument("--output", required=True)
        load.add_argument("--seconds", type=int, default=10)
        export = steps.add_parser("export", help="one export, as JSON (run by `run`)")
        export.add_argument("name", choices=sorted(measure.EXPORTS))
        imported = steps.add_parser("import", help="the positions import, as JSON")
        imported.add_argument("rows", type=int)
        hostile = steps.add_parser("hostile", help="issue 11's hostile files, previewed")
        hostile.add_argument("name", nargs="?", help="one file, as JSON (run by itself)")
        hostile.add_argument("path", nargs="?")
        hostile.add_argument("--output")
        made = steps.add_parser("hostile-file", help="write one hostile file (run by hostile)")
        made.add_argument("name")
        made.add_argument("path")
        report = steps.add_parser("report", help="the table")
        report.add_argument("small")
        report.add_argument("large")
        report.add_argument("load", nargs="?")

    def handle(self, *args, step, **options):
        if step in ("run", "load", "export", "import") and marker() is None:
            raise CommandError(
                "This database holds no data of generate_synthetic's: run "
                "`manage.py generate_synthetic --scale small` (or large) first."
            )
        getattr(self, f"_{step.replace('-', '_')}")(**options)

    def _run(self, output, repeats, import_rows, **options):
        found = marker()
        result = {
            "scale": found.title.split("--scale ")[1].split()[0],
            "machine": measure.machine(),
            "repeats": repeats,
            "counts": (
                f"{Negotiation.objects.count():,} negotiations, "
                f"{StatedPosition.objects.count():,} positions, "
                f"{TariffLine.objects.count():,} tariff lines"
            ),
        }
        self.stderr.write(f"{result['scale']} scale: pages…")
        result["pages"] = measure.measure_pages(repeats)
        result["exports"] = {}
        for name in measure.EXPORTS:
            self.stderr.write(f"{result['scale']} scale: export {name}…")
            result["exports"][name] = measure.in_subprocess("export", name)
        if import_rows:
            self.stderr.write(f"{result['scale']} scale: import of {import_rows:,} positions…")
            result["import"] = measure.in_subprocess("import", str(import_rows))
        Path(output).write_text(json.dumps(result, indent=1))

    def _load(self, output, seconds, **options):
        self.stderr.write("load: gunicorn and wrk…")
        Path(output).write_text(json.dumps(measure.measure_load(seconds), indent=1))

    def _export(self, name, **options):
        self.stdout.write(json.dumps(measure.measure_export(name)))

    def _import(self, rows, **options):
        self.stdout.write(json.dumps(measure.measure_import(rows)))

    def _hostile(self, name, path, output, **options):
        if name:
            self.stdout.write(json.dumps(hostile.measure_hostile(name, path)))
            return
        results = hostile.measure_all()
        if output:
            Path(output).write_text(json.dumps(results, indent=1))
        self.stdout.write(hostile.table(results))

    def _hostile_file(self, name, path, **options):
        self.stdout.write(json.dumps(hostile.write_hostile(name, path)))

    def _report(self, small, large, load, **options):
        def read(path):
            try:
                return json.loads(Path(path).read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from None

        self.stdout.write(table(read(small), read(large), read(load) if load else None))
