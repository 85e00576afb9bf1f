"""The gap between the two sides of a negotiation, issue by issue, as of a round.

For each issue, as of round R, each side's position is its latest stated position on
that issue in a round numbered R or lower (positions supersede each other in the order
round, date stated, entry). Then:

- gap: the distance in percentage points between the two target rates, where both sides
  stated one; a disagreement on stance alone is a gap with no number;
- status: agreed (both accept, or the same target), agreed but readings differ (both
  accept, with different targets: Tokyo and Washington read "no stacking" differently),
  open, one-sided (one side has spoken), not discussed;
- trend: the gap now against the last earlier round where it had a number;
- at stake: the gap times the yearly import value of the issue's lines, where known;
- implementation: for an issue agreed on a rate, whether the rate in force is that rate;
- movement: what changed between two rounds (`moves_since`);
- comparison: one importer's negotiations side by side, issue by issue (`compare`).

Plain functions over querysets, no HTTP: pages, exports and tests call the same code.

How it stays fast with a million positions: a negotiation's positions are read as plain
values (`Said`: the latest per issue, party and round, not model instances), replayed
round by round here, and the outcome (each issue's standing and its history) is cached
under the negotiation's data version, which the database changes on any write to that
negotiation's data (`NegotiationDataVersion`). A page thus reads a negotiation's
positions once per change, and as model instances only the two positions of each issue
it displays. The cache is Django's (settings.CACHES), shared by every app server; a
stale entry can never be read, only an unused one left to expire.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, TextChoices

from negotiations.models import (
    Issue,
    Negotiation,
    NegotiationDataVersion,
    Stance,
    StatedPosition,
    TalkRound,
)
from tariffs.models import ALL_GOODS, Country, TariffLine, TariffMeasure, TradeValue


class GapStatus(TextChoices):
    AGREED = "agreed", "agreed"
    READINGS_DIFFER = "agreed-readings-differ", "agreed, readings differ"
    OPEN = "open", "open"
    ONE_SIDED = "one-sided", "one-sided"
    NOT_DISCUSSED = "not-discussed", "not discussed"


class Trend(TextChoices):
    NARROWING = "narrowing", "narrowing"
    WIDENING = "widening", "widening"
    UNCHANGED = "unchanged", "unchanged"


class Implementation(TextChoices):
    """Whether the rate in force on an issue's goods is the rate the two sides agreed."""

    IMPLEMENTED = "implemented", "implemented"
    PENDING = "pending", "pending"  # not yet, but a measure that would change it is scheduled
    DIFFERS = "differs", "differs"


@dataclass(frozen=True, slots=True)
class Said:
    """What the gap arithmetic reads of a stated position (its stance and target), and
    which position it is: read as plain values, without building the model instance."""

    pk: int
    round_number: int
    stance: str
    target_rate_pct: Decimal | None

    def get_stance_display(self) -> str:
        """As the position's own: templates print a `Said` as they print a position."""
        return Stance(self.stance).label


# A stated position as the arithmetic sees it: the model instance, or its `Said`.
Stated = StatedPosition | Said


@dataclass(frozen=True)
class Standing:
    """Where the two sides stand on one issue at one moment."""

    side_a: Stated | None
    side_b: Stated | None

    @property
    def gap_pp(self) -> Decimal | None:
        a, b = self.side_a, self.side_b
        if a is None or b is None or a.target_rate_pct is None or b.target_rate_pct is None:
            return None
        return abs(a.target_rate_pct - b.target_rate_pct)

    @property
    def status(self) -> GapStatus:
        a, b = self.side_a, self.side_b
        if a is None and b is None:
            return GapStatus.NOT_DISCUSSED
        if a is None or b is None:
            return GapStatus.ONE_SIDED
        gap = self.gap_pp
        if a.stance == Stance.ACCEPT and b.stance == Stance.ACCEPT:
            return GapStatus.READINGS_DIFFER if gap else GapStatus.AGREED
        if gap == 0:
            return GapStatus.AGREED
        return GapStatus.OPEN

    @property
    def is_open(self) -> bool:
        return self.status in (GapStatus.OPEN, GapStatus.ONE_SIDED)


def trend_between(before: Decimal | None, after: Decimal | None) -> Trend | None:
    """How a gap moved from one number to another; None when either has no number."""
    if before is None or after is None:
        return None
    if after < before:
        return Trend.NARROWING
    if after > before:
        return Trend.WIDENING
    return Trend.UNCHANGED


@dataclass(frozen=True)
class RoundPoint:
    """The gap on one issue as of one round: a point of the trend's sparkline, a cell of
    the gap-by-round table, and (the round before) the ghost of the dumbbell chart."""

    round_number: int
    gap_pp: Decimal | None
    status: GapStatus
    target_a: Decimal | None = None  # each side's target rate as of that round
    target_b: Decimal | None = None


@dataclass(frozen=True)
class RoundStep:
    """One round of an issue's history, and how its gap moved since the round before
    (None for the first round, or when either round's gap has no number)."""

    point: RoundPoint
    change_pp: Decimal | None
    moved: Trend | None


@dataclass(frozen=True)
class GapRow:
    issue: Issue
    standing: Standing
    history: tuple[RoundPoint, ...]
    trade_value_usd: Decimal | None  # the figures found; `trade` says which, and what is missing
    trade: IssueTrade | None = None

    @property
    def side_a(self) -> StatedPosition | None:
        return self.standing.side_a

    @property
    def side_b(self) -> StatedPosition | None:
        return self.standing.side_b

    @property
    def gap_pp(self) -> Decimal | None:
        return self.standing.gap_pp

    @property
    def status(self) -> GapStatus:
        return self.standing.status

    @property
    def agreed_rate_pct(self) -> Decimal | None:
        """The rate both sides settled on, where the issue is agreed on a number."""
        if self.status != GapStatus.AGREED:
            return None
        targets = [p.target_rate_pct for p in (self.side_a, self.side_b) if p is not None]
        return next((target for target in targets if target is not None), None)

    @property
    def is_open(self) -> bool:
        return self.status in (GapStatus.OPEN, GapStatus.ONE_SIDED)

    @property
    def previous(self) -> RoundPoint | None:
        """The gap as of the round before this one (whatever it was then)."""
        return self.history[-2] if len(self.history) > 1 else None

    @property
    def steps(self) -> list[RoundStep]:
        """The history round by round, each with its move since the round before: the
        rows of the gap-by-round table and its download."""
        steps, before = [], None
        for point in self.history:
            numbers = None if before is None else (before.gap_pp, point.gap_pp)
            change = None if numbers is None or None in numbers else numbers[1] - numbers[0]
            moved = None if numbers is None else trend_between(*numbers)
            steps.append(RoundStep(point, change, moved))
            before = point
        return steps

    @property
    def compared_with(self) -> RoundPoint | None:
        """The last earlier round where the gap had a number: what `trend` compares with.
        None when the gap has no number now."""
        if not self.history or self.history[-1].gap_pp is None:
            return None
        earlier = [point for point in self.history[:-1] if point.gap_pp is not None]
        return earlier[-1] if earlier else None

    @property
    def trend(self) -> Trend | None:
        """The gap now against the last earlier round where it had a number."""
        point = self.compared_with
        return None if point is None else trend_between(point.gap_pp, self.gap_pp)

    @property
    def change_pp(self) -> Decimal | None:
        """How many points the gap moved since `compared_with` (negative: it narrowed)."""
        point = self.compared_with
        return None if point is None else self.gap_pp - point.gap_pp

    @property
    def first_figure(self) -> RoundPoint | None:
        """The first round where the gap had a number, when that is before the last one:
        what `trend_overall` compares with."""
        if not self.history or self.history[-1].gap_pp is None:
            return None
        return next((p for p in self.history[:-1] if p.gap_pp is not None), None)

    @property
    def trend_overall(self) -> Trend | None:
        """The gap now against its first figure: the whole history, where `trend` is the
        last step only (a gap that rose, then held, is widening overall and unchanged
        since the round before)."""
        point = self.first_figure
        return None if point is None else trend_between(point.gap_pp, self.gap_pp)

    @property
    def change_overall_pp(self) -> Decimal | None:
        point = self.first_figure
        return None if point is None else self.gap_pp - point.gap_pp

    @property
    def at_stake_usd(self) -> Decimal | None:
        """The gap times the yearly imports of the issue's goods, when every one of them
        has a figure; None when any is missing (see `at_stake_found_usd`)."""
        if self.trade is not None and self.trade.missing:
            return None
        return self.at_stake_found_usd

    @property
    def at_stake_found_usd(self) -> Decimal | None:
        """The gap times the figures found, however many are missing: a lower bound."""
        if self.gap_pp is None or self.trade_value_usd is None:
            return None
        return (self.gap_pp / 100 * self.trade_value_usd).quantize(Decimal("1"))


@dataclass(frozen=True)
class StatusCount:
    status: str  # a GapStatus value; "agreed" counts readings that differ too
    label: str
    count: int


class GapSummary:
    """What a page says of its gap rows (`self.rows`): how many issues are open, one-sided,
    agreed and not discussed, each counted apart, and which open gap is the widest."""

    rows: list[GapRow]

    def _count(self, *statuses: GapStatus) -> int:
        return sum(1 for row in self.rows if row.status in statuses)

    @property
    def open_count(self) -> int:
        """Issues where both sides have spoken and still differ."""
        return self._count(GapStatus.OPEN)

    @property
    def one_sided_count(self) -> int:
        return self._count(GapStatus.ONE_SIDED)

    @property
    def agreed_count(self) -> int:
        """Agreed issues, those whose readings differ included."""
        return self._count(GapStatus.AGREED, GapStatus.READINGS_DIFFER)

    @property
    def readings_differ_count(self) -> int:
        return self._count(GapStatus.READINGS_DIFFER)

    @property
    def not_discussed_count(self) -> int:
        return self._count(GapStatus.NOT_DISCUSSED)

    @property
    def status_counts(self) -> list[StatusCount]:
        """The four counts in reading order, those of none left out."""
        counts = [
            StatusCount(GapStatus.OPEN, "open", self.open_count),
            StatusCount(GapStatus.ONE_SIDED, "one-sided", self.one_sided_count),
            StatusCount(GapStatus.AGREED, "agreed", self.agreed_count),
            StatusCount(GapStatus.NOT_DISCUSSED, "not discussed", self.not_discussed_count),
        ]
        return [count for count in counts if count.count]

    @property
    def numbered_open(self) -> list[GapRow]:
        """Open issues where both sides stated a target: the gaps that have a number."""
        return [row for row in self.rows if row.status == GapStatus.OPEN and row.gap_pp is not None]

    @property
    def largest(self) -> GapRow | None:
        """The widest gap among the open issues that have a number."""
        return max(self.numbered_open, key=lambda row: row.gap_pp, default=None)


def implementation(
    row: GapRow, rates_in_force: Iterable[Decimal | None], *, change_scheduled: bool
) -> Implementation | None:
    """For an issue agreed on a rate: implemented when every rate in force on its goods
    is that rate; otherwise pending when a measure that would change them is scheduled,
    else differs. None for an issue not agreed on a rate, or with no rate in force known."""
    agreed = row.agreed_rate_pct
    rates = list(rates_in_force)
    if agreed is None or not rates:
        return None
    if all(rate == agreed for rate in rates):
        return Implementation.IMPLEMENTED
    return Implementation.PENDING if change_scheduled else Implementation.DIFFERS


# --- what is cached: the gap arithmetic of one negotiation as of one round ---------------------

# Bump when the cached values change shape: entries of the old shape are then never read.
CACHE_FORMAT = 3
# Entries are never stale (a change of data changes the key), only unused: they go after
# a week, or sooner when the cache culls.
CACHE_TIMEOUT = 7 * 24 * 3600

# A said position in the cache: (pk, round number, stance, target).
SaidValues = tuple[int, int, str, Decimal | None]
# An issue's history in the cache: (round, gap, status value, target A, target B) a round.
History = tuple[tuple[int, Decimal | None, str, Decimal | None, Decimal | None], ...]


# An issue's history in the cache: (round, gap, status value) per round.
History = tuple[tuple[int, Decimal | None, str], ...]


@dataclass(frozen=True)
class Snapshot:
    """A negotiation's gaps as of a round, in plain values, as the cache holds them: two
    entries, since most pages need no history and a history is most of the bytes.

    `standings`: issue id -> what side A and side B said last (`SaidValues`); an issue
    nobody spoke about has no entry. `histories`: issue id -> its `History`, when asked
    for (`snapshots(…, history=True)`), else None.
    """

    standings: dict[int, tuple[SaidValues | None, SaidValues | None]]
    histories: dict[int, History] | None = None

    def standing(self, issue_id: int) -> Standing:
        a, b = self.standings.get(issue_id, (None, None))
        return Standing(_said(a), _said(b))

    def history(self, issue_id: int) -> tuple[RoundPoint, ...]:
        if self.histories is None:
            raise ValueError("This snapshot was read without the histories.")
        return tuple(
            RoundPoint(n, gap, GapStatus(status), target_a, target_b)
            for n, gap, status, target_a, target_b in self.histories.get(issue_id, ())
        )

    def position_pks(self, issue_ids: Collection[int] | None = None) -> list[int]:
        return [
            said[0]
            for issue_id, sides in self.standings.items()
            if issue_ids is None or issue_id in issue_ids
            for said in sides
            if said is not None
        ]


def _said(values: SaidValues | None) -> Said | None:
    return None if values is None else Said(*values)


def cache_key(kind: str, negotiation_id: int, version: int, as_of: int | None) -> str:
    when = "latest" if as_of is None else as_of
    return f"gap:{CACHE_FORMAT}:{kind}:{negotiation_id}:{version}:{when}"


def data_versions(negotiations: Iterable[Negotiation]) -> dict[int, int | None]:
    """negotiation id -> its data version, from the row loaded with it (`with_data_version`)
    or, for those loaded without, in one query. None where a negotiation has no version
    (its results are then computed every time, never cached)."""
    found: dict[int, int | None] = {}
    missing = []
    for negotiation in negotiations:
        if Negotiation.data_version.is_cached(negotiation):
            version = getattr(negotiation, "data_version", None)
            found[negotiation.pk] = version.version if version else None
        else:
            missing.append(negotiation.pk)
    if missing:
        loaded = dict(
            NegotiationDataVersion.objects.filter(negotiation__in=missing).values_list(
                "negotiation", "version"
            )
        )
        found.update({pk: loaded.get(pk) for pk in missing})
    return found


def snapshots(
    negotiations: list[Negotiation], as_of: int | None, *, history: bool = False
) -> dict[int, Snapshot]:
    """Each negotiation's `Snapshot` as of round `as_of` (None: the latest round), with
    its histories if asked: one cache read for all; those missing are computed in two
    queries for all of them, and stored. The versions are read before the data
    (`data_versions`), so a result is never stored under a version older than its data."""
    found = snapshots_as_of(negotiations, [as_of], history=history)
    return {pk: found[pk, as_of] for pk in (n.pk for n in negotiations)}


def snapshots_as_of(
    negotiations: list[Negotiation], as_ofs: list[int | None], *, history: bool = False
) -> dict[tuple[int, int | None], Snapshot]:
    """(negotiation id, as of) -> `Snapshot`, for every negotiation as of each round of
    `as_ofs`, in one cache read."""
    versions = data_versions(negotiations)
    kinds = ("standings", "history") if history else ("standings",)
    keys = {
        (n.pk, as_of, kind): cache_key(kind, n.pk, versions[n.pk], as_of)
        for n in negotiations
        if versions[n.pk] is not None
        for as_of in as_ofs
        for kind in kinds
    }
    found = cache.get_many(keys.values()) if keys else {}
    result = {}
    for n in negotiations:
        for as_of in as_ofs:
            parts = [found.get(keys.get((n.pk, as_of, kind))) for kind in kinds]
            if all(part is not None for part in parts):
                result[n.pk, as_of] = Snapshot(parts[0], parts[1] if history else None)
    for as_of in as_ofs:
        missing = [n for n in negotiations if (n.pk, as_of) not in result]
        if not missing:
            continue
        stored = {}
        for pk, snapshot in _compute_snapshots(missing, as_of).items():
            if versions[pk] is not None:
                stored[cache_key("standings", pk, versions[pk], as_of)] = snapshot.standings
                stored[cache_key("history", pk, versions[pk], as_of)] = snapshot.histories
            result[pk, as_of] = snapshot if history else replace(snapshot, histories=None)
        cache.set_many(stored, timeout=CACHE_TIMEOUT)
    return result


def said_rows(negotiation_ids: Collection[int], as_of: int | None):
    """(negotiation, issue, party, round number, pk, stance, target) of the positions
    that can decide a standing: on PostgreSQL only the latest per issue, party and round
    (DISTINCT ON); elsewhere all of them, in superseding order, the later winning."""
    positions = StatedPosition.objects.filter(round__negotiation__in=negotiation_ids)
    if as_of is not None:
        positions = positions.filter(round__number__lte=as_of)
    fields = ("round__negotiation", "issue", "party", "round__number", "pk", "stance")
    if connection.vendor == "postgresql":
        positions = positions.order_by(
            "issue", "party", "round__number", "-stated_on", "-pk"
        ).distinct("issue", "party", "round__number")
    else:
        positions = positions.order_by("round__number", "stated_on", "pk")
    return positions.values_list(*fields, "target_rate_pct")


def _compute_snapshots(negotiations: list[Negotiation], as_of: int | None) -> dict[int, Snapshot]:
    ids = [n.pk for n in negotiations]
    rounds: dict[int, list[int]] = defaultdict(list)
    round_rows = TalkRound.objects.filter(negotiation__in=ids).order_by("number")
    if as_of is not None:
        round_rows = round_rows.filter(number__lte=as_of)
    for negotiation_id, number in round_rows.values_list("negotiation", "number"):
        rounds[negotiation_id].append(number)
    said: dict[int, list[tuple]] = defaultdict(list)
    for negotiation_id, *row in said_rows(ids, as_of):
        said[negotiation_id].append(row)
    return {
        n.pk: _replay(said[n.pk], rounds[n.pk], n.party_a_id, n.party_b_id) for n in negotiations
    }


def _replay(rows, rounds: list[int], party_a_id: int, party_b_id: int) -> Snapshot:
    """Each issue's standing round by round, from `said_rows` of one negotiation."""
    by_round: dict[int, list[tuple[int, int, SaidValues]]] = defaultdict(list)
    for issue_id, party_id, number, pk, stance, target in rows:
        by_round[number].append((issue_id, party_id, (pk, number, stance, target)))
    spoken = {issue_id for issue_id, *_ in rows}
    latest: dict[tuple[int, int], SaidValues] = {}
    current = dict.fromkeys(spoken, (None, GapStatus.NOT_DISCUSSED.value, None, None))
    points: dict[int, list] = {issue_id: [] for issue_id in spoken}
    for number in rounds:
        changed = set()
        for issue_id, party_id, values in by_round.get(number, ()):
            latest[issue_id, party_id] = values
            changed.add(issue_id)
        for issue_id in changed:
            standing = Standing(
                _said(latest.get((issue_id, party_a_id))), _said(latest.get((issue_id, party_b_id)))
            )
            current[issue_id] = (
                standing.gap_pp,
                standing.status.value,
                _target(standing.side_a),
                _target(standing.side_b),
            )
        for issue_id, point in current.items():
            points[issue_id].append((number, *point))
    return Snapshot(
        {
            issue_id: (latest.get((issue_id, party_a_id)), latest.get((issue_id, party_b_id)))
            for issue_id in spoken
        },
        {issue_id: tuple(points[issue_id]) for issue_id in spoken},
    )


def _target(position: Stated | None) -> Decimal | None:
    return None if position is None else position.target_rate_pct


# --- gap tables: the snapshot, with the issues and positions a page shows ------------------------


def gap_table(
    negotiation: Negotiation,
    *,
    as_of: int | None = None,
    issues: list[Issue] | None = None,
    taxing: set[tuple[int, int]] | None = None,
) -> list[GapRow]:
    """One row per issue of `negotiation`, as of round number `as_of` (default: latest).

    Seven queries at most whatever the number of issues, rounds and positions: the cached
    snapshot, the issues (unless given, in name order), the two positions standing on
    each issue (with round, speaker and source), and the three of `trade_values_by_issue`;
    and, when the snapshot is not cached yet, two to compute it (see `snapshots`).
    """
    return gap_tables([negotiation], as_of=as_of, issues=issues, taxing=taxing)[negotiation.pk]


def gap_tables(
    negotiations: list[Negotiation],
    *,
    as_of: int | None = None,
    issue_slugs: Collection[str] | None = None,
    issues: list[Issue] | None = None,
    trade_values: bool = True,
    history: bool = True,
    positions: bool = True,
    taxing: set[tuple[int, int]] | None = None,
) -> dict[int, list[GapRow]]:
    """`gap_table` for several negotiations at once, in the same queries (the compare
    page). `as_of` applies to every one of them; `issue_slugs` keeps only the issues with
    those slugs (a page of them); `issues`, the negotiations' issues when the caller has
    them already, saves their query; without `trade_values`, at stake is empty; without
    `history`, so are the rows' histories (and trends); without `positions`, the sides
    are the `Said`s (stance and target), not model instances; `taxing`, for the trade
    values, whose tariff the issues on all goods weigh on, when the caller knows it."""
    by_pk = {negotiation.pk: negotiation for negotiation in negotiations}
    if not by_pk:
        return {}
    found = snapshots(negotiations, as_of, history=history)
    if issues is None:
        issues = Issue.objects.filter(negotiation__in=by_pk).order_by("name")
        if issue_slugs is not None:
            issues = issues.filter(slug__in=issue_slugs)
    elif issue_slugs is not None:
        issues = [issue for issue in issues if issue.slug in issue_slugs]
    issues = list(issues)
    for issue in issues:
        # The negotiation object the caller holds, with its parties already loaded.
        issue.negotiation = by_pk[issue.negotiation_id]
    wanted = {issue.pk for issue in issues}
    loaded = None
    if positions:
        pks = [pk for snapshot in found.values() for pk in snapshot.position_pks(wanted)]
        loaded = load_positions(pks, issues)
    values = trade_values_by_issue(negotiations, issues, taxing=taxing) if trade_values else {}
    tables: dict[int, list[GapRow]] = {pk: [] for pk in by_pk}
    for issue in issues:
        snapshot = found[issue.negotiation_id]
        tables[issue.negotiation_id].append(_row(issue, snapshot, loaded, values.get(issue.pk)))
    return tables


def _row(issue: Issue, snapshot: Snapshot, positions, trade: IssueTrade | None) -> GapRow:
    """A row of `snapshot`, its sides taken from `positions` (by id), or left `Said`s when
    positions is None; its trade figures `trade`, when read."""
    full = standing = snapshot.standing(issue.pk)
    if positions is not None:
        full = Standing(
            positions.get(standing.side_a.pk) if standing.side_a else None,
            positions.get(standing.side_b.pk) if standing.side_b else None,
        )
    history = snapshot.history(issue.pk) if snapshot.histories is not None else ()
    total = trade.total_usd if trade is not None else None
    return GapRow(issue, full, history, total, trade)


def load_positions(pks: Iterable[int], issues: Iterable[Issue]) -> dict[int, StatedPosition]:
    """The positions a page displays, by id, in one query, with what it prints beside
    them (round, speaker, source) and, without another query, their issue, party and
    negotiation (from `issues`, whose negotiations have their parties loaded)."""
    pks = set(pks)
    if not pks:
        return {}
    by_issue = {issue.pk: issue for issue in issues}
    found = {}
    for position in StatedPosition.objects.filter(pk__in=pks).select_related(
        "round", "speaker", "source"
    ):
        issue = by_issue[position.issue_id]
        negotiation = issue.negotiation
        position.issue = issue
        position.round.negotiation = negotiation
        position.party = (
            negotiation.party_a
            if position.party_id == negotiation.party_a_id
            else negotiation.party_b
        )
        found[position.pk] = position
    return found


@dataclass(frozen=True)
class MissingValue:
    """Goods an issue covers whose yearly imports we have no figure for."""

    importer: Country
    partner: Country
    goods: str  # an HS code, or "all goods"


@dataclass(frozen=True)
class MissingFlow:
    importer: Country
    partner: Country
    goods: list[str]


@dataclass(frozen=True)
class IssueTrade:
    """The yearly imports an issue's gap weighs on: the latest figure for each of its
    lines, or for all goods, from the other party; and the goods with no figure, which a
    page names rather than summing what is there as if it were all."""

    values: tuple[TradeValue, ...] = ()
    missing: tuple[MissingValue, ...] = ()

    @property
    def total_usd(self) -> Decimal | None:
        """The sum of the figures found; None when none was."""
        return sum((value.value_usd for value in self.values), Decimal(0)) if self.values else None

    @property
    def complete(self) -> bool:
        return bool(self.values) and not self.missing

    @property
    def missing_by_flow(self) -> list[MissingFlow]:
        """The goods with no figure, grouped by importer and partner."""
        flows: dict[tuple[int, int], MissingFlow] = {}
        for missing in self.missing:
            key = (missing.importer.pk, missing.partner.pk)
            flow = flows.setdefault(key, MissingFlow(missing.importer, missing.partner, []))
            flow.goods.append(missing.goods)
        return list(flows.values())


NO_TRADE = IssueTrade()


def issue_lines(issues: Iterable[Issue]) -> dict[int, list[TariffLine]]:
    """issue id -> its tariff lines in HS code order: those prefetched (as
    `prefetch_related("tariff_lines")` leaves them), without a query, or else read in
    one query for all the issues."""
    issues = list(issues)
    if all("tariff_lines" in getattr(i, "_prefetched_objects_cache", {}) for i in issues):
        return {
            issue.pk: sorted(issue.tariff_lines.all(), key=lambda line: line.hs_code)
            for issue in issues
        }
    lines: dict[int, list[TariffLine]] = {issue.pk: [] for issue in issues}
    links = (
        Issue.tariff_lines.through.objects.filter(issue__in=lines)
        .select_related("tariffline")
        .order_by("tariffline__hs_code", "tariffline__importer")
    )
    for link in links:
        lines[link.issue_id].append(link.tariffline)
    return lines


def trade_values_by_issue(
    negotiations: list[Negotiation],
    issues: Collection[Issue],
    *,
    taxing: set[tuple[int, int]] | None = None,
) -> dict[int, IssueTrade]:
    """issue id -> the yearly imports its gap weighs on, each the latest year's figure:
    for an issue tied to tariff lines, each line's imports from the other party; for an
    issue on all goods, the all-goods total of imports from the other party of each party
    that taxes all goods from it (the U.S. with its reciprocal tariff, not Japan). Of
    `issues`, issues of `negotiations`.

    Three queries for all the negotiations at once: the issues' lines (none when
    prefetched, see `issue_lines`), the trade values of those goods between their parties
    and, when an issue covers all goods, the measures on all goods (none given `taxing`,
    what `TariffMeasure.objects.taxing_all_goods` says of the parties).
    """
    by_pk = {n.pk: n for n in negotiations}
    # issue -> its lines as (line id, importer id, HS code)
    lines: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    all_goods: set[int] = set()
    negotiation_of: dict[int, int] = {}
    for issue_id, tariff_lines in issue_lines(issues).items():
        lines[issue_id] = [(line.pk, line.importer_id, line.hs_code) for line in tariff_lines]
    for issue in issues:
        if issue.covers_all_goods:
            all_goods.add(issue.pk)
        if issue.covers_all_goods or lines[issue.pk]:
            negotiation_of[issue.pk] = issue.negotiation_id
    if not negotiation_of:
        return {}

    parties = {pk for n in negotiations for pk in (n.party_a_id, n.party_b_id)}
    latest: dict[tuple[int, int, int | None], TradeValue] = {}
    # The figures of these goods only: the parties' trade may count thousands of lines.
    named = {line_id for issue_lines in lines.values() for line_id, _, _ in issue_lines}
    figures = TradeValue.objects.between(parties).filter(Q(line__in=named) | Q(line__isnull=True))
    for value in figures:
        # Newest year first: the first figure of a key is the one used.
        latest.setdefault((value.importer_id, value.partner_id, value.line_id), value)
    if taxing is None:
        taxing = TariffMeasure.objects.taxing_all_goods(parties) if all_goods else set()

    result: dict[int, IssueTrade] = {}
    for issue_id, negotiation_id in negotiation_of.items():
        negotiation = by_pk[negotiation_id]
        party = {
            negotiation.party_a_id: negotiation.party_a,
            negotiation.party_b_id: negotiation.party_b,
        }
        other = {
            negotiation.party_a_id: negotiation.party_b,
            negotiation.party_b_id: negotiation.party_a,
        }
        # (importer, line id or None for all goods, HS code or ALL_GOODS)
        wanted = [
            (importer_id, line_id, hs_code)
            for line_id, importer_id, hs_code in lines.get(issue_id, ())
            if importer_id in other  # a line of a third country weighs on neither side
        ]
        if issue_id in all_goods:
            wanted += [
                (importer_id, None, ALL_GOODS)
                for importer_id, partner in other.items()
                if (importer_id, partner.pk) in taxing
            ]
        values, missing = [], []
        for importer_id, line_id, goods_label in wanted:
            partner = other[importer_id]
            value = latest.get((importer_id, partner.pk, line_id))
            if value is not None:
                values.append(value)
            else:
                missing.append(MissingValue(party[importer_id], partner, goods_label))
        result[issue_id] = IssueTrade(tuple(values), tuple(missing))
    return result


# --- one row per negotiation: the home page ---------------------------------------------------


class NegotiationSummary(GapSummary):
    """A row of the home page: what `GapSummary` says of a negotiation's issues as of its
    latest round. Its rows are the issues' standings (`Said` sides), all that counting
    reads; `largest` gives the widest open gap with its issue, in a `GapRow` with no
    history."""

    def __init__(self, negotiation: Negotiation, issues: tuple[tuple, ...]):
        self.negotiation = negotiation
        # (pk, name, slug, sector, side A's SaidValues, side B's), in name order
        self.issues = issues
        self.rows = [Standing(_said(a), _said(b)) for *_, a, b in issues]

    @property
    def largest(self) -> GapRow | None:
        widest = super().largest
        if widest is None:
            return None
        index = next(i for i, row in enumerate(self.rows) if row is widest)
        pk, name, slug, sector, *_ = self.issues[index]
        # The issue's name is covered by the data version as much as its positions.
        issue = Issue(pk=pk, negotiation=self.negotiation, name=name, slug=slug, sector=sector)
        return GapRow(issue, widest, (), None)


def negotiation_summaries(negotiations: list[Negotiation]) -> list[NegotiationSummary]:
    """The summary of each negotiation, in the order given: one cache read for all of
    them; for those missing, their latest snapshots and their issues' names, stored."""
    versions = data_versions(negotiations)
    keys = {
        n.pk: cache_key("summary", n.pk, versions[n.pk], None)
        for n in negotiations
        if versions[n.pk] is not None
    }
    found = cache.get_many(keys.values()) if keys else {}
    summaries = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [n for n in negotiations if n.pk not in summaries]
    if missing:
        latest = snapshots(missing, None)
        computed: dict[int, list] = {n.pk: [] for n in missing}
        names = Issue.objects.filter(negotiation__in=computed).order_by("name", "pk")
        for pk, negotiation_id, name, slug, sector in names.values_list(
            "pk", "negotiation", "name", "slug", "sector"
        ):
            a, b = latest[negotiation_id].standings.get(pk, (None, None))
            computed[negotiation_id].append((pk, name, slug, sector, a, b))
        computed = {pk: tuple(issues) for pk, issues in computed.items()}
        cache.set_many(
            {keys[pk]: issues for pk, issues in computed.items() if pk in keys},
            timeout=CACHE_TIMEOUT,
        )
        summaries.update(computed)
    return [NegotiationSummary(n, summaries[n.pk]) for n in negotiations]


# --- movement between two rounds ------------------------------------------------------------


@dataclass(frozen=True)
class IssueMove:
    """An issue whose gap or status changed since the previous round."""

    before: GapRow
    after: GapRow

    @property
    def issue(self) -> Issue:
        return self.after.issue

    @property
    def gap_changed(self) -> bool:
        return self.before.gap_pp != self.after.gap_pp

    @property
    def status_changed(self) -> bool:
        return self.before.status != self.after.status

    @property
    def trend(self) -> Trend | None:
        # Against the previous round only: GapRow.trend looks further back when the
        # previous round had no number.
        return trend_between(self.before.gap_pp, self.after.gap_pp)

    @property
    def agreed_rate(self) -> Decimal | None:
        return self.after.agreed_rate_pct


@dataclass(frozen=True)
class PositionChange:
    """A side's latest position on an issue now differs in stance or target."""

    issue: Issue
    party: Country
    side: str
    before: StatedPosition | None
    after: StatedPosition


@dataclass(frozen=True)
class Moves:
    previous: int | None
    issues: list[IssueMove]
    positions: list[PositionChange]
    raised: list[GapRow]


def moves_since(
    negotiation: Negotiation,
    number: int,
    previous: int | None,
    *,
    issues: list[Issue] | None = None,
) -> Moves:
    """What moved between the gap table as of round `previous` and as of round `number`:
    gaps and statuses that changed, positions restated differently, issues first raised.
    Only `issues` when given (their negotiation loaded: a page of a round's issues).

    Three queries (the two snapshots, the issues unless given, the positions standing),
    whatever the number of issues; the trade values are not read.
    """
    as_ofs = [number] if previous is None else [number, previous]
    found = {
        as_of: snapshot for (_, as_of), snapshot in snapshots_as_of([negotiation], as_ofs).items()
    }
    if issues is None:
        issues = list(Issue.objects.filter(negotiation=negotiation).order_by("name"))
        for issue in issues:
            issue.negotiation = negotiation
    wanted = {issue.pk for issue in issues}
    positions = load_positions(
        [pk for snapshot in found.values() for pk in snapshot.position_pks(wanted)], issues
    )
    after = [_row(issue, found[number], positions, None) for issue in issues]
    before = (
        {}
        if previous is None
        else {issue.pk: _row(issue, found[previous], positions, None) for issue in issues}
    )
    moved, changes, raised = [], [], []
    for row in after:
        earlier = before.get(row.issue.pk)
        if earlier is None or earlier.status == GapStatus.NOT_DISCUSSED:
            if row.status != GapStatus.NOT_DISCUSSED:
                raised.append(row)
            continue
        move = IssueMove(earlier, row)
        if move.gap_changed or move.status_changed:
            moved.append(move)
        for side, party in (("a", negotiation.party_a), ("b", negotiation.party_b)):
            then = getattr(earlier, f"side_{side}")
            now = getattr(row, f"side_{side}")
            if now is not None and _says_something_else(then, now):
                changes.append(PositionChange(row.issue, party, side, then, now))
    return Moves(previous, moved, changes, raised)


def _says_something_else(then: StatedPosition | None, now: StatedPosition) -> bool:
    if then is None:
        return True
    # A repeated statement (a new row, same stance and target) is not a change.
    return (then.stance, then.target_rate_pct) != (now.stance, now.target_rate_pct)


# --- one importer's negotiations side by side -------------------------------------------------


@dataclass(frozen=True)
class PartnerTalks:
    """One of an importer's negotiations; the partner is the other party."""

    negotiation: Negotiation
    importer_side: str
    partner_side: str

    @classmethod
    def of(cls, negotiation: Negotiation, importer: Country) -> PartnerTalks:
        if negotiation.party_a_id == importer.pk:
            return cls(negotiation, "a", "b")
        return cls(negotiation, "b", "a")

    @property
    def partner(self) -> Country:
        return getattr(self.negotiation, f"party_{self.partner_side}")


@dataclass(frozen=True)
class PartnerStanding:
    """Where the importer and one partner stand on one issue."""

    talks: PartnerTalks
    row: GapRow

    @property
    def importer_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.talks.importer_side}")

    @property
    def partner_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.talks.partner_side}")

    @property
    def agreed_rate(self) -> Decimal | None:
        return self.row.agreed_rate_pct


@dataclass(frozen=True)
class ComparedIssue:
    """An issue slug across the talks; a standing is None where it is not on the table."""

    slug: str
    names: list[str]
    standings: list[PartnerStanding | None]


def compared_slugs(talks: list[PartnerTalks]) -> list[str]:
    """The issue slugs of the importer's talks in the order a comparison lists them: the
    issues on most tables first (those are the ones a comparison is for), then by slug.
    One query, of the issues' slugs only."""
    if not talks:
        return []
    tables: dict[str, int] = defaultdict(int)
    rows = Issue.objects.filter(negotiation__in=[t.negotiation.pk for t in talks]).order_by()
    for slug in rows.values_list("slug", flat=True):
        tables[slug] += 1
    return sorted(tables, key=lambda slug: (-tables[slug], slug))


def compare(
    talks: list[PartnerTalks], *, slugs: list[str] | None = None, positions: bool = True
) -> list[ComparedIssue]:
    """The importer's talks side by side, issues matched by slug, in the order of
    `compared_slugs`; only the issues of `slugs` when given (a page of them); without
    `positions`, the sides are `Said`s (what the page prints). `gap_tables` answers for
    every negotiation in three queries, two without positions."""
    if not talks:
        return []
    if slugs is None:
        slugs = compared_slugs(talks)
    tables = gap_tables(
        [t.negotiation for t in talks],
        issue_slugs=slugs,
        trade_values=False,
        history=False,
        positions=positions,
    )
    issues = {slug: ComparedIssue(slug, [], [None] * len(talks)) for slug in slugs}
    for index, partner_talks in enumerate(talks):
        for row in tables[partner_talks.negotiation.pk]:
            compared = issues[row.issue.slug]
            compared.standings[index] = PartnerStanding(partner_talks, row)
            if row.issue.name not in compared.names:
                compared.names.append(row.issue.name)
    return [issues[slug] for slug in slugs if any(issues[slug].standings)]
