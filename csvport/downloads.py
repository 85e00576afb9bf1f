"""A download, apart from the request that asks for it: a page's view and `export_csv`
call the same function, so the file is the same, byte for byte."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponseBadRequest

from csvport.formats import Column
from csvport.writing import csv_lines, csv_response


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
