"""The API's records of a computed table are the rows of its CSV format, as JSON: the same
columns, read by the same functions (`csv_formats.py`), so the file and the API never
disagree, and a column added to the format is in both."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import Field, create_model

from csvport.formats import Column, CsvFormat

_INTEGERS = {"rounds", "as_of_round", "round"}


def _type(column: Column):
    name = column.name
    if name.endswith(("_pct", "_pp")):
        return float | None
    if name.endswith("_usd"):
        return int | None
    if name in _INTEGERS or name.endswith(("_round", "_issues")):
        return int | None
    if name.endswith(("_on", "_date")) or name == "rates_as_of":
        return date | None
    return str | None


def record_schema(name: str, csv_format: CsvFormat) -> type[Schema]:
    """A schema with one field per column, typed by the column's name (rates in percent
    and gaps in points are numbers, amounts in dollars whole numbers, dates dates),
    documented by the column's rule and example."""
    fields: dict[str, Any] = {}
    for column in csv_format.columns:
        extra = {"examples": [column.example]} if column.example else {}
        fields[column.name] = (
            _type(column),
            Field(None, description=column.rule or None, **extra),
        )
    return create_model(name, __base__=Schema, **fields)


def record(csv_format: CsvFormat, item) -> dict[str, Any]:
    """One row of the format as a dict; an empty cell is null."""
    values = {}
    for column in csv_format.columns:
        value = column.value(item)
        values[column.name] = None if value == "" else value
    return values
