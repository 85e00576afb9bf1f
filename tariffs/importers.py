"""The CSV imports of tariff data: tariff lines, tariff measures and trade values (formats
declared in `tariffs.csv_formats`; the engine is `csvport`'s)."""

from collections import defaultdict
from dataclasses import dataclass

from changes.bulk import CHANGED, record_history
from changes.bulk import CREATED as CREATED_ROW
from csvport.bulk import links_of, replace_links, write_rows
from csvport.importer import Importer, ModelImporter, changed_fields
from csvport.parsers import INVALID
from csvport.plans import CREATED, UNCHANGED, UPDATED, Plan, RowOutcome
from csvport.problems import Problem
from csvport.wording import did_you_mean
from tariffs.csv_formats import TARIFF_LINES, TARIFF_MEASURES, TRADE_VALUES
from tariffs.hs import normalize_hs_code
from tariffs.models import Country, TariffLine, TariffMeasure, TradeValue


def not_a_country(text: str, codes) -> str:
    return (
        f"“{text}” is not a country: write an ISO 3166-1 alpha-3 code such as JPN or USA "
        f"(EUU for the EU){did_you_mean(text.upper(), codes, '.')}"
    )


class CountryCells:
    """For importers whose rows name countries by their ISO code."""

    def countries(self) -> dict[str, int]:
        return dict(Country.objects.values_list("code", "pk"))

    def country(self, row, column: str, codes: dict[str, int]) -> int | object:
        code = self.parse(row, column)
        if code is INVALID:
            return INVALID
        if code not in codes:
            self.error(row, column, not_a_country(row.cells[column], codes))
            return INVALID
        return codes[code]

    def unknown(self, row, column, value, table) -> None:
        # A ModelImporter's lookup of a country column: say what a country code is.
        if self.format.model._meta.get_field(column.target).related_model is Country:
            self.error(row, column.name, not_a_country(row.cells[column.name], table))
        else:
            super().unknown(row, column, value, table)


class TariffLineImporter(CountryCells, ModelImporter):
    """One row per line of an importer's tariff; the key is importer + HS code."""

    format = TARIFF_LINES

    def existing_rows(self):
        codes = {row.cells["importer"].upper() for row in self.table.rows}
        return TariffLine.objects.filter(importer__code__in=codes)

    def label(self, row) -> str:
        cells = row.cells
        code = normalize_hs_code(cells["hs_code"])
        return f"{cells['importer'].upper()} {code} {cells['description'][:60]}"


@dataclass
class _MeasureRow:
    line: int
    importer: int
    name: str
    values: dict
    lines: frozenset[int]
    partners: frozenset[int]
    displaces: list[str]  # names, resolved once every row is read


class TariffMeasureImporter(CountryCells, Importer):
    """One row per measure; the key is importer + name. Lines, partners and displaced
    measures are relations, replaced by what the row lists."""

    format = TARIFF_MEASURES

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
            if self.duplicate(row, (measure.importer, measure.name), seen):
                continue
            read.append(measure)

        in_file = {(m.importer, m.name) for m in read}
        # Rows with errors of their own: a reference to one is not a second error.
        names_in_file = {(codes.get(r.cells["importer"].upper()), r.cells["name"]) for r in rows}
        outcomes, resolved = [], []
        # Each importer's measure names, for suggestions: listed once, not once per row.
        known_names = defaultdict(list)
        for importer, name in [*existing, *in_file]:
            known_names[importer].append(name)
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
                    known = known_names[measure.importer]
                    code = self.code_of[measure.importer]
                    self.problems.append(
                        Problem(
                            measure.line,
                            "displaces",
                            f"“{name}” is not a measure of {code}, in the database or in this "
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
        fields = self.format.value_attnames
        measures = TariffMeasure.objects.filter(importer__in=importers)
        by_pk = {row["pk"]: row for row in measures.values("pk", "importer_id", "name", *fields)}
        lines, partners, displaced = (
            links_of(TariffMeasure, name, by_pk) for name in ("lines", "partners", "displaces")
        )

        def key(target):
            if target in by_pk:
                return (by_pk[target]["importer_id"], by_pk[target]["name"])
            return ("pk", target)  # a measure of another importer: kept, it is not in the file

        return {
            (row["importer_id"], row["name"]): (
                pk,
                {name: row[name] for name in fields},
                {
                    "lines": frozenset(lines[pk]),
                    "partners": frozenset(partners[pk]),
                    "displaces": frozenset(key(target) for target in displaced[pk]),
                },
            )
            for pk, row in by_pk.items()
        }

    def read_row(self, row, codes) -> _MeasureRow | None:
        before = len(self.problems)
        importer = self.country(row, "importer", codes)
        values = self.plain_values(row)
        name = values.pop("name")
        self.check_provenance(row)
        partners = self.partners(row, codes, importer)
        lines = self.measure_lines(row, importer, values["covers_all_lines"])
        self.check_dates(row, values)
        displaces = self.parse(row, "displaces")
        if len(self.problems) > before:
            return None
        return _MeasureRow(row.line, importer, name, values, lines, partners, displaces)

    def partners(self, row, codes, importer) -> frozenset[int]:
        partners = set()
        for code in self.parse(row, "partners"):
            pk = codes.get(code.upper())
            if pk is None:
                self.error(
                    row,
                    "partners",
                    f"“{code}” is not a country: write ISO 3166-1 alpha-3 codes separated by "
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
        codes = self.parse(row, "lines")
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
            # Not an error: a measure can apply retroactively (EO 14345 was signed on
            # September 4, 2025 for goods entered from August 7), but worth a look.
            self.notes.append(
                Problem(
                    row.line,
                    "announced_on",
                    f"announced_on {announced} is after in_force_from {start}: the measure "
                    "applies retroactively.",
                )
            )

    def write(self, to_write, existing, progress) -> None:
        importers = {measure.importer for _, measure, _ in to_write}
        created, _ = write_rows(
            TariffMeasure,
            [
                {"importer_id": m.importer, "name": m.name, **m.values}
                for pk, m, _ in to_write
                if pk is None
            ],
            [(pk, m.values) for pk, m, _ in to_write if pk],
            progress,
            history=False,
        )
        pks = {
            (importer, name): pk
            for pk, importer, name in TariffMeasure.objects.filter(
                importer__in=importers
            ).values_list("pk", "importer_id", "name")
        }
        ids = [pks[(m.importer, m.name)] for _, m, _ in to_write]
        for name in ("lines", "partners", "displaces"):
            links = {pk: wanted[name] for pk, (_, _, wanted) in zip(ids, to_write, strict=True)}
            if name == "displaces":
                links = {
                    pk: {key[1] if key[0] == "pk" else pks[key] for key in keys}
                    for pk, keys in links.items()
                }
            replace_links(TariffMeasure, name, links)
        # After the relations: the history keeps each measure with its lines and partners.
        record_history(TariffMeasure, [row.pk for row in created], history_type=CREATED_ROW)
        record_history(TariffMeasure, [pk for pk, _, _ in to_write if pk], history_type=CHANGED)


class TradeValueImporter(CountryCells, Importer):
    """One row per yearly import value: of a line, or of all goods (no HS code). The key
    is importer + partner + HS code + year."""

    format = TRADE_VALUES

    def plan(self) -> Plan:
        codes = self.countries()
        self.code_of = {pk: code for code, pk in codes.items()}
        importers = {codes.get(r.cells["importer"].upper()) for r in self.table.rows} - {None}
        self.lines = {
            (importer, hs_code): pk
            for pk, importer, hs_code in TariffLine.objects.filter(
                importer__in=importers
            ).values_list("pk", "importer_id", "hs_code")
        }
        fields = self.format.value_attnames
        existing = {
            (row["importer_id"], row["line_id"], row["partner_id"], row["year"]): row
            for row in TradeValue.objects.filter(importer__in=importers).values(
                "pk", "importer_id", "line_id", "partner_id", "year", *fields
            )
        }
        seen: dict = {}
        outcomes, creates, updates = [], [], []
        for done, row in enumerate(self.table.rows, start=1):
            before = len(self.problems)
            importer = self.country(row, "importer", codes)
            partner = self.country(row, "partner", codes)
            line = self.line(row, importer)
            values = self.plain_values(row)
            self.checked(done)
            if partner is not INVALID and partner == importer:
                self.error(row, "partner", "a country does not import from itself.")
            if len(self.problems) > before:
                continue
            key = (importer, line, partner, values.pop("year"))
            if self.duplicate(row, key, seen):
                continue
            goods = self.parse(row, "hs_code") or "all goods"
            label = f"{self.code_of[importer]} {goods} from {self.code_of[partner]}, {key[3]}"
            found = existing.get(key)
            if found is None:
                creates.append(
                    {"importer_id": importer, "line_id": line, "partner_id": partner,
                     "year": key[3], **values}
                )  # fmt: skip
                outcomes.append(RowOutcome(row.line, CREATED, label))
                continue
            changed = changed_fields({name: found[name] for name in values}, values)
            if changed:
                updates.append((found["pk"], values))
                columns = tuple(self.format.attnames[name] for name in changed)
                outcomes.append(RowOutcome(row.line, UPDATED, label, columns))
            else:
                outcomes.append(RowOutcome(row.line, UNCHANGED, label))

        def write(progress):
            write_rows(TradeValue, creates, updates, progress)

        return self.finish(outcomes, writer=write)

    def line(self, row, importer) -> int | object | None:
        """The importer's line the row names, None for all goods, or INVALID (noted)."""
        code = self.parse(row, "hs_code")
        if code is INVALID or importer is INVALID:
            return INVALID
        if not code:
            return None
        if (importer, code) not in self.lines:
            self.error(
                row,
                "hs_code",
                f"{self.code_of[importer]} has no tariff line {code}: import the line first "
                "(tariff lines), or leave hs_code empty for the value of all goods.",
            )
            return INVALID
        return self.lines[(importer, code)]


IMPORTERS = (TariffLineImporter, TariffMeasureImporter, TradeValueImporter)
