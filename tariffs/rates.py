"""The applied rate of a tariff line for a partner on a date, with what made it.

Rates are never typed in: they are derived here from the line's base (MFN) rate and the
measures in force. Pages, exports, commands and tests all call these functions.

The rules, in order:
1. A measure applies when it is the importer's, in force on the date (a threat that
   never took effect has no start), for that partner (no partners = every partner), and
   covers the line: every line (`covers_all_lines`) or a line whose HS code is a prefix
   of this one's (heading 72 covers 7208.10).
2. A measure displaced by another applying measure that is not itself displaced does not
   count (goods under Section 232 did not also pay the reciprocal tariff).
3. `total` measures set the all-in rate: the highest of them, or the base rate when that
   is higher ("15% inclusive of MFN; no reciprocal duty if MFN is 15% or more").
4. `additional` measures add their points on top.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from tariffs.models import IN_FORCE_ORDER, Country, MeasureKind, TariffLine, TariffMeasure


@dataclass(frozen=True)
class RatePart:
    """One row of a breakdown: the base rate, or what a measure added."""

    label: str
    points: Decimal
    measure: TariffMeasure | None = None


@dataclass(frozen=True)
class AppliedRate:
    hs_code: str | None  # None for "any good", the all-goods rate of an issue
    partner: Country | None  # None for "any partner": measures without partner restriction
    on: date
    base_pct: Decimal | None
    rate_pct: Decimal | None  # None when the base is a specific duty, not a percentage
    parts: tuple[RatePart, ...] = ()
    displaced: tuple[TariffMeasure, ...] = field(default=())

    @property
    def measures(self) -> list[TariffMeasure]:
        return [part.measure for part in self.parts if part.measure is not None]


def hs_prefixes(hs_code: str) -> list[str]:
    """The codes that cover `hs_code`: itself and every heading above it, 2 digits and up
    (870323 is covered by 87, 870 … 870323). For queries: a measure covers a line when
    one of its lines' codes is among these."""
    return [hs_code[:n] for n in range(2, len(hs_code) + 1)]


class RateBook:
    """The measures of some importers in force on one date (and those scheduled after
    it), loaded once, to compose the applied rate of any number of lines for any of the
    partners it was given.

    Two queries when built, whatever the number of lines, measures and partners: the
    measures, then their partners, displaced measures and lines in one; none per line.
    Given `hs_codes`, the codes it will be asked about (None: any), it reads only the
    measure lines that cover those codes: a page of fifty lines does not read the
    thousands of lines a broad measure lists. Every page and export that shows applied
    rates goes through one of these.
    """

    def __init__(
        self,
        importer_ids: Iterable[int],
        partners: Iterable[Country | None],
        on: date,
        *,
        hs_codes: Iterable[str] | None = None,
    ):
        self.importer_ids = set(importer_ids)
        self.partners = list(partners)
        self.on = on
        self.hs_codes = None if hs_codes is None else set(hs_codes)
        self._in_force: dict[int, list[TariffMeasure]] = defaultdict(list)
        self._scheduled: dict[int, list[TariffMeasure]] = defaultdict(list)
        self._partners: dict[int, set[int]] = defaultdict(set)
        self._displaces: dict[int, set[int]] = defaultdict(set)
        # importer id -> HS code -> the measures listing that code
        self._by_code: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self._applying: dict[tuple[int, int | None], list[TariffMeasure]] = {}
        self._load()

    def _load(self) -> None:
        measures = TariffMeasure.objects.filter(importer__in=self.importer_ids).filter(
            Q(in_force_from__gt=self.on)
            | Q(in_force_from__lte=self.on)
            & (Q(in_force_until__isnull=True) | Q(in_force_until__gte=self.on))
        )
        importer_of = {}
        for measure in measures.in_force_order():
            importer_of[measure.pk] = measure.importer_id
            started = measure.in_force_from <= self.on
            (self._in_force if started else self._scheduled)[measure.importer_id].append(measure)
        if not importer_of:
            return
        for measure_id, other_id, code, kind in _links(measures, self.importer_ids, self.hs_codes):
            if kind == "partner":
                self._partners[measure_id].add(other_id)
            elif kind == "displaces":
                self._displaces[measure_id].add(other_id)
            else:
                self._by_code[importer_of[measure_id]][code].append(measure_id)

    def measures(self, importer_id: int, partner: Country | None) -> list[TariffMeasure]:
        """The importer's measures in force that apply to `partner`."""
        key = (importer_id, partner.pk if partner is not None else None)
        if key not in self._applying:
            self._applying[key] = [
                m for m in self._in_force.get(importer_id, ()) if self._applies_to(m, partner)
            ]
        return self._applying[key]

    def rate(self, line: TariffLine, partner: Country | None) -> AppliedRate:
        """The applied rate of `line` (its importer among the book's) for `partner`."""
        return self._compose(line.importer_id, line.hs_code, line.base_rate_pct, partner)

    def all_goods_rate(self, importer_id: int, partner: Country | None) -> AppliedRate:
        """What a good with a 0% base rate and no sectoral measure pays: the rate of an
        issue that covers all goods, such as the reciprocal tariff."""
        return self._compose(importer_id, None, Decimal("0"), partner)

    def has_all_goods_measure(self, importer_id: int, partner: Country | None) -> bool:
        """Whether a measure on every line applies to `partner`'s goods on the date."""
        return any(m.covers_all_lines for m in self.measures(importer_id, partner))

    def change_scheduled(
        self, importer_id: int, partner: Country | None, hs_codes: Iterable[str | None]
    ) -> bool:
        """Whether a measure of the importer that starts after the date would change the
        rate of these goods (None: any good) for `partner`."""
        covering = set()
        for code in hs_codes:
            covering |= self._listing(importer_id, code)
        return any(
            self._applies_to(measure, partner)
            and (measure.covers_all_lines or measure.pk in covering)
            for measure in self._scheduled.get(importer_id, ())
        )

    def _applies_to(self, measure: TariffMeasure, partner: Country | None) -> bool:
        partners = self._partners.get(measure.pk)
        return not partners or (partner is not None and partner.pk in partners)

    def _listing(self, importer_id: int, hs_code: str | None) -> set[int]:
        """The measures that list `hs_code` or a heading above it (None: any good)."""
        if hs_code is None:
            return set()
        if self.hs_codes is not None and hs_code not in self.hs_codes:
            raise ValueError(f"This rate book was built for other lines than {hs_code}.")
        by_code = self._by_code.get(importer_id, {})
        return {pk for prefix in hs_prefixes(hs_code) for pk in by_code.get(prefix, ())}

    def _compose(self, importer_id, hs_code, base_pct, partner) -> AppliedRate:
        listing = self._listing(importer_id, hs_code)
        applying = [
            m for m in self.measures(importer_id, partner) if m.covers_all_lines or m.pk in listing
        ]
        return compose_rate(
            hs_code=hs_code,
            base_pct=base_pct,
            partner=partner,
            on=self.on,
            applying=applying,
            displaces=self._displaces,
        )


def _links(measures: QuerySet, importer_ids: set[int], hs_codes: set[str] | None):
    """(measure id, other id, HS code, kind) of the measures' partners, displaced measures
    and lines (only those covering `hs_codes`, when given), in one query."""
    through = TariffMeasure.lines.through.objects.filter(tariffmeasure__in=measures.values("pk"))
    if hs_codes is not None:
        prefixes = sorted({prefix for code in hs_codes for prefix in hs_prefixes(code)})
        codes = prefixes
        if connection.vendor == "postgresql":
            # PostgreSQL prices an IN list of hundreds of codes as a scan of every line
            # (35 ms on 200,000 lines); an unnest() it estimates at a hundred rows, and
            # probes the (importer, HS code) index instead (6 ms).
            codes = RawSQL("SELECT unnest(%s::text[])", [prefixes])
        through = through.filter(
            tariffline__importer__in=importer_ids, tariffline__hs_code__in=codes
        )
    no_id = Cast(Value(None), BigIntegerField())
    no_code = Cast(Value(None), CharField())
    partners = TariffMeasure.partners.through.objects.filter(
        tariffmeasure__in=measures.values("pk")
    ).values_list("tariffmeasure_id", "country_id", no_code, Value("partner"))
    displaces = TariffMeasure.displaces.through.objects.filter(
        from_tariffmeasure__in=measures.values("pk")
    ).values_list("from_tariffmeasure_id", "to_tariffmeasure_id", no_code, Value("displaces"))
    lines = through.values_list("tariffmeasure_id", no_id, "tariffline__hs_code", Value("line"))
    return partners.union(displaces, lines, all=True)


def measures_in_force(importer: Country | int, partner: Country | None, on: date):
    """The importer's measures in force on `on` for `partner`."""
    importer_id = importer if isinstance(importer, int) else importer.pk
    return RateBook([importer_id], [partner], on, hs_codes=()).measures(importer_id, partner)


def applied_rate(line: TariffLine, partner: Country | None, on: date) -> AppliedRate:
    """The applied rate of one line; for many lines use `applied_rates` or a `RateBook`."""
    return applied_rates([line], partner, on)[line.pk]


def applied_rates(
    lines: Iterable[TariffLine], partner: Country | None, on: date
) -> dict[int, AppliedRate]:
    """Applied rates of many lines, by line id, in two queries whatever their number
    and importers. A partner of None: only the measures that name no partner."""
    lines = list(lines)
    book = RateBook(
        {line.importer_id for line in lines},
        [partner],
        on,
        hs_codes={line.hs_code for line in lines},
    )
    return {line.pk: book.rate(line, partner) for line in lines}


def iter_applied_rates(
    lines: QuerySet, partner: Country | None, on: date, *, chunk_size: int = 2000
) -> Iterator[tuple[TariffLine, AppliedRate]]:
    """Each line of a queryset with its applied rate, the lines read through a
    server-side cursor a chunk at a time: for exports of any size."""
    importer_ids = set(lines.order_by().values_list("importer", flat=True).distinct())
    book = RateBook(importer_ids, [partner], on)
    for line in lines.iterator(chunk_size=chunk_size):
        yield line, book.rate(line, partner)


def rates_by_partner(
    line: TariffLine, partners: list[Country | None], on: date
) -> list[AppliedRate]:
    """The applied rate of one line for each of `partners`, in the same two queries."""
    book = RateBook([line.importer_id], partners, on, hs_codes=[line.hs_code])
    return [book.rate(line, partner) for partner in partners]


def all_goods_rate(importer: Country, partner: Country, on: date) -> AppliedRate:
    """What a good with a 0% base rate and no sectoral measure pays: the rate of an issue
    that covers all goods, such as the reciprocal tariff."""
    return RateBook([importer.pk], [partner], on, hs_codes=()).all_goods_rate(importer.pk, partner)


# A measure can list thousands of lines: pages print its count and the first few.
LINES_SHOWN = 5


def with_lines_shown(measures: QuerySet) -> QuerySet:
    """Each measure with `line_count` and `lines_shown`, its first `LINES_SHOWN` lines by
    HS code: one query for the lines of a whole page of measures."""
    count = (
        TariffMeasure.lines.through.objects.filter(tariffmeasure=OuterRef("pk"))
        .order_by()
        .values("tariffmeasure")
        .annotate(count=Count("pk"))
        .values("count")
    )
    first = TariffLine.objects.order_by("hs_code")[:LINES_SHOWN]
    return measures.annotate(line_count=Coalesce(Subquery(count), 0)).prefetch_related(
        Prefetch("lines", queryset=first, to_attr="lines_shown")
    )


def measures_imposed_by(country: Country) -> QuerySet:
    """Every measure the country imposes, in force or not, with its partners and the
    first of its lines (`with_lines_shown`)."""
    measures = TariffMeasure.objects.filter(importer=country).prefetch_related("partners")
    return with_lines_shown(measures).in_force_order()


def measures_faced_by(country: Country, *, importers: Iterable[int] | QuerySet) -> QuerySet:
    """The measures that apply to the country's goods, in force or not: those naming it as
    a partner, and those naming no partner imposed by `importers` (the countries it deals
    with, ids or a query of them; a measure on every partner of every country would be
    the whole database). `names_country` tells the two apart."""
    partners = TariffMeasure.partners.through.objects.filter(tariffmeasure=OuterRef("pk"))
    names_country = partners.filter(country=country)
    measures = (
        TariffMeasure.objects.filter(
            Exists(names_country) | (~Exists(partners) & Q(importer__in=importers))
        )
        .annotate(names_country=Exists(names_country))
        .select_related("importer")
    )
    return with_lines_shown(measures).order_by("importer__name", *IN_FORCE_ORDER, "pk")


def measures_covering(line: TariffLine) -> QuerySet:
    """Every measure of the line's importer that covers it (on every line, or on it or a
    heading above it), in force or not, ordered as the pages list them."""
    return (
        TariffMeasure.objects.filter(importer=line.importer_id)
        .filter(Q(covers_all_lines=True) | Q(lines__hs_code__in=hs_prefixes(line.hs_code)))
        .distinct()
        .prefetch_related("partners")
        .in_force_order()
    )


def compose_rate(
    *,
    hs_code: str | None,
    base_pct: Decimal | None,
    partner: Country | None,
    on: date,
    applying: list[TariffMeasure],
    displaces: dict[int, set[int]],
) -> AppliedRate:
    """Apply the rules of this module to the measures known to be in force for the
    partner and to cover the good, in force order; `displaces`: measure id -> the ids of
    the measures it displaces."""
    effective = _not_displaced(applying, displaces)
    displaced = tuple(m for m in applying if m not in effective)

    if base_pct is None:
        # A specific duty (yen per kilogram) has no percentage to add points to.
        return AppliedRate(hs_code, partner, on, None, None, (), displaced)

    parts = [RatePart("Base (MFN) rate", base_pct)]
    rate = base_pct
    totals = [m for m in effective if m.kind == MeasureKind.TOTAL]
    if totals:
        ceiling = max(totals, key=lambda m: m.rate_pct)
        all_in = max(base_pct, ceiling.rate_pct)
        parts.append(
            RatePart(f"{ceiling.name} (sets {pct(ceiling.rate_pct)}%)", all_in - rate, ceiling)
        )
        rate = all_in
    for measure in effective:
        if measure.kind == MeasureKind.ADDITIONAL:
            label = f"{measure.name}: +{pct(measure.rate_pct)}"
            parts.append(RatePart(label, measure.rate_pct, measure))
            rate += measure.rate_pct
    return AppliedRate(hs_code, partner, on, base_pct, rate, tuple(parts), displaced)


def pct(value: Decimal) -> str:
    """A rate as people write it: 2.5, not 2.500 or 2.5E+1."""
    return f"{value.normalize():f}"


def _not_displaced(
    applying: list[TariffMeasure], displaces: dict[int, set[int]]
) -> list[TariffMeasure]:
    """The measures no effective measure displaces.

    A measure displaced by a measure that is itself displaced still counts: when the
    U.S.–Japan auto deal displaces Section 232, the reciprocal rate Section 232 had
    displaced applies again. Resolved depth-first; a cycle counts as displaced.
    """
    ids = {m.pk for m in applying}
    displacers: dict[int, list[TariffMeasure]] = {m.pk: [] for m in applying}
    for measure in applying:
        for target in displaces.get(measure.pk, ()):
            if target in ids:
                displacers[target].append(measure)

    decided: dict[int, bool] = {}

    def counts(measure: TariffMeasure, visiting: frozenset[int]) -> bool:
        if measure.pk in decided:
            return decided[measure.pk]
        if measure.pk in visiting:
            return False
        result = not any(counts(other, visiting | {measure.pk}) for other in displacers[measure.pk])
        decided[measure.pk] = result
        return result

    return [m for m in applying if counts(m, frozenset())]
