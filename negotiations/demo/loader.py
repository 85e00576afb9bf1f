"""Load the demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU.

Everything comes from this package: the CSV files beside this module (copied unchanged
from the fact sheets) and `negotiations.demo.data`. Rows are found by their natural keys
and saved only when a value differs, so a second run changes nothing. It all happens in
one transaction: a fact that does not fit the schema leaves the database as it was.
"""

import csv
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models, transaction

from csvport.importer import plan_file
from csvport.plans import CREATED, OUTCOMES, UNCHANGED, UPDATED
from csvport.reading import COMMAND_MAX_BYTES
from negotiations.demo import data
from negotiations.importers import PositionImporter
from negotiations.models import (
    Issue,
    Milestone,
    MilestoneKind,
    Negotiation,
    Official,
    Source,
    StatedPosition,
    TalkRound,
)
from tariffs.hs import normalize_hs_code
from tariffs.models import Country, TariffLine, TariffMeasure

DATA_DIR = Path(__file__).resolve().parent
CSV_FILES = {name: DATA_DIR / f"{name}-2025.csv" for name in ("issues", "milestones", "positions")}

MODELS = (
    Official,
    Source,
    Negotiation,
    TalkRound,
    Milestone,
    TariffLine,
    TariffMeasure,
    Issue,
    StatedPosition,
)

# A CSV row with where it came from ("positions-2025.csv line 12"), for error messages.
Row = tuple[str, dict[str, str]]


class DemoDataError(Exception):
    """The demo data does not fit the schema or contradicts itself; nothing was written."""


def load_demo() -> dict[str, int]:
    """Create or update the demo rows in one transaction.

    Returns how many rows of each model were created, updated or left unchanged, keyed
    "<model, plural>.<outcome>" ("officials.created"), every model and outcome present.
    """
    loader = _Loader()
    with transaction.atomic():
        loader.load()
    return loader.counts


def count_key(model: type[models.Model], outcome: str) -> str:
    return f"{model._meta.verbose_name_plural}.{outcome}"


def read_csv(name: str) -> list[Row]:
    path = CSV_FILES[name]
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return [(f"{path.name} line {reader.line_num}", row) for row in reader]


def missing_meeting_milestones(
    meetings: list[data.MeetingFact], milestones: list[Row]
) -> list[Row]:
    """Milestone rows for the leaders' meetings the milestones file lacks.

    A leaders' meeting is not a round (it has no number), but the timeline must show it:
    as a milestone of kind "meeting" on its date.
    """
    listed = {
        (row["negotiation"], row["date"])
        for _, row in milestones
        if row["kind"] == MilestoneKind.MEETING
    }
    return [
        (
            f"leaders' meeting of {meeting.date} ({meeting.negotiation})",
            {
                "negotiation": meeting.negotiation,
                "date": meeting.date.isoformat(),
                "kind": MilestoneKind.MEETING,
                "title": meeting.summary,
                "source_url": meeting.source_url,
                "confidence": meeting.confidence,
            },
        )
        for meeting in meetings
        if not meeting.number and (meeting.negotiation, meeting.date.isoformat()) not in listed
    ]


def source_catalogue(positions: list[Row], milestones: list[Row]) -> dict[str, dict]:
    """Every source URL the demo cites, with the fullest metadata any row gives it."""
    sources: dict[str, dict] = {}
    for where, row in positions:
        if row["source_url"]:
            candidate = {
                "title": row["source_title"],
                "publisher": row["source_publisher"],
                "published_on": parse_date(row["published_on"], where, "published_on"),
            }
            sources[row["source_url"]] = max(
                sources.get(row["source_url"], candidate), candidate, key=_fullness
            )
    # A source known only by its URL takes the publisher the positions give its site.
    publishers = {_site(url): fields["publisher"] for url, fields in sources.items()}
    cited_by_url_only = [m.source_url for m in data.MEETINGS if m.number] + [
        row["source_url"] for _, row in milestones if row["source_url"]
    ]
    for url in cited_by_url_only:
        sources.setdefault(
            url,
            {
                "title": "",
                "publisher": publishers.get(_site(url), _site(url)),
                "published_on": data.SOURCE_PUBLISHED_ON.get(url),
            },
        )
    return sources


def _fullness(fields: dict) -> tuple:
    # Titled first, then the most fields filled; between equals the later date, since a
    # report is published no earlier than anything it reports.
    filled = sum(1 for value in fields.values() if value)
    return (bool(fields["title"]), filled, fields["published_on"] or date.min)


def _site(url: str) -> str:
    """The site a URL is on, so that govinfo.gov and www.govinfo.gov are one publisher."""
    return (urlsplit(url).hostname or url).removeprefix("www.")


def parse_date(text: str, where: str, column: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DemoDataError(f"{where}: {column} {text!r} is not an ISO date.") from None


def round_summary(meeting: data.MeetingFact) -> str:
    return f"{meeting.summary} {meeting.note}".strip()


def sync_relation(obj: models.Model, field: str, targets: list[models.Model]) -> bool:
    """Set a many-to-many relation only when it differs; True if it was changed."""
    manager = getattr(obj, field)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(wanted)
    return True


def _differs(obj: models.Model, name: str, value) -> bool:
    field = obj._meta.get_field(name)
    wanted = value.pk if isinstance(value, models.Model) else value
    # Decimal("2.500") from the database equals Decimal("2.5"): no spurious update.
    return getattr(obj, field.attname) != wanted


def _validate_and_save(obj: models.Model, where: str, update_fields=None) -> None:
    try:
        # Unique and check constraints are left to the database: Django would check each
        # with a query of its own, and a violation still rolls the whole load back.
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        )
        raise DemoDataError(f"{where}: {problems}") from None
    obj.save(update_fields=update_fields)


class _Loader:
    """Loads the models in dependency order, keeping what later steps look up by key."""

    def __init__(self):
        self.counts = {count_key(model, outcome): 0 for model in MODELS for outcome in OUTCOMES}
        self.countries: dict[str, Country] = {}
        self.officials: dict[str, Official] = {}
        self.negotiations: dict[str, Negotiation] = {}
        self.sources: dict[str, Source] = {}
        self.rounds: dict[tuple[str, int], TalkRound] = {}
        self.lines: dict[tuple[str, str], TariffLine] = {}
        self.issues: dict[tuple[str, str], Issue] = {}

    def load(self) -> None:
        issues, positions = read_csv("issues"), read_csv("positions")
        milestones = read_csv("milestones")
        milestones += missing_meeting_milestones(data.MEETINGS, milestones)
        self.load_officials()
        self.load_negotiations()
        self.load_sources(source_catalogue(positions, milestones))
        self.load_rounds()
        self.load_milestones(milestones)
        self.load_tariff_lines()
        self.load_measures()
        self.load_issues(issues)
        self.load_positions()

    # --- saving and counting ----------------------------------------------------------

    def save(self, model, key: dict, values: dict, where: str):
        """Find the row by its natural key; create it, or save the fields that differ."""
        obj = model.objects.filter(**key).first()
        if obj is None:
            obj = model(**key, **values)
            _validate_and_save(obj, where)
            return obj, CREATED
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if not changed:
            return obj, UNCHANGED
        for name in changed:
            setattr(obj, name, values[name])
        _validate_and_save(obj, where, update_fields=changed)
        return obj, UPDATED

    def record(self, model, outcome: str, relations_changed: bool = False) -> None:
        if relations_changed and outcome == UNCHANGED:
            outcome = UPDATED
        self.counts[count_key(model, outcome)] += 1

    # --- lookups --------------------------------------------------------------------------

    def country(self, code: str, where: str) -> Country:
        if code not in self.countries:
            country = Country.objects.filter(code=code).first()
            if country is None:
                raise DemoDataError(
                    f"{where}: no country {code!r}; the migrations create every ISO country "
                    "and EUU (run `manage.py migrate`)."
                )
            self.countries[code] = country
        return self.countries[code]

    def official(self, name: str, where: str) -> Official:
        if name not in self.officials:
            raise DemoDataError(f"{where}: no official named {name!r} in the demo data.")
        return self.officials[name]

    def negotiation(self, slug: str, where: str) -> Negotiation:
        if slug not in self.negotiations:
            raise DemoDataError(f"{where}: no negotiation {slug!r} in the demo data.")
        return self.negotiations[slug]

    def line(self, importer: str, hs_code: str, where: str) -> TariffLine:
        key = (importer, normalize_hs_code(hs_code))
        if key not in self.lines:
            raise DemoDataError(f"{where}: no {importer} tariff line {hs_code} in the demo data.")
        return self.lines[key]

    # --- the models, in dependency order ----------------------------------------------------

    def load_officials(self) -> None:
        for fact in data.OFFICIALS:
            where = f"official {fact.name!r}"
            if fact.name in self.officials:
                # Rounds and positions name officials by name alone.
                raise DemoDataError(f"{where}: two officials have this name.")
            official, outcome = self.save(
                Official,
                {"name": fact.name, "country": self.country(fact.country, where)},
                {
                    "native_name": fact.native_name,
                    "title": fact.title,
                    "organization": fact.organization,
                },
                where,
            )
            self.officials[fact.name] = official
            self.record(Official, outcome)

    def load_negotiations(self) -> None:
        for fact in data.NEGOTIATIONS:
            where = f"negotiation {fact.slug!r}"
            negotiation, outcome = self.save(
                Negotiation,
                {"slug": fact.slug},
                {
                    "party_a": self.country(fact.party_a, where),
                    "party_b": self.country(fact.party_b, where),
                    "title": fact.title,
                    "summary": fact.summary,
                    "status": fact.status,
                    "started_on": fact.started_on,
                    "concluded_on": fact.concluded_on,
                },
                where,
            )
            self.negotiations[fact.slug] = negotiation
            self.record(Negotiation, outcome)

    def load_sources(self, catalogue: dict[str, dict]) -> None:
        for url, fields in catalogue.items():
            source, outcome = self.save(Source, {"url": url}, fields, f"source {url}")
            self.sources[url] = source
            self.record(Source, outcome)

    def load_rounds(self) -> None:
        for meeting in data.MEETINGS:
            if not meeting.number:
                continue  # a leaders' meeting: a milestone, not a round
            where = f"round {meeting.number} of {meeting.negotiation}"
            negotiation = self.negotiation(meeting.negotiation, where)
            round_, outcome = self.save(
                TalkRound,
                {"negotiation": negotiation, "number": meeting.number},
                {
                    "start_date": meeting.date,
                    "location": meeting.location,
                    "summary": round_summary(meeting),
                    "source": self.sources[meeting.source_url],
                    "confidence": meeting.confidence,
                },
                where,
            )
            participants = [self.official(name, where) for name in meeting.participants]
            self.rounds[(negotiation.slug, meeting.number)] = round_
            self.record(TalkRound, outcome, sync_relation(round_, "participants", participants))

    def load_milestones(self, rows: list[Row]) -> None:
        for where, row in rows:
            _, outcome = self.save(
                Milestone,
                {
                    "negotiation": self.negotiation(row["negotiation"], where),
                    "date": parse_date(row["date"], where, "date"),
                    "title": row["title"],
                },
                {
                    "kind": row["kind"],
                    "source": self.sources.get(row["source_url"]),
                    "confidence": row["confidence"],
                },
                where,
            )
            self.record(Milestone, outcome)

    def load_tariff_lines(self) -> None:
        for fact in data.TARIFF_LINES:
            where = f"tariff line {fact.importer} {fact.hs_code}"
            line, outcome = self.save(
                TariffLine,
                {"importer": self.country(fact.importer, where), "hs_code": fact.hs_code},
                {"description": fact.description, "base_rate_pct": fact.base_rate_pct},
                where,
            )
            self.lines[(fact.importer, line.hs_code)] = line
            self.record(TariffLine, outcome)

    def load_measures(self) -> None:
        # Fields first, relations second: a measure may displace one listed after it.
        saved = [(fact, *self.save_measure(fact)) for fact in data.MEASURES]
        measures = {fact.name: measure for fact, measure, _ in saved}
        for fact, measure, outcome in saved:
            where = f"measure {fact.name!r}"
            changed = [
                sync_relation(
                    measure, "lines", [self.line(fact.importer, code, where) for code in fact.lines]
                ),
                sync_relation(
                    measure, "partners", [self.country(code, where) for code in fact.partners]
                ),
                sync_relation(measure, "displaces", [measures[name] for name in fact.displaces]),
            ]
            self.record(TariffMeasure, outcome, any(changed))

    def save_measure(self, fact: data.MeasureFact):
        where = f"measure {fact.name!r}"
        return self.save(
            TariffMeasure,
            {"importer": self.country(fact.importer, where), "name": fact.name},
            {
                "legal_basis": fact.legal_basis,
                "kind": fact.kind,
                "rate_pct": fact.rate_pct,
                "covers_all_lines": fact.covers_all_lines,
                "announced_on": fact.announced_on,
                "in_force_from": fact.in_force_from,
                "in_force_until": fact.in_force_until,
                "source_url": fact.source_url,
                "confidence": fact.confidence,
                "note": fact.note,
            },
            where,
        )

    def load_issues(self, rows: list[Row]) -> None:
        for where, row in rows:
            negotiation = self.negotiation(row["negotiation"], where)
            issue, outcome = self.save(
                Issue,
                {"negotiation": negotiation, "slug": row["issue"]},
                {
                    "name": row["name"],
                    "sector": row["sector"],
                    "covers_all_goods": row["sector"] == "all goods",
                    "target_rate_means": row["target_rate_means"],
                },
                where,
            )
            self.issues[(negotiation.slug, issue.slug)] = issue
            lines = self.issue_lines(row, where)
            self.record(Issue, outcome, sync_relation(issue, "tariff_lines", lines))

    def issue_lines(self, row: dict[str, str], where: str) -> list[TariffLine]:
        """The lines of the importer the issue concerns, by the issue's HS codes."""
        key = (row["negotiation"], row["issue"])
        if key in data.ISSUES_WITHOUT_LINES:
            return []
        importer = data.ISSUE_LINE_IMPORTERS.get(key, "USA")
        return [self.line(importer, code, where) for code in row["hs_codes"].split()]

    def load_positions(self) -> None:
        """Through the importer editors use for positions files: one set of rules for
        the format, whoever loads it. Its sources, rounds and issues exist by now."""
        path = CSV_FILES["positions"]
        plan = plan_file(PositionImporter, path.read_bytes(), max_bytes=COMMAND_MAX_BYTES)
        if plan.problems:
            raise DemoDataError("\n".join(f"{path.name} {problem}" for problem in plan.problems))
        plan.apply()
        for outcome, count in plan.counts.items():
            self.counts[count_key(StatedPosition, outcome)] += count
