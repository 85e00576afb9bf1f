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
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from tariffs.hs import hs_prefixes
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


@dataclass
class _Loaded:
    """The measures of some importers in force or scheduled on any of some days, and
    what they cover: what rate books on those days are made of, read in two queries."""

    measures: list[TariffMeasure]
    partners: dict[int, set[int]]
    displaces: dict[int, set[int]]
    by_code: dict[int, dict[str, list[int]]]  # importer -> HS code -> measures listing it

    @classmethod
    def read(cls, importer_ids: set[int], days: list[date], hs_codes: set[str] | None):
        first, last = min(days), max(days)
        # In force on a day between the first and the last, or starting after the first;
        # and those on all lines whenever in force (`taxing_all_goods`): a few rows.
        measures = TariffMeasure.objects.filter(importer__in=importer_ids).filter(
            Q(in_force_from__gt=first)
            | Q(in_force_from__lte=last)
            & (Q(in_force_until__isnull=True) | Q(in_force_until__gte=first))
            | Q(covers_all_lines=True)
        )
        found = cls(list(measures.in_force_order()), defaultdict(set), defaultdict(set), {})
        importer_of = {measure.pk: measure.importer_id for measure in found.measures}
        by_code: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        if importer_of:
            for measure_id, other, code, kind in _links(measures, importer_ids, hs_codes):
                if kind == "partner":
                    found.partners[measure_id].add(other)
                elif kind == "displaces":
                    found.displaces[measure_id].add(other)
                else:
                    by_code[importer_of[measure_id]][code].append(measure_id)
        found.by_code = by_code
        return found


class RateBook:
    """The measures of some importers in force on one date (and those scheduled after
    it), loaded once, to compose the applied rate of any number of lines for any of the
    partners it was given.

    Two queries when built, whatever the number of lines, measures and partners: the
    measures, then their partners, displaced measures and lines in one; none per line.
    Given `hs_codes`, the codes it will be asked about (None: any), it reads only the
    measure lines that cover those codes: a page of fifty lines does not read the
    thousands of lines a broad measure lists. `on_days` makes books for several dates
    from the same two queries. Every page and export that shows applied rates goes
    through one of these.
    """

    def __init__(
        self,
        importer_ids: Iterable[int],
        partners: Iterable[Country | None],
        on: date,
        *,
        hs_codes: Iterable[str] | None = None,
        loaded: _Loaded | None = None,
    ):
        self.importer_ids = set(importer_ids)
        self.partners = list(partners)
        self.on = on
        self.hs_codes = None if hs_codes is None else set(hs_codes)
        if loaded is None:
            loaded = _Loaded.read(self.importer_ids, [on], self.hs_codes)
        self._in_force: dict[int, list[TariffMeasure]] = defaultdict(list)
        self._scheduled: dict[int, list[TariffMeasure]] = defaultdict(list)
        for measure in loaded.measures:
            if measure.in_force_from is None:  # read for `taxing_all_goods` only
                continue
            if measure.in_force_from > on:
                self._scheduled[measure.importer_id].append(measure)
            elif measure.in_force_until is None or measure.in_force_until >= on:
                self._in_force[measure.importer_id].append(measure)
        self._on_all_lines = [m for m in loaded.measures if m.covers_all_lines]
        self._partners = loaded.partners
        self._displaces = loaded.displaces
        self._by_code = loaded.by_code
        self._applying: dict[tuple[int, int | None], tuple] = {}
        self._composed: dict[tuple, AppliedRate] = {}

    @classmethod
    def on_days(
        cls,
        importer_ids: Iterable[int],
        partners: Iterable[Country | None],
        days: list[date],
        *,
        hs_codes: Iterable[str] | None = None,
    ) -> list[RateBook]:
        """A book for each of `days`, from the same two queries."""
        importer_ids, partners = set(importer_ids), list(partners)
        codes = None if hs_codes is None else set(hs_codes)
        loaded = _Loaded.read(importer_ids, days, codes)
        return [cls(importer_ids, partners, day, hs_codes=codes, loaded=loaded) for day in days]

    def taxing_all_goods(self) -> set[tuple[int, int]]:
        """What `TariffMeasure.objects.taxing_all_goods` says of the book's importers and
        partners, without a query: the (importer, partner) pairs where the importer has
        a measure on every line that applies to the partner, in force on the date or
        not."""
        countries = self.importer_ids | {p.pk for p in self.partners if p is not None}
        pairs = set()
        for measure in self._on_all_lines:
            partners = self._partners.get(measure.pk)
            if not partners:  # a measure on every partner
                partners = countries - {measure.importer_id}
            pairs.update((measure.importer_id, p) for p in partners if p in countries)
        return pairs

    def measures(self, importer_id: int, partner: Country | None) -> list[TariffMeasure]:
        """The importer's measures in force that apply to `partner`."""
        return self._for_partner(importer_id, partner)[0]

    def _for_partner(self, importer_id: int, partner: Country | None):
        """The importer's measures in force for `partner`, those on every line, and the
        others by id: what a line's rate is composed from, worked out once per partner."""
        key = (importer_id, partner.pk if partner is not None else None)
        if key not in self._applying:
            measures = [
                m for m in self._in_force.get(importer_id, ()) if self._applies_to(m, partner)
            ]
            self._applying[key] = (
                measures,
                [(m.pk, m) for m in measures if m.covers_all_lines],
                {m.pk: (position, m) for position, m in enumerate(measures)},
            )
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
        _, on_every_line, by_id = self._for_partner(importer_id, partner)
        listed = sorted(by_id[pk] for pk in self._listing(importer_id, hs_code) if pk in by_id)
        applying = on_every_line + [(m.pk, m) for _, m in listed]
        if listed and on_every_line:
            applying.sort(key=lambda item: by_id[item[0]][0])  # in force order
        # Lines under the same measures with the same base rate have the same rate: an
        # export of a whole tariff composes each combination once.
        key = (partner.pk if partner else None, tuple(pk for pk, _ in applying), base_pct)
        found = self._composed.get(key)
        if found is None:
            found = self._composed[key] = compose_rate(
                hs_code=hs_code,
                base_pct=base_pct,
                partner=partner,
                on=self.on,
                applying=[m for _, m in applying],
                displaces=self._displaces,
            )
        if found.hs_code == hs_code:
            return found
        return AppliedRate(
            hs_code, partner, self.on, base_pct, found.rate_pct, found.parts, found.displaced
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
    server-side cursor a chunk at a time: for exports of any size. The lines come in
    importer order (as search_lines gives them), and a rate book per
    importer, built when its first line comes: a book of every importer's measures and
    their lines would hold hundreds of thousands of them."""
    book = importer = None
    # The importer from the book's, not joined on every line.
    for line in lines.select_related(None).iterator(chunk_size=chunk_size):
        if book is None or line.importer_id not in book.importer_ids:
            book = RateBook([line.importer_id], [partner], on)
            importer = Country.objects.get(pk=line.importer_id)
        line.importer = importer
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
    """Each measure with `line_count` and the HS codes of the first `LINES_SHOWN` lines it
    lists (`lines_shown`, set by `show_lines` once the page's measures are read): index
    probes per measure, not a sort of all the lines of a measure listing thousands."""
    links = TariffMeasure.lines.through.objects.filter(tariffmeasure=OuterRef("pk"))
    count = links.order_by().values("tariffmeasure").annotate(count=Count("pk")).values("count")
    first = links.order_by("tariffline_id").values("tariffline__hs_code")
    return measures.annotate(
        line_count=Coalesce(Subquery(count), 0),
        **{f"line_shown_{n}": Subquery(first[n : n + 1]) for n in range(LINES_SHOWN)},
    )


def show_lines(measures: Iterable[TariffMeasure]) -> list[TariffMeasure]:
    """The measures, each with `lines_shown`: the codes `with_lines_shown` read."""
    measures = list(measures)
    for measure in measures:
        codes = (getattr(measure, f"line_shown_{n}", None) for n in range(LINES_SHOWN))
        measure.lines_shown = [code for code in codes if code]
    return measures


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
    # The line and its headings first (a few rows off the (importer, HS code) index),
    # then whether a measure lists one: a join of every measure's lines took 90 ms.
    headings = TariffLine.objects.filter(
        importer=line.importer_id, hs_code__in=hs_prefixes(line.hs_code)
    )
    lists_one = TariffMeasure.lines.through.objects.filter(
        tariffmeasure=OuterRef("pk"), tariffline__in=headings.values("pk")
    )
    return (
        TariffMeasure.objects.filter(importer=line.importer_id)
        .filter(Q(covers_all_lines=True) | Exists(lists_one))
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
