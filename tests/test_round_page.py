"""The round page: date, place, participants, every position stated, and what moved.

The cast (tests/casts.py): in round 2 of the Japan–U.S. talks Japan asked for 2.5% on cars
and the U.S. refused; round 3 repeated it; round 4 was the deal at 15%."""

from decimal import Decimal

from django.urls import reverse

from negotiations.gap import GapStatus, Trend
from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)


def round_url(slug, number):
    return reverse("negotiations:round", args=[slug, number])


def by_slug(groups):
    return {group.issue.slug: group for group in groups}


def test_round_2_of_japan_us_lists_akazawa_and_bessent_with_links_and_sides(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 2))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("negotiations:official", args=[cast.akazawa.pk])}"' in html
    assert f'href="{reverse("negotiations:official", args=[cast.bessent.pk])}"' in html
    assert '<span lang="ja">赤澤亮正</span>' in html
    assert "Secretary of the Treasury" in html
    assert 'href="/countries/JPN/"' in html
    sides = {p.official.name: p.side for p in response.context["participants"]}
    assert sides["Ryosei Akazawa"] == "a"
    assert sides["Scott Bessent"] == "b"
    # Party A's people are listed first, then party B's.
    order = [p.side for p in response.context["participants"]]
    assert order == sorted(order)


def test_round_2_shows_its_date_place_source_and_neighbours(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 2))

    html = response.content.decode()
    talk_round = response.context["round"]
    assert "2025-05-01" in html
    assert talk_round.location and talk_round.location in html
    assert f'href="{talk_round.source.url}"' in html
    assert talk_round.get_confidence_display() in html
    assert f'href="{round_url("japan-us-2025", 1)}"' in html
    assert f'href="{round_url("japan-us-2025", 3)}"' in html
    assert 'href="/negotiations/japan-us-2025/"' in html
    assert (
        "<title>Round 2 of the Japan–U.S. tariff talks 2025 — Tariff Talks Tracker</title>" in html
    )


def test_round_2_puts_japans_autos_demand_of_2_5_beside_the_us_refusal(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 2))

    autos = by_slug(response.context["issues"])["autos"]
    assert {p.target_rate_pct for p in autos.side_a} == {Decimal("2.5")}
    assert all(p.party.code == "JPN" for p in autos.side_a)
    assert [p.stance for p in autos.side_b] == [Stance.REFUSE]
    assert autos.side_b[0].speaker.name == "Scott Bessent"
    html = response.content.decode()
    row = html[html.index('id="issue-autos"') :]
    row = row[: row.index("</tr>")]
    assert "2.5%" in row
    assert ">refuse</span>" in row
    assert "Would not negotiate the car tariffs" in row
    assert "Ryosei Akazawa" in row


def test_round_2_lists_every_position_stated_in_it_with_source_and_confidence(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 2))

    talk_round = response.context["round"]
    stated = sum(len(g.side_a) + len(g.side_b) for g in response.context["issues"])
    assert stated == talk_round.positions.count()
    html = response.content.decode()
    assert "https://ng.investing.com/news/stock-market-news/" in html
    assert "reported (unnamed sources or one report)" in html
    assert 'Stated <time datetime="2025-05-01">' in html


def test_round_4_shows_autos_moving_from_a_25_point_gap_to_agreed_at_15(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 4))

    moves = response.context["moves"]
    assert moves.previous == 3
    autos = {move.issue.slug: move for move in moves.issues}["autos"]
    assert autos.before.gap_pp == Decimal("25")
    assert autos.after.gap_pp == Decimal("0")
    assert autos.trend == Trend.NARROWING
    assert (autos.before.status, autos.after.status) == (GapStatus.OPEN, GapStatus.AGREED)
    assert autos.agreed_rate == Decimal("15")
    html = response.content.decode()
    item = html[html.index("<strong>Passenger cars</strong> <code>autos</code>") :]
    item = " ".join(item[: item.index("</li>")].split())
    assert "gap 25 pp → 0 pp" in item
    assert "narrowing" in item
    assert "agreed at 15%" in item


def test_round_4_lists_the_positions_that_changed(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 4))

    changes = {(c.party.code, c.issue.slug): c for c in response.context["moves"].positions}
    japan_autos = changes[("JPN", "autos")]
    assert (japan_autos.before.stance, japan_autos.before.target_rate_pct) == (
        Stance.ELIMINATE,
        Decimal("2.5"),
    )
    assert (japan_autos.after.stance, japan_autos.after.target_rate_pct) == (
        Stance.ACCEPT,
        Decimal("15"),
    )
    assert changes[("USA", "autos")].before.stance == Stance.MAINTAIN
    # Japan said nothing new on defense: "refuse" in round 2 and again in round 4.
    assert ("JPN", "defense") not in changes


def test_a_repeated_position_is_not_a_change(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 3))

    changes = {(c.party.code, c.issue.slug) for c in response.context["moves"].positions}
    # Round 3 repeats Japan's round 2 demands on autos and steel word for word in substance.
    assert ("JPN", "autos") not in changes
    assert ("JPN", "steel-aluminum") not in changes


def test_round_2_names_the_issues_first_raised_in_it(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 2))

    raised = {row.issue.slug for row in response.context["moves"].raised}
    assert {"economic-security", "shipbuilding"} <= raised
    assert "autos" not in raised  # raised in round 1
    assert "Issues first raised in this round" in response.content.decode()


def test_round_1_says_there_is_no_previous_round(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 1))

    assert response.status_code == 200
    assert response.context["moves"].previous is None
    assert response.context["previous"] is None
    html = response.content.decode()
    assert "there is no previous round" in html
    assert "No earlier round" in html


def test_the_previous_round_is_the_last_one_before_even_when_numbers_skip(analyst, db):
    negotiation = NegotiationFactory()
    first = TalkRoundFactory(negotiation=negotiation, number=1)
    third = TalkRoundFactory(negotiation=negotiation, number=3)
    issue = IssueFactory(negotiation=negotiation, slug="autos", name="Autos")
    StatedPositionFactory(round=first, issue=issue, party=country("JPN"), target_rate_pct=2.5)
    StatedPositionFactory(round=first, issue=issue, party=country("USA"), target_rate_pct=27.5)
    StatedPositionFactory(
        round=third, issue=issue, party=country("USA"), stance=Stance.REDUCE, target_rate_pct=15
    )

    response = analyst.get(round_url(negotiation.slug, 3))

    moves = response.context["moves"]
    assert moves.previous == 1
    [move] = moves.issues
    assert (move.before.gap_pp, move.after.gap_pp) == (Decimal("25"), Decimal("12.5"))
    assert "What moved since round 1" in response.content.decode()


def test_an_unknown_negotiation_answers_404_saying_so(analyst, db):
    response = analyst.get(round_url("atlantis-us-2025", 2))

    assert response.status_code == 404
    assert "There is no negotiation “atlantis-us-2025”." in response.content.decode()


def test_an_unknown_round_number_answers_404_saying_so(analyst, cast):
    response = analyst.get(round_url("japan-us-2025", 99))

    assert response.status_code == 404
    assert "Japan–U.S. tariff talks 2025 has no round 99." in response.content.decode()
