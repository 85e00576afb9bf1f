"""`manage.py loadtest`: the load and fault run, as `make loadtest` (scripts/loadtest.sh)
runs it on a throwaway cluster it can stop; see bench/loadtest.py. Not for a database
anyone else uses: it stops the server."""

from django.core.management.base import BaseCommand, CommandError

from bench.loadtest import run_load


class Command(BaseCommand):
    help = (
        "Load gunicorn with analysts, editors and an importer while PostgreSQL is stopped "
        "and started; print the figures and check that no acknowledged write was lost. "
        "Run it through `make loadtest`, which starts a cluster of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pg-ctl", required=True, help="path of pg_ctl")
        parser.add_argument("--pg-data", required=True, help="the cluster's data folder")
        parser.add_argument("--pg-log", required=True, help="the cluster's log file")
        parser.add_argument("--pg-user", help="the OS user to run pg_ctl as (when root)")
        parser.add_argument("--port", type=int, default=8131, help="gunicorn's port")
        parser.add_argument("--seconds", type=float, default=60, help="length of the run")
        parser.add_argument("--stop-at", type=float, default=20, help="when to stop PostgreSQL")
        parser.add_argument("--outage", type=float, default=15, help="seconds it stays stopped")
        parser.add_argument("--analysts", type=int, default=4)
        parser.add_argument("--editors", type=int, default=2)

    def handle(self, *args, **options):
        if not 0 < options["stop_at"] < options["stop_at"] + options["outage"] < options["seconds"]:
            raise CommandError("The outage must start after 0 s and end before the run does.")
        if options["analysts"] < 0 or options["editors"] < 1:
            raise CommandError("At least one editor (the importer uses its account).")
        if run_load(options, self.stdout) != 0:
            raise CommandError("The load and fault run failed: see above.")
