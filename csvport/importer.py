"""Planning an import: a file's rows checked against its format and the database, with no
HTTP in it, so the admin and `manage.py import_csv` show the same preview and errors.

1. `plan_file(ImporterClass, data, ...)` reads the file, checks every row and returns a
   `Plan`: per row, created, updated or unchanged, and every problem with its line, column
   and reason. Nothing is written.
2. `plan.apply()` writes it all in one transaction, or refuses when there is any problem.

Rows are matched to the database by natural key, so importing a file twice changes
nothing the second time. Lookups are loaded once per file and writes are batched.
"""

from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError

from changes.bulk import CHANGED as CHANGED_ROW
from changes.bulk import CREATED as CREATED_ROW
from changes.bulk import record_history
from changes.versions import changes_since
from csvport.bulk import links_of, replace_links, write_rows
from csvport.formats import Column, CsvFormat
from csvport.parsers import INVALID, CellError
from csvport.plans import CREATED, PROGRESS_EVERY, UNCHANGED, UPDATED, Plan, Progress, RowOutcome
from csvport.problems import Problem
from csvport.reading import CsvFileError, Row, StreamedTable, Table, stream_table
from csvport.wording import closest, suggestions

AMBIGUOUS = object()  # a natural key that more than one row has


class TooManyProblems(Exception):
    """The file has more problems than a preview lists: it is read no further."""

    def __init__(self, problems: list[Problem], limit: int):
        super().__init__(f"more than {limit} problems")
        self.problems, self.limit = problems, limit


# Conflicts whose message lists what changed, from the history (a few queries each).
DETAILED_CONFLICTS = 20


def plan_file(
    importer_class: type["Importer"],
    data: bytes | BinaryIO,
    *,
    max_bytes: int,
    max_rows: int | None = None,
    too_large_hint: str = "",
    progress: Progress | None = None,
    options: dict | None = None,
) -> Plan:
    """Read `data` (bytes, or a binary file open for reading) and plan its import; the
    problems of an unreadable file are the plan's. `options` are the editor's choices an
    importer may take (the names of new issues). An importer that `streams` reads the
    rows one at a time; the others get them all in a list."""
    csv_format = importer_class.format
    if max_rows is None:
        max_rows = settings.CSV_IMPORT_MAX_ROWS
    try:
        with suggestions(settings.CSV_IMPORT_MAX_SUGGESTIONS):
            table = stream_table(
                data,
                csv_format,
                max_bytes=max_bytes,
                max_rows=max_rows,
                too_large_hint=too_large_hint,
            )
            if not importer_class.streams:
                listed = Table(columns=table.columns, rows=list(table.rows))
                listed.problems = table.problems
                table = listed
                if progress:
                    progress("read", len(table.rows), len(table.rows))
            return importer_class(table, progress, options).plan()
    except CsvFileError as error:
        return Plan(what=csv_format.what, noun=csv_format.noun, problems=error.problems)
    except TooManyProblems as stop:
        return Plan(
            what=csv_format.what,
            noun=csv_format.noun,
            problems=sorted(stop.problems)[: stop.limit],
            more_problems=True,
        )


_NO_DEFAULT = object()
# Cells parsed once per file: those this short, this many at most.
PARSED_CELL_LENGTH = 200
PARSED_CELLS = 100_000
_plain: dict[int, tuple] = {}


def _plain_columns(csv_format: CsvFormat) -> tuple[tuple[str, str], ...]:
    """(attname, column name) of the columns a row's own fields are parsed from: worked
    out once per format (formats are declared once, as module constants), not per row."""
    found = _plain.get(id(csv_format))
    if found is None or found[0] is not csv_format:
        meta = csv_format.model._meta
        columns = tuple(
            (meta.get_field(column.target).attname, column.name)
            for column in csv_format.columns
            if column.plain and column.parse is not None and column.name != csv_format.version
        )
        found = _plain[id(csv_format)] = (csv_format, columns)
    return found[1]


def _empty_value(csv_format: CsvFormat, column: Column):
    """What an optional column's empty cell stands for: its field's default, or its
    empty value; _NO_DEFAULT when the cell must be parsed."""
    field = csv_format.model._meta.get_field(column.target)
    if field.has_default():
        return field.get_default()
    if field.blank:
        # A field that may be left blank without a default: its empty value.
        return None if field.null else ""
    return _NO_DEFAULT


def changed_fields(old: dict, new: dict) -> tuple[str, ...]:
    # Decimal("2.500") from the database equals Decimal("2.5"): no spurious update.
    return tuple(name for name, value in new.items() if old[name] != value)


class Importer:
    """Plans the import of one `Table` of `format`; subclasses say what a row means."""

    format: CsvFormat
    # Whether `plan` reads the rows as a stream (`reading.StreamedTable`), or a list.
    streams = False

    def __init__(
        self, table: Table | StreamedTable, progress: Progress | None = None, options=None
    ):
        self.table = table
        self.progress = progress
        self.options = options or {}
        # A streamed table adds to its list as it reads: the same list.
        self.problems: list[Problem] = table.problems if self.streams else list(table.problems)
        self.notes: list[Problem] = []
        self.max_problems = settings.CSV_IMPORT_MAX_PROBLEMS
        self.parsed: dict[tuple[str, str], object] = {}

    @property
    def total(self) -> int:
        """How many rows the file has (about, for a stream: its lines)."""
        return self.table.estimate if self.streams else len(self.table.rows)

    def room_for_problems(self) -> int:
        return max(0, self.max_problems + 1 - len(self.problems))

    def plan(self) -> Plan:
        raise NotImplementedError

    # --- helpers for subclasses ----------------------------------------------------------

    def parse(self, row: Row, name: str):
        """The row's cell of column `name`, parsed as the format says, or INVALID once
        the problem is noted. An optional column's empty cell (or a file without the
        column) gives its field's default: a format can grow a column, and the files
        written before it still import."""
        cell = row.cells[name]
        # Most columns repeat a few values (a round, a party, a source): each is parsed
        # once per file. Parsers are pure; a statement or a title is not kept.
        known = self.parsed.get((name, cell), _NO_DEFAULT)
        if known is _NO_DEFAULT:
            known = self._parse(cell, name)
            if len(cell) <= PARSED_CELL_LENGTH and len(self.parsed) < PARSED_CELLS:
                self.parsed[(name, cell)] = known
        if isinstance(known, CellError):
            self.error(row, name, str(known))
            return INVALID
        return known

    def _parse(self, cell: str, name: str):
        column = self.format.column(name)
        if not cell and column.optional and column.plain:
            empty = _empty_value(self.format, column)
            if empty is not _NO_DEFAULT:
                return empty
        try:
            return column.parse(cell, name)
        except CellError as error:
            return error

    def plain_values(self, row: Row) -> dict:
        """The row's values for the fields of the model itself (by attname), parsed;
        the version column aside (`file_version`)."""
        return {attname: self.parse(row, name) for attname, name in _plain_columns(self.format)}

    def file_version(self, row: Row):
        """The version the row's export carried: None when the cell is empty or the
        format has none, INVALID once noted."""
        name = self.format.version
        if not name or not row.cells.get(name):
            return None
        try:
            return self.format.column(name).parse(row.cells[name], name)
        except CellError as error:
            self.error(row, name, str(error))
            return INVALID

    def check_version(self, line: int, pk, stored: int, seen, changed: tuple[str, ...]) -> None:
        """A row that would overwrite a row changed since the file's export is a problem
        naming what was changed, and by whom; nothing of the file is written."""
        if seen is None or seen is INVALID or seen == stored:
            return
        self.conflicts = getattr(self, "conflicts", 0) + 1
        noun = self.format.noun
        message = (
            f"this {noun} was changed after the file was exported (version {seen} in the "
            f"file, {stored} now) and the row would change {', '.join(changed)}: export the "
            "file again and redo the change, or empty the version cell to overwrite theirs."
        )
        if self.conflicts <= DETAILED_CONFLICTS:
            since = changes_since(self.format.model(pk=pk, version=stored), seen)
            if since:
                message += " Changed since: " + "; ".join(since) + "."
        self.problems.append(Problem(line=line, column=self.format.version, message=message))

    def check_provenance(self, row: Row) -> None:
        """Parse the columns that are only checked (a fact's source), noting problems."""
        for column in self.format.columns:
            if not column.field and column.parse is not None:
                self.parse(row, column.name)

    def error(self, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(line=row.line, column=column, message=message))

    def checked(self, done: int) -> None:
        if len(self.problems) > self.max_problems:
            # A file this wrong is not read further: its first problems say enough.
            raise TooManyProblems(self.problems, self.max_problems)
        total = self.total
        # About fifty steps for a progress bar; a command prints every PROGRESS_EVERY rows.
        every = max(100, min(PROGRESS_EVERY, total // 50))
        if self.progress and (done % every == 0 or done == total):
            self.progress("checked", done, max(done, total))

    def finish(self, rows: list[RowOutcome], related=(), writer=None, totals=None) -> Plan:
        order = {column: index for index, column in enumerate(self.format.names)}
        self.problems.sort(key=lambda p: (p.line, order.get(p.column, -1), p.message))
        more = len(self.problems) > self.max_problems
        return Plan(
            what=self.format.what,
            noun=self.format.noun,
            problems=self.problems[: self.max_problems],
            rows=sorted(rows),
            related=list(related),
            notes=sorted(self.notes),
            writer=None if self.problems else writer,
            totals=totals,
            more_problems=more,
        )

    def duplicate(self, row: Row, key, seen: dict) -> bool:
        """Note a row whose natural key an earlier row of the file has; True if it is one."""
        first = seen.setdefault(key, row.line)
        if first == row.line:
            return False
        self.error(
            row, "", f"the same {self.format.noun} as line {first}; remove one of the two lines."
        )
        return True


class ModelImporter(Importer):
    """A file whose rows are rows of `format.model`, found by the format's key.

    Where a column's value goes is its `field`: a field of the model (`title`), a foreign
    key named by a natural key (`country__code`: the country whose code the cell holds), or
    a many-to-many relation listed in the cell (`participants__name`, the cell parsed to a
    list). A column without a field is checked, not stored. Lookups are loaded once per
    file; the model's own `clean()` checks each row.
    """

    # How a column's natural key is matched, when not as it is: names whatever their case.
    lookup_keys: dict[str, Callable[[str], str]] = {}

    def plan(self) -> Plan:
        csv_format, model = self.format, self.format.model
        self.spelled: dict[str, dict] = {}
        self.lookups = {
            column.name: self.lookup(column)
            for column in csv_format.columns
            if column.target and not column.plain
        }
        existing = self.existing()
        seen: dict = {}
        outcomes, creates, updates, links = [], [], [], []
        for done, row in enumerate(self.table.rows, start=1):
            before = len(self.problems)
            values, relations = self.read_row(row)
            self.checked(done)
            key = tuple(values.get(name, INVALID) for name in csv_format.key_attnames)
            if INVALID not in key and self.duplicate(row, key, seen):
                continue
            if len(self.problems) > before:
                continue
            self.check(row, values)
            if len(self.problems) > before:
                continue
            label = self.label(row)
            found = existing.get(key)
            if found is None:
                creates.append(values)
                links.append((key, relations))
                outcomes.append(RowOutcome(row.line, CREATED, label))
                continue
            pk, old_values, old_relations = found
            changed = changed_fields(old_values, values) + changed_fields(old_relations, relations)
            if not changed:
                outcomes.append(RowOutcome(row.line, UNCHANGED, label))
                continue
            updates.append((pk, values))
            links.append((key, relations))
            columns = tuple(csv_format.attnames[name] for name in changed)
            outcomes.append(RowOutcome(row.line, UPDATED, label, columns))

        def write(progress):
            linked = bool(csv_format.link_names and links)
            created, _updated = write_rows(model, creates, updates, progress, history=not linked)
            if linked:
                keys = self.existing_rows().values_list("pk", *csv_format.key_attnames)
                pks = {tuple(key): pk for pk, *key in keys}
                for name in csv_format.link_names:
                    replace_links(model, name, {pks[key]: found[name] for key, found in links})
                # After the links: the history keeps each row with its relations.
                created_pks = [row.pk for row in created]
                record_history(model, created_pks, history_type=CREATED_ROW)
                changed = {pks[key] for key, _ in links} - set(created_pks)
                record_history(model, sorted(changed), history_type=CHANGED_ROW)

        return self.finish(outcomes, writer=write)

    def existing_rows(self):
        """The rows a file may match; all of them unless a subclass knows better."""
        return self.format.model._default_manager.all()

    def existing(self) -> dict:
        """Natural key → (pk, values by attname, relations as sets of pks)."""
        csv_format, model = self.format, self.format.model
        wanted = (*csv_format.key_attnames, *csv_format.value_attnames)
        rows = list(self.existing_rows().values("pk", *wanted))
        pks = [row["pk"] for row in rows]
        links = {name: links_of(model, name, pks) for name in csv_format.link_names}
        return {
            tuple(row[name] for name in csv_format.key_attnames): (
                row["pk"],
                {name: row[name] for name in wanted},
                {name: frozenset(links[name][row["pk"]]) for name in csv_format.link_names},
            )
            for row in rows
        }

    def lookup(self, column: Column) -> dict:
        """The rows a column may name, by natural key: the model the column's field leads
        to, by the rest of the path."""
        meta = self.format.model._meta
        related = meta.get_field(column.target).related_model
        key = self.lookup_keys.get(column.name, str)
        table: dict = {}
        self.spelled.setdefault(column.name, {})
        for value, pk in related._default_manager.values_list(column.field.split("__", 1)[1], "pk"):
            name = key(value)
            table[name] = pk if table.get(name, pk) == pk else AMBIGUOUS
            self.spelled[column.name][name] = value  # for a suggestion, as it is written
        return table

    def read_row(self, row: Row) -> tuple[dict, dict]:
        """The row's values by attname and its relations by name; problems are noted."""
        meta = self.format.model._meta
        values, relations = {}, {}
        for column in self.format.columns:
            if column.parse is None:
                continue
            value = self.parse(row, column.name)
            if not column.target:
                continue
            field = meta.get_field(column.target)
            if value is not INVALID and field.many_to_many:
                value = frozenset(self.find(row, column, item) for item in value)
                value = INVALID if INVALID in value else value
            elif value is not INVALID and not column.plain:
                value = self.find(row, column, value) if value else None
            (relations if field.many_to_many else values)[field.attname] = value
        return values, relations

    def find(self, row: Row, column: Column, value):
        """The pk of the row `value` names in `column`'s lookup, or INVALID, noted."""
        table = self.lookups[column.name]
        pk = table.get(self.lookup_keys.get(column.name, str)(value))
        if pk is AMBIGUOUS:
            related = self.format.model._meta.get_field(column.target).related_model
            self.error(
                row,
                column.name,
                f"“{value}” names more than one {related._meta.verbose_name}: "
                "choose it in the admin instead.",
            )
            return INVALID
        if pk is None:
            self.unknown(row, column, value, table)
            return INVALID
        return pk

    def unknown(self, row: Row, column: Column, value, table: dict) -> None:
        related = self.format.model._meta.get_field(column.target).related_model._meta
        match = closest(self.lookup_keys.get(column.name, str)(value), table)
        suggestion = f"; did you mean “{self.spelled[column.name][match]}”?" if match else "."
        self.error(
            row,
            column.name,
            f"there is no {related.verbose_name} “{value}” (add it in the admin, or import "
            f"the {related.verbose_name_plural} first){suggestion}",
        )

    def check(self, row: Row, values: dict) -> None:
        """The model's own rules across fields (`clean()`), as row problems."""
        try:
            self.format.model(**values).clean()
        except ValidationError as error:
            columns = self.format.attnames
            meta = self.format.model._meta
            for name, messages in error.message_dict.items():
                column = columns.get(meta.get_field(name).attname, "") if name != "__all__" else ""
                for message in messages:
                    self.error(row, column, message)

    def label(self, row: Row) -> str:
        """What the preview calls the row: its natural key, as the file writes it."""
        return " ".join(row.cells[name] for name in self.format.key)
