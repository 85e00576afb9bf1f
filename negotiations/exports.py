"""The CSV exports of the negotiation pages: stable columns over the rows the pages
select. Each table's rows come from the same function its page uses; this module only
says which columns a row becomes. The columns are listed in the README."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from operator import itemgetter

from negotiations.gap import GapRow
from negotiations.selections import GapView
from tariffs.csvkit import POSITION_COLUMNS, Column, cell

# The positions import format: an export of positions can be imported again as it is.
# Read as plain values rather than model instances: a large export is mostly the cost
# of building six objects per row otherwise (16 s against 3 s for 100,000 rows).
POSITION_FIELDS = {
    "negotiation": "round__negotiation__slug",
    "round": "round__number",
    "round_date": "round__start_date",
    "party": "party__code",
    "speaker": "speaker__name",
    "issue": "issue__slug",
    "stance": "stance",
    "target_rate_pct": "target_rate_pct",
    "statement": "statement",
    "source_url": "source__url",
    "source_title": "source__title",
    "source_publisher": "source__publisher",
    # The date the statement was made or reported, which importing sets it back to.
    "published_on": "stated_on",
    "confidence": "confidence",
}
NUMERIC_POSITION_COLUMNS = {"round", "target_rate_pct"}
POSITIONS = tuple(
    Column(name, itemgetter(field), numeric=name in NUMERIC_POSITION_COLUMNS)
    for name, field in POSITION_FIELDS.items()
)
assert tuple(column.name for column in POSITIONS) == POSITION_COLUMNS


def positions_rows(positions) -> Iterator[dict]:
    """Positions read through a server-side cursor (on PostgreSQL), a chunk at a time."""
    return positions.values(*POSITION_FIELDS.values()).iterator(chunk_size=2000)


NEGOTIATIONS = (
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
        parts.append(f"{issue_rate.label}: {'specific duty' if rate is None else cell(rate) + '%'}")
    return "; ".join(parts)


GAP = (
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
