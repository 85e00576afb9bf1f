"""The negotiations app's CSV formats, each declared once.

Imports (and `import_csv` kinds): positions, which the downloads of positions also give,
so an export imports again as it is; and the negotiations, officials, sources, rounds,
milestones and issues the demo loads and editors may load. Exports: the home page's
negotiations, the gap table and the comparison. The README's tables are these
declarations (a test compares them).
"""

from __future__ import annotations

import re
from datetime import date

from csvport.columns import choice_column, date_column, text_column
from csvport.formats import Column, CsvFormat
from csvport.parsers import CellError, codes, names, not_empty, text, yes_no
from csvport.writing import format_cell
from negotiations.gap import GapRow
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
from negotiations.selections import GapView
from tariffs.csv_formats import (
    ADDITIONAL_SOURCES,
    FACT_CONFIDENCE,
    FACT_NOTE,
    FACT_SOURCE_URL,
    RATE,
    confidence_column,
    country_column,
    optional_country_code,
    url_column,
)

# --- cells ----------------------------------------------------------------------------------

# django.core.validators.slug_re, compiled eagerly: the lazy one costs a lookup per row.
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
MAX_ROUND = 32767  # a PositiveSmallIntegerField


def round_number(cell: str, column: str) -> int:
    if not cell:
        raise CellError(f"{column} is empty; write the round's number, such as 2.")
    if not (cell.isascii() and cell.isdigit()) or not 1 <= int(cell) <= MAX_ROUND:
        raise CellError(f"`{cell}` is not a round number: write a whole number such as 2.")
    return int(cell)


def slug_column(name: str, *, max_length: int, what: str, example: str, rule: str) -> Column:
    """A slug (letters, digits, hyphens) of at most `max_length` characters."""

    def parse(cell: str, column: str) -> str:
        if len(cell) > max_length:
            raise CellError(
                f"{column} slug too long: {len(cell)} characters, at most {max_length}."
            )
        if not SLUG_RE.match(cell):
            raise CellError(
                f"`{cell}` is not a slug: use letters, digits and hyphens only, such as {example}."
            )
        return cell

    required = f"write the {what}'s slug, such as {example}."
    return Column(name, field="slug", parse=not_empty(parse, required), rule=rule, example=example)


def negotiation_column(field: str = "negotiation__slug") -> Column:
    """The column naming a row's negotiation, which must exist."""
    return text_column(
        "negotiation",
        field=field,
        required="write the negotiation's slug.",
        rule="slug of an existing negotiation",
        example="japan-us-2025",
    )


def source_column() -> Column:
    """The column naming a row's source by its URL: the source must exist."""
    return url_column(
        "source_url",
        field="source__url",
        rule="URL of a source that exists (import the sources first); may be empty",
    )


# --- imports ---------------------------------------------------------------------------------

# The positions format of DESIGN.md: fixed, in this order. Exports read the fields with
# `.values()`; the importer writes the position's fields the paths start with.
POSITION_COLUMNS = (
    negotiation_column("round__negotiation__slug"),
    Column(
        "round",
        field="round__number",
        numeric=True,
        parse=round_number,
        rule="round number; the round is created if missing and `round_date` is given",
        example="2",
    ),
    date_column(
        "round_date",
        field="round__start_date",
        rule="ISO date; may be empty when the round exists",
        example="2025-05-01",
    ),
    country_column(
        "party",
        rule="ISO 3166-1 alpha-3 of one of the negotiation's two parties",
        example="JPN",
    ),
    Column(
        "speaker",
        field="speaker__name",
        rule="an official's name, of the party's country; may be empty",
        example="Ryosei Akazawa",
    ),
    Column(
        "issue",
        field="issue__slug",
        rule="issue slug within the negotiation; created if missing",
        example="autos",
    ),
    choice_column("stance", Stance.values, example="eliminate"),
    Column(
        "target_rate_pct",
        field="target_rate_pct",
        numeric=True,
        parse=RATE,
        rule="decimal, 0 to 1000; may be empty",
        example="2.5",
    ),
    text_column(
        "statement",
        max_length=1000,
        required="every position needs the statement, a short quote or paraphrase.",
        rule="text",
        example="Japan asked for a review of all additional tariffs",
    ),
    url_column("source_url", field="source__url"),
    text_column(
        "source_title",
        field="source__title",
        max_length=300,
        rule="text; may be empty",
        example="Latest Japan-U.S. Tariff Talks Reveal Significant Gap",
    ),
    text_column(
        "source_publisher",
        field="source__publisher",
        max_length=200,
        rule="text",
        example="The Japan News",
    ),
    # The date the statement was made or reported, which importing sets it back to.
    date_column("published_on", field="stated_on", example="2025-05-04"),
    confidence_column(example="reported"),
)
POSITIONS = CsvFormat(
    POSITION_COLUMNS,
    name="positions",
    noun="position",
    model=StatedPosition,
    key=("negotiation", "round", "party", "issue", "statement"),
)

NEGOTIATION_COLUMNS = (
    slug_column(
        "negotiation",
        max_length=80,
        what="negotiation",
        example="japan-us-2025",
        rule="the negotiation's slug, as its pages' addresses show it: letters, digits "
        "and hyphens, at most 80",
    ),
    text_column(
        "title",
        max_length=200,
        required="give the negotiation a title.",
        example="Japan–U.S. tariff talks 2025",
    ),
    country_column(
        "party_a", rule="ISO 3166-1 alpha-3 code of the party shown on the left", example="JPN"
    ),
    country_column(
        "party_b", rule="ISO 3166-1 alpha-3 code of the other party, shown on the right"
    ),
    choice_column("status", NegotiationStatus.values, example="concluded"),
    date_column("started_on", example="2025-04-07"),
    date_column(
        "concluded_on",
        rule="ISO date; may be empty; not before `started_on`",
        example="2025-07-22",
    ),
    text_column("summary", example="U.S.–Japan Agreement of July 22, 2025; EO 14345."),
    FACT_CONFIDENCE,
)
NEGOTIATIONS = CsvFormat(NEGOTIATION_COLUMNS, model=Negotiation, key=("negotiation",))

OFFICIAL_COLUMNS = (
    text_column("name", max_length=120, required="name the official.", example="Ryosei Akazawa"),
    text_column(
        "native_name",
        max_length=120,
        rule="the name in its native script; may be empty",
        example="赤澤亮正",
    ),
    Column(
        "native_name_lang",
        field="native_name_lang",
        parse=text(max_length=35),
        rule="the language of `native_name`, as a language tag (`ja`, `ko`, `zh-Hant`); "
        "required with a native name; optional column",
        example="ja",
        optional=True,
    ),
    text_column("title", max_length=300, example="Minister in charge of Economic Revitalization"),
    text_column("organization", max_length=200, example="Cabinet Office"),
    country_column(
        "country",
        rule="ISO 3166-1 alpha-3 code of the country the official speaks for",
        example="JPN",
    ),
    FACT_SOURCE_URL,
    FACT_CONFIDENCE,
    FACT_NOTE,
)
OFFICIALS = CsvFormat(OFFICIAL_COLUMNS, model=Official, key=("name", "country"))

SOURCE_COLUMNS = (
    url_column(
        "url",
        field="url",
        required=True,
        rule="http or https URL; required: it identifies the source",
    ),
    text_column(
        "title",
        max_length=300,
        example="Latest Japan-U.S. Tariff Talks Reveal Significant Gap",
    ),
    text_column(
        "publisher", max_length=200, required="name who published it.", example="The Japan News"
    ),
    date_column("published_on", example="2025-05-04"),
    FACT_NOTE,
)
SOURCES = CsvFormat(SOURCE_COLUMNS, model=Source, key=("url",))

ROUND_COLUMNS = (
    negotiation_column(),
    Column(
        "round",
        field="number",
        numeric=True,
        parse=round_number,
        rule="round number, from 1",
        example="2",
    ),
    date_column("start_date", required="write the round's first day.", example="2025-05-01"),
    date_column("end_date", rule="ISO date; empty for a one-day round; not before `start_date`"),
    text_column("location", max_length=200, example="Washington, D.C."),
    Column(
        "participants",
        field="participants__name",
        parse=names("|"),
        rule="names of existing officials, separated by ` | ` (import the officials "
        "first); they replace the round's participants",
        example="Ryosei Akazawa | Scott Bessent",
    ),
    text_column("summary", example="~130 min. Japan sought review of all additional tariffs."),
    text_column("outcome"),
    source_column(),
    confidence_column(),
    ADDITIONAL_SOURCES,
)
ROUNDS = CsvFormat(ROUND_COLUMNS, model=TalkRound, key=("negotiation", "round"))

MILESTONE_COLUMNS = (
    negotiation_column(),
    date_column(
        "date", required="write the milestone's date, such as 2025-07-07.", example="2025-07-07"
    ),
    choice_column("kind", MilestoneKind.values, example="threat"),
    text_column(
        "title",
        max_length=300,
        required="say what happened.",
        example="Letter to Ishiba: 25% on all Japanese goods from August 1",
    ),
    source_column(),
    confidence_column(),
    FACT_NOTE,
    ADDITIONAL_SOURCES,
)
MILESTONES = CsvFormat(MILESTONE_COLUMNS, model=Milestone, key=("negotiation", "date", "title"))

ISSUE_COLUMNS = (
    negotiation_column(),
    slug_column(
        "issue",
        max_length=Issue._meta.get_field("slug").max_length,
        what="issue",
        example="autos",
        rule="the issue's slug within the negotiation: letters, digits and hyphens, at most 50",
    ),
    text_column("name", max_length=120, required="name the issue.", example="Passenger cars"),
    text_column("sector", max_length=60, example="automotive"),
    Column(
        "covers_all_goods",
        field="covers_all_goods",
        parse=yes_no,
        rule="`yes` for a tariff on all goods (target rates are then the rate of a good "
        "with a 0% MFN rate), else `no` or empty",
        example="no",
    ),
    text_column(
        "target_rate_means",
        max_length=200,
        rule="what a target rate means here: text, at most 200 characters; may be empty",
        example="all-in rate on cars (MFN 2.5%)",
    ),
    Column(
        "lines_importer",
        parse=optional_country_code,
        rule="ISO 3166-1 alpha-3 code of the country whose tariff lines `lines` names; "
        "empty when `lines` is",
        example="USA",
    ),
    Column(
        "lines",
        field="tariff_lines__hs_code",
        parse=codes,
        rule="HS codes of existing lines of `lines_importer`, separated by spaces (import "
        "the lines first); they replace the issue's lines",
        example="8703",
    ),
    FACT_NOTE,
)
ISSUES = CsvFormat(ISSUE_COLUMNS, model=Issue, key=("negotiation", "issue"))

# --- exports ---------------------------------------------------------------------------------

NEGOTIATION_SUMMARY_COLUMNS = (
    Column("negotiation", lambda s: s.negotiation.slug),
    Column("title", lambda s: s.negotiation.title),
    Column("party_a", lambda s: s.negotiation.party_a.code),
    Column("party_b", lambda s: s.negotiation.party_b.code),
    Column("status", lambda s: s.negotiation.status),
    Column("started_on", lambda s: s.negotiation.started_on),
    Column("concluded_on", lambda s: s.negotiation.concluded_on),
    Column("rounds", lambda s: s.negotiation.round_count, numeric=True),
    Column("latest_round_on", lambda s: s.negotiation.latest_round_on),
    Column("open_issues", lambda s: s.open_count, numeric=True),
    Column("largest_gap_issue", lambda s: s.largest.issue.slug if s.largest else ""),
    Column("largest_gap_pp", lambda s: s.largest.gap_pp if s.largest else None, numeric=True),
)
NEGOTIATION_SUMMARIES = CsvFormat(
    NEGOTIATION_SUMMARY_COLUMNS, name="negotiation-summaries", noun="negotiation"
)


def _side(side: str):
    """The columns of one side of a gap row: what it said, who, when, and the source."""

    def get(attr):
        def value(item):
            position = getattr(item[0], f"side_{side}")
            return attr(position) if position is not None else None

        return value

    prefix = f"party_{side}"
    return (
        Column(prefix, lambda item: getattr(item[1].negotiation, prefix).code),
        Column(f"{prefix}_stance", get(lambda p: p.stance)),
        Column(f"{prefix}_target_pct", get(lambda p: p.target_rate_pct), numeric=True),
        Column(f"{prefix}_round", get(lambda p: p.round.number), numeric=True),
        Column(f"{prefix}_stated_on", get(lambda p: p.stated_on)),
        Column(f"{prefix}_speaker", get(lambda p: p.speaker.name if p.speaker else "")),
        Column(f"{prefix}_statement", get(lambda p: p.statement)),
        Column(f"{prefix}_source_url", get(lambda p: p.source.url if p.source else "")),
        Column(f"{prefix}_confidence", get(lambda p: p.confidence)),
    )


def _applied(item) -> str:
    """The rates in force on the issue's goods, as the page prints them."""
    row, view = item
    parts = []
    for issue_rate in view.applied[row.issue.pk].rates:
        rate = issue_rate.rate.rate_pct
        parts.append(
            f"{issue_rate.label}: {'specific duty' if rate is None else format_cell(rate) + '%'}"
        )
    return "; ".join(parts)


GAP_TABLE_COLUMNS = (
    Column("negotiation", lambda item: item[1].negotiation.slug),
    Column("as_of_round", lambda item: item[1].as_of, numeric=True),
    Column("issue", lambda item: item[0].issue.slug),
    Column("issue_name", lambda item: item[0].issue.name),
    Column("sector", lambda item: item[0].issue.sector),
    *_side("a"),
    *_side("b"),
    Column("gap_pp", lambda item: item[0].gap_pp, numeric=True),
    Column("status", lambda item: item[0].status.value),
    Column("trend", lambda item: item[0].trend.value if item[0].trend else ""),
    Column("applied_now", _applied),
    Column("rates_as_of", lambda item: item[1].on),
    Column(
        "implementation", lambda item: item[1].applied[item[0].issue.pk].implementation(item[0])
    ),
    Column("trade_value_usd", lambda item: item[0].trade_value_usd, numeric=True),
    Column("at_stake_usd", lambda item: item[0].at_stake_usd, numeric=True),
)
GAP_TABLE = CsvFormat(GAP_TABLE_COLUMNS, name="gap", noun="issue")


def gap_rows(view: GapView) -> list[tuple[GapRow, GapView]]:
    return [(row, view) for row in view.rows]


def compare_columns(importer_code: str, on: date):
    def position(item, which):
        return getattr(item[1], f"{which}_position")

    def side(which, attr, numeric=False, name=None):
        def value(item):
            p = position(item, which)
            return attr(p) if p is not None else None

        return Column(name, value, numeric=numeric)

    return (
        Column("importer", lambda item: importer_code),
        Column("issue", lambda item: item[0].slug),
        Column("issue_name", lambda item: " / ".join(item[0].names)),
        Column("negotiation", lambda item: item[1].talks.negotiation.slug),
        Column("partner", lambda item: item[1].talks.partner.code),
        side("partner", lambda p: p.stance, name="partner_stance"),
        side("partner", lambda p: p.target_rate_pct, numeric=True, name="partner_target_pct"),
        side("partner", lambda p: p.source.url if p.source else "", name="partner_source_url"),
        side("partner", lambda p: p.confidence, name="partner_confidence"),
        side("importer", lambda p: p.stance, name="importer_stance"),
        side("importer", lambda p: p.target_rate_pct, numeric=True, name="importer_target_pct"),
        side("importer", lambda p: p.source.url if p.source else "", name="importer_source_url"),
        side("importer", lambda p: p.confidence, name="importer_confidence"),
        Column("status", lambda item: item[1].row.status.value),
        Column("agreed_rate_pct", lambda item: item[1].agreed_rate, numeric=True),
        Column("as_of", lambda item: on),
    )


def compare_rows(issues) -> list:
    """One row per issue and negotiation where the issue is on the table."""
    return [(issue, standing) for issue in issues for standing in issue.standings if standing]
