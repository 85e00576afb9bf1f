"""A CSV format, declared once: its columns, in order, and for each how a row's value is
read for export, how a cell is parsed on import, and the rule and example that document it.

Exports, imports, commands, the admin, benchmarks and tests all read the declaration, so
a column added to it is exported, imported, compared and documented everywhere at once.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

# A cell's text and its column's name (for messages) to a value; raises parsers.CellError.
Parser = Callable[[str, str], Any]


@dataclass(frozen=True)
class Column:
    """One column of a format.

    `field` is the ORM path of the column's value (`party__code`): exports read it with
    `.values()`, as plain values, and an import writes the model field it starts with (the
    foreign key `party`, found by its `code`). Without a field, `value` reads a row (an
    export of computed rows), or the column is imported by hand or only checked: a fact's
    provenance, kept in the file and not stored.
    """

    name: str
    value: Callable[[Any], Any] | None = None
    numeric: bool = False  # written as it is, never neutralized
    field: str = ""
    parse: Parser | None = None
    rule: str = ""
    example: str = ""
    optional: bool = False  # a file may leave it out
    # A column listing several related rows (`participants__name`): how the export joins them.
    separator: str = " "
    # For a column stored nowhere: what an export of the current data writes in it.
    export_path: str = ""

    def __post_init__(self):
        if self.value is None and self.field:
            object.__setattr__(self, "value", itemgetter(self.field))

    @property
    def target(self) -> str:
        """The model field an import writes: the first step of `field`."""
        return self.field.partition("__")[0]

    @property
    def plain(self) -> bool:
        """Stored as parsed in a field of the model itself, not found through another."""
        return bool(self.field) and "__" not in self.field


@dataclass(frozen=True)
class CsvFormat:
    """A file format: its columns, its name (`tariff-lines`, as `import_csv` takes it) and
    what one row holds ("tariff line"); for an importable format, its model (which names
    the format unless told otherwise) and the columns of its natural key."""

    columns: tuple[Column, ...]
    name: str = ""
    noun: str = ""
    model: Any = None
    key: tuple[str, ...] = ()  # column names
    # The column holding the row's version when it was exported (optional in files): an
    # import refuses to overwrite a row changed since, naming what changed.
    version: str = ""

    def __post_init__(self):
        if self.model is not None:
            meta = self.model._meta
            if not self.name:
                object.__setattr__(self, "name", str(meta.verbose_name_plural).replace(" ", "-"))
            if not self.noun:
                object.__setattr__(self, "noun", str(meta.verbose_name))
        if not (self.name and self.noun):
            raise ValueError("A format without a model needs a name and a noun.")
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"{self.name}: a column name appears twice.")
        if not set(self.key) <= set(self.names):
            raise ValueError(f"{self.name}: the key names a column the format does not have.")
        if self.version and self.version not in self.names:
            raise ValueError(f"{self.name}: the version column is not one of its columns.")

    @property
    def what(self) -> str:
        """The format in messages, plural: "tariff lines"."""
        return self.name.replace("-", " ")

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if not column.optional)

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    # --- export -----------------------------------------------------------------------------

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(column.field for column in self.columns if column.field)

    def values(self, queryset, *, chunk_size: int = 2000) -> Iterator[dict]:
        """The rows of `queryset` as plain values, read through a server-side cursor (on
        PostgreSQL) a chunk at a time: building model instances would cost most of a
        large export (16 s against 3 s for 100,000 positions)."""
        return queryset.values(*self.fields).iterator(chunk_size=chunk_size)

    def current_rows(self, queryset) -> Iterator[dict]:
        """The rows of `queryset` in this format, as an import reads them back: a column
        listing related rows (a round's participants) joined with its separator."""
        meta = queryset.model._meta
        listed = [
            column
            for column in self.columns
            if (column.field and meta.get_field(column.target).many_to_many)
            or (not column.field and column.export_path)
        ]
        if not listed:
            blank = {column.name: None for column in self.columns if not column.field}
            for row in self.values(queryset):
                yield {**row, **blank}
            return
        single = [c.field for c in self.columns if c.field and c not in listed]
        rows = list(queryset.values("pk", *single))
        pks = [row["pk"] for row in rows]
        for column in listed:
            path = column.field or column.export_path
            joined: dict = {}
            related = queryset.model._default_manager.filter(pk__in=pks)
            for pk, value in related.values_list("pk", path).order_by("pk", path).distinct():
                if value is not None:
                    joined.setdefault(pk, []).append(str(value))
            for row in rows:
                row[column.field or column.name] = column.separator.join(joined.get(row["pk"], []))
        for row in rows:
            yield {
                column.field or column.name: row.get(column.field or column.name)
                for column in self.columns
            }

    def export_columns(self) -> tuple[Column, ...]:
        """The columns reading `current_rows`: each by its field, or its name."""
        return tuple(
            column
            if column.field
            else Column(column.name, value=itemgetter(column.name), numeric=column.numeric)
            for column in self.columns
        )

    # --- import: where each column goes ---------------------------------------------------------

    @cached_property
    def attnames(self) -> dict[str, str]:
        """Each model field the columns write (by attname: `party_id`), and the first
        column that writes it, which a preview names when the field changes."""
        meta = self.model._meta
        written: dict[str, str] = {}
        for column in self.columns:
            if column.target:
                written.setdefault(meta.get_field(column.target).attname, column.name)
        return written

    @cached_property
    def key_attnames(self) -> tuple[str, ...]:
        meta = self.model._meta
        return tuple(
            dict.fromkeys(meta.get_field(self.column(name).target).attname for name in self.key)
        )

    @cached_property
    def value_attnames(self) -> tuple[str, ...]:
        """The fields an import may change in a row found by its key (relations aside)."""
        meta = self.model._meta
        version = self.version and meta.get_field(self.column(self.version).target).attname
        return tuple(
            name
            for name in self.attnames
            if name not in self.key_attnames
            and name != version
            and not meta.get_field(name).many_to_many
        )

    @cached_property
    def link_names(self) -> tuple[str, ...]:
        """The many-to-many relations the columns list."""
        meta = self.model._meta
        return tuple(name for name in self.attnames if meta.get_field(name).many_to_many)

    # --- documentation ------------------------------------------------------------------------

    def examples(self) -> dict[str, str]:
        return {column.name: column.example for column in self.columns}

    def markdown_table(self) -> str:
        """The table that documents the format (the README's)."""
        lines = ["| column | example | rule |", "| --- | --- | --- |"]
        for column in self.columns:
            cells = (column.name, column.example, column.rule)
            lines.append(" ".join(f"| {_escaped(c)}" if c else "|" for c in cells) + " |")
        return "\n".join(lines)


def _escaped(text: str) -> str:
    return text.replace("|", "\\|")
