"""The dumbbell chart's geometry: two sides at one rate, two rates too close to tell apart,
and the round before behind the current one."""

from decimal import Decimal

import pytest

from negotiations.charts import DOT_RADIUS, dumbbell_chart
from negotiations.gap import gap_table
from negotiations.models import Stance
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = pytest.mark.django_db


def bell_of(a: str, b: str, *, before: tuple[str, str] | None = None):
    negotiation = NegotiationFactory()
    issue = IssueFactory(negotiation=negotiation)
    rounds = [TalkRoundFactory(negotiation=negotiation, number=n) for n in (1, 2)]
    if before:
        for party, target in zip(("JPN", "USA"), before, strict=True):
            StatedPositionFactory(
                round=rounds[0], party=country(party), issue=issue, target_rate_pct=Decimal(target)
            )
    for party, target in zip(("JPN", "USA"), (a, b), strict=True):
        StatedPositionFactory(
            round=rounds[1],
            party=country(party),
            issue=issue,
            stance=Stance.ACCEPT,
            target_rate_pct=Decimal(target),
        )
    return dumbbell_chart(gap_table(negotiation)).bells[0]


def test_both_sides_at_one_rate_are_one_marker_on_the_rows_line():
    bell = bell_of("15", "15")

    assert bell.same
    assert bell.x_a == bell.x_b and bell.y_a == bell.y_b == bell.y


def test_two_rates_closer_than_a_dot_are_drawn_off_the_line_one_above_the_other():
    bell = bell_of("10", "10.1")

    assert not bell.same
    assert abs(bell.x_a - bell.x_b) < 2 * DOT_RADIUS
    assert bell.y_a < bell.y < bell.y_b


def test_rates_far_apart_stay_on_the_line():
    bell = bell_of("2.5", "27.5")

    assert bell.y_a == bell.y_b == bell.y


def test_the_round_before_is_a_ghost_when_it_differs_and_none_when_it_does_not():
    moved = bell_of("15", "15", before=("2.5", "27.5"))
    held = bell_of("15", "15", before=("15", "15"))

    assert moved.ghost.round_number == 1
    assert (moved.ghost.value_a, moved.ghost.value_b) == (Decimal("2.5"), Decimal("27.5"))
    assert moved.ghost.x_a < moved.x_a < moved.ghost.x_b
    assert held.ghost is None
