"""The CSV import of stated positions, in the format fixed in DESIGN.md and the README.

Plain functions and classes with no HTTP in them (see `tariffs.importers` for the two
steps, plan and apply). A row names everything by natural key: the negotiation by slug,
the round by number, the party by ISO code, the speaker by name, the issue by slug, the
source by URL. Rounds and issues the file names are created when missing (a round only
with its date); negotiations, countries and officials must exist: an unknown name is an
error, never a silently created row.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from negotiations.models import (
    Issue,
    Negotiation,
    Official,
    Source,
    Stance,
    StatedPosition,
    TalkRound,
)
from tariffs.csvkit import POSITION_COLUMNS
from tariffs.csvread import Problem
from tariffs.importers import (
    CREATED,
    INVALID,
    UNCHANGED,
    UPDATED,
    CellError,
    Importer,
    Plan,
    Related,
    RowOutcome,
    changed_fields,
    chunks,
    closest,
    did_you_mean,
    parse_choice,
    parse_date,
    parse_rate,
    parse_text,
    parse_url,
    update_rows,
    write_rows,
)
from tariffs.models import Confidence

# django.core.validators.slug_re, compiled eagerly: the lazy one costs a lookup per row.
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
MAX_ROUND = 32767  # a PositiveSmallIntegerField
ISSUE_SLUG_LENGTH = Issue._meta.get_field("slug").max_length
# What an import may change in a position (its natural key aside), and the column of the
# file each comes from, to say what an update changes.
POSITION_FIELDS = {
    "speaker_id": "speaker",
    "stance": "stance",
    "target_rate_pct": "target_rate_pct",
    "source": "source_url",
    "stated_on": "published_on",
    "confidence": "confidence",
}


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
    statement: str
    speaker: int | None
    stance: str
    target_rate_pct: object
    source_key: object  # a URL, or (publisher, title, date) for a source without one; or None
    source_title: str
    source_publisher: str
    published_on: object
    confidence: str


def _with_ids(values: dict) -> dict:
    """Foreign keys as ids, once the rows they point to are saved: setting an id costs far
    less than setting an object, over 100,000 new positions."""
    values = dict(values)
    for name in ("round", "issue", "source"):
        if name in values:
            related = values.pop(name)
            values[f"{name}_id"] = None if related is None else related.pk
    return values


def _shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


class PositionImporter(Importer):
    """One row per stated position; the key is negotiation + round + party + issue +
    statement. Rounds, issues and sources the rows name are created or updated with them."""

    what = "positions"
    noun = "position"
    columns = POSITION_COLUMNS

    def plan(self) -> Plan:
        self.load_lookups()
        seen: dict = {}
        read: list[_Position] = []
        # A round the file creates: its date, and the line that gave it first.
        self.round_dates: dict[tuple[int, int], tuple] = {}
        self.new_issue_lines: dict[tuple[int, str], int] = {}
        for done, row in enumerate(self.table.rows, start=1):
            key = (
                row.cells["negotiation"],
                row.cells["round"],
                row.cells["party"].upper(),
                row.cells["issue"],
                row.cells["statement"],
            )
            duplicate = all(key) and self.duplicate(row, key, seen, "position")
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

        def write(progress):
            Source.objects.bulk_create(new_sources)
            update_rows(
                Source,
                [
                    (
                        s.pk,
                        {
                            "title": s.title,
                            "publisher": s.publisher,
                            "published_on": s.published_on,
                        },
                    )
                    for s in changed_sources
                ],
            )
            TalkRound.objects.bulk_create(new_rounds)
            Issue.objects.bulk_create(new_issues)
            write_rows(
                StatedPosition,
                [_with_ids(values) for values in creates],
                [(pk, _with_ids(values)) for pk, values in updates],
                progress,
            )

        related = [
            Related("round", created=len(new_rounds)),
            Related("issue", created=len(new_issues)),
            Related("source", created=len(new_sources), updated=len(changed_sources)),
        ]
        return self.finish(outcomes, related, write)

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
        for official in Official.objects.select_related("country"):
            self.officials[official_key(official.name)].append(official)
        self.existing = {
            (round_, party, issue, statement): (pk, dict(zip(POSITION_FIELDS, values, strict=True)))
            for pk, round_, party, issue, statement, *values in StatedPosition.objects.filter(
                round__negotiation__in=wanted
            ).values_list(
                "pk",
                "round_id",
                "party_id",
                "issue_id",
                "statement",
                "speaker_id",
                "stance",
                "target_rate_pct",
                "source_id",
                "stated_on",
                "confidence",
            )
        }

    # --- one row --------------------------------------------------------------------------------

    def read_row(self, row) -> _Position | None:
        before = len(self.problems)
        negotiation = self.negotiation(row)
        number = self.cell(row, "round", self.round_number)
        round_date = self.cell(row, "round_date", parse_date)
        party = self.party(row, negotiation)
        speaker = self.speaker(row, party)
        issue_slug = self.issue(row, negotiation)
        stance = self.cell(row, "stance", parse_choice, "stance", self.stances)
        target = self.cell(row, "target_rate_pct", parse_rate)
        statement = self.cell(
            row,
            "statement",
            parse_text,
            "statement",
            max_length=1000,
            required="every position needs the statement, a short quote or paraphrase.",
        )
        published_on = self.cell(row, "published_on", parse_date)
        source_key = self.source(row, published_on)
        confidence = self.cell(row, "confidence", parse_choice, "confidence", self.confidences)
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
            statement=statement,
            speaker=speaker,
            stance=stance,
            target_rate_pct=target,
            source_key=source_key,
            source_title=row.cells["source_title"],
            source_publisher=row.cells["source_publisher"],
            published_on=published_on,
            confidence=confidence,
        )

    def negotiation(self, row):
        slug = row.cells["negotiation"]
        if not slug:
            self.error(row, "negotiation", "negotiation is empty; write the negotiation's slug.")
            return INVALID
        if slug not in self.negotiations:
            self.error(
                row,
                "negotiation",
                f"there is no negotiation `{slug}`{did_you_mean(slug, self.negotiations)} "
                "(a new negotiation is added in the admin first).",
            )
            return INVALID
        return self.negotiations[slug]

    @staticmethod
    def round_number(text: str) -> int:
        if not text:
            raise CellError("round is empty; write the round's number, such as 2.")
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ROUND:
            raise CellError(f"`{text}` is not a round number: write a whole number such as 2.")
        return int(text)

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
                f"unknown country `{row.cells['party']}`: the parties to {negotiation.slug} "
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
                f"no official named `{name}`"
                + (f" (did you mean `{match}`?)" if match else "")
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
                f"`{slug}` is not a slug: use letters, digits and hyphens only, such as "
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
                        f"{negotiation.slug} has no issue `{slug}`: it will be created{suggestion}",
                    )
                )
        return slug

    def known_issues(self, negotiation) -> list[str]:
        return [slug for pk, slug in self.issues if pk == negotiation.pk]

    # Enum .values is rebuilt on every access: read once.
    stances = tuple(Stance.values)
    confidences = tuple(Confidence.values)

    def source(self, row, published_on):
        url = self.cell(row, "source_url", parse_url)
        title = self.cell(row, "source_title", parse_text, "source_title", max_length=300)
        publisher = self.cell(
            row, "source_publisher", parse_text, "source_publisher", max_length=200
        )
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
                issues[position.issue_key] = Issue(
                    negotiation=position.negotiation,
                    slug=position.issue_key[1],
                    name=humanize(position.issue_key[1]),
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
        for position in read:
            round_ = rounds[position.round_key]
            issue = issues[position.issue_key]
            source = sources.get(position.source_key) if position.source_key else None
            values = {
                "speaker_id": position.speaker,
                "stance": position.stance,
                "target_rate_pct": position.target_rate_pct,
                "source": source,
                "stated_on": position.published_on or round_.start_date,
                "confidence": position.confidence,
            }
            label = (
                f"{self.code_of[position.party]} on {position.issue_key[1]}, round "
                f"{round_.number}: {position.stance} – {_shorten(position.statement)}"
            )
            key = (round_.pk, position.party, issue.pk, position.statement)
            found = self.existing.get(key) if round_.pk and issue.pk else None
            if found is None:
                creates.append(
                    {
                        "round": round_,
                        "party_id": position.party,
                        "issue": issue,
                        "statement": position.statement,
                        **values,
                    }
                )
                outcomes.append(RowOutcome(position.line, CREATED, label))
                continue
            pk, old = found
            # A source about to be created has no pk yet: it differs from any stored one.
            compared = {**values, "source": source.pk or source if source else None}
            changed = changed_fields(old, compared)
            if changed:
                updates.append((pk, values))
                columns = tuple(POSITION_FIELDS[name] for name in changed)
                outcomes.append(RowOutcome(position.line, UPDATED, label, columns))
            else:
                outcomes.append(RowOutcome(position.line, UNCHANGED, label))
        return outcomes, creates, updates
