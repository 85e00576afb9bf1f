"""Columns of the common kinds, each documented by a rule written from how it is parsed
(unless a format gives its own words)."""

from collections.abc import Sequence

from csvport.formats import Column
from csvport.parsers import choice, iso_date, not_empty, text


def text_column(
    name: str,
    *,
    field: str | None = None,
    max_length: int | None = None,
    required: str = "",
    rule: str = "",
    example: str = "",
) -> Column:
    """Text stored as it is; `required`: the reason an empty cell is refused."""
    if not rule:
        rule = "text" + (f", at most {max_length} characters" if max_length else "")
        rule += "; required" if required else "; may be empty"
    return Column(
        name,
        field=name if field is None else field,
        parse=text(max_length=max_length, required=required),
        rule=rule,
        example=example,
    )


def date_column(
    name: str, *, field: str | None = None, required: str = "", rule: str = "", example: str = ""
) -> Column:
    return Column(
        name,
        field=name if field is None else field,
        parse=not_empty(iso_date, required) if required else iso_date,
        rule=rule or ("ISO date; required" if required else "ISO date; may be empty"),
        example=example,
    )


def choice_column(
    name: str, choices: Sequence[str], *, rule: str = "", example: str = "", optional: bool = False
) -> Column:
    return Column(
        name,
        field=name,
        parse=choice(choices),
        rule=rule or f"one of: {', '.join(choices)}",
        example=example,
        optional=optional,
    )
