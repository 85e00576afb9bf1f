"""What every CSV file of the tracker shares, read or written: the cells a spreadsheet
would run as a formula, and the column lists of the fixed formats.

OWASP's advice for CSV injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so that a spreadsheet shows it as text.
Numbers in numeric columns are written as they are (`-5` stays a number), and reading
strips the quote again so that a round trip does not add a second one.
"""

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(cell: str) -> bool:
    # A formula, or text that would read back as one once a quote is stripped ('=1+1).
    return cell.startswith(FORMULA_STARTS) or (cell.startswith("'") and _needs_quote(cell[1:]))


def neutralize(cell: str) -> str:
    """A text cell as it is written to a file: never a formula. Text that already starts
    like a neutralized cell gets a quote too, so that reading gives it back unchanged."""
    return "'" + cell if _needs_quote(cell) else cell


def unneutralize(cell: str) -> str:
    """A text cell as it is read from a file: the quote `neutralize` added is dropped."""
    if cell.startswith("'") and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


# The positions format of DESIGN.md and the README: fixed, in this order.
POSITION_COLUMNS = (
    "negotiation",
    "round",
    "round_date",
    "party",
    "speaker",
    "issue",
    "stance",
    "target_rate_pct",
    "statement",
    "source_url",
    "source_title",
    "source_publisher",
    "published_on",
    "confidence",
)


# --- Writing -----------------------------------------------------------------------------

BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """A column of an export: its stable name, how to get its value from a row, and
    whether it holds numbers (written as they are) or text (never a formula)."""

    name: str
    value: Callable[[Any], Any]
    numeric: bool = False


def cell(value: Any, *, numeric: bool = False) -> str:
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
            [cell(column.value(row), numeric=column.numeric) for column in columns]
        )


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any], *, bom=False):
    """A streamed CSV download: the first bytes leave before the last row is read."""
    response = StreamingHttpResponse(
        csv_lines(columns, rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wants_bom(request) -> bool:
    """`?bom=1` (the "for Excel" links): Excel reads UTF-8 as such only after a BOM."""
    return request.GET.get("bom") in ("1", "true", "yes")
