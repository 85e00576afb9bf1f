"""CSV imports of tariff data, and what every import shares (positions live in
`negotiations.importers`).

An import is two steps with no HTTP in them, so the admin and `manage.py import_csv` show
the same preview and the same errors:

1. `plan_file(ImporterClass, data, ...)` reads the file, checks every row against the
   schema and the database, and returns a `Plan`: per row, created, updated or unchanged,
   and every problem with its line, column and reason. Nothing is written.
2. `plan.apply()` writes it all in one transaction, or refuses when there is any problem.

Rows are matched to the database by natural key, so importing a file twice changes
nothing the second time. Lookups are loaded once per file and writes are batched: a
100,000-row file costs a few dozen queries, not one per row.
"""

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from tariffs.csvread import CsvFileError, Problem, Table, read_table
from tariffs.hs import normalize_hs_code, validate_hs_code
from tariffs.models import MAX_RATE, Confidence, Country, MeasureKind, TariffLine, TariffMeasure

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
OUTCOMES = (CREATED, UPDATED, UNCHANGED)

# (stage, done, total): rows "read", then "checked", then "written"; the command prints it.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 10_000
BATCH_SIZE = 2_000


class RowOutcome(NamedTuple):
    line: int
    outcome: str
    label: str
    changed: tuple[str, ...] = ()  # for an update: the columns whose values change


@dataclass
class Related:
    """Rows of another model an import creates or updates on the way (a position's round)."""

    noun: str  # singular: "round"
    created: int = 0
    updated: int = 0


class ImportRefused(Exception):
    """The file has problems, or the database changed under the import; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class Plan:
    """What importing a file would do; `apply()` does it."""

    what: str  # "positions"
    noun: str  # "position"
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    # Not errors, but worth a look before confirming ("issue `auots` will be created").
    notes: list[Problem] = field(default_factory=list)
    writer: Callable[[Progress | None], None] | None = None
    applied: bool = False
    attempted: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def changes(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome != UNCHANGED]

    def summary(self) -> str:
        """ "298 positions to create, 2 to update, 0 unchanged" (or "created", once applied)."""
        counts = self.counts
        verbs = ("created", "updated") if self.applied else ("to create", "to update")
        return (
            f"{plural(counts[CREATED], self.noun)} {verbs[0]}, {counts[UPDATED]:,} {verbs[1]}, "
            f"{counts[UNCHANGED]:,} unchanged"
        )

    def related_summary(self) -> str:
        """ "also 1 round and 3 issues to create; 1 source to update", or ""."""
        verbs = ("created", "updated") if self.applied else ("to create", "to update")
        parts = []
        for attribute, verb in zip(("created", "updated"), verbs, strict=True):
            items = [
                plural(getattr(related, attribute), related.noun)
                for related in self.related
                if getattr(related, attribute)
            ]
            if items:
                parts.append(f"{join_and(items)} {verb}")
        return f"also {'; '.join(parts)}" if parts else ""

    def apply(self, progress: Progress | None = None) -> None:
        """Write everything in one transaction, or nothing."""
        if self.problems:
            raise ImportRefused(self.problems)
        if self.attempted:
            # A failed attempt leaves primary keys on the rows it meant to create.
            raise RuntimeError("A plan is applied once; plan the file again.")
        self.attempted = True
        try:
            with transaction.atomic():
                if self.writer is not None:
                    self.writer(progress)
        except IntegrityError as error:
            # Someone changed the same rows between the check and the write.
            raise ImportRefused(
                [
                    Problem(
                        message="the database changed while the file was being imported "
                        f"({error}); nothing was written: import the file again."
                    )
                ]
            ) from error
        self.applied = True


def plan_file(
    importer_class: type["Importer"],
    data: bytes,
    *,
    max_bytes: int,
    too_large_hint: str = "",
    progress: Progress | None = None,
) -> Plan:
    """Read `data` and plan its import; the problems of an unreadable file are the plan's."""
    try:
        table = read_table(
            data,
            importer_class.columns,
            max_bytes=max_bytes,
            what=importer_class.what,
            too_large_hint=too_large_hint,
        )
    except CsvFileError as error:
        return Plan(what=importer_class.what, noun=importer_class.noun, problems=error.problems)
    if progress:
        progress("read", len(table.rows), len(table.rows))
    return importer_class(table, progress).plan()


# --- reading cells ---------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value is not acceptable; the message says why, in the editor's terms."""


INVALID = object()  # a cell that had a problem; the row will not be imported


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def join_and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def closest(value: str, candidates: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(value, list(candidates), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(value: str, candidates: Iterable[str], otherwise: str = "") -> str:
    match = closest(value, candidates)
    return f"; did you mean `{match}`?" if match else otherwise


def parse_text(text: str, column: str, *, max_length: int, required: str = "") -> str:
    """`required`: the reason an empty cell is refused; empty when it may be empty."""
    if not text and required:
        raise CellError(f"{column} is empty; {required}")
    if len(text) > max_length:
        raise CellError(f"{column} is too long: {len(text):,} characters, at most {max_length:,}.")
    return text


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> date | None:
    if not text:
        return None
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise CellError(
        f"`{text}` is not a date: write it YYYY-MM-DD, such as 2025-05-01 (a spreadsheet "
        "may have reformatted the column; format it as text)."
    )


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def parse_rate(text: str, *, required: bool = False) -> Decimal | None:
    """A rate in percent, 0 to 1000 with at most 3 decimals; "2.5%" (a spreadsheet's
    percent format) is 2.5."""
    if not text:
        if required:
            raise CellError("the rate is empty; write a number of percent such as 2.5.")
        return None
    number = text.removesuffix("%").strip()
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
        raise CellError(f"`{text}` is not a rate: write a number of percent{hint}.")
    if not 0 <= value <= MAX_RATE:
        raise CellError(f"`{text}` is not a rate between 0 and 1000 percent.")
    if value != value.quantize(Decimal("0.001")):
        raise CellError(f"`{text}` has more than 3 decimals.")
    return value


def choice_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def parse_choice(text: str, column: str, choices: Sequence[str]) -> str:
    """One of `choices`; case, spaces and hyphens do not matter ("Discuss only")."""
    key = choice_key(text)
    if key in choices:
        return key
    if not text:
        raise CellError(f"{column} is empty; write one of: {', '.join(choices)}.")
    raise CellError(
        f"`{text}` is not a {column}{did_you_mean(key, choices)} (one of: {', '.join(choices)})."
    )


_validate_url = URLValidator(schemes=["http", "https"])


@functools.lru_cache(maxsize=100_000)
def _is_url(text: str) -> bool:
    # Many rows cite one source: validating each URL once saves most of the work.
    try:
        _validate_url(text)
    except ValidationError:
        return False
    return True


def parse_url(text: str, *, max_length: int = 500) -> str:
    if not text:
        return ""
    if not _is_url(text):
        raise CellError(f"`{text}` is not a web address: write a full http:// or https:// URL.")
    if len(text) > max_length:
        raise CellError(f"the URL is too long: {len(text):,} characters, at most {max_length}.")
    return text


def parse_yes_no(text: str) -> bool:
    key = text.lower()
    if key in {"yes", "y", "true", "1"}:
        return True
    if key in {"no", "n", "false", "0", ""}:
        return False
    raise CellError(f"`{text}` is not yes or no.")


def split_list(text: str) -> list[str]:
    """Codes separated by spaces (commas and semicolons do too)."""
    return [item for item in re.split(r"[\s,;]+", text) if item]


class Importer:
    """Plans the import of one `Table`; subclasses say what a row means."""

    what = ""  # the format, plural: "positions"
    noun = ""  # one row's thing: "position"
    columns: tuple[str, ...] = ()

    def __init__(self, table: Table, progress: Progress | None = None):
        self.table = table
        self.progress = progress
        self.problems: list[Problem] = list(table.problems)
        self.notes: list[Problem] = []

    def plan(self) -> Plan:
        raise NotImplementedError

    # --- helpers for subclasses ----------------------------------------------------------

    def cell(self, row, column: str, parse, *args, **kwargs):
        """`parse(row's cell, ...)`, or INVALID once the problem is noted."""
        try:
            return parse(row.cells[column], *args, **kwargs)
        except CellError as error:
            self.error(row, column, str(error))
            return INVALID

    def error(self, row, column: str, message: str) -> None:
        self.problems.append(Problem(line=row.line, column=column, message=message))

    def checked(self, done: int) -> None:
        if self.progress and (done % PROGRESS_EVERY == 0 or done == len(self.table.rows)):
            self.progress("checked", done, len(self.table.rows))

    def countries(self) -> dict[str, int]:
        return dict(Country.objects.values_list("code", "pk"))

    def country(self, row, column: str, codes: dict[str, int]) -> int | object:
        code = row.cells[column].upper()
        if not code:
            self.error(row, column, f"{column} is empty; write an ISO 3166-1 alpha-3 code.")
            return INVALID
        if code not in codes:
            self.error(
                row,
                column,
                f"`{row.cells[column]}` is not a country: write an ISO 3166-1 alpha-3 code "
                f"such as JPN or USA (EUU for the EU){did_you_mean(code, codes, '.')}",
            )
            return INVALID
        return codes[code]

    def finish(self, rows: list[RowOutcome], related=(), writer=None) -> Plan:
        order = {column: index for index, column in enumerate(self.columns)}
        self.problems.sort(key=lambda p: (p.line, order.get(p.column, -1), p.message))
        return Plan(
            what=self.what,
            noun=self.noun,
            problems=self.problems,
            rows=sorted(rows),
            related=list(related),
            notes=sorted(self.notes),
            writer=None if self.problems else writer,
        )

    def duplicate(self, row, key, seen: dict, what: str) -> bool:
        """Note a row whose natural key an earlier row of the file has; True if it is one."""
        first = seen.setdefault(key, row.line)
        if first == row.line:
            return False
        self.error(row, "", f"the same {what} as line {first}; remove one of the two lines.")
        return True


def changed_fields(old: dict, new: dict) -> tuple[str, ...]:
    # Decimal("2.500") from the database equals Decimal("2.5"): no spurious update.
    return tuple(name for name, value in new.items() if old[name] != value)


def chunks(items: Sequence, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_rows(
    model: type[models.Model],
    creates: list[dict],
    updates: list[tuple[int, dict]],
    progress: Progress | None,
) -> None:
    """Insert and update in batches; an update skips auto_now, so updated_at is set here."""
    total, done = len(creates) + len(updates), 0
    for batch in chunks(creates):
        model.objects.bulk_create([model(**values) for values in batch])
        done += len(batch)
        if progress:
            progress("written", done, total)
    now = timezone.now()
    for batch in chunks(updates):
        update_rows(model, [(pk, {**values, "updated_at": now}) for pk, values in batch])
        done += len(batch)
        if progress:
            progress("written", done, total)


def update_rows(model: type[models.Model], rows: list[tuple[int, dict]]) -> None:
    """Set the fields each row's dict names (by attname: `source_id`), by primary key.

    Django's bulk_update builds a filtered CASE WHEN per row and field, about 2 ms a row:
    four minutes for 100,000 corrected positions. On PostgreSQL one UPDATE … FROM
    unnest(one array per column) per batch takes seconds (Django's bulk_create does the
    same); other databases (SQLite for `make run`) take the plain path.
    """
    if not rows:
        return
    names = list(rows[0][1])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_update(
            [model(pk=pk, **values) for pk, values in rows],
            [model._meta.get_field(name).name for name in names],
        )
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    table, key, key_type = quote(meta.db_table), quote(meta.pk.column), meta.pk.db_type(connection)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, field in enumerate(fields))
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest(%s::{key_type}[], {arrays}) "
        f"AS v(pk, {columns}) WHERE {table}.{key} = v.pk"
    )
    for batch in chunks(rows):
        params = [[pk for pk, _ in batch]] + [
            [field.get_db_prep_save(values[name], connection) for _, values in batch]
            for name, field in zip(names, fields, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# --- tariff lines ------------------------------------------------------------------------------

TARIFF_LINE_COLUMNS = ("importer", "hs_code", "description", "base_rate_pct")


class TariffLineImporter(Importer):
    """One row per line of an importer's tariff; the key is importer + HS code."""

    what = "tariff lines"
    noun = "tariff line"
    columns = TARIFF_LINE_COLUMNS

    def plan(self) -> Plan:
        codes = self.countries()
        importers = {codes.get(row.cells["importer"].upper()) for row in self.table.rows}
        existing = {
            (importer, hs_code): (pk, {"description": description, "base_rate_pct": rate})
            for pk, importer, hs_code, description, rate in TariffLine.objects.filter(
                importer__in=importers - {None}
            ).values_list("pk", "importer_id", "hs_code", "description", "base_rate_pct")
        }
        seen: dict = {}
        outcomes, creates, updates = [], [], []
        for done, row in enumerate(self.table.rows, start=1):
            importer = self.country(row, "importer", codes)
            hs_code = self.cell(row, "hs_code", self.hs_code)
            values = {
                "description": self.cell(
                    row,
                    "description",
                    parse_text,
                    "description",
                    max_length=300,
                    required="describe the goods of the line.",
                ),
                "base_rate_pct": self.cell(row, "base_rate_pct", parse_rate),
            }
            self.checked(done)
            key = (importer, hs_code)
            if INVALID in key or self.duplicate(row, key, seen, "tariff line"):
                continue
            if INVALID in values.values():
                continue
            label = f"{row.cells['importer'].upper()} {hs_code} {values['description'][:60]}"
            if key not in existing:
                creates.append({"importer_id": importer, "hs_code": hs_code, **values})
                outcomes.append(RowOutcome(row.line, CREATED, label))
                continue
            pk, old = existing[key]
            changed = changed_fields(old, values)
            if changed:
                updates.append((pk, values))
                outcomes.append(RowOutcome(row.line, UPDATED, label, changed))
            else:
                outcomes.append(RowOutcome(row.line, UNCHANGED, label))

        def write(progress):
            write_rows(TariffLine, creates, updates, progress)

        return self.finish(outcomes, writer=write)

    @staticmethod
    def hs_code(text: str) -> str:
        if not text:
            raise CellError("hs_code is empty; write 2 to 10 digits, such as 8703.23.")
        code = normalize_hs_code(text)
        try:
            validate_hs_code(code)
        except ValidationError:
            raise CellError(
                f"`{text}` is not an HS code: 2 to 10 digits, dots allowed (8703 or 8703.23)."
            ) from None
        return code


# --- tariff measures ----------------------------------------------------------------------------

TARIFF_MEASURE_COLUMNS = (
    "importer",
    "name",
    "legal_basis",
    "kind",
    "rate_pct",
    "covers_all_lines",
    "lines",
    "partners",
    "displaces",
    "announced_on",
    "in_force_from",
    "in_force_until",
    "source_url",
    "confidence",
    "note",
)
MEASURE_FIELDS = (
    "legal_basis",
    "kind",
    "rate_pct",
    "covers_all_lines",
    "announced_on",
    "in_force_from",
    "in_force_until",
    "source_url",
    "confidence",
    "note",
)
DISPLACES_SEPARATOR = "|"


@dataclass
class _MeasureRow:
    line: int
    importer: int
    name: str
    values: dict
    lines: frozenset[int]
    partners: frozenset[int]
    displaces: list[str]  # names, resolved once every row is read


class TariffMeasureImporter(Importer):
    """One row per measure; the key is importer + name. Lines, partners and displaced
    measures are relations, replaced by what the row lists."""

    what = "tariff measures"
    noun = "tariff measure"
    columns = TARIFF_MEASURE_COLUMNS
    kinds = tuple(MeasureKind.values)
    confidences = tuple(Confidence.values)

    def plan(self) -> Plan:
        codes = self.countries()
        self.code_of = {pk: code for code, pk in codes.items()}
        rows = self.table.rows
        importers = {pk for pk in (codes.get(r.cells["importer"].upper()) for r in rows) if pk}
        self.lines = {
            (importer, hs_code): pk
            for pk, importer, hs_code in TariffLine.objects.filter(
                importer__in=importers
            ).values_list("pk", "importer_id", "hs_code")
        }
        existing = self.existing_measures(importers)
        seen: dict = {}
        read: list[_MeasureRow] = []
        for done, row in enumerate(rows, start=1):
            measure = self.read_row(row, codes)
            self.checked(done)
            if measure is None:
                continue
            if self.duplicate(row, (measure.importer, measure.name), seen, "measure"):
                continue
            read.append(measure)

        in_file = {(m.importer, m.name) for m in read}
        # Rows with errors of their own: a reference to one is not a second error.
        names_in_file = {(codes.get(r.cells["importer"].upper()), r.cells["name"]) for r in rows}
        outcomes, resolved = [], []
        for measure in read:
            displaces = []
            for name in measure.displaces:
                key = (measure.importer, name)
                if name == measure.name:
                    self.problems.append(
                        Problem(measure.line, "displaces", "a measure cannot displace itself.")
                    )
                elif key in existing or key in in_file:
                    displaces.append(key)
                elif key not in names_in_file:  # a row of the file with errors of its own
                    known = [n for i, n in list(existing) + list(in_file) if i == measure.importer]
                    code = self.code_of[measure.importer]
                    self.problems.append(
                        Problem(
                            measure.line,
                            "displaces",
                            f"`{name}` is not a measure of {code}, in the database or in this "
                            f"file{did_you_mean(name, known, '.')}",
                        )
                    )
            resolved.append((measure, frozenset(displaces)))

        to_write = []
        for measure, displaces in resolved:
            key = (measure.importer, measure.name)
            label = f"{self.code_of[measure.importer]} {measure.name}"
            relations = {
                "lines": measure.lines,
                "partners": measure.partners,
                "displaces": displaces,
            }
            if key not in existing:
                outcomes.append(RowOutcome(measure.line, CREATED, label))
                to_write.append((None, measure, relations))
                continue
            pk, old_values, old_relations = existing[key]
            # A displaced measure of another importer cannot be named in the file: kept.
            relations["displaces"] |= {k for k in old_relations["displaces"] if k[0] == "pk"}
            changed = changed_fields(old_values, measure.values) + changed_fields(
                old_relations, relations
            )
            outcomes.append(
                RowOutcome(measure.line, UPDATED if changed else UNCHANGED, label, changed)
            )
            if changed:
                to_write.append((pk, measure, relations))

        def write(progress):
            self.write(to_write, existing, progress)

        return self.finish(outcomes, writer=write)

    def existing_measures(self, importers) -> dict:
        """(importer, name) → (pk, field values, relations as sets of keys)."""
        measures = TariffMeasure.objects.filter(importer__in=importers)
        by_pk = {
            row["pk"]: row for row in measures.values("pk", "importer_id", "name", *MEASURE_FIELDS)
        }
        relations = {pk: {"lines": set(), "partners": set(), "displaces": set()} for pk in by_pk}
        through = TariffMeasure.lines.through.objects.filter(tariffmeasure_id__in=by_pk)
        for measure, line in through.values_list("tariffmeasure_id", "tariffline_id"):
            relations[measure]["lines"].add(line)
        through = TariffMeasure.partners.through.objects.filter(tariffmeasure_id__in=by_pk)
        for measure, country in through.values_list("tariffmeasure_id", "country_id"):
            relations[measure]["partners"].add(country)
        through = TariffMeasure.displaces.through.objects.filter(from_tariffmeasure_id__in=by_pk)
        for source, target in through.values_list("from_tariffmeasure_id", "to_tariffmeasure_id"):
            if target in by_pk:
                relations[source]["displaces"].add(
                    (by_pk[target]["importer_id"], by_pk[target]["name"])
                )
            else:  # displaces a measure of another importer: keep it, it is not in the file
                relations[source]["displaces"].add(("pk", target))
        return {
            (row["importer_id"], row["name"]): (
                pk,
                {name: row[name] for name in MEASURE_FIELDS},
                {name: frozenset(keys) for name, keys in relations[pk].items()},
            )
            for pk, row in by_pk.items()
        }

    def read_row(self, row, codes) -> _MeasureRow | None:
        before = len(self.problems)
        importer = self.country(row, "importer", codes)
        name = self.cell(
            row, "name", parse_text, "name", max_length=200, required="name the measure."
        )
        values = {
            "legal_basis": self.cell(row, "legal_basis", parse_text, "legal_basis", max_length=300),
            "kind": self.cell(row, "kind", parse_choice, "kind", self.kinds),
            "rate_pct": self.cell(row, "rate_pct", parse_rate, required=True),
            "covers_all_lines": self.cell(row, "covers_all_lines", parse_yes_no),
            "announced_on": self.cell(row, "announced_on", parse_date),
            "in_force_from": self.cell(row, "in_force_from", parse_date),
            "in_force_until": self.cell(row, "in_force_until", parse_date),
            "source_url": self.cell(row, "source_url", parse_url),
            "confidence": self.cell(
                row, "confidence", parse_choice, "confidence", self.confidences
            ),
            "note": row.cells["note"],
        }
        partners = self.partners(row, codes, importer)
        lines = self.measure_lines(row, importer, values["covers_all_lines"])
        self.check_dates(row, values)
        displaces = [
            part.strip()
            for part in row.cells["displaces"].split(DISPLACES_SEPARATOR)
            if part.strip()
        ]
        if len(self.problems) > before:
            return None
        return _MeasureRow(row.line, importer, name, values, lines, partners, displaces)

    def partners(self, row, codes, importer) -> frozenset[int]:
        partners = set()
        for code in split_list(row.cells["partners"]):
            pk = codes.get(code.upper())
            if pk is None:
                self.error(
                    row,
                    "partners",
                    f"`{code}` is not a country: write ISO 3166-1 alpha-3 codes separated by "
                    f"spaces, such as JPN GBR{did_you_mean(code.upper(), codes, '.')}",
                )
            elif pk == importer:
                self.error(
                    row, "partners", f"{code.upper()} cannot be a partner of its own measure."
                )
            else:
                partners.add(pk)
        return frozenset(partners)

    def measure_lines(self, row, importer, covers_all_lines) -> frozenset[int]:
        codes = split_list(row.cells["lines"])
        if covers_all_lines is True and codes:
            self.error(
                row,
                "lines",
                "a measure that covers every line lists no lines: empty this cell, or set "
                "covers_all_lines to no.",
            )
            return frozenset()
        if importer is INVALID:
            return frozenset()
        lines = set()
        for code in codes:
            key = (importer, normalize_hs_code(code))
            if key in self.lines:
                lines.add(self.lines[key])
            else:
                self.error(
                    row,
                    "lines",
                    f"{self.code_of[importer]} has no tariff line {code}: import the line "
                    "first (tariff lines), or add it in the admin.",
                )
        return frozenset(lines)

    def check_dates(self, row, values) -> None:
        announced, start, end = (
            values["announced_on"],
            values["in_force_from"],
            values["in_force_until"],
        )
        if INVALID in (announced, start, end):
            return
        if end and not start:
            self.error(
                row,
                "in_force_until",
                "in_force_until is given but in_force_from is empty: a measure that ended "
                "must have started.",
            )
        elif end and end < start:
            self.error(
                row, "in_force_until", f"in_force_until {end} is before in_force_from {start}."
            )
        if announced and start and start < announced:
            self.error(
                row, "announced_on", f"announced_on {announced} is after in_force_from {start}."
            )

    def write(self, to_write, existing, progress) -> None:
        now = timezone.now()
        pks = {key: pk for key, (pk, _, _) in existing.items()}
        new = [
            TariffMeasure(importer_id=m.importer, name=m.name, **m.values)
            for pk, m, _ in to_write
            if pk is None
        ]
        TariffMeasure.objects.bulk_create(new)
        pks.update({(m.importer_id, m.name): m.pk for m in new})
        update_rows(
            TariffMeasure,
            [(pk, {**m.values, "updated_at": now}) for pk, m, _ in to_write if pk],
        )
        ids = [pks[(m.importer, m.name)] for _, m, _ in to_write]
        relations = [
            (TariffMeasure.lines.through, "tariffmeasure_id", "tariffline_id", "lines"),
            (TariffMeasure.partners.through, "tariffmeasure_id", "country_id", "partners"),
            (
                TariffMeasure.displaces.through,
                "from_tariffmeasure_id",
                "to_tariffmeasure_id",
                "displaces",
            ),
        ]
        for through, source, target, name in relations:
            through.objects.filter(**{f"{source}__in": ids}).delete()
            links = []
            for (_, _, wanted), pk in zip(to_write, ids, strict=True):
                for item in wanted[name]:
                    if name == "displaces":
                        item = item[1] if item[0] == "pk" else pks[item]
                    links.append(through(**{source: pk, target: item}))
            through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        if progress:
            progress("written", len(to_write), len(to_write))
