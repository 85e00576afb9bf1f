"""The CSV imports of the negotiations app (formats declared in `negotiations.csv_formats`;
the engine, plan then apply, is `csvport`'s).

A row names everything by natural key: the negotiation by slug, the round by number, the
party by ISO code, the speaker by name, the issue by slug, the source by URL. A positions
file creates the rounds and issues it names when missing (a round only with its date);
negotiations, countries and officials must exist: an unknown name is an error, never a
silently created row. The other formats are one model row per file row.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from changes.bulk import CHANGED, record_history, write_with_history
from changes.bulk import CREATED as CREATED_ROW
from csvport.bulk import chunks, update_rows
from csvport.importer import Importer, ModelImporter
from csvport.parsers import INVALID
from csvport.plans import CREATED, UNCHANGED, UPDATED, Plan, Related, RowOutcome
from csvport.problems import Problem
from csvport.staging import Staging
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
from tariffs.hs import dotted_hs_code, normalize_hs_code
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


# --- the positions import's staging tables and SQL ------------------------------------------

# What a row of the file says, as the staging table holds it; `duplicate_key` is a digest
# of the key cells as written (NULL when one is empty), `valid` false for a refused row.
STAGE_COLUMNS = (
    ("line", "integer"),
    ("duplicate_key", "text"),
    ("valid", "boolean"),
    ("negotiation_id", "bigint"),
    ("number", "integer"),
    ("party_id", "bigint"),
    ("speaker_id", "bigint"),
    ("issue_slug", "text"),
    ("stance", "text"),
    ("target_rate_pct", "numeric"),
    ("statement", "text"),
    ("published_on", "date"),
    ("source_key", "text"),
    ("confidence", "text"),
    ("version", "bigint"),
)
_NOTHING = (None,) * (len(STAGE_COLUMNS) - 3)
# The rounds, issues and sources the file names, with their ids (NULL: to be created).
ROUND_COLUMNS = (
    ("negotiation_id", "bigint"),
    ("number", "integer"),
    ("round_id", "bigint"),
    ("start_date", "date"),
    ("last_day", "date"),
)
ISSUE_COLUMNS = (("negotiation_id", "bigint"), ("slug", "text"), ("issue_id", "bigint"))
SOURCE_COLUMNS = (("source_key", "text"), ("url", "text"), ("source_id", "bigint"))
CODES = {"c": CREATED, "u": UPDATED, "n": UNCHANGED}
# A plan keeps the outcome of the first rows and of the first rows that change (the
# preview lists those), and names this many new rounds, issues and sources; the counts
# are of all of them.
SHOWN_ROWS = 1000
SHOWN_NAMES = 1000

_JOINS = """
    JOIN {rounds} r ON r.negotiation_id = s.negotiation_id AND r.number = s.number
    JOIN {issues} i ON i.negotiation_id = s.negotiation_id AND i.slug = s.issue_slug
    LEFT JOIN {sources} src ON src.source_key = s.source_key"""
DUPLICATES_SQL = """
SELECT line, first FROM (
    SELECT line, MIN(line) OVER (PARTITION BY duplicate_key) AS first
    FROM {stage} WHERE duplicate_key IS NOT NULL
) AS d WHERE line > first ORDER BY line"""
UNDATED_SQL = """
SELECT s.line, s.number FROM {stage} s
WHERE s.valid AND NOT EXISTS (
    SELECT 1 FROM {rounds} r WHERE r.negotiation_id = s.negotiation_id AND r.number = s.number
) ORDER BY s.line LIMIT %s"""
# The flags follow POSITIONS.value_attnames: speaker, stance, target rate, source, date
# stated, confidence. A source the import creates differs from any stored one.
_FLAGS = "c_speaker, c_stance, c_target, c_source, c_stated, c_confidence"
OUTCOMES_SQL = (
    """
SELECT line, position_id, stored_version, file_version,
    CASE WHEN position_id IS NULL THEN 'c'
        WHEN c_speaker OR c_stance OR c_target OR c_source OR c_stated OR c_confidence
        THEN 'u' ELSE 'n' END AS outcome, """
    + _FLAGS
    + """
FROM (
    SELECT s.line, p.id AS position_id, p.version AS stored_version, s.version AS file_version,
        p.speaker_id IS DISTINCT FROM s.speaker_id AS c_speaker,
        p.stance <> s.stance AS c_stance,
        p.target_rate_pct IS DISTINCT FROM s.target_rate_pct AS c_target,
        (p.source_id IS DISTINCT FROM src.source_id
            OR (s.source_key IS NOT NULL AND src.source_id IS NULL)) AS c_source,
        p.stated_on IS DISTINCT FROM COALESCE(s.published_on, r.start_date) AS c_stated,
        p.confidence <> s.confidence AS c_confidence
    FROM {stage} s"""
    + _JOINS
    + """
    LEFT JOIN {position} p ON p.round_id = r.round_id AND p.party_id = s.party_id
        AND p.issue_id = i.issue_id AND p.statement = s.statement
    WHERE s.valid
) AS m"""
)
# The first rows, and the first rows that change (the preview lists those).
SHOWN_SQL = (
    "SELECT o.line, o.outcome, "
    + ", ".join(f"o.{flag}" for flag in _FLAGS.split(", "))
    + """, s.party_id, s.issue_slug, s.number, s.stance, s.statement
FROM {outcomes} o JOIN {stage} s ON s.line = o.line
WHERE o.line IN (
    SELECT line FROM (SELECT line FROM {outcomes} ORDER BY line LIMIT %s) AS first
    UNION SELECT line FROM (
        SELECT line FROM {outcomes} WHERE outcome <> 'n' ORDER BY line LIMIT %s
    ) AS changing
) ORDER BY o.line"""
)
CONFLICTS_SQL = (
    "SELECT line, position_id, stored_version, file_version, "
    + _FLAGS
    + """ FROM {outcomes}
WHERE outcome = 'u' AND file_version IS NOT NULL AND file_version <> stored_version
ORDER BY line LIMIT %s"""
)
_ATTENDING = """
FROM {stage} s
    JOIN {rounds} r ON r.negotiation_id = s.negotiation_id AND r.number = s.number
WHERE s.valid AND s.speaker_id IS NOT NULL
    AND (s.published_on IS NULL OR s.published_on BETWEEN r.start_date AND r.last_day)
    AND NOT EXISTS (
        SELECT 1 FROM {participant} t
        WHERE t.talkround_id = r.round_id AND t.official_id = s.speaker_id
    )"""
ATTENDING_SQL = "SELECT DISTINCT s.negotiation_id, s.number, s.speaker_id" + _ATTENDING
ATTEND_SQL = (
    "INSERT INTO {participant} (talkround_id, official_id) "
    "SELECT DISTINCT r.round_id, s.speaker_id" + _ATTENDING
)
FILL_ROUNDS_SQL = """
UPDATE {rounds} SET round_id = (
    SELECT t.id FROM {round} t
    WHERE t.negotiation_id = {rounds}.negotiation_id AND t.number = {rounds}.number
) WHERE round_id IS NULL"""
FILL_SOURCES_SQL = """
UPDATE {sources} SET source_id = (
    -- url <> '': the condition of the unique index on URLs, which the lookup then uses.
    SELECT t.id FROM {source} t WHERE t.url = {sources}.url AND t.url <> ''
) WHERE source_id IS NULL AND url IS NOT NULL"""
FILL_ISSUES_SQL = """
UPDATE {issues} SET issue_id = (
    SELECT t.id FROM {issue} t
    WHERE t.negotiation_id = {issues}.negotiation_id AND t.slug = {issues}.slug
) WHERE issue_id IS NULL"""
INSERT_SQL = (
    """
INSERT INTO {position} (round_id, party_id, speaker_id, issue_id, stance, target_rate_pct,
    statement, source_id, stated_on, confidence, version, updated_at)
SELECT r.round_id, s.party_id, s.speaker_id, i.issue_id, s.stance, s.target_rate_pct,
    s.statement, src.source_id, COALESCE(s.published_on, r.start_date), s.confidence, 1, %s
FROM {outcomes} o JOIN {stage} s ON s.line = o.line"""
    + _JOINS
    + """
WHERE o.outcome = 'c' ORDER BY s.line"""
)
UPDATE_SQL = (
    """
UPDATE {position} SET speaker_id = v.speaker_id, stance = v.stance,
    target_rate_pct = v.target_rate_pct, source_id = v.source_id, stated_on = v.stated_on,
    confidence = v.confidence, version = version + 1, updated_at = %s
FROM (
    SELECT o.position_id, s.speaker_id, s.stance, s.target_rate_pct, src.source_id,
        COALESCE(s.published_on, r.start_date) AS stated_on, s.confidence
    FROM {outcomes} o JOIN {stage} s ON s.line = o.line"""
    + _JOINS
    + """
    WHERE o.outcome = 'u'
) AS v WHERE {position}.id = v.position_id"""
)
UPDATED_WHERE = "id IN (SELECT position_id FROM {outcomes} WHERE outcome = 'u')"


def _digest(cells: list[str]) -> str:
    return hashlib.blake2b("\x1f".join(cells).encode(), digest_size=16).hexdigest()


def _source_key(key) -> str:
    """A source's key as the staging table holds it: its URL, or for a source without
    one the publisher, title and date the row gives."""
    if isinstance(key, str):
        return "u " + key
    publisher, title, said = key
    return "p " + "\x1f".join((publisher, title, said.isoformat() if said else ""))


class PositionImporter(CountryCells, Importer):
    """One row per stated position; the key is negotiation + round + party + issue +
    statement. Rounds, issues and sources the rows name are created or updated with them.

    The file is read as a stream: each row is checked here as it is read (every rule
    and message of the format), and what it says is written to a staging table
    (`csvport.staging`); the rest is set-based SQL over that table: duplicates, rows
    naming a new round without its date, matching the stored positions, what each row
    changes, and the writes, history included. Only what the file names at most once
    each (its negotiations' rounds and issues, its sources) is held in Python."""

    format = POSITIONS
    streams = True

    def plan(self) -> Plan:
        self.load_lookups()
        # A round the file creates: its date, and the line that gave it first.
        self.round_dates: dict[tuple[int, int], tuple] = {}
        self.new_issue_lines: dict[tuple[int, str], int] = {}
        self.used_rounds: set[tuple[int, int]] = set()
        self.used_issues: set[tuple[int, str]] = set()
        # Source key → [url or None, title, publisher, latest date], the first title and
        # publisher the file gives.
        self.cited: dict[str, list] = {}
        stage = self.stage = Staging("positions", STAGE_COLUMNS)
        with stage.writer() as write:
            for done, row in enumerate(self.table.rows, start=1):
                key = [
                    row.cells[name].upper() if name == "party" else row.cells[name]
                    for name in POSITIONS.key
                ]
                duplicate_key = _digest(key) if all(key) else None
                position = self.read_row(row)
                if position is None:
                    write((row.line, duplicate_key, False, *_NOTHING))
                else:
                    write((row.line, duplicate_key, True, *self.staged(position)))
                self.checked(done)
        stage.index("line")
        return self.plan_staged()

    def staged(self, position: _Position) -> tuple:
        """The row as the staging table holds it; its source noted once per file."""
        values = position.values
        source_key = None
        if position.source_key is not None:
            source_key = _source_key(position.source_key)
            said = position.published_on
            cited = self.cited.get(source_key)
            if cited is None:
                url = position.source_key if isinstance(position.source_key, str) else None
                self.cited[source_key] = [
                    url,
                    position.source_key if url is None else None,
                    position.source_title,
                    position.source_publisher,
                    said,
                ]
            else:
                cited[2] = cited[2] or position.source_title
                cited[3] = cited[3] or position.source_publisher
                if said and (cited[4] is None or said > cited[4]):
                    cited[4] = said
        self.used_rounds.add(position.round_key)
        self.used_issues.add(position.issue_key)
        return (
            position.negotiation.pk,
            position.round_key[1],
            position.party,
            position.speaker,
            position.issue_key[1],
            values["stance"],
            values["target_rate_pct"],
            values["statement"],
            values["stated_on"],
            source_key,
            values["confidence"],
            None if position.version is INVALID else position.version,
        )

    def plan_staged(self) -> Plan:
        stage = self.stage
        new_rounds = {
            key: TalkRound(
                negotiation=self.negotiation_by_pk[key[0]],
                number=key[1],
                start_date=self.round_dates[key][0],
            )
            for key in sorted(self.used_rounds)
            if key not in self.rounds and key in self.round_dates
        }
        rounds = {**self.rounds, **new_rounds}
        issues = dict(self.issues)
        for key in sorted(self.used_issues):
            if key not in issues:
                negotiation = self.negotiation_by_pk[key[0]]
                chosen = self.options.get("issue_names", {}).get(
                    issue_option(negotiation.slug, key[1]), ""
                )
                issues[key] = Issue(
                    negotiation=negotiation,
                    slug=key[1],
                    name=" ".join(chosen.split())[:ISSUE_NAME_LENGTH] or humanize(key[1]),
                )
        sources, changed_sources = self.sources()
        self.rounds_table = Staging("rounds", ROUND_COLUMNS)
        self.rounds_table.load(
            (key[0], key[1], r.pk, r.start_date, r.end_date or r.start_date)
            for key, r in rounds.items()
        )
        self.issues_table = Staging("issues", ISSUE_COLUMNS)
        self.issues_table.load((key[0], key[1], i.pk) for key, i in issues.items())
        self.sources_table = Staging("sources", SOURCE_COLUMNS)
        self.sources_table.load((key, s.url or None, s.pk) for key, s in sources.items())
        self.sources_table.index("source_key")
        for table in (self.rounds_table, self.issues_table):
            table.analyze()
        names = {"stage": stage.name, **self.table_names()}
        self.note_staged_problems(names)
        outcomes = self.outcomes_table(names)
        names["outcomes"] = outcomes.name
        rows, totals = self.shown_outcomes(names)
        self.check_versions(names)
        attending = self.new_participants(names, rounds)
        grown_rounds = [rounds[key] for key in attending if rounds[key].pk is not None]
        new_sources = [s for s in sources.values() if s.pk is None]
        new_issues = [i for i in issues.values() if i.pk is None]
        new_round_list = list(new_rounds.values())

        def write(progress):
            record_history(Source, sources_get_or_create(new_sources), history_type=CREATED_ROW)
            update_rows(
                Source,
                [
                    (s.pk, {name: getattr(s, name) for name in SOURCES.value_attnames})
                    for s in changed_sources
                ],
            )
            record_history(Source, [s.pk for s in changed_sources], history_type=CHANGED)
            TalkRound.objects.bulk_create(new_round_list)
            Issue.objects.bulk_create(new_issues)
            record_history(Issue, new_issues, history_type=CREATED_ROW)
            self.fill_ids(names, sources)
            self.write_positions(names, totals, progress)
            # Speakers attended their round; an open form of the round is stale now.
            with connection.cursor() as cursor:
                cursor.execute(ATTEND_SQL.format(**names))
            grown = [r.pk for r in grown_rounds]
            TalkRound.objects.filter(pk__in=grown).update(version=F("version") + 1)
            record_history(TalkRound, [r.pk for r in new_round_list], history_type=CREATED_ROW)
            record_history(TalkRound, grown, history_type=CHANGED)
            for table in (self.stage, self.rounds_table, self.issues_table, self.sources_table):
                table.drop()
            outcomes.drop()

        related = [
            Related(
                TalkRound,
                created=len(new_round_list),
                updated=len(grown_rounds),
                created_names=[
                    self.round_name(r, attending.get((r.negotiation.pk, r.number)))
                    for r in new_round_list[:SHOWN_NAMES]
                ],
                updated_names=[
                    self.round_name(r, attending[(r.negotiation_id, r.number)])
                    for r in grown_rounds[:SHOWN_NAMES]
                ],
            ),
            Related(
                Issue,
                created=len(new_issues),
                created_names=[
                    f"“{i.name}” ({i.slug}) of {i.negotiation.slug}"
                    for i in new_issues[:SHOWN_NAMES]
                ],
                editable_names=[
                    (issue_option(i.negotiation.slug, i.slug), i.name)
                    for i in new_issues[:SHOWN_NAMES]
                ],
            ),
            Related(
                Source,
                created=len(new_sources),
                updated=len(changed_sources),
                created_names=[self.source_name(s) for s in new_sources[:SHOWN_NAMES]],
                updated_names=[self.source_name(s) for s in changed_sources[:SHOWN_NAMES]],
            ),
        ]
        return self.finish(rows, related, write, totals=totals)

    def table_names(self) -> dict:
        return {
            "rounds": self.rounds_table.name,
            "issues": self.issues_table.name,
            "sources": self.sources_table.name,
            "position": StatedPosition._meta.db_table,
            "round": TalkRound._meta.db_table,
            "issue": Issue._meta.db_table,
            "source": Source._meta.db_table,
            "participant": TalkRound.participants.through._meta.db_table,
        }

    def note_staged_problems(self, names: dict) -> None:
        """The problems only the whole file shows: a row repeating an earlier one, and a
        row of a new round that no row of the file dates."""
        with connection.cursor() as cursor:
            cursor.execute(DUPLICATES_SQL.format(**names) + " LIMIT %s", [self.room_for_problems()])
            duplicates = cursor.fetchall()
            if duplicates:
                # Only the first of the lines is planned, as when there is no other.
                cursor.execute(
                    f"UPDATE {names['stage']} SET valid = FALSE WHERE line IN (SELECT line FROM ("
                    + DUPLICATES_SQL.format(**names)
                    + ") AS later)"
                )
            for line, first in duplicates:
                self.problems.append(
                    Problem(
                        line=line,
                        message=f"the same {self.format.noun} as line {first}; remove one of "
                        "the two lines.",
                    )
                )
            cursor.execute(UNDATED_SQL.format(**names), [self.room_for_problems()])
            for line, number in cursor.fetchall():
                self.problems.append(
                    Problem(
                        line=line,
                        column="round_date",
                        message=f"round {number} does not exist and the row gives no "
                        "round_date; give the date of the round to create it.",
                    )
                )

    def outcomes_table(self, names: dict) -> Staging:
        """Each valid row's outcome (created, updated, unchanged), the stored position it
        matches and which of its values change: one pass over the staging table."""
        outcomes = Staging("outcomes", (), create=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {outcomes.name} AS " + OUTCOMES_SQL.format(**names)
            )
        outcomes.index("line")
        return outcomes

    def shown_outcomes(self, names: dict):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT outcome, COUNT(*) FROM {names['outcomes']} GROUP BY outcome")
            found = dict(cursor.fetchall())
            totals = {outcome: found.get(code, 0) for code, outcome in CODES.items()}
            cursor.execute(SHOWN_SQL.format(**names), [SHOWN_ROWS, SHOWN_ROWS])
            rows = []
            for line, code, *rest in cursor.fetchall():
                flags, (party, slug, number, stance, statement) = rest[:6], rest[6:]
                changed = tuple(
                    POSITIONS.attnames[name]
                    for name, flag in zip(POSITIONS.value_attnames, flags, strict=True)
                    if flag
                )
                label = (
                    f"{self.code_of[party]} on {slug}, round {number}: {stance} – "
                    f"{_shorten(statement)}"
                )
                outcome = CODES[code]
                rows.append(RowOutcome(line, outcome, label, changed if outcome == UPDATED else ()))
        return rows, totals

    def check_versions(self, names: dict) -> None:
        """Rows that would overwrite a position changed since their file's export."""
        with connection.cursor() as cursor:
            cursor.execute(CONFLICTS_SQL.format(**names), [self.room_for_problems()])
            for line, pk, stored, seen, *flags in cursor.fetchall():
                changed = tuple(
                    POSITIONS.attnames[name]
                    for name, flag in zip(POSITIONS.value_attnames, flags, strict=True)
                    if flag
                )
                self.check_version(line, pk, stored, seen, changed)

    def fill_ids(self, names: dict, sources: dict) -> None:
        """The new rounds', issues' and sources' ids, into the lookup tables."""
        with connection.cursor() as cursor:
            cursor.execute(FILL_ROUNDS_SQL.format(**names))
            cursor.execute(FILL_ISSUES_SQL.format(**names))
            cursor.execute(FILL_SOURCES_SQL.format(**names))
            # Sources without a URL (a print edition): a few, found by key.
            cursor.executemany(
                f"UPDATE {names['sources']} SET source_id = %s WHERE source_key = %s",
                [
                    (s.pk, key)
                    for key, s in sources.items()
                    if key not in self.known_sources and not s.url
                ],
            )

    def write_positions(self, names: dict, totals: dict, progress) -> None:
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {names['position']}")
            (before,) = cursor.fetchone()
        write_with_history(
            StatedPosition,
            INSERT_SQL.format(**names),
            [now],
            history_type=CREATED_ROW,
            written_where="id > %s",
            where_params=[before],
        )
        if progress:
            progress("written", totals[CREATED], totals[CREATED] + totals[UPDATED])
        write_with_history(
            StatedPosition,
            UPDATE_SQL.format(**names),
            [now],
            history_type=CHANGED,
            written_where=UPDATED_WHERE.format(**names),
        )
        if progress:
            done = totals[CREATED] + totals[UPDATED]
            progress("written", done, done)

    def new_participants(self, names: dict, rounds: dict) -> dict:
        """The speakers each round gains as a participant, by round key: those whose
        statement is dated within the round's days, or not dated (a statement made
        between two rounds belongs to the earlier one, without its speaker attending)."""
        attending: dict = defaultdict(set)
        with connection.cursor() as cursor:
            cursor.execute(ATTENDING_SQL.format(**names))
            for negotiation, number, official in cursor.fetchall():
                attending[(negotiation, number)].add(official)
        return dict(attending)

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
        self.negotiation_by_pk = {n.pk: n for n in self.negotiations.values()}
        # The rounds and issues of a negotiation, read when a row first names it.
        self.loaded: set[int] = set()
        self.rounds: dict[tuple[int, int], TalkRound] = {}
        self.issues: dict[tuple[int, str], Issue] = {}
        self.issue_slugs: dict[int, list[str]] = defaultdict(list)
        self.officials: dict[str, list[Official]] = defaultdict(list)
        self.official_names: dict[int, str] = {}
        for official in Official.objects.select_related("country"):
            self.officials[official_key(official.name)].append(official)
            self.official_names[official.pk] = official.name
        self.all_official_names = sorted(self.official_names.values())

    def load_negotiation(self, negotiation: Negotiation) -> None:
        if negotiation.pk in self.loaded:
            return
        self.loaded.add(negotiation.pk)
        for r in TalkRound.objects.filter(negotiation=negotiation):
            self.rounds[(r.negotiation_id, r.number)] = r
        for i in Issue.objects.filter(negotiation=negotiation).order_by("slug"):
            self.issues[(i.negotiation_id, i.slug)] = i
            self.issue_slugs[negotiation.pk].append(i.slug)

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
        negotiation = self.negotiations[slug]
        self.load_negotiation(negotiation)
        return negotiation

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
            match = closest(name, self.all_official_names)
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
        return self.issue_slugs[negotiation.pk]

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

    def sources(self):
        """The sources the rows cite, by staging key, found by URL or created; the title
        and publisher are the first the file gives, the date the latest."""
        cited = self.cited
        urls = [found[0] for found in cited.values() if found[0] is not None]
        known = {}
        for batch in chunks(urls, 5000):
            known.update({_source_key(s.url): s for s in Source.objects.filter(url__in=batch)})
        publishers = {found[1][0] for found in cited.values() if found[0] is None}
        if publishers:
            unlinked = Source.objects.filter(url="", publisher__in=publishers).order_by("pk")
            for source in unlinked:
                key = _source_key((source.publisher, source.title, source.published_on))
                known.setdefault(key, source)
        self.known_sources = set(known)
        sources, changed_sources = {}, []
        for key, (url, unlinked, title, publisher, said) in cited.items():
            source = known.get(key)
            if url is None:
                publisher, title, said = unlinked
                fields = {"title": title, "publisher": publisher, "published_on": said}
            else:
                fields = {"publisher": publisher}
                if title:
                    fields["title"] = title  # an empty title does not erase a known one
                if said:
                    fields["published_on"] = said
            if source is None:
                source = Source(url=url or "", **fields)
            else:
                changed = [name for name, value in fields.items() if getattr(source, name) != value]
                for name in changed:
                    setattr(source, name, fields[name])
                if changed:
                    changed_sources.append(source)
            sources[key] = source
        return sources, changed_sources


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

    def unknown(self, row, column, value, table):
        if column.name != "hs_code":
            return super().unknown(row, column, value, table)
        # The nomenclature is reference data: nothing to add or import first.
        self.error(
            row,
            column.name,
            f"the HS nomenclature (edition 2022) has no code {dotted_hs_code(value)}: write "
            "a chapter, heading or subheading that exists (87, 87.03, 8703.23), or leave it "
            "empty.",
        )

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


def sources_get_or_create(sources: list[Source]) -> list[Source]:
    """Create the sources a file cites that did not exist when it was planned, and return
    those created here. One that another import (or editor) created meanwhile is taken as
    it is: the unique constraints on a URL, and on a URL-less source's publisher, title
    and date, refuse a second copy, and the one that exists is used instead, so two imports
    confirmed at once both succeed with one source."""
    try:
        with transaction.atomic():
            Source.objects.bulk_create(sources)
        return sources
    except IntegrityError:
        for source in sources:
            source.pk = None  # the failed attempt left ids on them
    created = []
    for source in sources:
        try:
            with transaction.atomic():
                Source.objects.bulk_create([source])
            created.append(source)
        except IntegrityError:
            # Committed by the other transaction (this one waited for it on the index).
            source.pk = existing_source(source).pk
    return created


def existing_source(source: Source) -> Source:
    if source.url:
        return Source.objects.get(url=source.url)
    return Source.objects.get(
        url="",
        publisher=source.publisher,
        title=source.title,
        published_on=source.published_on,
    )
