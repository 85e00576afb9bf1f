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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q

from tariffs.models import Country, MeasureKind, TariffLine, TariffMeasure


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
        # A threat that never took effect has no start: last, on every database.
        .order_by(F("in_force_from").asc(nulls_last=True), "name")
    )
    by_importer: dict[int, list[TariffMeasure]] = defaultdict(list)
    for measure in measures:
        by_importer[measure.importer_id].append(measure)
    return by_importer


def for_partner(measures: Iterable[TariffMeasure], partner: Country | None) -> list:
    """The measures that apply to `partner`: those naming no partner, or naming it."""
    return [m for m in measures if not m.partners.all() or partner in m.partners.all()]


def measures_in_force(importer: Country | int, partner: Country | None, on: date):
    """The importer's measures in force on `on` for `partner`, with what the rules need."""
    importer_id = importer if isinstance(importer, int) else importer.pk
    return for_partner(measures_by_importer([importer_id], [partner], on)[importer_id], partner)


def applied_rate(line: TariffLine, partner: Country | None, on: date) -> AppliedRate:
    """The applied rate of one line; for many lines use `applied_rates`."""
    return applied_rates([line], partner, on)[line.pk]


def applied_rates(
    lines: Iterable[TariffLine], partner: Country | None, on: date
) -> dict[int, AppliedRate]:
    """Applied rates of many lines, by line id, in four queries whatever their number
    and importers. A partner of None: only the measures that name no partner."""
    lines = list(lines)
    in_force = measures_by_importer({line.importer_id for line in lines}, [partner], on)
    return {
        line.pk: compose_rate(
            hs_code=line.hs_code,
            base_pct=line.base_rate_pct,
            partner=partner,
            on=on,
            measures=for_partner(in_force[line.importer_id], partner),
        )
        for line in lines
    }


def all_goods_rate(importer: Country, partner: Country, on: date) -> AppliedRate:
    """What a good with a 0% base rate and no sectoral measure pays: the rate of an issue
    that covers all goods, such as the reciprocal tariff."""
    return compose_rate(
        hs_code=None,
        base_pct=Decimal("0"),
        partner=partner,
        on=on,
        measures=measures_in_force(importer, partner, on),
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


def _covers(measure: TariffMeasure, hs_code: str | None) -> bool:
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
