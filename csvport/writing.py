"""Writing CSV: cells as the exports write them, lines produced as rows are read, and
streamed downloads, apart from the request that asks for one: a page's view and
`export_csv` serve the same `Download`, so both give the same bytes."""

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest, StreamingHttpResponse

from csvport.copying import copy_chunks
from csvport.formats import Column
from csvport.formulas import neutralize
from csvport.timeouts import no_statement_timeout

logger = logging.getLogger("csvport")

BOM = "\ufeff"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def format_cell(value: Any, *, numeric: bool = False) -> str:
    """One value as the exports write it: ISO dates, decimals with a dot and no
    exponent, empty for none, and text that a spreadsheet will not run."""
    # The common types first, by exact type: a million rows make the order count.
    kind = type(value)
    if kind is str:
        return value if numeric else neutralize(value)
    if value is None:
        return ""
    if kind is Decimal:
        # normalize() alone writes 25 as 2.5E+1.
        return f"{value.normalize():f}"
    if kind is int:
        return str(value)
    if kind is date:
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if numeric else neutralize(text)


# Rows written into one chunk of text: fewer, larger writes to the socket or file.
ROWS_PER_CHUNK = 1000


def csv_lines(columns: Sequence[Column], rows: Iterable[Any], *, bom: bool = False):
    """The text of a CSV file, header first, in chunks of many lines produced as `rows`
    are read: a caller that streams them holds a chunk's rows in memory at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    header = buffer.getvalue()
    yield (BOM + header) if bom else header
    readers = [(column.value, column.numeric) for column in columns]
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [format_cell(value(row), numeric=numeric) for value, numeric in readers]
            for row in batch
        )
        yield buffer.getvalue()


def queryset_chunks(
    columns: Sequence[Column], querysets: Iterable[QuerySet], *, bom: bool = False
) -> Iterator[bytes]:
    """The bytes of a CSV file of the rows of each queryset in turn (their columns read
    with `.values()`): written by the database where it can (`copying`), which gives
    the same bytes as Python, at its speed; formatted here elsewhere."""
    header, *_ = csv_lines(columns, (), bom=bom)
    yield header.encode()
    fields = [column.field for column in columns if column.field]
    for queryset in querysets:
        copied = copy_chunks(columns, queryset)
        if copied is not None:
            yield from copied
            continue
        rows = queryset.values(*fields).iterator(chunk_size=2000)
        for text in islice(csv_lines(columns, rows), 1, None):
            yield text.encode()


def safe_filename(name: str) -> str:
    """A download's name made only of [A-Za-z0-9._-]: names are built from what editors
    type (a sector), and a quote or a line break must not reach the header."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_name).strip("-.") or "download.csv"


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any], *, bom=False):
    """A streamed CSV download: the first bytes leave before the last row is read."""
    return streamed_csv(filename, csv_lines(columns, rows, bom=bom))


# The last line of a file the database stopped writing: one cell (no comma, no quote), so
# that a person sees it at the bottom of the sheet and an importer refuses the file.
INCOMPLETE_LINE = (
    "INCOMPLETE FILE: the database failed while this file was being written so the rows "
    "after this line are missing; download it again."
)


class MarkedIfIncomplete:
    """The chunks of a file, written without the pages' statement timeout (a million rows
    take longer than a page may), and ended by `INCOMPLETE_LINE` if the database fails
    before the last: once a download has begun, its 200 is sent and only the file itself
    can tell. `failure` is then the error, logged as one line."""

    def __init__(self, chunks: Iterable[bytes | str], name: str):
        self.chunks = chunks
        self.name = name
        self.failure: DatabaseError | None = None
        self._writing: Iterator[bytes | str] | None = None

    def __iter__(self) -> Iterator[bytes | str]:
        if self._writing is None:
            self._writing = self._write()
        return self._writing

    def close(self) -> None:
        """A download the client abandoned: the statement timeout back at once (the
        response calls this when it is closed, before the request's end)."""
        if self._writing is not None:
            self._writing.close()

    def _write(self) -> Iterator[bytes | str]:
        written = 0
        try:
            with no_statement_timeout():
                for chunk in self.chunks:
                    written += len(chunk)
                    yield chunk
        except DatabaseError as error:
            self.failure = error
            logger.warning(
                "%s cut short after %s bytes: %s: %s",
                self.name,
                f"{written:,}",
                type(error).__name__,
                " ".join(str(error).split()),
            )
            yield (INCOMPLETE_LINE + "\r\n").encode()


def streamed_csv(filename: str, chunks: Iterable[bytes | str]):
    """A download of CSV text already written, or being written, in chunks. The database
    is asked first, so that a download it cannot start is a 503 (config/faults.py) rather
    than a 200 and a file that says it is incomplete."""
    with connections[DEFAULT_DB_ALIAS].cursor():
        pass  # connects, or checks the connection kept from an earlier request
    response = StreamingHttpResponse(
        MarkedIfIncomplete(chunks, safe_filename(filename)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response


def wants_bom(request) -> bool:
    """`?bom=1` (the "for Excel" links): Excel reads UTF-8 as such only after a BOM."""
    return request.GET.get("bom") in ("1", "true", "yes")


@dataclass(frozen=True)
class Download:
    """A file: its name, its columns and the rows they read (streamed, read once); or,
    for a format whose columns all read a field, the querysets of its rows, in turn,
    which the database may write itself (`queryset_chunks`)."""

    filename: str
    columns: Sequence[Column]
    rows: Iterable[Any] = ()
    querysets: Iterable[QuerySet] | None = None

    def chunks(self, *, bom: bool = False) -> Iterator[bytes]:
        if self.querysets is not None:
            return queryset_chunks(self.columns, self.querysets, bom=bom)
        return (text.encode() for text in csv_lines(self.columns, self.rows, bom=bom))

    def response(self, *, bom: bool = False):
        return streamed_csv(self.filename, self.chunks(bom=bom))


class InvalidParameters(Exception):
    """Parameters a page would replace by their defaults, with a notice; a file has
    nowhere to show one, so the download is refused, saying why."""

    def __init__(self, invalid: Iterable[tuple[str, str, str]]):
        self.lines = [
            "Nothing was exported.",
            *(f"{label}: “{raw}” is not valid. {reason}" for label, raw, reason in invalid),
        ]
        super().__init__(" ".join(self.lines))

    def response(self) -> HttpResponseBadRequest:
        return HttpResponseBadRequest(
            "\n".join(self.lines), content_type="text/plain; charset=utf-8"
        )


def refuse_invalid(invalid: Sequence[tuple[str, str, str]]) -> None:
    """Raise `InvalidParameters` when a query form ignored any (label, raw, reason)."""
    if invalid:
        raise InvalidParameters(invalid)
