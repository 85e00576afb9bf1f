"""`manage.py benchmark_exports`: how fast and how lean the positions export is.

Creates N synthetic positions inside a transaction that is rolled back, then streams
them through the export the download links use, measuring the time to the first line,
the total time and the peak memory of this process. On PostgreSQL it also times
`COPY … TO STDOUT` of the same query (the SQL the ORM builds for the export's queryset,
so it reads the format's declaration too), the database's own speed limit: it shows
whether a COPY fast path would be worth a second implementation of the format. The COPY
file does not neutralize formulas and names its columns by their field paths.
"""

import time
import tracemalloc
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from csvport.writing import csv_lines
from negotiations.csv_formats import POSITIONS
from negotiations.models import Issue, Negotiation, StatedPosition, TalkRound
from tariffs.models import Country


def copy_sql(queryset) -> tuple[str, tuple]:
    """`COPY (the export's query) TO STDOUT` as CSV, and its parameters."""
    sql, params = queryset.values(*POSITIONS.fields).query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params


class Command(BaseCommand):
    help = "Time the positions CSV export on N synthetic positions (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)

    def handle(self, *args, rows, **options):
        if rows < 1 or rows > 2_000_000:
            raise CommandError("--rows must be between 1 and 2,000,000.")
        with transaction.atomic():
            negotiation = self._make(rows)
            # The export's queryset, as the download of the negotiation's positions has it.
            positions = StatedPosition.objects.filter(
                round__negotiation=negotiation
            ).in_export_order()
            self._plain(positions, rows)
            if connection.vendor == "postgresql":
                self._copy(positions, rows)
            else:
                self.stdout.write("COPY: not measured (PostgreSQL only).")
            transaction.set_rollback(True)

    def _make(self, rows):
        japan, usa = Country.objects.get(code="JPN"), Country.objects.get(code="USA")
        negotiation = Negotiation.objects.create(
            party_a=japan, party_b=usa, title="Benchmark", slug="benchmark-exports"
        )
        round_ = TalkRound.objects.create(
            negotiation=negotiation, number=1, start_date="2025-05-01"
        )
        issue = Issue.objects.create(negotiation=negotiation, name="Everything", slug="everything")
        started = time.perf_counter()
        StatedPosition.objects.bulk_create(
            (
                StatedPosition(
                    round=round_,
                    party=japan if n % 2 else usa,
                    issue=issue,
                    stance="reduce",
                    target_rate_pct=Decimal(n % 1000) / 4,
                    statement=f"Statement number {n:07d}, about as long as a real paraphrase is.",
                    stated_on=round_.start_date,
                    confidence="reported",
                )
                for n in range(rows)
            ),
            batch_size=5000,
        )
        self.stdout.write(f"Created {rows:,} positions in {time.perf_counter() - started:.1f} s.")
        return negotiation

    def _plain(self, positions, rows):
        lines = csv_lines(POSITIONS.columns, POSITIONS.values(positions))
        tracemalloc.start()
        started = time.perf_counter()
        size = len(next(lines)) + len(next(lines))
        first = time.perf_counter() - started
        for line in lines:
            size += len(line.encode())
        total = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(
            f"Streaming export: first line after {first * 1000:.0f} ms, {rows:,} rows "
            f"({size / 1e6:.1f} MB) in {total:.2f} s (under tracemalloc, which slows it), "
            f"peak memory {peak / 1e6:.1f} MB."
        )
        started = time.perf_counter()
        for _ in csv_lines(POSITIONS.columns, POSITIONS.values(positions)):
            pass
        self.stdout.write(
            f"Streaming export without tracemalloc: {time.perf_counter() - started:.2f} s."
        )

    def _copy(self, positions, rows):
        sql, params = copy_sql(positions)
        started = time.perf_counter()
        size = 0
        with (
            connection.cursor() as cursor,
            cursor.connection.cursor().copy(sql, params) as copy,
        ):
            for block in copy:
                size += len(block)
        total = time.perf_counter() - started
        self.stdout.write(f"COPY TO STDOUT: {rows:,} rows ({size / 1e6:.1f} MB) in {total:.2f} s.")
