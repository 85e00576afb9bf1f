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

from django.db.models import Exists, OuterRef, Q, QuerySet

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


def measures_by_importer(
    importer_ids: Iterable[int], partners: Iterable[Country | None], on: date
) -> dict[int, list[TariffMeasure]]:
    """The measures in force on `on` for any of `partners` (None: a partner no measure
    names), by importer. Four queries (the measures, then their lines, displaced measures
    and partners, prefetched) whatever the number of importers, partners and lines; take
    one partner's share with `for_partner`."""
    named = [partner for partner in partners if partner is not None]
    measures = (
        TariffMeasure.objects.in_force_on(on)
        .filter(importer__in=set(importer_ids))
        .filter(Q(partners__isnull=True) | Q(partners__in=named))
        .distinct()
        .prefetch_related("lines", "displaces", "partners")
        .in_force_order()
    )
    by_importer: dict[int, list[TariffMeasure]] = defaultdict(list)
    for measure in measures:
        by_importer[measure.importer_id].append(measure)
    return by_importer


def for_partner(measures: Iterable[TariffMeasure], partner: Country | None) -> list:
    """The measures that apply to `partner`: those naming no partner, or naming it."""
    return [m for m in measures if _applies_to(m, partner)]


class RateBook:
    """The measures of some importers in force on one date, loaded once, to compose the
    applied rate of any number of lines for any of the partners it was given.

    Four queries when built (see `measures_by_importer`), a fifth and sixth for
    `change_scheduled` the first time it is asked; none per line. Every page and export
    that shows applied rates goes through one of these.
    """

    def __init__(self, importer_ids: Iterable[int], partners: Iterable[Country | None], on: date):
        self.importer_ids = set(importer_ids)
        self.partners = list(partners)
        self.on = on
        self._in_force = measures_by_importer(self.importer_ids, self.partners, on)
        self._applying: dict[tuple[int, int | None], list[TariffMeasure]] = {}
        self._scheduled: list[TariffMeasure] | None = None

    def measures(self, importer_id: int, partner: Country | None) -> list[TariffMeasure]:
        """The importer's measures in force that apply to `partner`."""
        key = (importer_id, partner.pk if partner is not None else None)
        if key not in self._applying:
            self._applying[key] = for_partner(self._in_force.get(importer_id, ()), partner)
        return self._applying[key]

    def rate(self, line: TariffLine, partner: Country | None) -> AppliedRate:
        """The applied rate of `line` (its importer among the book's) for `partner`."""
        return compose_rate(
            hs_code=line.hs_code,
            base_pct=line.base_rate_pct,
            partner=partner,
            on=self.on,
            measures=self.measures(line.importer_id, partner),
        )

    def all_goods_rate(self, importer_id: int, partner: Country | None) -> AppliedRate:
        """What a good with a 0% base rate and no sectoral measure pays: the rate of an
        issue that covers all goods, such as the reciprocal tariff."""
        return compose_rate(
            hs_code=None,
            base_pct=Decimal("0"),
            partner=partner,
            on=self.on,
            measures=self.measures(importer_id, partner),
        )

    def has_all_goods_measure(self, importer_id: int, partner: Country | None) -> bool:
        """Whether a measure on every line applies to `partner`'s goods on the date."""
        return any(m.covers_all_lines for m in self.measures(importer_id, partner))

    def change_scheduled(
        self, importer_id: int, partner: Country | None, hs_codes: Iterable[str | None]
    ) -> bool:
        """Whether a measure of the importer that starts after the date would change the
        rate of these goods (None: any good) for `partner`."""
        if self._scheduled is None:
            self._scheduled = list(
                TariffMeasure.objects.filter(
                    importer__in=self.importer_ids, in_force_from__gt=self.on
                ).prefetch_related("lines", "partners")
            )
        hs_codes = list(hs_codes)
        return any(
            measure.importer_id == importer_id
            and _applies_to(measure, partner)
            and any(_covers(measure, code) for code in hs_codes)
            for measure in self._scheduled
        )


def measures_in_force(importer: Country | int, partner: Country | None, on: date):
    """The importer's measures in force on `on` for `partner`, with what the rules need."""
    importer_id = importer if isinstance(importer, int) else importer.pk
    return RateBook([importer_id], [partner], on).measures(importer_id, partner)


def applied_rate(line: TariffLine, partner: Country | None, on: date) -> AppliedRate:
    """The applied rate of one line; for many lines use `applied_rates` or a `RateBook`."""
    return applied_rates([line], partner, on)[line.pk]


def applied_rates(
    lines: Iterable[TariffLine], partner: Country | None, on: date
) -> dict[int, AppliedRate]:
    """Applied rates of many lines, by line id, in four queries whatever their number
    and importers. A partner of None: only the measures that name no partner."""
    lines = list(lines)
    book = RateBook({line.importer_id for line in lines}, [partner], on)
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
    """The applied rate of one line for each of `partners`, in the same four queries."""
    book = RateBook([line.importer_id], partners, on)
    return [book.rate(line, partner) for partner in partners]


def all_goods_rate(importer: Country, partner: Country, on: date) -> AppliedRate:
    """What a good with a 0% base rate and no sectoral measure pays: the rate of an issue
    that covers all goods, such as the reciprocal tariff."""
    return RateBook([importer.pk], [partner], on).all_goods_rate(importer.pk, partner)


def measures_imposed_by(country: Country) -> QuerySet:
    """Every measure the country imposes, in force or not, with its lines and partners."""
    return (
        TariffMeasure.objects.filter(importer=country)
        .prefetch_related("lines", "partners")
        .in_force_order()
    )


def measures_faced_by(country: Country, *, importers: Iterable[int]) -> QuerySet:
    """The measures that apply to the country's goods, in force or not: those naming it as
    a partner, and those naming no partner imposed by `importers` (the countries it deals
    with; a measure on every partner of every country would be the whole database).
    `names_country` tells the two apart."""
    names_country = TariffMeasure.partners.through.objects.filter(
        tariffmeasure=OuterRef("pk"), country=country
    )
    return (
        TariffMeasure.objects.filter(
            Q(partners=country) | Q(partners__isnull=True, importer__in=set(importers))
        )
        .distinct()
        .annotate(names_country=Exists(names_country))
        .select_related("importer")
        .prefetch_related("lines")
        .order_by("importer__name", *IN_FORCE_ORDER)
    )


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
    measures: Iterable[TariffMeasure],
) -> AppliedRate:
    """Apply the rules of this module to measures already known to be in force."""
    applying = [m for m in measures if _covers(m, hs_code)]
    effective = _not_displaced(applying)
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


def _applies_to(measure: TariffMeasure, partner: Country | None) -> bool:
    # Uses the prefetched partners: no query per measure.
    partners = measure.partners.all()
    return not partners or partner in partners


def _covers(measure: TariffMeasure, hs_code: str | None) -> bool:
    """Whether the measure covers the line `hs_code`: every line, or a line whose code
    starts with one of its lines' codes. None is "any good" (an issue on all goods):
    only a measure on every line covers that."""
    if measure.covers_all_lines:
        return True
    if hs_code is None:
        return False
    # Uses the prefetched lines: no query per measure.
    return any(hs_code.startswith(line.hs_code) for line in measure.lines.all())


def _not_displaced(applying: list[TariffMeasure]) -> list[TariffMeasure]:
    """The measures no effective measure displaces.

    A measure displaced by a measure that is itself displaced still counts: when the
    U.S.–Japan auto deal displaces Section 232, the reciprocal rate Section 232 had
    displaced applies again. Resolved depth-first; a cycle counts as displaced.
    """
    ids = {m.pk for m in applying}
    displacers: dict[int, list[TariffMeasure]] = {m.pk: [] for m in applying}
    for measure in applying:
        for target in measure.displaces.all():
            if target.pk in ids:
                displacers[target.pk].append(measure)

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
