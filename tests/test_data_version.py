"""The database keeps a data version per negotiation (migration 0006): every write to the
negotiation's data changes it, and only its own, whatever writes it."""

import datetime

import pytest
from django.db import connection

from negotiations.models import (
    Issue,
    Milestone,
    Negotiation,
    NegotiationDataVersion,
    StatedPosition,
    TalkRound,
)
from tests.factories import (
    IssueFactory,
    MilestoneFactory,
    NegotiationFactory,
    OfficialFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    """Two negotiations, each with a round, an issue, a position and a milestone."""
    found = {}
    for slug in ("mine", "other"):
        negotiation = NegotiationFactory(slug=slug)
        talk_round = TalkRoundFactory(negotiation=negotiation, number=1)
        position = StatedPositionFactory(round=talk_round, party=country("JPN"))
        MilestoneFactory(negotiation=negotiation)
        found[slug] = (negotiation, talk_round, position)
    return found


def version(negotiation) -> int:
    return NegotiationDataVersion.objects.get(negotiation=negotiation).version


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


WRITES = {
    "the negotiation saved": lambda n, r, p: n.save(),
    "a round added": lambda n, r, p: TalkRoundFactory(negotiation=n, number=2),
    "a round's date changed": lambda n, r, p: TalkRound.objects.filter(pk=r.pk).update(
        start_date=datetime.date(2025, 1, 2)
    ),
    "a participant added": lambda n, r, p: r.participants.add(OfficialFactory()),
    "an issue added": lambda n, r, p: IssueFactory(negotiation=n),
    "an issue renamed": lambda n, r, p: Issue.objects.filter(pk=p.issue_id).update(name="New"),
    "an issue tied to a line": lambda n, r, p: p.issue.tariff_lines.add(TariffLineFactory()),
    "a milestone added": lambda n, r, p: MilestoneFactory(negotiation=n),
    "a milestone deleted": lambda n, r, p: Milestone.objects.filter(negotiation=n).delete(),
    "a position added": lambda n, r, p: StatedPositionFactory(round=r, issue=p.issue),
    "a position changed by the ORM": lambda n, r, p: StatedPosition.objects.filter(pk=p.pk).update(
        target_rate_pct=5
    ),
    "a position changed in raw SQL": lambda n, r, p: raw(
        "UPDATE negotiations_statedposition SET stance = 'offer' WHERE id = %s", p.pk
    ),
    "a position deleted": lambda n, r, p: p.delete(),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_negotiations_data_changes_its_version_and_no_other(talks, write):
    mine, other = talks["mine"], talks["other"]
    before, others_before = version(mine[0]), version(other[0])

    WRITES[write](*mine)

    assert version(mine[0]) > before
    assert version(other[0]) == others_before


def test_a_new_negotiation_has_a_version_and_a_deleted_one_loses_it(db):
    negotiation = NegotiationFactory()
    assert NegotiationDataVersion.objects.filter(negotiation=negotiation).exists()

    pk = negotiation.pk
    Negotiation.objects.filter(pk=pk).delete()

    assert not NegotiationDataVersion.objects.filter(negotiation=pk).exists()


def test_versions_only_grow_even_when_the_clock_gives_the_same_microsecond(talks):
    negotiation, talk_round, _ = talks["mine"]
    seen = [version(negotiation)]
    for day in range(1, 6):
        # Several writes in one statement-level trigger call, and in quick succession.
        TalkRound.objects.filter(pk=talk_round.pk).update(start_date=datetime.date(2025, 1, day))
        seen.append(version(negotiation))

    assert seen == sorted(set(seen))
