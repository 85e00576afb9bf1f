"""The round's screen in the admin: untouched rows never block a save, positions take
their defaults from the round, the previous round's positions can be the start, and the
second of two conflicting saves is refused, saying what the first changed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from negotiations.models import Negotiation, StatedPosition, TalkRound
from tests.admin_forms import posted
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    SourceFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    country,
)

pytestmark = pytest.mark.django_db

ADD_ROUND = reverse("admin:negotiations_talkround_add")


def change_url(round_):
    return reverse("admin:negotiations_talkround_change", args=[round_.pk])


@pytest.fixture
def talks():
    negotiation = NegotiationFactory(slug="japan-us-2025", title="Japan–U.S. tariff talks")
    other = NegotiationFactory(slug="uk-us-2025", party_a=country("GBR"))
    source = SourceFactory(title="Round 2 in Washington")
    round_1 = TalkRoundFactory(negotiation=negotiation, number=1, source=source)
    akazawa = OfficialFactory(name="Ryosei Akazawa", country=country("JPN"))
    bessent = OfficialFactory(name="Scott Bessent", country=country("USA"))
    OfficialFactory(name="Jonathan Reynolds", country=country("GBR"))
    autos = IssueFactory(negotiation=negotiation, slug="autos", name="Passenger cars")
    IssueFactory(negotiation=other, slug="autos", name="Cars (U.K.)")
    StatedPositionFactory(
        round=round_1,
        party=country("JPN"),
        speaker=akazawa,
        issue=autos,
        target_rate_pct=Decimal("2.5"),
        statement="Japan asked for a review of all additional tariffs.",
    )
    StatedPositionFactory(
        round=round_1,
        party=country("USA"),
        speaker=bessent,
        issue=autos,
        stance="refuse",
        target_rate_pct=Decimal("27.5"),
        statement="Would not negotiate the car tariffs.",
    )
    return {
        "negotiation": negotiation,
        "round_1": round_1,
        "source": source,
        "akazawa": akazawa,
        "bessent": bessent,
        "autos": autos,
    }


def without_row(data: dict, prefix: str, index: int) -> dict:
    """The form data after the admin's script removed an unsaved row: later rows move up."""
    kept = {}
    for name, value in data.items():
        parts = name.split("-")
        if parts[0] != prefix or not parts[1].isdigit():
            kept[name] = value
        elif int(parts[1]) != index:
            number = int(parts[1]) - (int(parts[1]) > index)
            kept["-".join([prefix, str(number), *parts[2:]])] = value
    kept[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) - 1)
    return kept


def test_untouched_blank_rows_never_block_adding_a_round(editor, talks):
    page = editor.get(ADD_ROUND, {"negotiation": talks["negotiation"].pk, "number": 2})
    data = posted(page)
    data.update(
        {
            "start_date": "2025-05-01",
            "source": talks["source"].pk,
            "participants": [talks["akazawa"].pk, talks["bessent"].pk],
            "positions-0-speaker": talks["akazawa"].pk,
            "positions-0-issue": talks["autos"].pk,
            "positions-0-stance": "eliminate",
            "positions-0-target_rate_pct": "2.5",
            "positions-0-statement": "Requested a review of all additional tariffs.",
        }
    )

    response = editor.post(f"{ADD_ROUND}?negotiation={talks['negotiation'].pk}&number=2", data)

    assert response.status_code == 302, response.context["errors"]
    round_2 = TalkRound.objects.get(negotiation=talks["negotiation"], number=2)
    (position,) = round_2.positions.all()
    # The party is the speaker's; the date and the source are the round's.
    assert position.party == country("JPN")
    assert position.stated_on == datetime.date(2025, 5, 1)
    assert position.source == talks["source"]
    assert position.confidence == "reported"


def test_an_existing_round_saves_unchanged(editor, talks):
    round_1 = talks["round_1"]
    before = list(StatedPosition.objects.order_by("pk").values())

    response = editor.post(change_url(round_1), posted(editor.get(change_url(round_1))))

    assert response.status_code == 302, response.context["errors"]
    assert list(StatedPosition.objects.order_by("pk").values()) == before


def test_issue_and_speaker_choices_are_the_negotiations(editor, talks):
    page = editor.get(ADD_ROUND, {"negotiation": talks["negotiation"].pk})

    form = page.context["inline_admin_formsets"][0].formset.forms[0]
    assert [str(issue) for issue in form.fields["issue"].queryset] == [
        "Passenger cars (japan-us-2025)"
    ]
    groups = dict(form.fields["speaker"].choices)
    assert groups["Japan (JPN)"] == [(talks["akazawa"].pk, "Ryosei Akazawa")]
    assert groups["United States (USA)"] == [(talks["bessent"].pk, "Scott Bessent")]
    assert "United Kingdom (GBR)" not in groups


def test_a_speaker_of_the_other_party_is_refused(editor, talks):
    page = editor.get(ADD_ROUND, {"negotiation": talks["negotiation"].pk, "number": 2})
    data = posted(page)
    data.update(
        {
            "start_date": "2025-05-01",
            "positions-0-party": country("USA").pk,
            "positions-0-speaker": talks["akazawa"].pk,
            "positions-0-issue": talks["autos"].pk,
            "positions-0-stance": "eliminate",
            "positions-0-statement": "Said by the wrong side.",
        }
    )

    response = editor.post(f"{ADD_ROUND}?negotiation={talks['negotiation'].pk}", data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert errors["speaker"] == ["Ryosei Akazawa speaks for JPN, not for USA."]
    assert not TalkRound.objects.filter(number=2).exists()


def test_starting_from_the_previous_round_copies_its_positions_as_drafts(editor, talks):
    query = {"negotiation": talks["negotiation"].pk, "number": 2, "copy_from": 1}
    page = editor.get(ADD_ROUND, query)
    assert "Start from round 1’s positions" not in page.content.decode()
    data = posted(page)
    assert data["positions-TOTAL_FORMS"] == "4"  # two drafts and two blank rows
    data.update({"start_date": "2025-05-01", "positions-1-target_rate_pct": "25"})
    data = without_row(data, "positions", 0)  # removed (×): not restated

    response = editor.post(
        f"{ADD_ROUND}?negotiation={talks['negotiation'].pk}&number=2&copy_from=1", data
    )

    assert response.status_code == 302, response.context["errors"]
    (kept,) = TalkRound.objects.get(number=2, negotiation=talks["negotiation"]).positions.all()
    assert (kept.party.code, kept.stance, kept.target_rate_pct) == ("USA", "refuse", 25)
    assert kept.statement == "Would not negotiate the car tariffs."


def test_the_add_page_offers_to_start_from_the_previous_round(editor, talks):
    page = editor.get(ADD_ROUND, {"negotiation": talks["negotiation"].pk})

    assert "Start from round 1’s positions" in page.content.decode()
    assert "copy_from=1" in page.content.decode()


def test_the_second_of_two_conflicting_saves_is_refused_with_what_the_first_changed(
    editor, talks, editor_user, django_user_model
):
    round_1 = talks["round_1"]
    first_page, second_page = editor.get(change_url(round_1)), editor.get(change_url(round_1))
    japan_row = next(
        i
        for i, form in enumerate(first_page.context["inline_admin_formsets"][0].formset.forms)
        if form.instance.party.code == "JPN"
    )
    first, second = posted(first_page), posted(second_page)
    first[f"positions-{japan_row}-target_rate_pct"] = "3"
    second[f"positions-{japan_row}-target_rate_pct"] = "5"

    assert editor.post(change_url(round_1), first).status_code == 302
    refused = editor.post(change_url(round_1), second)

    assert refused.status_code == 200
    form = refused.context["inline_admin_formsets"][0].formset.forms[japan_row]
    (message,) = form.non_field_errors()
    assert "Someone else saved this stated position after you opened it" in message
    assert "editor, " in message
    assert "target rate 2.5 % → 3 %" in message
    japan = StatedPosition.objects.get(round=round_1, party__code="JPN")
    assert japan.target_rate_pct == Decimal("3")
    assert japan.version == 2


def test_saves_of_different_positions_of_one_round_both_succeed(editor, talks):
    round_1 = talks["round_1"]
    first_page, second_page = editor.get(change_url(round_1)), editor.get(change_url(round_1))
    first, second = posted(first_page), posted(second_page)
    first["positions-0-target_rate_pct"] = "3"
    second["positions-1-target_rate_pct"] = "20"

    assert editor.post(change_url(round_1), first).status_code == 302
    response = editor.post(change_url(round_1), second)

    assert response.status_code == 302, response.context["errors"]
    targets = set(round_1.positions.values_list("target_rate_pct", flat=True))
    assert targets == {Decimal("3"), Decimal("20")}


def test_a_changed_round_field_conflicts_too(editor, talks):
    round_1 = talks["round_1"]
    first_page, second_page = editor.get(change_url(round_1)), editor.get(change_url(round_1))
    first, second = posted(first_page), posted(second_page)
    first["location"] = "Tokyo"
    second["location"] = "Osaka"

    editor.post(change_url(round_1), first)
    refused = editor.post(change_url(round_1), second)

    assert refused.status_code == 200
    assert "location Washington, D.C. → Tokyo" in str(refused.context["adminform"].form.errors)
    round_1.refresh_from_db()
    assert round_1.location == "Tokyo"


def test_the_history_page_lists_each_change_with_old_and_new_values(editor, talks):
    round_1 = talks["round_1"]
    data = posted(editor.get(change_url(round_1)))
    data["location"] = "Tokyo"
    editor.post(change_url(round_1), data)

    page = editor.get(reverse("admin:negotiations_talkround_history", args=[round_1.pk]))

    text = page.content.decode()
    assert "Washington, D.C." in text and "Tokyo" in text
    assert "editor" in text


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("UK", "GBR"),
        ("EU", "EUU"),
        ("US", "USA"),
    ],
)
def test_a_new_negotiation_finds_countries_by_their_usual_names(editor, term, code):
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "negotiations",
            "model_name": "negotiation",
            "field_name": "party_a",
            "term": term,
        },
    )

    assert response.json()["results"][0]["text"].endswith(f"({code})")


def test_a_new_negotiation_gets_a_readable_slug_and_says_which_party_is_left(editor):
    add = reverse("admin:negotiations_negotiation_add")
    page = editor.get(add)
    assert "Shown on the left in every table" in page.content.decode()
    data = posted(page)
    data.update(
        {
            "title": "Japan–U.S. tariff talks 2025",
            "party_a": country("JPN").pk,
            "party_b": country("USA").pk,
            "slug": "",
        }
    )

    response = editor.post(add, data)

    assert response.status_code == 302, response.context["errors"]
    assert Negotiation.objects.get().slug == "japan-us-tariff-talks-2025"


def test_a_version_is_restored_from_the_history_page(editor, talks):
    round_1 = talks["round_1"]
    data = posted(editor.get(change_url(round_1)))
    japan_row = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-statement") and value.startswith("Japan asked")
    )
    data[f"positions-{japan_row}-target_rate_pct"] = "3"
    editor.post(change_url(round_1), data)
    japan = StatedPosition.objects.get(round=round_1, party__code="JPN")
    first = japan.history.earliest("history_date")
    restore = reverse(
        "admin:negotiations_statedposition_simple_history", args=[japan.pk, first.history_id]
    )

    page = editor.get(restore)
    response = editor.post(restore, posted(page))

    assert response.status_code == 302, response.context["errors"]
    japan.refresh_from_db()
    assert (japan.target_rate_pct, japan.version) == (Decimal("2.5"), 3)
    assert japan.history.count() == 3
