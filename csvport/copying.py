"""Exports written by PostgreSQL itself: `COPY … TO STDOUT`, giving the bytes `csv_lines`
gives, at the database's speed (a million positions: see the README's benchmark).

Python formats a cell (`writing.format_cell`) and the csv module quotes it; here the SQL
formats each column as `format_cell` does (ISO dates, decimals without trailing zeros,
text that a spreadsheet would run as a formula behind a quote, empty for none), and COPY's
CSV mode quotes exactly the cells the csv module quotes: those holding a comma, a double
quote, a carriage return or a line feed. Two differences are made up for: COPY writes an
empty string as `""` (so empty text is sent as NULL, which it writes as nothing), and
ends rows with a line feed where the csv module writes CRLF (so each row, which libpq
hands over whole, gets its ending replaced). tests/test_copy_exports.py compares the two
byte for byte on every kind of awkward cell.

Only for PostgreSQL 13 or later (trim_scale) and formats whose columns all read a field
of a type handled here; `copy_chunks` answers None otherwise, and `writing` formats the
rows in Python.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db import connections, models
from django.db.models import F, QuerySet

from csvport.formats import Column

# Rows joined into one chunk of the response: fewer, larger writes to the socket.
ROWS_PER_CHUNK = 2000

# What `formulas.neutralize` quotes: a cell starting with = + - @ tab or CR, or with
# quotes followed by one of those (so that reading gives back the same cell).
_FORMULA = (  # ascii() of the first character: a second less than left() on a million rows
    r"(ascii({x}) IN (61, 43, 45, 64, 9, 13)"
    r" OR (ascii({x}) = 39 AND {x} ~ '^''+[-=+@\t\r]'))"
)


def _text(x: str, numeric: bool) -> str:
    if numeric:
        return f"NULLIF({x}, '')"
    formula = _FORMULA.format(x=x)
    return f"NULLIF(CASE WHEN {formula} THEN '''' || {x} ELSE {x} END, '')"


def _cell_sql(field: models.Field, x: str, numeric: bool) -> str | None:
    """SQL writing column `x` (of `field`'s type) as `format_cell` does; None if unknown."""
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {x} THEN 'true' WHEN NOT {x} THEN 'false' END"
    if isinstance(field, models.DateTimeField):
        return None  # ISO with the time zone's offset: left to Python
    if isinstance(field, models.DateField):
        return f"to_char({x}, 'YYYY-MM-DD')"
    if isinstance(field, models.DecimalField):
        return f"trim_scale({x})"
    if isinstance(field, models.IntegerField | models.AutoField):
        return x
    if isinstance(field, models.CharField | models.TextField):
        return _text(x, numeric)
    return None


def copy_sql(columns: Sequence[Column], queryset: QuerySet) -> tuple[str, tuple] | None:
    """`COPY (…) TO STDOUT` writing `queryset`'s rows as `csv_lines` writes them, and its
    parameters; None when a column cannot be written by the database."""
    if not all(column.field for column in columns):
        return None
    aliases = {f"c{i}": F(column.field) for i, column in enumerate(columns)}
    rows = queryset.values(**aliases)
    cells = []
    for alias, column in zip(aliases, columns, strict=True):
        field = rows.query.annotations[alias].output_field
        sql = _cell_sql(field, f'exported."{alias}"', column.numeric)
        if sql is None:
            return None
        cells.append(sql)
    inner, params = rows.query.sql_with_params()
    select = f"SELECT {', '.join(cells)} FROM ({inner}) AS exported"
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", params


def copy_chunks(columns: Sequence[Column], queryset: QuerySet) -> Iterator[bytes] | None:
    """`queryset`'s rows as CSV lines in chunks, written by the database; None where it
    cannot (not PostgreSQL 13+, or a column it cannot write)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or connection.pg_version < 130000:
        return None
    copy = copy_sql(columns, queryset)
    if copy is None:
        return None
    return _chunks(connection, *copy)


def _chunks(connection, sql: str, params) -> Iterator[bytes]:
    pending: list = []
    # COPY runs on psycopg's own cursor: its errors (the connection lost mid-file) are
    # made Django's, as every other query's are, for the callers and for the connection's
    # health check.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(sql, params) as copy,
    ):
        # libpq hands over one whole row at a time: its final line feed is the row's
        # end, whatever line feeds a quoted cell holds.
        for row in copy:
            pending.append(row[:-1])
            if len(pending) == ROWS_PER_CHUNK:
                yield b"\r\n".join(pending) + b"\r\n"
                pending = []
    if pending:
        yield b"\r\n".join(pending) + b"\r\n"
