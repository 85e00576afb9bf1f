"""The CSV imports of the negotiations app (formats declared in `negotiations.csv_formats`;
the engine, plan then apply, is `csvport`'s).

A row names everything by natural key: the negotiation by slug, the round by number, the
party by ISO code, the speaker by name, the issue by slug, the source by URL. A positions
file creates the rounds and issues it names when missing (a round only with its date);
negotiations, countries and officials must exist: an unknown name is an error, never a
silently created row. The other formats are one model row per file row.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import F

from changes.bulk import CHANGED, record_history
from changes.bulk import CREATED as CREATED_ROW
from csvport.bulk import chunks, update_rows, write_rows
from csvport.importer import Importer, ModelImporter, changed_fields
from csvport.parsers import INVALID
from csvport.plans import CREATED, UNCHANGED, UPDATED, Plan, Related, RowOutcome
from csvport.problems import Problem
from csvport.wording import closest, did_you_mean
from negotiations.csv_formats import (
    ISSUES,
    MILESTONES,
    NEGOTIATIONS,
    OFFICIALS,
    POSITIONS,
    ROUNDS,
    SLUG_RE,
    SOURCES,
)
from negotiations.models import Issue, Negotiation, Official, Source, StatedPosition, TalkRound
from tariffs.hs import normalize_hs_code
from tariffs.importers import CountryCells
from tariffs.models import TariffLine

ISSUE_SLUG_LENGTH = Issue._meta.get_field("slug").max_length
ISSUE_NAME_LENGTH = Issue._meta.get_field("name").max_length


def issue_option(negotiation_slug: str, issue_slug: str) -> str:
    """How the admin's preview names a new issue's name field, and the importer finds it."""
    return f"issue_name:{negotiation_slug}:{issue_slug}"


def official_key(name: str) -> str:
    """Names match whatever the case and spacing: "ryosei  akazawa" is Ryosei Akazawa."""
    return " ".join(name.split()).casefold()


def humanize(slug: str) -> str:
    return slug.replace("-", " ").replace("_", " ").strip().capitalize()


@dataclass
class _Position:
    line: int
    negotiation: Negotiation
    round_key: tuple[int, int]  # (negotiation pk, number)
    party: int
    issue_key: tuple[int, str]  # (negotiation pk, slug)
    speaker: int | None
    values: dict  # the position's own fields (statement, stance, …), by attname
    source_key: object  # a URL, or (publisher, title, date) for a source without one; or None
    source_title: str
    source_publisher: str
    version: object = None  # the version the row's export carried, if any

    @property
    def published_on(self):
        return self.values["stated_on"]


def _with_ids(values: dict) -> dict:
    """Foreign keys as ids, once the rows they point to are saved: setting an id costs far
    less than setting an object, over 100,000 new positions."""
    return {
        name: value.pk if isinstance(value, models.Model) else value
        for name, value in values.items()
    }


def _shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


class PositionImporter(CountryCells, Importer):
    """One row per stated position; the key is negotiation + round + party + issue +
    statement. Rounds, issues and sources the rows name are created or updated with them."""

    format = POSITIONS

    def plan(self) -> Plan:
        self.load_lookups()
        seen: dict = {}
        read: list[_Position] = []
        # A round the file creates: its date, and the line that gave it first.
        self.round_dates: dict[tuple[int, int], tuple] = {}
        self.new_issue_lines: dict[tuple[int, str], int] = {}
        for done, row in enumerate(self.table.rows, start=1):
            key = tuple(
                row.cells[name].upper() if name == "party" else row.cells[name]
                for name in POSITIONS.key
            )
            duplicate = all(key) and self.duplicate(row, key, seen)
            position = self.read_row(row)
            if position is not None and not duplicate:
                read.append(position)
            self.checked(done)
        read = [position for position in read if self.has_round(position)]
        rounds, issues = self.rounds_and_issues(read)
        sources, changed_sources = self.sources(read)
        outcomes, creates, updates = self.outcomes(read, rounds, issues, sources)
        new_rounds = [r for r in rounds.values() if r.pk is None]
        new_issues = [i for i in issues.values() if i.pk is None]
        new_sources = [s for s in sources.values() if s.pk is None]
        attending = self.new_participants(read, rounds)
        grown_rounds = [rounds[key] for key in attending if rounds[key].pk is not None]

        def write(progress):
            Source.objects.bulk_create(new_sources)
            record_history(Source, new_sources, history_type=CREATED_ROW)
            update_rows(
                Source,
                [
                    (s.pk, {name: getattr(s, name) for name in SOURCES.value_attnames})
                    for s in changed_sources
                ],
            )
            record_history(Source, [s.pk for s in changed_sources], history_type=CHANGED)
            TalkRound.objects.bulk_create(new_rounds)
            Issue.objects.bulk_create(new_issues)
            record_history(Issue, new_issues, history_type=CREATED_ROW)
            write_rows(
                StatedPosition,
                [_with_ids(values) for values in creates],
                [(pk, _with_ids(values)) for pk, values in updates],
                progress,
            )
            # Speakers attended their round; an open form of the round is stale now.
            through = TalkRound.participants.through
            through.objects.bulk_create(
                [
                    through(talkround_id=rounds[key].pk, official_id=official)
                    for key, officials in attending.items()
                    for official in officials
                ]
            )
            grown = [r.pk for r in grown_rounds]
            TalkRound.objects.filter(pk__in=grown).update(version=F("version") + 1)
            record_history(TalkRound, [r.pk for r in new_rounds], history_type=CREATED_ROW)
            record_history(TalkRound, grown, history_type=CHANGED)

        related = [
            Related(
                TalkRound,
                created=len(new_rounds),
                updated=len(grown_rounds),
                created_names=[
                    self.round_name(r, attending.get((r.negotiation.pk, r.number)))
                    for r in new_rounds
                ],
                updated_names=[
                    self.round_name(r, attending[(r.negotiation_id, r.number)])
                    for r in grown_rounds
                ],
            ),
            Related(
                Issue,
                created=len(new_issues),
                created_names=[
                    f"“{i.name}” ({i.slug}) of {i.negotiation.slug}" for i in new_issues
                ],
                editable_names=[
                    (issue_option(i.negotiation.slug, i.slug), i.name) for i in new_issues
                ],
            ),
            Related(
                Source,
                created=len(new_sources),
                updated=len(changed_sources),
                created_names=[self.source_name(s) for s in new_sources],
                updated_names=[self.source_name(s) for s in changed_sources],
            ),
        ]
        return self.finish(outcomes, related, write)

    def new_participants(self, read, rounds) -> dict:
        """The speakers each round gains as a participant, by round key: those whose
        statement is dated within the round's days, or not dated (a statement made
        between two rounds belongs to the earlier one, without its speaker attending)."""
        attending: dict = defaultdict(set)
        for position in read:
            round_ = rounds[position.round_key]
            said = position.published_on
            last_day = round_.end_date or round_.start_date
            if position.speaker is not None and (not said or round_.start_date <= said <= last_day):
                attending[position.round_key].add(position.speaker)
        known = set(
            TalkRound.participants.through.objects.filter(
                talkround__in=[rounds[key].pk for key in attending if rounds[key].pk]
            ).values_list("talkround_id", "official_id")
        )
        return {
            key: new
            for key, officials in attending.items()
            if (new := {o for o in officials if (rounds[key].pk, o) not in known})
        }

    def round_name(self, round_, officials) -> str:
        names = sorted(self.official_names[o] for o in officials or ())
        attended = f": {', '.join(names)} attended" if names else ""
        return f"round {round_.number} of {round_.negotiation.slug} ({round_.start_date}){attended}"

    @staticmethod
    def source_name(source) -> str:
        return f"{source.publisher}: {source.title or source.url or 'untitled'}"

    # --- lookups, loaded once ---------------------------------------------------------------

    def load_lookups(self) -> None:
        self.codes = self.countries()
        self.code_of = {pk: code for code, pk in self.codes.items()}
        self.negotiations = {n.slug: n for n in Negotiation.objects.with_parties()}
        slugs = {row.cells["negotiation"] for row in self.table.rows}
        wanted = [n.pk for slug, n in self.negotiations.items() if slug in slugs]
        self.rounds = {
            (r.negotiation_id, r.number): r
            for r in TalkRound.objects.filter(negotiation__in=wanted)
        }
        self.issues = {
            (i.negotiation_id, i.slug): i for i in Issue.objects.filter(negotiation__in=wanted)
        }
        self.officials: dict[str, list[Official]] = defaultdict(list)
        self.official_names: dict[int, str] = {}
        for official in Official.objects.select_related("country"):
            self.officials[official_key(official.name)].append(official)
            self.official_names[official.pk] = official.name
        keys, fields = POSITIONS.key_attnames, POSITIONS.value_attnames
        positions = StatedPosition.objects.filter(round__negotiation__in=wanted)
        # key -> (pk, values, version)
        self.existing = {
            row[2 : len(keys) + 2]: (
                row[0],
                dict(zip(fields, row[len(keys) + 2 :], strict=True)),
                row[1],
            )
            for row in positions.values_list("pk", "version", *keys, *fields)
        }

    # --- one row --------------------------------------------------------------------------------

    def read_row(self, row) -> _Position | None:
        before = len(self.problems)
        negotiation = self.negotiation(row)
        number = self.parse(row, "round")
        round_date = self.parse(row, "round_date")
        party = self.party(row, negotiation)
        speaker = self.speaker(row, party)
        issue_slug = self.issue(row, negotiation)
        values = self.plain_values(row)  # statement, stance, target rate, date, confidence
        version = self.file_version(row)
        source_key = self.source(row, values["stated_on"])
        round_key = None
        if negotiation is not INVALID and number is not INVALID and round_date is not INVALID:
            round_key = self.round_key(row, negotiation, number, round_date)
        if len(self.problems) > before or round_key is None:
            return None
        return _Position(
            line=row.line,
            negotiation=negotiation,
            round_key=round_key,
            party=party,
            issue_key=(negotiation.pk, issue_slug),
            speaker=speaker,
            values=values,
            source_key=source_key,
            source_title=row.cells["source_title"],
            source_publisher=row.cells["source_publisher"],
            version=version,
        )

    def negotiation(self, row):
        slug = self.parse(row, "negotiation")
        if slug is INVALID:
            return INVALID
        if slug not in self.negotiations:
            self.error(
                row,
                "negotiation",
                f"there is no negotiation “{slug}”{did_you_mean(slug, self.negotiations)} "
                "(a new negotiation is added in the admin first).",
            )
            return INVALID
        return self.negotiations[slug]

    def round_key(self, row, negotiation, number, round_date):
        """The round's key; a round that does not exist is created with the row's date."""
        key = (negotiation.pk, number)
        existing = self.rounds.get(key)
        if existing is not None:
            if round_date and round_date != existing.start_date:
                self.error(
                    row,
                    "round_date",
                    f"round {number} of {negotiation.slug} is dated {existing.start_date}, "
                    f"not {round_date}: fix the file, or the round in the admin.",
                )
                return None
            return key
        if round_date:
            first = self.round_dates.setdefault(key, (round_date, row.line))
            if first[0] != round_date:
                self.error(
                    row,
                    "round_date",
                    f"round {number} is new, dated {first[0]} by line {first[1]}; this row "
                    f"says {round_date}.",
                )
                return None
        return key

    def has_round(self, position: _Position) -> bool:
        """Rows of a new round need its date, given by this row or another of the file."""
        if position.round_key in self.rounds or position.round_key in self.round_dates:
            return True
        self.problems.append(
            Problem(
                line=position.line,
                column="round_date",
                message=f"round {position.round_key[1]} does not exist and the row gives no "
                "round_date; give the date of the round to create it.",
            )
        )
        return False

    def party(self, row, negotiation):
        code = row.cells["party"].upper()
        if negotiation is INVALID:
            return self.country(row, "party", self.codes)
        parties = f"{negotiation.party_a.code} or {negotiation.party_b.code}"
        if not code:
            self.error(row, "party", f"party is empty; write {parties}.")
            return INVALID
        if code not in self.codes:
            self.error(
                row,
                "party",
                f"unknown country “{row.cells['party']}”: the parties to {negotiation.slug} "
                f"are {negotiation.party_a.code} and {negotiation.party_b.code}.",
            )
            return INVALID
        pk = self.codes[code]
        if pk not in (negotiation.party_a_id, negotiation.party_b_id):
            self.error(
                row, "party", f"{code} is not a party to {negotiation.slug}; write {parties}."
            )
            return INVALID
        return pk

    def speaker(self, row, party):
        name = row.cells["speaker"]
        if not name:
            return None
        officials = self.officials.get(official_key(name), [])
        if party is INVALID:
            return officials[0].pk if officials else None
        for official in officials:
            if official.country_id == party:
                return official.pk
        code = self.code_of[party]
        if officials:
            self.error(
                row,
                "speaker",
                f"{officials[0].name} speaks for {officials[0].country.code}, not for {code}.",
            )
        else:
            names = [o.name for group in self.officials.values() for o in group]
            match = closest(name, names)
            self.error(
                row,
                "speaker",
                f"no official named “{name}”"
                + (f" (did you mean “{match}”?)" if match else "")
                + f": add them in the admin (Officials, country {code}) first, or leave "
                "speaker empty.",
            )
        return INVALID

    def issue(self, row, negotiation):
        slug = row.cells["issue"]
        if not slug:
            self.error(row, "issue", "issue is empty; write the issue's slug, such as autos.")
            return INVALID
        if len(slug) > ISSUE_SLUG_LENGTH:
            self.error(
                row,
                "issue",
                f"issue slug too long: {len(slug)} characters, at most {ISSUE_SLUG_LENGTH}.",
            )
            return INVALID
        if not SLUG_RE.match(slug):
            known = [] if negotiation is INVALID else self.known_issues(negotiation)
            self.error(
                row,
                "issue",
                f"“{slug}” is not a slug: use letters, digits and hyphens only, such as "
                f"steel-aluminum{did_you_mean(slug, known, '.')}",
            )
            return INVALID
        if negotiation is not INVALID and (negotiation.pk, slug) not in self.issues:
            first = self.new_issue_lines.setdefault((negotiation.pk, slug), row.line)
            if first != row.line:
                return slug
            suggestion = did_you_mean(slug, self.known_issues(negotiation))
            if suggestion:
                self.notes.append(
                    Problem(
                        row.line,
                        "issue",
                        f"{negotiation.slug} has no issue “{slug}”: it will be created{suggestion}",
                    )
                )
        return slug

    def known_issues(self, negotiation) -> list[str]:
        return [slug for pk, slug in self.issues if pk == negotiation.pk]

    def source(self, row, published_on):
        url = self.parse(row, "source_url")
        title = self.parse(row, "source_title")
        publisher = self.parse(row, "source_publisher")
        if INVALID in (url, title, publisher):
            return INVALID
        if (url or title) and not publisher:
            self.error(
                row,
                "source_publisher",
                "source_publisher is empty; it is required when a source_url is given."
                if url
                else "source_publisher is empty; it is required when a source_title is given.",
            )
            return INVALID
        if url:
            return url
        if publisher:
            # A source without a URL (a print edition) is told apart by what the row says.
            return (publisher, title, None if published_on is INVALID else published_on)
        return None

    # --- the plan -------------------------------------------------------------------------------

    def rounds_and_issues(self, read: list[_Position]):
        rounds, issues = dict(self.rounds), dict(self.issues)
        for position in read:
            if position.round_key not in rounds:
                number = position.round_key[1]
                rounds[position.round_key] = TalkRound(
                    negotiation=position.negotiation,
                    number=number,
                    start_date=self.round_dates[position.round_key][0],
                )
            if position.issue_key not in issues:
                slug = position.issue_key[1]
                chosen = self.options.get("issue_names", {}).get(
                    issue_option(position.negotiation.slug, slug), ""
                )
                issues[position.issue_key] = Issue(
                    negotiation=position.negotiation,
                    slug=slug,
                    name=" ".join(chosen.split())[:ISSUE_NAME_LENGTH] or humanize(slug),
                )
        return rounds, issues

    def sources(self, read: list[_Position]):
        """The sources the rows cite, found by URL or created; the title and publisher are
        the first the file gives, the date the latest."""
        cited: dict = {}
        rows_of: dict = defaultdict(list)
        for position in read:
            if position.source_key is not None:
                rows_of[position.source_key].append(position)
        urls = [key for key in rows_of if isinstance(key, str)]
        known = {}
        for batch in chunks(urls, 5000):
            known.update({s.url: s for s in Source.objects.filter(url__in=batch)})
        unlinked = [key for key in rows_of if not isinstance(key, str)]
        if unlinked:
            publishers = {publisher for publisher, _, _ in unlinked}
            for source in Source.objects.filter(url="", publisher__in=publishers).order_by("pk"):
                known.setdefault((source.publisher, source.title, source.published_on), source)
        changed_sources = []
        for key, positions in rows_of.items():
            source = known.get(key)
            fields = self.source_fields(key, positions)
            if source is None:
                source = Source(url=key if isinstance(key, str) else "", **fields)
            else:
                changed = [name for name, value in fields.items() if getattr(source, name) != value]
                for name in changed:
                    setattr(source, name, fields[name])
                if changed:
                    changed_sources.append(source)
            cited[key] = source
        return cited, changed_sources

    def source_fields(self, key, positions: list[_Position]) -> dict:
        if not isinstance(key, str):
            publisher, title, published_on = key
            return {"title": title, "publisher": publisher, "published_on": published_on}
        title = next((p.source_title for p in positions if p.source_title), "")
        publisher = next(p.source_publisher for p in positions if p.source_publisher)
        dates = [p.published_on for p in positions if p.published_on]
        fields = {"publisher": publisher}
        if title:
            fields["title"] = title  # an empty title does not erase a known one
        if dates:
            fields["published_on"] = max(dates)
        return fields

    def outcomes(self, read, rounds, issues, sources):
        outcomes, creates, updates = [], [], []
        key_fields = POSITIONS.key_attnames
        for position in read:
            round_ = rounds[position.round_key]
            issue = issues[position.issue_key]
            source = sources.get(position.source_key) if position.source_key else None
            values = {
                **position.values,
                "round_id": round_,
                "party_id": position.party,
                "issue_id": issue,
                "speaker_id": position.speaker,
                "source_id": source,
                "stated_on": position.published_on or round_.start_date,
            }
            label = (
                f"{self.code_of[position.party]} on {position.issue_key[1]}, round "
                f"{round_.number}: {values['stance']} – {_shorten(values['statement'])}"
            )
            key = tuple(_with_ids({name: values[name] for name in key_fields}).values())
            found = self.existing.get(key) if round_.pk and issue.pk else None
            if found is None:
                creates.append(values)
                outcomes.append(RowOutcome(position.line, CREATED, label))
                continue
            pk, old, stored_version = found
            # A source about to be created has no pk yet: it differs from any stored one.
            compared = {name: values[name] for name in old}
            compared["source_id"] = source.pk or source if source else None
            changed = changed_fields(old, compared)
            if changed:
                updates.append((pk, {name: values[name] for name in old}))
                columns = tuple(POSITIONS.attnames[name] for name in changed)
                self.check_version(position.line, pk, stored_version, position.version, columns)
                outcomes.append(RowOutcome(position.line, UPDATED, label, columns))
            else:
                outcomes.append(RowOutcome(position.line, UNCHANGED, label))
        return outcomes, creates, updates


class NegotiationImporter(CountryCells, ModelImporter):
    """One row per negotiation; the key is its slug."""

    format = NEGOTIATIONS


class OfficialImporter(CountryCells, ModelImporter):
    """One row per official; the key is name + country."""

    format = OFFICIALS


class SourceImporter(ModelImporter):
    """One row per source; the key is its URL."""

    format = SOURCES


class RoundImporter(ModelImporter):
    """One row per round; the key is negotiation + number. The participants the row names
    (whatever the case and spacing) replace the round's."""

    format = ROUNDS
    lookup_keys = {"participants": official_key}

    def label(self, row) -> str:
        return f"{row.cells['negotiation']} round {row.cells['round']}"


class MilestoneImporter(ModelImporter):
    """One row per milestone; the key is negotiation + date + title."""

    format = MILESTONES


class IssueImporter(ModelImporter):
    """One row per issue; the key is negotiation + slug. The lines the row names, of one
    importer, replace the issue's."""

    format = ISSUES

    def lookup(self, column):
        if column.name != "lines":
            return super().lookup(column)
        lines = TariffLine.objects.values_list("importer__code", "hs_code", "pk")
        return {(importer, hs_code): pk for importer, hs_code, pk in lines}

    def read_row(self, row):
        if row.cells["lines"] and not row.cells["lines_importer"]:
            self.error(
                row,
                "lines_importer",
                "lines_importer is empty; write the ISO code of the country whose tariff "
                "lines “lines” names.",
            )
        return super().read_row(row)

    def find(self, row, column, value):
        if column.name != "lines":
            return super().find(row, column, value)
        importer = row.cells["lines_importer"].upper()
        pk = self.lookups["lines"].get((importer, normalize_hs_code(value)))
        if pk is None:
            if importer:
                self.error(
                    row,
                    "lines",
                    f"{importer} has no tariff line {value}: import the line first (tariff "
                    "lines), or add it in the admin.",
                )
            return INVALID
        return pk


# Every kind of file, in an order that imports a whole set: what a file names comes first.
IMPORTERS = (
    NegotiationImporter,
    OfficialImporter,
    SourceImporter,
    RoundImporter,
    MilestoneImporter,
    IssueImporter,
    PositionImporter,
)
