"""The position rules hold whatever is edited: an edit of a position's parents (the
negotiation's parties, an issue's or a round's negotiation, a speaker's country) that would
break an existing position is refused by the database, and explained in the admin in words
naming the positions concerned."""

import os

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from negotiations.models import Issue, Negotiation, Official, StatedPosition, TalkRound
from tests.admin_forms import posted
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def talks():
    """Japan–U.S. talks with a U.S. statement by a U.S. official, and U.K.–U.S. talks."""
    japan_us = NegotiationFactory(slug="japan-us", party_a=country("JPN"), party_b=country("USA"))
    uk_us = NegotiationFactory(slug="uk-us", party_a=country("GBR"), party_b=country("USA"))
    bessent = OfficialFactory(name="Scott Bessent", country=country("USA"))
    round_2 = TalkRoundFactory(negotiation=japan_us, number=2)
    autos = IssueFactory(negotiation=japan_us, slug="autos", name="Autos")
    position = StatedPositionFactory(
        round=round_2,
        issue=autos,
        party=country("USA"),
        speaker=bessent,
        statement="Only the additional 14% reciprocal tariff is on the table",
    )
    return {
        "japan_us": japan_us,
        "uk_us": uk_us,
        "bessent": bessent,
        "round": round_2,
        "autos": autos,
        "position": position,
    }


def refused(queryset, **values) -> bool:
    """A raw UPDATE, past every form: True if the database says no."""
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_change_of_parties_that_orphans_positions(talks):
    negotiation = Negotiation.objects.filter(pk=talks["japan_us"].pk)

    assert refused(negotiation, party_b=country("GBR"))
    assert talks["japan_us"].party_b == Negotiation.objects.get(pk=talks["japan_us"].pk).party_b
    # Swapping the sides keeps every position's party one of the two: allowed.
    assert not refused(negotiation, party_a=country("USA"), party_b=country("JPN"))


def test_the_database_refuses_moving_an_issue_with_positions_to_other_talks(talks):
    assert refused(Issue.objects.filter(pk=talks["autos"].pk), negotiation=talks["uk_us"])
    # An issue nobody spoke on moves freely.
    rice = IssueFactory(negotiation=talks["japan_us"], slug="rice")
    assert not refused(Issue.objects.filter(pk=rice.pk), negotiation=talks["uk_us"])


def test_the_database_refuses_moving_a_round_with_positions_to_other_talks(talks):
    assert refused(TalkRound.objects.filter(pk=talks["round"].pk), negotiation=talks["uk_us"])


def test_the_database_refuses_a_change_of_country_of_an_official_who_spoke(talks):
    assert refused(Official.objects.filter(pk=talks["bessent"].pk), country=country("GBR"))
    quiet = OfficialFactory(name="Jamieson Greer", country=country("USA"))
    assert not refused(Official.objects.filter(pk=quiet.pk), country=country("GBR"))


def test_the_database_refuses_a_speaker_who_speaks_for_the_other_party(talks):
    akazawa = OfficialFactory(name="Ryosei Akazawa", country=country("JPN"))
    position = StatedPosition.objects.filter(pk=talks["position"].pk)

    assert refused(position, speaker=akazawa)
    assert not refused(position, party=country("JPN"), speaker=akazawa)


def change(editor, model, obj, **changes):
    """Open the admin's change page of `obj`, change some fields, save."""
    url = reverse(f"admin:negotiations_{model}_change", args=[obj.pk])
    data = posted(editor.get(url))
    data.update(changes)
    return editor.post(url, data)


@pytest.fixture
def superuser_client(client, django_user_model):
    # Officials and negotiations are edited by editors too; a superuser sees every field.
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-long-enough")
    client.force_login(user)
    return client


def test_the_admin_names_the_positions_a_change_of_parties_would_break(superuser_client, talks):
    response = change(superuser_client, "negotiation", talks["japan_us"], party_b=country("GBR").pk)

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 stated position: USA on autos, round 2" in page
    assert "Only the additional 14% reciprocal tariff" in page
    assert Negotiation.objects.get(pk=talks["japan_us"].pk).party_b.code == "USA"


def test_the_admin_names_the_positions_an_issue_move_would_break(superuser_client, talks):
    response = change(superuser_client, "issue", talks["autos"], negotiation=talks["uk_us"].pk)

    page = response.content.decode()
    assert "The issue cannot move to these talks" in page
    assert "USA on autos, round 2" in page
    assert Issue.objects.get(pk=talks["autos"].pk).negotiation == talks["japan_us"]


def test_the_admin_names_the_positions_a_round_move_would_break(superuser_client, talks):
    response = change(superuser_client, "talkround", talks["round"], negotiation=talks["uk_us"].pk)

    page = response.content.decode()
    assert "The round cannot move to these talks" in page
    assert "USA on autos, round 2" in page
    assert TalkRound.objects.get(pk=talks["round"].pk).negotiation == talks["japan_us"]


def test_the_admin_names_the_positions_a_change_of_country_would_break(superuser_client, talks):
    response = change(superuser_client, "official", talks["bessent"], country=country("GBR").pk)

    page = response.content.decode()
    assert "Scott Bessent spoke 1 stated position: USA on autos, round 2" in page
    assert Official.objects.get(pk=talks["bessent"].pk).country.code == "USA"


def test_a_refusal_by_the_database_alone_is_told_in_words(superuser_client, talks, monkeypatch):
    # As if the form had not checked (another editor's save between check and write):
    # the trigger refuses, and the editor reads words, not the database's text.
    monkeypatch.setattr("negotiations.integrity.broken_by_country", lambda official: _none())

    response = change(superuser_client, "official", talks["bessent"], country=country("GBR").pk)
    followed = superuser_client.get(response["Location"])

    assert response.status_code == 302
    page = followed.content.decode()
    assert "Nothing was saved. The country was not changed" in page
    assert "check_violation" not in page and "negotiations_official_country" not in page
    assert Official.objects.get(pk=talks["bessent"].pk).country.code == "USA"


def _none():
    return StatedPosition.objects.none()


SQLITE_EDITS = """
import django
django.setup()
from django.db import IntegrityError, transaction
from negotiations.models import Issue, Negotiation, Official, StatedPosition, TalkRound
from tariffs.models import Country

talks = Negotiation.objects.get(slug="japan-us-2025")
other = Negotiation.objects.exclude(pk=talks.pk).first()
spoken = StatedPosition.objects.filter(round__negotiation=talks).exclude(speaker=None).first()
gbr = Country.objects.get(code="GBR")
edits = {
    "parties": (Negotiation.objects.filter(pk=talks.pk), {"party_b": gbr}),
    "issue": (Issue.objects.filter(pk=spoken.issue_id), {"negotiation": other}),
    "round": (TalkRound.objects.filter(pk=spoken.round_id), {"negotiation": other}),
    "country": (Official.objects.filter(pk=spoken.speaker_id), {"country": gbr}),
    "speaker": (
        StatedPosition.objects.filter(pk=spoken.pk),
        {"speaker": Official.objects.exclude(country=spoken.party_id).first()},
    ),
}
for name, (rows, values) in edits.items():
    try:
        with transaction.atomic():
            rows.update(**values)
        print(name, "saved")
    except IntegrityError as error:
        print(name, "refused", str(error).split(":")[0])
"""


@pytest.mark.slow
def test_sqlite_refuses_the_same_parent_edits(tmp_path):
    # `make run` serves SQLite: its triggers keep the same rules (on the demo data).
    from tests.test_demo_on_sqlite import manage, python

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rules.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for args in (["migrate", "--noinput"], ["load_demo"]):
        assert manage(*args, env=env).returncode == 0

    result = python("-c", SQLITE_EDITS, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:5] == [
        "parties refused negotiations_negotiation_parties_of_positions",
        "issue refused negotiations_issue_negotiation_of_positions",
        "round refused negotiations_talkround_negotiation_of_positions",
        "country refused negotiations_official_country_of_positions",
        "speaker refused negotiations_statedposition_speaker_of_party",
    ]
