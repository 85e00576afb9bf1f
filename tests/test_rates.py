"""Applied rates on the real 2025 cases: U.S. passenger cars (HS 8703) from Japan."""

import datetime
from decimal import Decimal

import pytest

from tariffs.models import MeasureKind
from tariffs.rates import RateBook, all_goods_rate, applied_rate, applied_rates, rates_by_partner
from tests.factories import TariffLineFactory, TariffMeasureFactory, country

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def us_2025():
    """The U.S. measures that made the rate of Japanese cars in 2025, as load_demo has them."""
    cars = TariffLineFactory(hs_code="8703", base_rate_pct=D("2.5"))
    beef = TariffLineFactory(hs_code="0202", description="Beef", base_rate_pct=D("26.4"))
    steel = TariffLineFactory(hs_code="72", description="Iron and steel", base_rate_pct=D("0"))
    japan, uk = country("JPN"), country("GBR")
    baseline = TariffMeasureFactory(
        name="Reciprocal baseline",
        rate_pct=D("10"),
        covers_all_lines=True,
        in_force_from=datetime.date(2025, 4, 5),
    )
    stacked = TariffMeasureFactory(
        name="Japan 15% stacked",
        rate_pct=D("15"),
        covers_all_lines=True,
        partners=[japan],
        in_force_from=datetime.date(2025, 8, 7),
        displaces=[baseline],
    )
    all_in = TariffMeasureFactory(
        name="Japan 15% all-in",
        kind=MeasureKind.TOTAL,
        rate_pct=D("15"),
        covers_all_lines=True,
        partners=[japan],
        in_force_from=datetime.date(2025, 8, 7),
        displaces=[baseline, stacked],
    )
    reciprocal = [baseline, stacked, all_in]
    autos = TariffMeasureFactory(
        name="Section 232 autos",
        rate_pct=D("25"),
        lines=[cars],
        in_force_from=datetime.date(2025, 4, 3),
        displaces=reciprocal,
    )
    TariffMeasureFactory(
        name="Japanese autos 15% all-in",
        kind=MeasureKind.TOTAL,
        rate_pct=D("15"),
        lines=[cars],
        partners=[japan],
        in_force_from=datetime.date(2025, 9, 16),
        displaces=[autos, *reciprocal],
    )
    TariffMeasureFactory(
        name="Japan letter (threat)",
        rate_pct=D("25"),
        covers_all_lines=True,
        partners=[japan],
        in_force_from=None,
    )
    steel_50 = TariffMeasureFactory(
        name="Section 232 steel 50%",
        rate_pct=D("50"),
        lines=[steel],
        in_force_from=datetime.date(2025, 6, 4),
        displaces=reciprocal,
    )
    TariffMeasureFactory(
        name="Section 232 steel, U.K. kept at 25%",
        rate_pct=D("25"),
        lines=[steel],
        partners=[uk],
        in_force_from=datetime.date(2025, 6, 4),
        displaces=[steel_50, baseline],
    )
    return {"cars": cars, "beef": beef, "steel": steel, "japan": japan, "uk": uk}


def rate(line, partner, day):
    return applied_rate(line, partner, day).rate_pct


def test_japanese_cars_paid_the_mfn_rate_before_section_232(us_2025):
    assert rate(us_2025["cars"], us_2025["japan"], datetime.date(2025, 4, 2)) == D("2.5")


def test_japanese_cars_paid_27_5_under_section_232(us_2025):
    result = applied_rate(us_2025["cars"], us_2025["japan"], datetime.date(2025, 5, 1))

    assert result.rate_pct == D("27.5")
    assert [m.name for m in result.measures] == ["Section 232 autos"]
    assert [m.name for m in result.displaced] == ["Reciprocal baseline"]


def test_section_232_kept_japanese_cars_at_27_5_until_the_deal_took_effect(us_2025):
    assert rate(us_2025["cars"], us_2025["japan"], datetime.date(2025, 9, 15)) == D("27.5")


def test_japanese_cars_pay_15_all_in_under_the_deal(us_2025):
    result = applied_rate(us_2025["cars"], us_2025["japan"], datetime.date(2025, 9, 16))

    assert result.rate_pct == D("15")
    labels = [part.label for part in result.parts]
    assert labels[0] == "Base (MFN) rate"
    assert any("all-in" in label for label in labels)
    assert sum(part.points for part in result.parts) == D("15")


def test_an_all_in_rate_leaves_a_higher_mfn_rate_alone(us_2025):
    assert rate(us_2025["beef"], us_2025["japan"], datetime.date(2025, 8, 10)) == D("26.4")


def test_a_threat_that_never_took_effect_adds_nothing(us_2025):
    assert rate(us_2025["beef"], us_2025["japan"], datetime.date(2025, 6, 1)) == D("36.4")


def test_a_measure_for_one_partner_displaces_the_general_one_only_for_that_partner(us_2025):
    day = datetime.date(2025, 7, 1)

    assert rate(us_2025["steel"], us_2025["uk"], day) == D("25")
    assert rate(us_2025["steel"], us_2025["japan"], day) == D("50")


def test_a_heading_covers_the_subheadings_below_it(us_2025):
    flat_rolled = TariffLineFactory(hs_code="7208.10", description="Flat-rolled", base_rate_pct=0)

    assert flat_rolled.hs_code == "720810"
    assert rate(flat_rolled, us_2025["japan"], datetime.date(2025, 7, 1)) == D("50")


def test_the_all_goods_rate_is_what_a_zero_mfn_good_pays(us_2025):
    usa = country("USA")

    assert all_goods_rate(usa, us_2025["japan"], datetime.date(2025, 5, 1)).rate_pct == D("10")
    assert all_goods_rate(usa, us_2025["japan"], datetime.date(2025, 8, 10)).rate_pct == D("15")


def test_a_specific_duty_has_no_percentage(us_2025):
    rice = TariffLineFactory(
        importer=country("JPN"), hs_code="1006", description="Rice", base_rate_pct=None
    )

    assert rate(rice, country("USA"), datetime.date(2025, 5, 1)) is None


def test_many_lines_cost_a_fixed_number_of_queries(us_2025, django_assert_max_num_queries):
    lines = [
        TariffLineFactory(hs_code=f"87{n:02d}", description=f"line {n}", base_rate_pct=1)
        for n in range(10, 40)
    ]
    with django_assert_max_num_queries(4):
        rates = applied_rates(lines, us_2025["japan"], datetime.date(2025, 5, 1))

    assert len(rates) == 30


def test_a_rate_book_gives_each_partner_its_own_rate_in_the_same_queries(
    us_2025, django_assert_max_num_queries
):
    day = datetime.date(2025, 7, 1)
    partners = [None, us_2025["japan"], us_2025["uk"]]

    with django_assert_max_num_queries(4):
        rates = rates_by_partner(us_2025["steel"], partners, day)

    assert [r.rate_pct for r in rates] == [D("50"), D("50"), D("25")]


def test_a_change_is_scheduled_only_by_a_later_measure_on_those_goods_for_that_partner(us_2025):
    usa, japan, uk = country("USA"), us_2025["japan"], us_2025["uk"]
    before_the_deal = datetime.date(2025, 9, 1)
    book = RateBook([usa.pk], [japan, uk], before_the_deal)

    # The Japanese autos deal starts on 16 September, for Japan and cars only.
    assert book.change_scheduled(usa.pk, japan, ["8703"])
    assert book.change_scheduled(usa.pk, japan, ["870323"])
    assert not book.change_scheduled(usa.pk, uk, ["8703"])
    assert not book.change_scheduled(usa.pk, japan, ["0202"])
    assert not book.change_scheduled(usa.pk, japan, [])
    assert not RateBook([usa.pk], [japan], datetime.date(2025, 9, 16)).change_scheduled(
        usa.pk, japan, ["8703"]
    )
