"""Synthetic data of realistic shape, for the benchmark: `manage.py generate_synthetic`.

`large` is what a tracker holds after following every bilateral negotiation for a few
years: 200 negotiations of 10 to 30 rounds and 20 to 60 issues each (about a million
stated positions), the tariffs of ten importers (200,000 lines), 2,000 measures and trade
values. `small` is about 1 % of it.

Deterministic: the same scale and seed give the same rows. Each negotiation, country,
importer and measure draws from a random generator seeded by the seed and its own
number, so the small scale is the first 1 % of the large one, identical: negotiation
`synthetic-001` (the largest: 30 rounds, 60 issues) has the same rounds, issues and
positions at both scales, and the benchmark compares the same page at both.

Rows are written with PostgreSQL's COPY (plain INSERTs elsewhere), ids chosen here, in
one transaction.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from bench.vocabulary import (
    CHAPTERS,
    FAMILY_NAMES,
    FORMS,
    GIVEN_NAMES,
    IMPORTERS,
    PLACES,
    PUBLISHERS,
    SIZES,
    TITLES,
    TOPICS,
)
from negotiations.models import (
    Issue,
    Milestone,
    MilestoneKind,
    Negotiation,
    NegotiationStatus,
    Official,
    Source,
    Stance,
    StatedPosition,
    TalkRound,
)
from tariffs.models import Country, MeasureKind, TariffLine, TariffMeasure, TradeValue

# Every source the generator writes is under this address (the .invalid top-level domain
# never resolves), and so is the marker it leaves: what tells its data from anyone's.
SYNTHETIC_URL = "https://synthetic.invalid/"
MARKER_PUBLISHER = "generate_synthetic"
SLUG_PREFIX = "synthetic-"

LINES_PER_IMPORTER = 20_000
HEADINGS_PER_CHAPTER = 10
SUBHEADINGS_PER_HEADING = 4
NATIONAL_PER_SUBHEADING = 5
# Lines that issues name: every 100th line of an importer's tariff, so that they exist at
# both scales (the small one keeps every 100th line).
ANCHOR_EVERY = 100


@dataclass(frozen=True)
class Scale:
    name: str
    negotiations: int
    line_step: int  # keep every n-th line of each importer's full tariff
    measures_per_importer: int
    extra_trade_values_per_importer: int


SCALES = {
    "large": Scale("large", 200, 1, 200, 5_000),
    "small": Scale("small", 2, 100, 2, 50),
}


def marker_title(scale: str, seed: int) -> str:
    return f"generate_synthetic --scale {scale} --seed {seed}"


# --- writing rows -------------------------------------------------------------------------------


class Loader:
    """Writes rows into a model's table: COPY on PostgreSQL, batched INSERTs elsewhere.

    Rows give the values of `fields` (attnames) in order; any other column gets its
    field's default, so a column added later with a default needs no change here."""

    def __init__(self):
        self.counts: dict[str, int] = defaultdict(int)
        self.now = timezone.now()

    def load(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        extra = [f for f in meta.concrete_fields if f.attname not in fields]
        defaults = tuple(self._default(f) for f in extra)
        columns = [by_attname[name].column for name in fields] + [f.column for f in extra]
        table = connection.ops.quote_name(meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
        count = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {table} ({column_list}) FROM STDIN"
                with cursor.connection.cursor().copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row + defaults)
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"
                batch = []
                for row in rows:
                    batch.append(row + defaults)
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.counts[meta.label] += count
        return count

    def _default(self, f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        # Empty text, or None, where the field has no default: a column that may not be
        # empty then stops the load, saying which.
        return f.get_default()


def project_models() -> list[type[models.Model]]:
    """The tables the generator fills and empties: everything but the countries, which a
    migration loads, and Django's own tables."""
    return [
        StatedPosition,
        TalkRound.participants.through,
        Milestone,
        TalkRound,
        Issue.tariff_lines.through,
        Issue,
        Negotiation,
        Official,
        Source,
        TradeValue,
        TariffMeasure.lines.through,
        TariffMeasure.partners.through,
        TariffMeasure.displaces.through,
        TariffMeasure,
        TariffLine,
    ]


def empty_tables() -> None:
    tables = [connection.ops.quote_name(m._meta.db_table) for m in project_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:  # referencing tables first
                cursor.execute(f"DELETE FROM {table}")


def reset_sequences() -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), project_models()):
            cursor.execute(sql)


# --- the tariffs ----------------------------------------------------------------------------------


def _hash(*parts) -> int:
    """A stable number from the parts: line details derived from it are the same at both
    scales without drawing from a generator in order."""
    return zlib.crc32(":".join(map(str, parts)).encode())


def full_tariff(importer: str) -> list[str]:
    """The HS codes of an importer's full tariff, in order: chapter headings (4 digits)
    and their national lines (8 digits; 10 for the United States)."""
    codes = []
    for chapter in CHAPTERS:
        for heading in range(1, HEADINGS_PER_CHAPTER + 1):
            code4 = f"{chapter:02d}{heading:02d}"
            codes.append(code4)
            for sub in range(1, SUBHEADINGS_PER_HEADING + 1):
                for national in range(1, NATIONAL_PER_SUBHEADING + 1):
                    code = f"{code4}{sub * 10:02d}{national * 10:02d}"
                    codes.append(code + "00" if importer == "USA" else code)
    return codes[:LINES_PER_IMPORTER]


def describe(importer: str, code: str) -> str:
    chapter = CHAPTERS[int(code[:2])]
    if len(code) == 4:
        return f"{chapter}: heading {code[:2]}.{code[2:]}"
    h = _hash(importer, code)
    size = SIZES[h // 7 % len(SIZES)]
    text = f"{chapter}, {FORMS[h % len(FORMS)]}"
    return f"{text}, {size}" if size else text


def base_rate(importer: str, code: str) -> Decimal | None:
    h = _hash("rate", importer, code) % 100
    if h < 3:
        return None  # a specific duty
    if h < 30:
        return Decimal(0)
    return Decimal(h % 25) / 2


# --- the generator ------------------------------------------------------------------------------


@dataclass
class Ids:
    """The next id of each table: the tables are empty when the generator starts."""

    next: dict[str, int] = field(default_factory=lambda: defaultdict(lambda: 1))

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] = value + 1
        return value


@dataclass(frozen=True)
class Talks:
    index: int
    importer: str  # the side whose tariffs are on the table
    partner: str
    party_a: str
    party_b: str


class Generator:
    def __init__(self, scale: Scale, seed: int, loader: Loader):
        self.scale, self.seed, self.loader = scale, seed, loader
        self.ids = Ids()
        self.countries = dict(Country.objects.values_list("code", "pk"))
        self.lines: dict[tuple[str, str], int] = {}  # (importer, hs code) -> id
        self.anchors: dict[tuple[str, int], list[str]] = defaultdict(list)  # by chapter
        self.officials: dict[str, list[int]] = {}
        self.official_names: dict[int, str] = {}
        self.issue_lines: dict[int, list[int]] = {}  # negotiation index -> line ids
        self.talks = self._plan_talks()

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *parts))))

    def run(self) -> None:
        self._marker()
        self._tariff_lines()
        self._measures()
        self._officials()
        for talks in self.talks:
            self._negotiation(talks)
        self._trade_values()

    def _marker(self) -> None:
        self.loader.load(
            Source,
            ["id", "url", "title", "publisher", "published_on"],
            [
                (
                    self.ids.take("source"),
                    SYNTHETIC_URL,
                    marker_title(self.scale.name, self.seed),
                    MARKER_PUBLISHER,
                    None,
                )
            ],
        )

    def _plan_talks(self) -> list[Talks]:
        """Who negotiates with whom: each importer in its share of the 200 talks, with
        partners drawn from the other countries. The first is Japan–U.S."""
        rng = self.rng("talks")
        hubs = [code for code, count in IMPORTERS.items() for _ in range(count)]
        rng.shuffle(hubs)
        pool = sorted(code for code in self.countries if code not in ("USA", "JPN"))
        plan = [Talks(0, "USA", "JPN", "JPN", "USA")]
        for index, hub in enumerate(hubs[1:], start=1):
            partner = rng.choice([c for c in pool if c != hub])
            a, b = (partner, hub) if rng.random() < 0.7 else (hub, partner)
            plan.append(Talks(index, hub, partner, a, b))
        return plan[: self.scale.negotiations]

    # --- tariffs ---

    def _tariff_lines(self) -> None:
        def rows() -> Iterator[tuple]:
            for importer in IMPORTERS:
                for index, code in enumerate(full_tariff(importer)):
                    if index % self.scale.line_step:
                        continue
                    pk = self.ids.take("line")
                    self.lines[(importer, code)] = pk
                    if index % ANCHOR_EVERY == 0:
                        self.anchors[(importer, int(code[:2]))].append(code)
                    yield (
                        pk,
                        self.countries[importer],
                        code,
                        describe(importer, code),
                        base_rate(importer, code),
                        self.loader.now,
                    )

        self.loader.load(
            TariffLine,
            ["id", "importer_id", "hs_code", "description", "base_rate_pct", "updated_at"],
            rows(),
        )

    def _measures(self) -> None:
        measures, lines, partners, displaces = [], [], [], []
        link = self.ids
        for importer in IMPORTERS:
            codes = full_tariff(importer)
            partners_of = sorted({t.partner for t in self.talks if t.importer == importer})
            mine: list[int] = []
            for number in range(self.scale.measures_per_importer):
                rng = self.rng("measure", importer, number)
                pk = self.ids.take("measure")
                mine.append(pk)
                kind = MeasureKind.TOTAL if rng.random() < 0.15 else MeasureKind.ADDITIONAL
                covers_all = rng.random() < 0.05
                start = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randint(0, 3000))
                threat = rng.random() < 0.05
                until = start + datetime.timedelta(days=rng.randint(90, 900))
                measures.append(
                    (
                        pk,
                        self.countries[importer],
                        f"Synthetic measure {number + 1:03d} of {importer}",
                        f"Order {rng.randint(10000, 99999)}",
                        kind,
                        Decimal(rng.choice((5, 10, 15, 20, 25, 30, 50, 100))),
                        covers_all,
                        start - datetime.timedelta(days=rng.randint(0, 60)),
                        None if threat else start,
                        until if not threat and rng.random() < 0.4 else None,
                        f"{SYNTHETIC_URL}measures/{importer}/{number + 1}",
                        rng.choice(("confirmed", "confirmed", "reported")),
                        "",
                        self.loader.now,
                    )
                )
                if not covers_all:
                    if number % 10 == 3:
                        # A measure listing thousands of lines, as Section 232 annexes do.
                        first = rng.randrange(0, len(codes) - 4000)
                        chosen = range(first, first + rng.randint(1000, 4000))
                    else:
                        chosen = rng.sample(range(len(codes)), rng.randint(1, 50))
                    for index in chosen:
                        line = self.lines.get((importer, codes[index]))
                        if line is not None:
                            lines.append((link.take("measure_line"), pk, line))
                if partners_of and rng.random() < 0.6:
                    for code in rng.sample(partners_of, min(len(partners_of), rng.randint(1, 5))):
                        partners.append((link.take("measure_partner"), pk, self.countries[code]))
                if len(mine) > 1 and rng.random() < 0.1:
                    target = rng.choice(mine[:-1])
                    displaces.append((link.take("measure_displaces"), pk, target))
        self.loader.load(
            TariffMeasure,
            [
                "id",
                "importer_id",
                "name",
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
                "updated_at",
            ],
            measures,
        )
        self.loader.load(
            TariffMeasure.lines.through, ["id", "tariffmeasure_id", "tariffline_id"], lines
        )
        self.loader.load(
            TariffMeasure.partners.through, ["id", "tariffmeasure_id", "country_id"], partners
        )
        self.loader.load(
            TariffMeasure.displaces.through,
            ["id", "from_tariffmeasure_id", "to_tariffmeasure_id"],
            displaces,
        )

    def _trade_values(self) -> None:
        rows, seen = [], set()

        importer_of = {pk: importer for (importer, _), pk in self.lines.items()}

        def add(line: int, partner: str, rng: random.Random) -> None:
            for year in (2022, 2023, 2024):
                if (line, partner, year) in seen:
                    continue
                seen.add((line, partner, year))
                rows.append(
                    (
                        self.ids.take("trade"),
                        self.countries[importer_of[line]],
                        line,
                        self.countries[partner],
                        year,
                        Decimal(rng.randint(1, 5000) * 100_000),
                        f"{SYNTHETIC_URL}trade/{line}/{partner}/{year}",
                        "reported",
                    )
                )

        for talks in self.talks:
            rng = self.rng("trade", talks.index)
            for line in self.issue_lines.get(talks.index, ()):
                add(line, talks.partner, rng)
        lines_of = defaultdict(list)
        for (importer, _), pk in self.lines.items():
            lines_of[importer].append(pk)
        for importer in IMPORTERS:
            rng = self.rng("trade", importer)
            lines = lines_of[importer]
            partners = sorted({t.partner for t in self.talks if t.importer == importer})
            for _ in range(self.scale.extra_trade_values_per_importer if partners else 0):
                add(rng.choice(lines), rng.choice(partners), rng)
        self.loader.load(
            TradeValue,
            [
                "id",
                "importer_id",
                "line_id",
                "partner_id",
                "year",
                "value_usd",
                "source_url",
                "confidence",
            ],
            rows,
        )

    # --- people ---

    def _officials(self) -> None:
        rows = []
        codes = sorted({code for t in self.talks for code in (t.party_a, t.party_b)})
        for code in codes:
            rng = self.rng("officials", code)
            ids = []
            for number in range(rng.randint(3, 6)):
                pk = self.ids.take("official")
                name = f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)} ({code} {number + 1})"
                ids.append(pk)
                self.official_names[pk] = name.split(" (")[0]
                rows.append(
                    (
                        pk,
                        name,
                        "",
                        rng.choice(TITLES),
                        f"Government of {code}",
                        self.countries[code],
                    )
                )
            self.officials[code] = ids
        self.loader.load(
            Official, ["id", "name", "native_name", "title", "organization", "country_id"], rows
        )

    # --- negotiations ---

    def _negotiation(self, talks: Talks) -> None:
        rng = self.rng("negotiation", talks.index)
        largest = talks.index == 0
        round_count = 30 if largest else rng.randint(10, 30)
        issue_count = 60 if largest else rng.randint(20, 60)
        slug = f"{SLUG_PREFIX}{talks.index + 1:03d}"
        pk = self.ids.take("negotiation")
        started = datetime.date(2020, 1, 6) + datetime.timedelta(days=rng.randint(0, 1500))

        dates, day = [], started
        for _ in range(round_count):
            day += datetime.timedelta(days=rng.randint(14, 60))
            dates.append(day)
        concluded = rng.random() < 0.3
        self.loader.load(
            Negotiation,
            [
                "id",
                "party_a_id",
                "party_b_id",
                "title",
                "slug",
                "status",
                "started_on",
                "concluded_on",
                "summary",
                "updated_at",
            ],
            [
                (
                    pk,
                    self.countries[talks.party_a],
                    self.countries[talks.party_b],
                    f"{talks.party_a}–{talks.party_b} tariff talks, synthetic {talks.index + 1}",
                    slug,
                    NegotiationStatus.CONCLUDED
                    if concluded
                    else rng.choice((NegotiationStatus.ONGOING, NegotiationStatus.STALLED)),
                    started,
                    dates[-1] if concluded else None,
                    "Synthetic talks made by generate_synthetic for the benchmark.",
                    self.loader.now,
                )
            ],
        )

        # Sources: a few reports per round, cited by the positions of that round.
        sources, round_sources = [], []
        for number, date in enumerate(dates, start=1):
            ids = []
            for k in range(rng.randint(3, 6)):
                source = self.ids.take("source")
                ids.append(source)
                sources.append(
                    (
                        source,
                        f"{SYNTHETIC_URL}{slug}/round-{number}/{k + 1}",
                        f"{talks.party_a}–{talks.party_b} talks, round {number}: report {k + 1}",
                        rng.choice(PUBLISHERS),
                        date + datetime.timedelta(days=rng.randint(0, 6)),
                    )
                )
            round_sources.append(ids)
        self.loader.load(Source, ["id", "url", "title", "publisher", "published_on"], sources)

        speakers = {
            party: rng.sample(self.officials[party], min(len(self.officials[party]), 3))
            for party in (talks.party_a, talks.party_b)
        }
        rounds, participants = [], []
        round_ids = []
        for number, date in enumerate(dates, start=1):
            round_pk = self.ids.take("round")
            round_ids.append(round_pk)
            rounds.append(
                (
                    round_pk,
                    pk,
                    number,
                    date,
                    date + datetime.timedelta(days=rng.randint(0, 2)),
                    rng.choice(PLACES),
                    f"Round {number}: officials met on the open issues.",
                    "" if number < round_count else "Talks paused after this round.",
                    round_sources[number - 1][0],
                    "confirmed",
                    self.loader.now,
                )
            )
            attending = [o for ids in speakers.values() for o in ids if rng.random() < 0.7]
            for official in attending:
                participants.append((self.ids.take("participant"), round_pk, official))
        self.loader.load(
            TalkRound,
            [
                "id",
                "negotiation_id",
                "number",
                "start_date",
                "end_date",
                "location",
                "summary",
                "outcome",
                "source_id",
                "confidence",
                "updated_at",
            ],
            rounds,
        )
        self.loader.load(
            TalkRound.participants.through, ["id", "talkround_id", "official_id"], participants
        )

        milestones = []
        for k in range(rng.randint(3, 8)):
            number = rng.randrange(round_count)
            kind = rng.choice(MilestoneKind.values)
            milestones.append(
                (
                    self.ids.take("milestone"),
                    pk,
                    dates[number] + datetime.timedelta(days=rng.randint(1, 10)),
                    kind,
                    f"Synthetic {kind} {k + 1} after round {number + 1}",
                    round_sources[number][-1],
                    "reported",
                    self.loader.now,
                )
            )
        self.loader.load(
            Milestone,
            [
                "id",
                "negotiation_id",
                "date",
                "kind",
                "title",
                "source_id",
                "confidence",
                "updated_at",
            ],
            milestones,
        )

        topics = rng.sample(TOPICS, issue_count)
        issues, links, plans = [], [], []
        lines_here: list[int] = []
        for slug_, name, sector, chapters in topics:
            issue_pk = self.ids.take("issue")
            issues.append(
                (
                    issue_pk,
                    pk,
                    name,
                    slug_,
                    sector,
                    chapters is None,
                    "all-in rate on the issue's goods" if chapters else "",
                    self.loader.now,
                )
            )
            for chapter in chapters or ():
                for code in self.anchors.get((talks.importer, chapter), ())[:2]:
                    line = self.lines[(talks.importer, code)]
                    links.append((self.ids.take("issue_line"), issue_pk, line))
                    lines_here.append(line)
            plans.append(self._issue_plan(rng, issue_pk, round_count))
        self.issue_lines[talks.index] = lines_here
        self.loader.load(
            Issue,
            [
                "id",
                "negotiation_id",
                "name",
                "slug",
                "sector",
                "covers_all_goods",
                "target_rate_means",
                "updated_at",
            ],
            issues,
        )
        self.loader.load(Issue.tariff_lines.through, ["id", "issue_id", "tariffline_id"], links)

        self.loader.load(
            StatedPosition,
            [
                "id",
                "round_id",
                "party_id",
                "speaker_id",
                "issue_id",
                "stance",
                "target_rate_pct",
                "statement",
                "source_id",
                "stated_on",
                "confidence",
                "updated_at",
            ],
            self._positions(rng, talks, plans, dates, round_ids, round_sources, speakers, topics),
        )

    @staticmethod
    def _issue_plan(rng: random.Random, issue_pk: int, round_count: int) -> dict:
        low = Decimal(rng.choice((0, 0, 2.5, 5, 10)))
        high = low + rng.randint(10, 50)
        start = 1 if rng.random() < 0.5 else rng.randint(1, max(1, round_count // 2))
        agreed = rng.randint(start + 3, round_count) if rng.random() < 0.4 else None
        return {
            "pk": issue_pk,
            "low": float(low),
            "high": float(high),
            "meet": float(low) + float(high - low) * rng.uniform(0.2, 0.6),
            "start": start,
            "agreed": agreed if agreed and agreed <= round_count else None,
            "differ": rng.random() < 0.1,
        }

    def _positions(self, rng, talks, plans, dates, round_ids, round_sources, speakers, topics):
        now = self.loader.now
        importer_side = talks.importer
        round_count = len(dates)
        countries = self.countries
        for plan, (_, name, _, _) in zip(plans, topics, strict=True):
            span = max(1, round_count - plan["start"])
            for number in range(plan["start"], round_count + 1):
                if number > plan["start"] and rng.random() < 0.15:
                    continue  # not discussed in this round
                progress = ((number - plan["start"]) / span) ** 0.7
                agreed = plan["agreed"] is not None and number >= plan["agreed"]
                round_pk, date = round_ids[number - 1], dates[number - 1]
                gap_days = (dates[number] - date).days if number < round_count else 30
                for party in (talks.party_a, talks.party_b):
                    hub = party == importer_side
                    if agreed:
                        target = plan["meet"] - (2.5 if plan["differ"] and not hub else 0)
                        stance = Stance.ACCEPT
                    elif hub:
                        target = plan["high"] - (plan["high"] - plan["meet"]) * progress
                        stance = rng.choice(
                            (Stance.MAINTAIN, Stance.REFUSE, Stance.DISCUSS_ONLY)
                            if progress < 0.5
                            else (Stance.OFFER, Stance.REDUCE, Stance.MAINTAIN)
                        )
                    else:
                        target = plan["low"] + (plan["meet"] - plan["low"]) * progress * 0.8
                        stance = rng.choice((Stance.ELIMINATE, Stance.REDUCE, Stance.DEMAND))
                    for k in range(rng.randint(1, 7)):
                        speaker = rng.choice(speakers[party]) if rng.random() < 0.9 else None
                        rate = None if rng.random() < 0.15 and not agreed else target
                        rate = None if rate is None else Decimal(round(rate * 2) / 2)
                        said = (
                            f"{self.official_names[speaker]} said" if speaker else "Officials said"
                        )
                        yield (
                            self.ids.take("position"),
                            round_pk,
                            countries[party],
                            speaker,
                            plan["pk"],
                            stance,
                            rate,
                            f"{said} {party} would {Stance(stance).label} on {name.lower()}"
                            + (f", at {rate.normalize():f}%" if rate is not None else "")
                            + f" (report {k + 1} of round {number}).",
                            rng.choice(round_sources[number - 1]) if rng.random() < 0.9 else None,
                            date + datetime.timedelta(days=rng.randrange(max(1, gap_days))),
                            rng.choice(
                                ("confirmed", "confirmed", "reported", "reported", "inferred")
                            ),
                            now,
                        )
