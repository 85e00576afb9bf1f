"""The gap module: per issue, where each side stands as of a round, and how that moved."""

import datetime
from decimal import Decimal

import pytest

from negotiations.gap import GapStatus, Trend, gap_table, implementation, negotiation_summaries
from negotiations.models import Negotiation, Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
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
        # Every third issue on all goods, the others each on a line with its figure.
        issue = IssueFactory(
            negotiation=negotiation, slug=f"extra-{n}", covers_all_goods=n % 3 == 0
        )
        line = TariffLineFactory(hs_code=f"{8700 + n}")
        issue.tariff_lines.add(line)
        TradeValueFactory(line=line)
        for number in (1, 5, 11):
            for party in ("JPN", "USA"):
                StatedPositionFactory(
                    round=rounds[number], party=country(party), issue=issue, target_rate_pct=n
                )
    TariffMeasureFactory(importer=country("USA"), covers_all_lines=True)
    TradeValueFactory(line=None, importer=country("USA"))

    negotiation = Negotiation.objects.with_parties().with_data_version().get(pk=negotiation.pk)
    gap_table(negotiation)  # computes the gap arithmetic once and caches it
    # the snapshot, the issues, the positions; the issues' goods, their trade values and
    # the measures on all goods
    with django_assert_max_num_queries(6):
        rows = gap_table(negotiation)
        # Reading what a page prints must not query either.
        printed = [
            (
                r.side_a.speaker,
                r.side_a.source,
                r.side_b.round.number,
                r.trend,
                r.at_stake_usd,
                [(v.source_url, v.importer.name, v.partner.name, v.goods) for v in r.trade.values],
            )
            for r in rows
            if r.side_a and r.side_b
        ]

    assert len(rows) == 34
    assert len(printed) == 30
    assert all(row.at_stake_usd is not None for row in rows if row.issue.slug.startswith("extra"))


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


# --- the movement in numbers -----------------------------------------------------------------


def test_a_gap_that_rose_then_held_is_unchanged_since_the_round_before_and_widening_overall(
    talks,
):
    say(talks, 1, "JPN", "reciprocal", Stance.ELIMINATE, 0)
    say(talks, 1, "USA", "reciprocal", Stance.DISCUSS_ONLY, 10)
    say(talks, 2, "USA", "reciprocal", Stance.INCREASE, 25)

    row = rows_by_slug(talks[0], as_of=3)["reciprocal"]

    assert (row.trend, row.compared_with.round_number, row.change_pp) == (
        Trend.UNCHANGED,
        2,
        0,
    )
    assert (row.trend_overall, row.first_figure.round_number, row.change_overall_pp) == (
        Trend.WIDENING,
        1,
        D("15"),
    )


def test_each_round_of_the_history_says_each_sides_target_and_how_the_gap_moved(talks):
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 2, "USA", "autos", Stance.REFUSE, 27.5)
    say(talks, 3, "USA", "autos", Stance.REDUCE, 15)

    steps = rows_by_slug(talks[0])["autos"].steps

    assert [
        (s.point.round_number, s.point.target_a, s.point.target_b, s.point.status) for s in steps
    ] == [
        (1, D("2.5"), None, GapStatus.ONE_SIDED),
        (2, D("2.5"), D("27.5"), GapStatus.OPEN),
        (3, D("2.5"), D("15"), GapStatus.OPEN),
    ]
    assert [(s.change_pp, s.moved) for s in steps] == [
        (None, None),
        (None, None),  # no number the round before
        (D("-12.5"), Trend.NARROWING),
    ]


def test_with_a_single_figure_there_is_no_trend_either_way(talks):
    say(talks, 2, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 2, "USA", "autos", Stance.REFUSE, 27.5)

    row = rows_by_slug(talks[0], as_of=2)["autos"]

    assert (row.trend, row.trend_overall, row.change_pp, row.first_figure) == (
        None,
        None,
        None,
        None,
    )


# --- counts that say what they mean ----------------------------------------------------------


def test_the_summary_counts_open_one_sided_agreed_and_not_discussed_apart(talks):
    say(talks, 1, "USA", "rice", Stance.DEMAND)  # one-sided
    say(talks, 1, "JPN", "currency", Stance.REFUSE)  # one-sided
    say(talks, 1, "JPN", "reciprocal", Stance.ACCEPT, 15)
    say(talks, 1, "USA", "reciprocal", Stance.ACCEPT, 15)  # agreed; autos not discussed
    (summary,) = negotiation_summaries([talks[0]])

    assert (
        summary.open_count,
        summary.one_sided_count,
        summary.agreed_count,
        summary.not_discussed_count,
    ) == (0, 2, 1, 1)
    assert [(c.label, c.count) for c in summary.status_counts] == [
        ("one-sided", 2),
        ("agreed", 1),
        ("not discussed", 1),
    ]
    assert summary.largest is None  # no open issue has a number


def test_the_largest_gap_is_the_widest_open_one_with_a_number(talks):
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 2.5)
    say(talks, 1, "USA", "autos", Stance.REFUSE, 27.5)
    say(talks, 1, "JPN", "reciprocal", Stance.ACCEPT, 15)  # readings differ by 40 points:
    say(talks, 1, "USA", "reciprocal", Stance.ACCEPT, 55)  # agreed, not the largest gap
    say(talks, 1, "JPN", "rice", Stance.REFUSE)
    say(talks, 1, "USA", "rice", Stance.DEMAND)  # open, with no number
    (summary,) = negotiation_summaries([talks[0]])

    assert summary.largest.issue.slug == "autos"
    assert len(summary.numbered_open) == 1
    assert (summary.open_count, summary.agreed_count, summary.readings_differ_count) == (2, 1, 1)


# --- money at stake ---------------------------------------------------------------------------


def all_goods_issue(talks):
    negotiation, _, issues = talks
    issues["reciprocal"].covers_all_goods = True
    issues["reciprocal"].save()
    say(talks, 1, "JPN", "reciprocal", Stance.ELIMINATE, 0)
    say(talks, 1, "USA", "reciprocal", Stance.MAINTAIN, 10)
    return negotiation


def test_an_issue_on_all_goods_weighs_the_all_goods_imports_of_the_party_taxing_them(talks):
    negotiation = all_goods_issue(talks)
    # The U.S. taxes every good from every partner; Japan taxes nothing on all goods.
    TariffMeasureFactory(importer=country("USA"), covers_all_lines=True)
    TradeValueFactory(line=None, importer=country("USA"), value_usd=D("148200000000"))
    TradeValueFactory(line=None, importer=country("JPN"), partner=country("USA"), value_usd=D("1"))

    row = rows_by_slug(negotiation)["reciprocal"]

    assert row.trade_value_usd == D("148200000000")
    assert row.at_stake_usd == D("14820000000")  # 10 points of it
    assert [value.goods for value in row.trade.values] == ["all goods"]
    assert row.trade.missing == ()


def test_a_missing_all_goods_total_is_named_not_taken_as_zero(talks):
    negotiation = all_goods_issue(talks)
    TariffMeasureFactory(importer=country("USA"), covers_all_lines=True, partners=[country("JPN")])

    row = rows_by_slug(negotiation)["reciprocal"]

    assert (row.trade_value_usd, row.at_stake_usd) == (None, None)
    assert [(m.importer.code, m.partner.code, m.goods) for m in row.trade.missing] == [
        ("USA", "JPN", "all goods")
    ]


def test_an_issue_with_a_line_missing_its_figure_has_no_amount_only_a_partial_one(talks):
    negotiation, _, issues = talks
    steel, articles = TariffLineFactory(hs_code="72"), TariffLineFactory(hs_code="73")
    issues["autos"].tariff_lines.set([steel, articles])
    TradeValueFactory(line=steel, value_usd=D("1000"))
    say(talks, 1, "JPN", "autos", Stance.ELIMINATE, 0)
    say(talks, 1, "USA", "autos", Stance.MAINTAIN, 50)

    row = rows_by_slug(negotiation)["autos"]

    assert row.trade_value_usd == D("1000")
    assert row.at_stake_usd is None  # not the 500 that 72 alone would give
    assert row.at_stake_found_usd == D("500")
    assert [m.goods for m in row.trade.missing] == ["73"]
    assert [(f.importer.code, f.goods) for f in row.trade.missing_by_flow] == [("USA", ["73"])]
