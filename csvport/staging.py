"""A file's rows in a temporary table of the connection, for set-based SQL.

An import of a million rows cannot hold them in Python (the positions import did, and
peaked at 2.95 GB); it checks each row as it reads it, writes what it read into a
staging table, and then matches, counts and applies the rows with a few statements over
that table. On PostgreSQL the rows go in with `COPY … FROM STDIN`; other databases
(SQLite for `make run`) take batched INSERTs, and run the same SQL afterwards.

A staging table lives as long as the plan that made it (it is applied from the table),
in the connection that made it: the tables of plans gone are dropped when the next one
is made, and a closed connection drops them all.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Iterable, Sequence

from django.db import connections

BATCH = 5_000
_numbers = itertools.count(1)
# Per connection alias: table name → the Staging object using it (weakly).
_live: dict[str, weakref.WeakValueDictionary] = {}


class Staging:
    """A temporary table `name` with `columns` ((name, SQL type) pairs)."""

    def __init__(
        self,
        purpose: str,
        columns: Sequence[tuple[str, str]],
        using: str = "default",
        *,
        create: bool = True,
    ):
        """`create=False`: the caller creates the table (CREATE TEMPORARY TABLE … AS)."""
        self.using = using
        self.connection = connections[using]
        self.name = f"csvport_{purpose}_{next(_numbers)}"
        self.columns = [name for name, _ in columns]
        live = _live.setdefault(using, weakref.WeakValueDictionary())
        self._drop_unused(live)
        if not create:
            live[self.name] = self
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.name} ("
                + ", ".join(f"{name} {kind}" for name, kind in columns)
                + ")"
            )
        live[self.name] = self

    @property
    def postgresql(self) -> bool:
        return self.connection.vendor == "postgresql"

    def _drop_unused(self, live) -> None:
        gone = getattr(self.connection, "_csvport_staged", set()) - set(live)
        with self.connection.cursor() as cursor:
            for name in gone:
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self.connection._csvport_staged = set(live) | {self.name}

    def writer(self) -> StagingWriter:
        return StagingWriter(self)

    def load(self, rows: Iterable[Sequence]) -> None:
        with self.writer() as write:
            for row in rows:
                write(row)

    def index(self, *columns: str) -> None:
        with self.connection.cursor() as cursor:
            listed, index = ", ".join(columns), f"{self.name}_{'_'.join(columns)}"
            cursor.execute(f"CREATE INDEX {index} ON {self.name} ({listed})")
        self.analyze()

    def analyze(self) -> None:
        """Statistics for the planner: a temporary table has none until analyzed."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.name}")

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")


class StagingWriter:
    """`with staging.writer() as write: write(row)`: rows in, in batches (one COPY each on
    PostgreSQL), so that the code producing them may query the database in between."""

    def __init__(self, staging: Staging):
        self.staging = staging
        self.batch: list[Sequence] = []
        columns = ", ".join(staging.columns)
        self.copy_sql = f"COPY {staging.name} ({columns}) FROM STDIN"
        self.insert_sql = (
            f"INSERT INTO {staging.name} ({columns}) VALUES "
            f"({', '.join(['%s'] * len(staging.columns))})"
        )

    def __enter__(self):
        return self.add

    def add(self, row: Sequence) -> None:
        self.batch.append(row)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        with self.staging.connection.cursor() as cursor:
            if self.staging.postgresql:
                with cursor.copy(self.copy_sql) as copy:
                    for row in self.batch:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, self.batch)
        self.batch = []

    def __exit__(self, kind, error, trace):
        if kind is None:
            self.flush()
        return False
