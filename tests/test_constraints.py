"""Integrity lives in the database too: bad rows are refused even when no form checks them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from negotiations.models import Negotiation, Official, StatedPosition, TalkRound
from tariffs.models import Country, TariffLine, TariffMeasure, TradeValue
from tests.factories import (
    NegotiationFactory,
    StatedPositionFactory,
    TalkRoundFactory,
    TariffLineFactory,
    TariffMeasureFactory,
    country,
)

pytestmark = pytest.mark.django_db


def refused_by_database(model, **fields):
    """Insert without any Python validation; True if the database says no."""
    try:
        with transaction.atomic():
            model.objects.bulk_create([model(**fields)])
    except IntegrityError:
        return True
    return False


def test_every_iso_country_and_the_eu_are_there_after_migrate():
    assert Country.objects.count() >= 249
    assert Country.objects.get(code="JPN").name == "Japan"
    assert Country.objects.get(code="EUU").is_bloc


@pytest.mark.parametrize("rate", [Decimal("-1"), Decimal("5000")])
def test_the_database_refuses_a_base_rate_out_of_range(rate):
    usa = country("USA")

    assert refused_by_database(
        TariffLine, importer=usa, hs_code="8703", description="cars", base_rate_pct=rate
    )
    assert not TariffLine.objects.exists()


@pytest.mark.parametrize("rate", [Decimal("-0.5"), Decimal("1000.001")])
def test_the_database_refuses_a_measure_rate_out_of_range(rate):
    assert refused_by_database(TariffMeasure, importer=country("USA"), name="x", rate_pct=rate)


def test_the_database_refuses_a_target_rate_out_of_range():
    position = StatedPositionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatedPosition.objects.filter(pk=position.pk).update(target_rate_pct=Decimal("5000"))


def test_the_database_refuses_an_hs_code_with_letters():
    assert refused_by_database(
        TariffLine, importer=country("USA"), hs_code="87A3", description="x", base_rate_pct=0
    )


def test_the_form_layer_says_what_is_wrong_with_a_rate_and_an_hs_code():
    line = TariffLine(
        importer=country("USA"), hs_code="87A3", description="x", base_rate_pct=Decimal("5000")
    )
    with pytest.raises(ValidationError) as caught:
        line.full_clean()

    assert "2 to 10 digits" in caught.value.message_dict["hs_code"][0]
    assert "above 1000%" in caught.value.message_dict["base_rate_pct"][0]


def test_an_hs_code_is_stored_without_dots_and_found_with_them():
    TariffLineFactory(hs_code="8703.23")

    assert TariffLine.objects.get(hs_code="870323").hs_code == "870323"
    assert TariffLine.objects.filter(hs_code="8703.23").count() == 1
    assert TariffLine.objects.with_hs_prefix("87.03").count() == 1


def test_one_line_per_importer_and_hs_code():
    TariffLineFactory(hs_code="8703")

    assert refused_by_database(
        TariffLine, importer=country("USA"), hs_code="87.03", description="dup", base_rate_pct=1
    )


def test_the_database_refuses_a_round_that_ends_before_it_starts():
    negotiation = NegotiationFactory()

    assert refused_by_database(
        TalkRound,
        negotiation=negotiation,
        number=1,
        start_date=datetime.date(2025, 5, 2),
        end_date=datetime.date(2025, 5, 1),
    )


def test_a_round_number_is_unique_within_its_negotiation():
    round_ = TalkRoundFactory(number=2)

    assert refused_by_database(
        TalkRound, negotiation=round_.negotiation, number=2, start_date=datetime.date(2025, 6, 1)
    )


def test_the_database_refuses_a_negotiation_with_itself():
    japan = country("JPN")

    assert refused_by_database(Negotiation, party_a=japan, party_b=japan, title="x", slug="x")


def test_a_measure_cannot_end_before_it_starts():
    assert refused_by_database(
        TariffMeasure,
        importer=country("USA"),
        name="backwards",
        rate_pct=10,
        in_force_from=datetime.date(2025, 5, 1),
        in_force_until=datetime.date(2025, 4, 1),
    )


def test_a_threat_without_a_start_is_allowed():
    threat = TariffMeasureFactory(in_force_from=None)

    assert not TariffMeasure.objects.in_force_on(datetime.date(2025, 8, 1)).filter(pk=threat.pk)


def test_a_position_for_a_country_that_is_not_a_party_is_refused_in_words():
    position = StatedPositionFactory.build(
        round=TalkRoundFactory(), party=country("FRA"), source=None
    )
    position.issue.negotiation = position.round.negotiation
    position.issue.save()

    with pytest.raises(ValidationError) as caught:
        position.full_clean()

    assert "France (FRA) is not a party to" in caught.value.message_dict["party"][0]


def test_deleting_a_round_with_positions_is_refused_so_history_is_kept():
    position = StatedPositionFactory()

    with pytest.raises(ProtectedError):
        position.round.delete()
    assert StatedPosition.objects.filter(pk=position.pk).exists()


def test_the_database_refuses_a_position_for_a_country_that_is_not_a_party():
    position = StatedPositionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        StatedPosition.objects.filter(pk=position.pk).update(party=country("FRA"))
    assert refused_by_database(
        StatedPosition,
        round=position.round,
        party=country("FRA"),
        issue=position.issue,
        stance="offer",
        statement="France is not at this table",
        stated_on=position.stated_on,
        confidence="reported",
    )


def test_the_database_refuses_a_position_on_another_negotiations_issue():
    position = StatedPositionFactory()
    elsewhere = StatedPositionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        StatedPosition.objects.filter(pk=position.pk).update(issue=elsewhere.issue)
    position.refresh_from_db()
    assert position.issue.negotiation_id == position.round.negotiation_id


# --- trade values ------------------------------------------------------------------------------


def trade_fields(**fields):
    return {
        "importer": country("USA"),
        "partner": country("JPN"),
        "year": 2024,
        "value_usd": Decimal("148200000000"),
        "source_url": "https://example.org/figure",
        "confidence": "reported",
        **fields,
    }


def test_the_database_keeps_one_all_goods_total_per_importer_partner_and_year():
    assert not refused_by_database(TradeValue, **trade_fields())

    assert refused_by_database(TradeValue, **trade_fields(value_usd=Decimal("1")))
    # Another year, or the value of a line, is another figure.
    assert not refused_by_database(TradeValue, **trade_fields(year=2023))
    cars = TariffLineFactory(importer=country("USA"), hs_code="8703")
    assert not refused_by_database(TradeValue, **trade_fields(line=cars))


def test_the_database_refuses_a_trade_value_whose_line_is_another_importers():
    rice = TariffLineFactory(importer=country("JPN"), hs_code="1006", base_rate_pct=None)

    assert refused_by_database(TradeValue, **trade_fields(line=rice))
    with pytest.raises(ValidationError, match="is a line of JPN, not of the importer USA"):
        TradeValue(**trade_fields(line=rice)).clean()


@pytest.mark.parametrize(
    "fields",
    [
        {"partner": "USA"},  # imports from itself
        {"published_on": "July 2025"},  # a date is YYYY-MM-DD or YYYY-MM
        {"published_on": "2025-7"},
        {"value_usd": Decimal("-1")},
    ],
)
def test_the_database_refuses_a_trade_value_that_cannot_be(fields):
    if "partner" in fields:
        fields = {"partner": country(fields["partner"])}

    assert refused_by_database(TradeValue, **trade_fields(**fields))


# --- officials' native names -------------------------------------------------------------------


def test_the_database_refuses_a_native_name_without_its_language():
    japan = country("JPN")

    assert refused_by_database(Official, name="A", native_name="赤澤亮正", country=japan)
    assert refused_by_database(
        Official, name="B", native_name="赤澤亮正", native_name_lang="Japanese", country=japan
    )
    assert not refused_by_database(
        Official, name="C", native_name="赤澤亮正", native_name_lang="ja", country=japan
    )
    assert not refused_by_database(Official, name="D", country=japan)


def test_an_official_form_asks_for_the_language_of_a_native_name_in_words():
    official = Official(name="Ryosei Akazawa", native_name="赤澤亮正", country=country("JPN"))

    with pytest.raises(ValidationError, match="Give the language of the native name"):
        official.clean()
