"""The negotiations app's CSV formats, each declared once.

Imports (and `import_csv` kinds): positions, which the downloads of positions also give,
so an export imports again as it is; and the negotiations, officials, sources, rounds,
milestones and issues the demo loads and editors may load. Exports: the home page's
negotiations, the gap table, the gap by round and the comparison. The README's tables are these
declarations (a test compares them).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from csvport.columns import choice_column, date_column, text_column
from csvport.formats import Column, CsvFormat
from csvport.parsers import CellError, codes, names, not_empty, text, version, yes_no
from negotiations.gap import GapRow, RoundStep
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
    EXAMPLE_URL,
    FACT_CONFIDENCE,
    FACT_NOTE,
    FACT_SOURCE_URL,
    RATE,
    confidence_column,
    country_column,
    nomenclature_code,
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
        raise CellError(f"“{cell}” is not a round number: write a whole number such as 2.")
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
                f"“{cell}” is not a slug: use letters, digits and hyphens only, such as {example}."
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
        rule="round number; the round is created if missing and “round_date” is given",
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
    Column(
        "version",
        field="version",
        numeric=True,
        parse=version,
        rule="the position's version when the file was exported; optional: a row whose "
        "position was changed since is refused, naming what changed; empty for a new row",
        example="1",
        optional=True,
    ),
)
POSITIONS = CsvFormat(
    POSITION_COLUMNS,
    name="positions",
    noun="position",
    model=StatedPosition,
    key=("negotiation", "round", "party", "issue", "statement"),
    version="version",
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
        rule="ISO date; may be empty; not before “started_on”",
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
        rule="the language of “native_name”, as a language tag (“ja”, “ko”, “zh-Hant”); "
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
    date_column("end_date", rule="ISO date; empty for a one-day round; not before “start_date”"),
    text_column("location", max_length=200, example="Washington, D.C."),
    Column(
        "participants",
        field="participants__name",
        separator=" | ",
        parse=names("|"),
        rule="names of existing officials, separated by “ | ” (import the officials "
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
        rule="“yes” for a tariff on all goods (target rates are then the rate of a good "
        "with a 0% MFN rate), else “no” or empty",
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
        export_path="tariff_lines__importer__code",
        rule="ISO 3166-1 alpha-3 code of the country whose tariff lines “lines” names; "
        "empty when “lines” is",
        example="USA",
    ),
    Column(
        "lines",
        field="tariff_lines__hs_code",
        parse=codes,
        rule="HS codes of existing lines of “lines_importer”, separated by spaces (import "
        "the lines first); they replace the issue's lines",
        example="8703",
    ),
    Column(
        "hs_code",
        field="hs_code__code",
        parse=nomenclature_code,
        optional=True,
        rule="the chapter, heading or subheading of the HS nomenclature (2022) the issue is "
        "about, dots allowed (87, 87.03, 8703.23); may be empty, or left out of the file",
        example="87.03",
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
    Column("one_sided_issues", lambda s: s.one_sided_count, numeric=True),
    Column("agreed_issues", lambda s: s.agreed_count, numeric=True),
    Column("not_discussed_issues", lambda s: s.not_discussed_count, numeric=True),
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
    which = "party A (shown on the left)" if side == "a" else "party B (shown on the right)"
    return (
        Column(
            prefix,
            lambda item: getattr(item[1].negotiation, prefix).code,
            rule=f"ISO code of {which}",
            example="JPN" if side == "a" else "USA",
        ),
        Column(
            f"{prefix}_stance",
            get(lambda p: p.stance),
            rule="its latest stance on the issue; empty when it has not spoken",
            example="eliminate" if side == "a" else "refuse",
        ),
        Column(
            f"{prefix}_target_pct",
            get(lambda p: p.target_rate_pct),
            numeric=True,
            rule="the all-in rate it asks for, in percent; empty where none was stated",
            example="2.5" if side == "a" else "27.5",
        ),
        Column(
            f"{prefix}_round",
            get(lambda p: p.round.number),
            numeric=True,
            rule="the round of that statement",
            example="2",
        ),
        Column(
            f"{prefix}_stated_on", get(lambda p: p.stated_on), rule="ISO date", example="2025-05-01"
        ),
        Column(
            f"{prefix}_speaker",
            get(lambda p: p.speaker.name if p.speaker else ""),
            rule="who said it; may be empty",
            example="Ryosei Akazawa" if side == "a" else "Scott Bessent",
        ),
        Column(f"{prefix}_statement", get(lambda p: p.statement), rule="the statement"),
        Column(
            f"{prefix}_source_url",
            get(lambda p: p.source.url if p.source else ""),
            rule="where it was reported",
            example=EXAMPLE_URL,
        ),
        Column(
            f"{prefix}_confidence",
            get(lambda p: p.confidence),
            rule="confirmed, reported or inferred",
            example="reported",
        ),
    )


CONFIDENCE_ORDER = ("confirmed", "reported", "inferred")


def _rates(when: str, bound):
    """The lowest or highest rate in force on the issue's goods on the round's date
    (`when` "then") or today ("now")."""

    def value(item):
        row, view = item
        rates = view.applied if when == "now" else view.applied_then
        return None if rates is None else bound(rates[row.issue.pk])

    return value


def _trade(attr):
    def value(item):
        trade = item[0].trade
        return attr(trade) if trade is not None else None

    return value


GAP_TABLE_COLUMNS = (
    Column(
        "negotiation",
        lambda item: item[1].negotiation.slug,
        rule="the negotiation's slug",
        example="japan-us-2025",
    ),
    Column(
        "as_of_round",
        lambda item: item[1].as_of,
        numeric=True,
        rule="the round the table is as of",
        example="2",
    ),
    Column("issue", lambda item: item[0].issue.slug, rule="the issue's slug", example="autos"),
    Column(
        "issue_name", lambda item: item[0].issue.name, rule="its name", example="Passenger cars"
    ),
    Column("sector", lambda item: item[0].issue.sector, rule="its sector", example="automotive"),
    *_side("a"),
    *_side("b"),
    Column(
        "gap_pp",
        lambda item: item[0].gap_pp,
        numeric=True,
        rule="the distance between the two targets in percentage points; empty unless "
        "both stated one",
        example="25",
    ),
    Column(
        "status",
        lambda item: item[0].status.value,
        rule="agreed, agreed-readings-differ, open, one-sided or not-discussed",
        example="open",
    ),
    Column(
        "trend",
        lambda item: item[0].trend.value if item[0].trend else "",
        rule="narrowing, widening or unchanged since the last earlier round where the gap "
        "had a number; empty without two numbers",
        example="unchanged",
    ),
    Column(
        "trend_overall",
        lambda item: item[0].trend_overall.value if item[0].trend_overall else "",
        rule="the same, since the first round where the gap had a number",
        example="narrowing",
    ),
    Column(
        "rate_goods",
        lambda item: item[1].applied[item[0].issue.pk].goods,
        numeric=True,
        rule="what the rates are of: the issue's HS codes separated by spaces, or “all goods”",
        example="8703",
    ),
    Column(
        "round_date",
        lambda item: item[1].then,
        rule="the as-of round's date, which the next two columns are on",
        example="2025-05-01",
    ),
    Column(
        "rate_on_round_date_min_pct",
        _rates("then", lambda rates: rates.lowest_pct),
        numeric=True,
        rule="the lowest applied rate on those goods on that date, in percent (one row per "
        "issue: min and max tell whether its lines differ); empty for a specific duty",
        example="27.5",
    ),
    Column(
        "rate_on_round_date_max_pct",
        _rates("then", lambda rates: rates.highest_pct),
        numeric=True,
        rule="the highest",
        example="27.5",
    ),
    Column(
        "rates_as_of",
        lambda item: item[1].on,
        rule="today's date, which the next two columns are on",
        example="2025-11-29",
    ),
    Column(
        "rate_now_min_pct",
        _rates("now", lambda rates: rates.lowest_pct),
        numeric=True,
        rule="the lowest applied rate on those goods today, in percent",
        example="15",
    ),
    Column(
        "rate_now_max_pct",
        _rates("now", lambda rates: rates.highest_pct),
        numeric=True,
        rule="the highest",
        example="15",
    ),
    Column(
        "implementation",
        lambda item: item[1].applied[item[0].issue.pk].implementation(item[0]),
        rule="for an issue agreed on a rate: implemented, pending or differs",
        example="implemented",
    ),
    Column(
        "trade_value_usd",
        lambda item: item[0].trade_value_usd,
        numeric=True,
        rule="the yearly imports of those goods from the other party, in U.S. dollars: "
        "the sum of the figures found",
        example="39936000000",
    ),
    Column(
        "trade_value_sources",
        _trade(lambda trade: " ".join(value.source_url for value in trade.values)),
        rule="the URLs of those figures, separated by spaces",
        example=EXAMPLE_URL,
    ),
    Column(
        "trade_value_confidence",
        _trade(
            lambda trade: max(
                (value.confidence for value in trade.values),
                key=CONFIDENCE_ORDER.index,
                default="",
            )
        ),
        rule="the least sure of their confidences: confirmed, reported or inferred",
        example="reported",
    ),
    Column(
        "trade_value_missing",
        _trade(lambda trade: " ".join(missing.goods for missing in trade.missing)),
        numeric=True,
        rule="the goods with no figure (HS codes, or “all goods”), separated by spaces",
        example="8708",
    ),
    Column(
        "at_stake_usd",
        lambda item: item[0].at_stake_usd,
        numeric=True,
        rule="gap_pp percent of trade_value_usd; empty when a figure is missing",
        example="9984000000",
    ),
)
GAP_TABLE = CsvFormat(GAP_TABLE_COLUMNS, name="gap", noun="issue")


def gap_rows(view: GapView) -> list[tuple[GapRow, GapView]]:
    return [(row, view) for row in view.rows]


class RoundCell(NamedTuple):
    """A cell of the gap-by-round table: one issue as of one round."""

    row: GapRow
    step: RoundStep
    round_date: date
    view: GapView


GAP_BY_ROUND_COLUMNS = (
    Column(
        "negotiation",
        lambda cell: cell.view.negotiation.slug,
        rule="the negotiation's slug",
        example="japan-us-2025",
    ),
    Column("issue", lambda cell: cell.row.issue.slug, rule="the issue's slug", example="autos"),
    Column(
        "issue_name", lambda cell: cell.row.issue.name, rule="its name", example="Passenger cars"
    ),
    Column(
        "round",
        lambda cell: cell.step.point.round_number,
        numeric=True,
        rule="the round the gap is as of: every round up to the table's as-of round",
        example="2",
    ),
    Column("round_date", lambda cell: cell.round_date, rule="its date", example="2025-05-01"),
    Column(
        "party_a",
        lambda cell: cell.view.negotiation.party_a.code,
        rule="ISO code of party A",
        example="JPN",
    ),
    Column(
        "party_a_target_pct",
        lambda cell: cell.step.point.target_a,
        numeric=True,
        rule="party A's target as of that round, in percent; empty where none was stated",
        example="2.5",
    ),
    Column(
        "party_b",
        lambda cell: cell.view.negotiation.party_b.code,
        rule="ISO code of party B",
        example="USA",
    ),
    Column(
        "party_b_target_pct",
        lambda cell: cell.step.point.target_b,
        numeric=True,
        rule="party B's target as of that round",
        example="27.5",
    ),
    Column(
        "gap_pp",
        lambda cell: cell.step.point.gap_pp,
        numeric=True,
        rule="the gap in percentage points; empty unless both stated a target",
        example="25",
    ),
    Column(
        "status",
        lambda cell: cell.step.point.status.value,
        rule="agreed, agreed-readings-differ, open, one-sided or not-discussed",
        example="open",
    ),
    Column(
        "change_pp",
        lambda cell: cell.step.change_pp,
        numeric=True,
        rule="how many points the gap moved since the round before (negative: it "
        "narrowed); empty unless both rounds had a number",
        example="0",
    ),
)
GAP_BY_ROUND = CsvFormat(GAP_BY_ROUND_COLUMNS, name="gap-by-round", noun="issue and round")


def gap_by_round_rows(view: GapView, round_dates: dict[int, date]) -> list[RoundCell]:
    """One row per issue of the gap table and round up to its as-of round, an issue that
    nobody spoke about in any of them with none."""
    return [
        RoundCell(row, step, round_dates[step.point.round_number], view)
        for row in view.rows
        for step in row.steps
    ]


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


def compare_rows(issues):
    """One row per issue and negotiation where the issue is on the table, as `issues`
    are read (streamed)."""
    return ((issue, standing) for issue in issues for standing in issue.standings if standing)


# One row per change to a tracked row: the Recent changes page's download.
CHANGE_COLUMNS = (
    Column("changed_at", lambda c: c.when),
    Column("changed_by", lambda c: c.who),
    Column("change_set", lambda c: c.change_set.pk, numeric=True),
    Column("change_set_kind", lambda c: c.change_set.kind),
    Column("file", lambda c: c.change_set.name),
    Column("negotiation", lambda c: c.negotiation.slug if c.negotiation else ""),
    Column("kind", lambda c: c.kind),
    Column("action", lambda c: c.action),
    Column("subject", lambda c: c.subject),
    Column("changes", lambda c: c.details),
    Column("url", lambda c: c.url),
)
CHANGES = CsvFormat(CHANGE_COLUMNS, name="changes", noun="change")
