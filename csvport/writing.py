"""Writing CSV: cells as the exports write them, lines produced as rows are read, and
streamed downloads, apart from the request that asks for one: a page's view and
`export_csv` serve the same `Download`, so both give the same bytes."""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponseBadRequest, StreamingHttpResponse

from csvport.formats import Column
from csvport.formulas import neutralize

BOM = "\ufeff"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def format_cell(value: Any, *, numeric: bool = False) -> str:
    """One value as the exports write it: ISO dates, decimals with a dot and no
    exponent, empty for none, and text that a spreadsheet will not run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # normalize() alone writes 25 as 2.5E+1.
        return f"{value.normalize():f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if numeric else neutralize(text)


class _Line:
    """A file-like object that hands back what csv.writer writes, one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column], rows: Iterable[Any], *, bom: bool = False):
    """The lines of a CSV file, header first, produced as `rows` are read: a caller that
    streams them holds one row in memory at a time."""
    writer = csv.writer(_Line())
    header = writer.writerow([column.name for column in columns])
    yield (BOM + header) if bom else header
    for row in rows:
        yield writer.writerow(
            [format_cell(column.value(row), numeric=column.numeric) for column in columns]
        )


def safe_filename(name: str) -> str:
    """A download's name made only of [A-Za-z0-9._-]: names are built from what editors
    type (a sector), and a quote or a line break must not reach the header."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_name).strip("-.") or "download.csv"


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any], *, bom=False):
    """A streamed CSV download: the first bytes leave before the last row is read."""
    response = StreamingHttpResponse(
        csv_lines(columns, rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response


def wants_bom(request) -> bool:
    """`?bom=1` (the "for Excel" links): Excel reads UTF-8 as such only after a BOM."""
    return request.GET.get("bom") in ("1", "true", "yes")


@dataclass(frozen=True)
class Download:
    """A file: its name, its columns and the rows they read (streamed, read once)."""

    filename: str
    columns: Sequence[Column]
    rows: Iterable[Any]

    def lines(self, *, bom: bool = False) -> Iterator[str]:
        return csv_lines(self.columns, self.rows, bom=bom)

    def response(self, *, bom: bool = False):
        return csv_response(self.filename, self.columns, self.rows, bom=bom)


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
