"""Editors enter a whole round, its participants and its positions in one admin form."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from negotiations.models import StatedPosition, TalkRound
from tariffs.models import TradeValue
from tests.factories import (
    IssueFactory,
    NegotiationFactory,
    OfficialFactory,
    SourceFactory,
    TalkRoundFactory,
    TariffLineFactory,
    country,
)

pytestmark = pytest.mark.django_db

ADD_ROUND = reverse("admin:negotiations_talkround_add")


@pytest.fixture
def japan_us():
    negotiation = NegotiationFactory(slug="japan-us-2025", title="Japan–U.S. tariff talks")
    TalkRoundFactory(negotiation=negotiation, number=1)
    TalkRoundFactory(negotiation=negotiation, number=2)
    return {
        "negotiation": negotiation,
        "autos": IssueFactory(negotiation=negotiation, slug="autos", name="Autos"),
        "akazawa": OfficialFactory(name="Ryosei Akazawa", country=country("JPN")),
        "lutnick": OfficialFactory(name="Howard Lutnick", country=country("USA")),
        "source": SourceFactory(),
    }


def round_form(data, positions):
    """The POST an editor's browser sends for the round form with its positions inline."""
    form = {
        "negotiation": data["negotiation"].pk,
        "number": 3,
        "start_date": "2025-05-23",
        "end_date": "",
        "location": "Washington, D.C.",
        "participants": [data["akazawa"].pk, data["lutnick"].pk],
        "summary": "Separate talks with Lutnick and Greer.",
        "outcome": "",
        "source": data["source"].pk,
        "confidence": "confirmed",
        "positions-TOTAL_FORMS": len(positions),
        "positions-INITIAL_FORMS": 0,
        "positions-MIN_NUM_FORMS": 0,
        "positions-MAX_NUM_FORMS": 1000,
    }
    for i, position in enumerate(positions):
        defaults = {
            "issue": data["autos"].pk,
            "stance": "eliminate",
            "target_rate_pct": "",
            "statement": f"Statement {i}",
            "source": data["source"].pk,
            "stated_on": "",
            "confidence": "reported",
            "speaker": "",
        }
        for key, value in {**defaults, **position}.items():
            form[f"positions-{i}-{key}"] = value
    return form


def test_editor_adds_round_with_positions(editor, japan_us):
    data = round_form(
        japan_us,
        [
            {
                "party": country("JPN").pk,
                "speaker": japan_us["akazawa"].pk,
                "target_rate_pct": "2.5",
            },
            {"party": country("USA").pk, "stance": "refuse", "target_rate_pct": "27.5"},
        ],
    )

    response = editor.post(ADD_ROUND, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = TalkRound.objects.get(negotiation=japan_us["negotiation"], number=3)
    assert set(round_.participants.values_list("name", flat=True)) == {
        "Ryosei Akazawa",
        "Howard Lutnick",
    }
    positions = list(round_.positions.order_by("party__code"))
    assert [(p.party.code, p.target_rate_pct) for p in positions] == [
        ("JPN", Decimal("2.5")),
        ("USA", Decimal("27.5")),
    ]
    # An empty date means the round's first day.
    assert positions[0].stated_on == datetime.date(2025, 5, 23)


def test_the_add_round_form_proposes_the_next_number_and_the_two_parties(editor, japan_us):
    negotiation = japan_us["negotiation"]

    response = editor.get(ADD_ROUND, {"negotiation": negotiation.pk})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["number"] == 3
    formset = response.context["inline_admin_formsets"][0].formset
    party_field = formset.forms[0].fields["party"]
    assert {c.code for c in party_field.queryset} == {"JPN", "USA"}
    # Blank rows carry field defaults only, the same on every row however it was added.
    assert [f.initial.get("party") for f in formset.forms] == [None, None, None]
    assert formset.empty_form["confidence"].value() == "reported"


def test_the_negotiation_page_links_to_adding_the_next_round(editor, japan_us):
    negotiation = japan_us["negotiation"]
    url = reverse("admin:negotiations_negotiation_change", args=[negotiation.pk])

    response = editor.get(url)

    assert f"negotiation={negotiation.pk}&amp;number=3" in response.content.decode()


@pytest.mark.parametrize(
    ("position", "field", "message"),
    [
        ({"target_rate_pct": "-5"}, "target_rate_pct", "A rate cannot be negative."),
        ({"target_rate_pct": "5000"}, "target_rate_pct", "above 1000% is not plausible"),
        ({"party": "FRA"}, "party", "Only the two parties can state a position: JPN or USA."),
        ({"speaker": "lutnick"}, "speaker", "Howard Lutnick speaks for USA, not for JPN."),
    ],
)
def test_a_bad_position_is_explained_and_nothing_is_written(
    editor, japan_us, position, field, message
):
    fields = {"party": country("JPN").pk}
    for key, value in position.items():
        if key == "party":
            value = country(value).pk
        if key == "speaker":
            value = japan_us[value].pk
        fields[key] = value

    response = editor.post(ADD_ROUND, round_form(japan_us, [fields]))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert message in " ".join(formset.forms[0].errors[field])
    assert not TalkRound.objects.filter(number=3).exists()
    assert not StatedPosition.objects.exists()


def test_a_round_that_ends_before_it_starts_is_explained(editor, japan_us):
    data = round_form(japan_us, [])
    data["end_date"] = "2025-05-22"

    response = editor.post(ADD_ROUND, data)

    assert response.status_code == 200
    assert "cannot end before it starts" in str(response.context["adminform"].form.errors)
    assert not TalkRound.objects.filter(number=3).exists()


def test_a_round_number_already_taken_is_explained(editor, japan_us):
    data = round_form(japan_us, [])
    data["number"] = 2

    response = editor.post(ADD_ROUND, data)

    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)


def test_the_editors_group_may_enter_rounds_but_not_manage_users_or_countries():
    permissions = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )

    assert {"add_talkround", "add_statedposition", "delete_statedposition"} <= permissions
    assert {"add_source", "add_official", "add_issue", "add_milestone"} <= permissions
    assert "view_country" in permissions
    assert not {"add_country", "delete_country", "add_user", "change_user"} & permissions


@pytest.mark.parametrize(
    "name",
    [
        "negotiation",
        "talkround",
        "statedposition",
        "issue",
        "source",
        "official",
        "milestone",
    ],
)
def test_every_negotiations_list_has_search_and_answers_an_editor(editor, japan_us, name):
    response = editor.get(reverse(f"admin:negotiations_{name}_changelist"), {"q": "autos"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields


@pytest.mark.parametrize("name", ["country", "tariffline", "tariffmeasure", "tradevalue"])
def test_every_tariffs_list_has_search_and_answers_an_editor(editor, name):
    response = editor.get(reverse(f"admin:tariffs_{name}_changelist"), {"q": "87.03"})

    assert response.status_code == 200
    assert response.context["cl"].search_fields


def test_the_issue_autocomplete_finds_issues_by_negotiation_and_name(editor, japan_us):
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "negotiations",
            "model_name": "statedposition",
            "field_name": "issue",
            "term": "japan autos",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Autos (japan-us-2025)"]


def test_an_anonymous_visitor_is_sent_to_the_login_page(anonymous):
    response = anonymous.get(ADD_ROUND)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_editor_enters_an_all_goods_total_and_is_told_when_a_line_is_another_importers(
    editor,
):
    rice = TariffLineFactory(importer=country("JPN"), hs_code="1006", base_rate_pct=None)
    form = {
        "importer": country("USA").pk,
        "line": "",
        "partner": country("JPN").pk,
        "year": "2024",
        "value_usd": "148200000000",
        "measure": "Total U.S. goods imports from Japan",
        "source_url": "https://www.sema.org/news-media/enews/2025/30/",
        "source_publisher": "SEMA eNews",
        "published_on": "2025-07",
        "confidence": "reported",
        "evidence": "",
        "note": "",
    }
    add = reverse("admin:tariffs_tradevalue_add")

    refused = editor.post(add, {**form, "line": rice.pk, "year": "2023"})
    saved = editor.post(add, form)

    assert refused.status_code == 200
    assert "is a line of JPN, not of the importer USA" in refused.content.decode()
    assert saved.status_code == 302
    total = TradeValue.objects.get()
    assert (total.goods, total.published_on, total.confidence) == (
        "all goods",
        "2025-07",
        "reported",
    )
