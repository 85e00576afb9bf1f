"""Cell parsers: a cell's text (already stripped) to a value, or a `CellError` saying why
not, in the editor's terms. A format's columns name them; each takes the cell and the
column's name, for its messages."""

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from csvport.formats import Parser
from csvport.weburls import is_web_url
from csvport.wording import did_you_mean, name_key


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why, in the editor's terms."""


INVALID = object()  # a cell that had a problem; the row will not be imported


def not_empty(parse: Parser, reason: str) -> Parser:
    """`parse`, refusing an empty cell with `reason` ("write the round's first day.")."""

    def parse_not_empty(cell: str, column: str):
        if not cell:
            raise CellError(f"{column} is empty; {reason}")
        return parse(cell, column)

    return parse_not_empty


def text(*, max_length: int | None = None, required: str = "") -> Parser:
    """Text of at most `max_length` characters; `required`: the reason an empty cell is
    refused (empty when it may be empty)."""

    def parse(cell: str, column: str) -> str:
        if max_length is not None and len(cell) > max_length:
            raise CellError(
                f"{column} is too long: {len(cell):,} characters, at most {max_length:,}."
            )
        return cell

    return not_empty(parse, required) if required else parse


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(cell: str, column: str) -> date | None:
    if not cell:
        return None
    try:
        if _ISO_DATE.match(cell):
            return date.fromisoformat(cell)
    except ValueError:
        pass
    raise CellError(
        f"“{cell}” is not a date: write it YYYY-MM-DD, such as 2025-05-01 (a spreadsheet "
        "may have reformatted the column; format it as text)."
    )


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def rate(*, maximum: Decimal, decimals: int = 3, required: bool = False) -> Parser:
    """A rate in percent, 0 to `maximum` with at most `decimals` decimals; "2.5%" (a
    spreadsheet's percent format) is 2.5."""
    step = Decimal(1).scaleb(-decimals)

    def parse(cell: str, column: str) -> Decimal | None:
        if not cell:
            if required:
                raise CellError("the rate is empty; write a number of percent such as 2.5.")
            return None
        number = cell.removesuffix("%").strip()
        try:
            value = Decimal(number)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            hint = (
                f" with a decimal point: {number.replace(',', '.')}"
                if _DECIMAL_COMMA.match(number)
                else " such as 2.5"
            )
            raise CellError(f"“{cell}” is not a rate: write a number of percent{hint}.")
        if not 0 <= value <= maximum:
            raise CellError(f"“{cell}” is not a rate between 0 and {maximum:f} percent.")
        if value != value.quantize(step):
            raise CellError(f"“{cell}” has more than {decimals} decimals.")
        return value

    return parse


def choice(choices: Sequence[str], *, required: bool = True) -> Parser:
    """One of `choices`; case, spaces and hyphens do not matter ("Discuss only")."""
    choices = tuple(choices)  # an enum's .values is rebuilt on every access
    # Matched as typed ("Discuss only", "all-in"), stored as declared ("all-in" stays hyphenated).
    by_key = {name_key(value): value for value in choices}

    def parse(cell: str, column: str) -> str:
        key = name_key(cell)
        if key in by_key:
            return by_key[key]
        if not (cell or required):
            return key
        if not cell:
            raise CellError(f"{column} is empty; write one of: {', '.join(choices)}.")
        raise CellError(
            f"“{cell}” is not a {column}{did_you_mean(key, choices)} "
            f"(one of: {', '.join(choices)})."
        )

    return parse


def url(*, max_length: int, required: bool = False) -> Parser:
    def parse(cell: str, column: str) -> str:
        if not cell:
            if required:
                raise CellError(f"{column} is empty; write a full http:// or https:// URL.")
            return ""
        if not is_web_url(cell):
            raise CellError(f"“{cell}” is not a web address: write a full http:// or https:// URL.")
        if len(cell) > max_length:
            raise CellError(f"the URL is too long: {len(cell):,} characters, at most {max_length}.")
        return cell

    return parse


def urls(cell: str, column: str) -> list[str]:
    """Web addresses separated by spaces."""
    check = url(max_length=2000)
    return [check(item, column) for item in cell.split()]


def version(cell: str, column: str) -> int | None:
    """A row's version as an export wrote it; empty: not checked."""
    if not cell:
        return None
    if not (cell.isascii() and cell.isdigit()) or int(cell) < 1:
        raise CellError(
            f"“{cell}” is not a version: leave the cell as the export wrote it, or empty."
        )
    return int(cell)


def yes_no(cell: str, column: str) -> bool:
    key = cell.lower()
    if key in {"yes", "y", "true", "1"}:
        return True
    if key in {"no", "n", "false", "0", ""}:
        return False
    raise CellError(f"“{cell}” is not yes or no.")


def codes(cell: str, column: str) -> list[str]:
    """Codes separated by spaces (commas and semicolons do too)."""
    return [item for item in re.split(r"[\s,;]+", cell) if item]


def names(separator: str = "|") -> Parser:
    """Names separated by `separator`, since names hold spaces and commas."""

    def parse(cell: str, column: str) -> list[str]:
        return [part.strip() for part in cell.split(separator) if part.strip()]

    return parse
