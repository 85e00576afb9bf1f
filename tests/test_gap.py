"""The gap module: per issue, where each side stands as of a round, and how that moved."""

import datetime
from decimal import Decimal

import pytest

from negotiations.gap import GapStatus, Trend, gap_table, implementation
from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TradeValueFactory,
    country,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def talks():
    negotiation = NegotiationFactory(slug="japan-us")
    rounds = {n: TalkRoundFactory(negotiation=negotiation, number=n) for n in (1, 2, 3)}
    issues = {
        slug: IssueFactory(negotiation=negotiation, slug=slug, name=slug)
        for slug in ("autos", "reciprocal", "rice", "currency")
    }
    return negotiation, rounds, issues


def say(talks, round_number, party, issue, stance, target=None, **extra):
    _, rounds, issues = talks
    return StatedPositionFactory(
        round=rounds[round_number],
        party=country(party),
        issue=issues[issue],
        stance=stance,
        target_rate_pct=None if target is None else D(str(target)),
        **extra,
    )


def rows_by_slug(negotiation, **kwargs):
    return {row.issue.slug: row for row in gap_table(negotiation, **kwargs)}


def test_an_issue_nobody_spoke_about_is_not_discussed(talks):
    rows = rows_by_slug(talks[0])

    assert rows["rice"].status == GapStatus.NOT_DISCUSSED
    assert rows["rice"].gap_pp is None


def test_an_issue_only_one_side_spoke_about_is_one_sided(talks):
    say(talks, 1, "USA", "rice", Stance.DEMAND)

    row = rows_by_slug(talks[0])["rice"]

    assert row.status == GapStatus.ONE_SIDED
    assert row.side_a is None
    assert row.side_b.stance == Stance.DEMAND
    assert row.is_open


def test_the_seed_case_autos_gap_is_25_points_open_as_of_round_2(talks):
    say(talks, 2, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 2, "USA", "autos", Stance.REFUSE, 27.5)

    row = rows_by_slug(talks[0], as_of=2)["autos"]

    assert row.status == GapStatus.OPEN
    assert row.gap_pp == D("25")
    assert row.side_a.party.code == "JPN"
    assert row.side_b.stance == Stance.REFUSE


def test_a_stance_only_disagreement_is_open_with_no_number(talks):
    say(talks, 1, "JPN", "currency", Stance.REFUSE)
    say(talks, 1, "USA", "currency", Stance.DEMAND)

    row = rows_by_slug(talks[0])["currency"]

    assert row.status == GapStatus.OPEN
    assert row.gap_pp is None
    assert row.trend is None


def test_both_sides_accepting_is_agreed(talks):
    say(talks, 3, "JPN", "autos", Stance.ACCEPT, 15)
    say(talks, 3, "USA", "autos", Stance.ACCEPT, 15)

    row = rows_by_slug(talks[0])["autos"]

    assert row.status == GapStatus.AGREED
    assert row.gap_pp == 0
    assert not row.is_open


def test_the_same_target_is_agreed_whatever_the_stances(talks):
    say(talks, 1, "JPN", "reciprocal", Stance.REDUCE, 10)
    say(talks, 1, "USA", "reciprocal", Stance.MAINTAIN, 10)

    assert rows_by_slug(talks[0])["reciprocal"].status == GapStatus.AGREED


def test_both_accepting_different_terms_is_agreed_with_readings_that_differ(talks):
    say(talks, 3, "JPN", "reciprocal", Stance.ACCEPT, 15, statement="15% inclusive of MFN")
    say(talks, 3, "USA", "reciprocal", Stance.ACCEPT, 25, statement="15% on top of MFN")

    row = rows_by_slug(talks[0])["reciprocal"]

    assert row.status == GapStatus.READINGS_DIFFER
    assert row.status.label == "agreed, readings differ"
    assert {row.side_a.statement, row.side_b.statement} == {
        "15% inclusive of MFN",
        "15% on top of MFN",
    }


def test_the_gap_narrows_when_a_side_moves_towards_the_other(talks):
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 1, "USA", "autos", Stance.REFUSE, 27.5)
    say(talks, 3, "USA", "autos", Stance.REDUCE, 15)

    row = rows_by_slug(talks[0])["autos"]

    assert [(p.round_number, p.gap_pp) for p in row.history] == [
        (1, D("25")),
        (2, D("25")),
        (3, D("12.5")),
    ]
    assert row.trend == Trend.NARROWING


def test_the_gap_widens_and_stays_unchanged(talks):
    say(talks, 1, "JPN", "reciprocal", Stance.ELIMINATE, 0)
    say(talks, 1, "USA", "reciprocal", Stance.DISCUSS_ONLY, 10)
    say(talks, 2, "USA", "reciprocal", Stance.INCREASE, 25)

    assert rows_by_slug(talks[0], as_of=2)["reciprocal"].trend == Trend.WIDENING
    assert rows_by_slug(talks[0], as_of=3)["reciprocal"].trend == Trend.UNCHANGED


def test_as_of_an_earlier_round_ignores_what_was_said_later(talks):
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 1, "USA", "autos", Stance.REFUSE, 27.5)
    say(talks, 3, "JPN", "autos", Stance.ACCEPT, 15)
    say(talks, 3, "USA", "autos", Stance.ACCEPT, 15)

    early = rows_by_slug(talks[0], as_of=1)["autos"]
    late = rows_by_slug(talks[0], as_of=3)["autos"]

    assert (early.status, early.gap_pp) == (GapStatus.OPEN, D("25"))
    assert len(early.history) == 1
    assert (late.status, late.gap_pp, late.trend) == (GapStatus.AGREED, 0, Trend.NARROWING)


def test_within_a_round_the_later_statement_is_the_position(talks):
    say(talks, 2, "JPN", "autos", Stance.ELIMINATE, 2.5, stated_on=datetime.date(2025, 5, 1))
    say(talks, 2, "JPN", "autos", Stance.REDUCE, 10, stated_on=datetime.date(2025, 5, 3))

    assert rows_by_slug(talks[0])["autos"].side_a.target_rate_pct == D("10")


def test_at_stake_is_the_gap_times_the_latest_yearly_imports_from_the_other_side(talks):
    negotiation, _, issues = talks
    cars = TariffLineFactory(hs_code="8703")
    issues["autos"].tariff_lines.add(cars)
    TradeValueFactory(line=cars, partner=country("JPN"), year=2023, value_usd=D("1"))
    TradeValueFactory(line=cars, partner=country("JPN"), year=2024, value_usd=D("40000000000"))
    # Imports from a third country do not weigh on this negotiation's gap.
    TradeValueFactory(line=cars, partner=country("DEU"), year=2024, value_usd=D("99"))
    # Nor does another negotiation's issue on the same line change this one's value.
    IssueFactory(slug="autos").tariff_lines.add(cars)
    say(talks, 2, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 2, "USA", "autos", Stance.REFUSE, 27.5)

    row = rows_by_slug(negotiation)["autos"]

    assert row.trade_value_usd == D("40000000000")
    assert row.at_stake_usd == D("10000000000")
    assert rows_by_slug(negotiation)["rice"].at_stake_usd is None


def test_positions_of_another_negotiation_do_not_leak_in(talks):
    other = StatedPositionFactory(stance=Stance.ACCEPT)

    rows = rows_by_slug(talks[0])

    assert all(row.status == GapStatus.NOT_DISCUSSED for row in rows.values())
    assert other.issue.slug not in rows


def test_the_query_count_does_not_grow_with_issues_or_rounds(talks, django_assert_max_num_queries):
    negotiation, rounds, _ = talks
    for n in range(4, 12):
        rounds[n] = TalkRoundFactory(negotiation=negotiation, number=n)
    for n in range(30):
        issue = IssueFactory(negotiation=negotiation, slug=f"extra-{n}")
        for number in (1, 5, 11):
            for party in ("JPN", "USA"):
                StatedPositionFactory(
                    round=rounds[number], party=country(party), issue=issue, target_rate_pct=n
                )

    with django_assert_max_num_queries(4):
        rows = gap_table(negotiation)
        # Reading what a page prints must not query either.
        printed = [
            (r.side_a.speaker, r.side_a.source, r.side_b.round.number, r.trend, r.at_stake_usd)
            for r in rows
            if r.side_a and r.side_b
        ]

    assert len(rows) == 34
    assert len(printed) == 30


def agreed_autos(talks, target=15):
    say(talks, 1, "JPN", "autos", Stance.ACCEPT, target)
    say(talks, 1, "USA", "autos", Stance.ACCEPT, target)
    return rows_by_slug(talks[0])["autos"]


def test_an_agreed_rate_in_force_on_every_line_is_implemented(talks):
    row = agreed_autos(talks)

    assert implementation(row, [D("15"), D("15")], change_scheduled=False) == "implemented"


def test_an_agreed_rate_not_yet_in_force_is_pending_when_a_change_is_scheduled(talks):
    row = agreed_autos(talks)

    assert implementation(row, [D("27.5")], change_scheduled=True) == "pending"
    assert implementation(row, [D("15"), D("27.5")], change_scheduled=False) == "differs"


def test_implementation_needs_an_agreed_rate_and_a_rate_in_force(talks):
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 1, "USA", "autos", Stance.REFUSE, 27.5)
    open_row = rows_by_slug(talks[0])["autos"]

    assert implementation(open_row, [D("27.5")], change_scheduled=False) is None
    assert implementation(agreed_autos(talks), [], change_scheduled=False) is None
