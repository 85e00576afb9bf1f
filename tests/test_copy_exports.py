"""On PostgreSQL the positions exports are written by the database (`COPY … TO STDOUT`,
csvport/copying.py): the same bytes as Python's writing, cell for awkward cell."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from csvport import copying
from csvport.writing import csv_lines
from negotiations.csv_formats import POSITIONS
from negotiations.models import StatedPosition
from negotiations.views.downloads import positions_download
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    SourceFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY is PostgreSQL's; elsewhere Python writes"
    ),
]

AWKWARD = [
    "Plain statement.",
    "Commas, in it, twice",
    'A "quoted" word',
    '"',
    "A line\nbreak",
    "A carriage\rreturn",
    "Windows\r\nline break",
    "=1+1",
    "+33 1 23",
    "-5",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturn first",
    "'=already quoted",
    "''-twice",
    "'not a formula",
    " =space first",
    "Back\\slash and \\N",
    "\\.",
    "赤澤亮正: ‘curly’ quotes — and a dash",
    "Trailing spaces   ",
]
TARGETS = [None, Decimal("0"), Decimal("2.5"), Decimal("25"), Decimal("1000"), Decimal("0.125")]


@pytest.fixture
def awkward_positions():
    japan, usa = country("JPN"), country("USA")
    negotiation = NegotiationFactory(slug="-starts-with-a-dash", party_a=japan, party_b=usa)
    talk_round = TalkRoundFactory(negotiation=negotiation, number=7)
    speakers = [None, OfficialFactory(name='=Speaker, "the" first', country=japan)]
    sources = [
        None,
        SourceFactory(url="", title="", publisher="Print, edition"),
        SourceFactory(title="+Title\nwith a break", publisher='"Quoted" publisher'),
    ]
    issues = [
        IssueFactory(negotiation=negotiation, slug=slug)
        for slug in ("-dash-first", "plain", "x_underscore")
    ]
    for n, statement in enumerate(AWKWARD):
        StatedPositionFactory(
            round=talk_round,
            party=japan if n % 2 else usa,
            speaker=speakers[n % 2] if n % 2 else None,
            issue=issues[n % 3],
            statement=statement,
            target_rate_pct=TARGETS[n % len(TARGETS)],
            source=sources[n % 3],
            stated_on=datetime.date(2025, 1 + n % 12, 1 + n),
            confidence="reported",
        )
    return StatedPosition.objects.filter(round=talk_round).in_export_order()


def by_python(positions) -> bytes:
    rows = positions.values(*POSITIONS.fields).iterator()
    return "".join(csv_lines(POSITIONS.columns, rows)).encode()


def by_copy(positions) -> bytes:
    chunks = copying.copy_chunks(POSITIONS.columns, positions)
    assert chunks is not None, "PostgreSQL should write this format itself"
    header, *_ = csv_lines(POSITIONS.columns, ())
    return header.encode() + b"".join(chunks)


def test_copy_writes_the_bytes_python_writes(awkward_positions):
    python = by_python(awkward_positions)

    assert by_copy(awkward_positions) == python
    assert python.count(b"\r\n") > len(AWKWARD)  # CRLF rows, and the breaks in cells


def test_chunks_split_between_rows_still_join_into_the_same_file(awkward_positions, monkeypatch):
    monkeypatch.setattr(copying, "ROWS_PER_CHUNK", 4)

    chunks = list(copying.copy_chunks(POSITIONS.columns, awkward_positions))

    assert len(chunks) == -(-len(AWKWARD) // 4)
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert b"".join(chunks) == by_python(awkward_positions).split(b"\r\n", 1)[1]


def test_every_position_comes_in_export_order_one_negotiation_after_another(
    awkward_positions, cast
):
    everything = StatedPosition.objects.in_export_order()

    download = positions_download({})

    assert b"".join(download.chunks()) == by_python(everything)


def test_a_column_the_database_cannot_write_leaves_the_rows_to_python(awkward_positions):
    computed = (*POSITIONS.columns[:2], POSITIONS.columns[2].__class__("extra", lambda row: 1))

    assert copying.copy_chunks(computed, awkward_positions) is None
