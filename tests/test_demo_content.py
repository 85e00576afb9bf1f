"""What the demo data holds: the facts the pages and their tests rely on."""

import csv
import datetime
from decimal import Decimal

import pytest

from negotiations.demo.loader import CSV_FILES
from negotiations.models import (
    Issue,
    Milestone,
    MilestoneKind,
    Negotiation,
    Official,
    Stance,
    StatedPosition,
    TalkRound,
)
from tariffs.models import Confidence, Country, TariffLine, TradeValue
from tariffs.rates import all_goods_rate, applied_rate

SEED_ARTICLE = "https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/"


def japan_us_round(number: int) -> TalkRound:
    return TalkRound.objects.get(negotiation__slug="japan-us-2025", number=number)


def test_the_japan_us_talks_are_concluded_with_ten_rounds(demo):
    talks = Negotiation.objects.get(slug="japan-us-2025")
    assert (talks.party_a.code, talks.party_b.code) == ("JPN", "USA")
    assert talks.status == "concluded"
    assert talks.concluded_on == datetime.date(2025, 7, 22)
    assert list(talks.rounds.values_list("number", flat=True)) == list(range(1, 11))


def test_round_2_was_on_may_1_in_washington_with_akazawa_and_bessent(demo):
    round_2 = japan_us_round(2)
    assert round_2.start_date == datetime.date(2025, 5, 1)
    assert "Washington" in round_2.location
    participants = set(round_2.participants.values_list("name", flat=True))
    assert {"Ryosei Akazawa", "Scott Bessent"} <= participants


def test_the_seed_case_positions_of_round_2_are_loaded(demo):
    round_2 = japan_us_round(2)

    japan = StatedPosition.objects.get(
        round=round_2, party__code="JPN", issue__slug="autos", source__url=SEED_ARTICLE
    )
    assert japan.stance == Stance.ELIMINATE
    assert japan.target_rate_pct == Decimal("2.5")
    assert japan.confidence == Confidence.REPORTED
    assert japan.speaker.name == "Ryosei Akazawa"
    us = StatedPosition.objects.get(round=round_2, party__code="USA", issue__slug="reciprocal")
    assert us.stance == Stance.DISCUSS_ONLY
    assert us.speaker.name == "Scott Bessent"


def test_every_position_has_a_source_and_a_confidence(demo):
    positions = StatedPosition.objects.all()
    assert positions.count() == 67
    assert not positions.filter(source__isnull=True).exists()
    assert set(positions.values_list("confidence", flat=True)) <= set(Confidence.values)


def demo_rows(kind: str) -> list[dict[str, str]]:
    with CSV_FILES[kind].open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_every_leaders_meeting_is_a_milestone_not_a_round(demo):
    meetings = [row for row in demo_rows("milestones") if row["kind"] == MilestoneKind.MEETING]

    assert {(m["negotiation"], m["date"]) for m in meetings} == {
        ("japan-us-2025", "2025-04-07"),  # the leaders' call
        ("japan-us-2025", "2025-06-16"),  # the G7 in Kananaskis
        ("japan-us-2025", "2025-10-28"),  # Tokyo
    }
    for meeting in meetings:
        assert Milestone.objects.filter(
            negotiation__slug=meeting["negotiation"],
            date=meeting["date"],
            kind=MilestoneKind.MEETING,
            source__url=meeting["source_url"],
            confidence=meeting["confidence"],
        ).exists(), meeting
        assert not TalkRound.objects.filter(
            negotiation__slug=meeting["negotiation"], start_date=meeting["date"]
        ).exists()


@pytest.mark.parametrize(
    ("kind", "sourced"),
    [("negotiations", False), ("officials", True), ("tariff-lines", False)],
)
def test_facts_keep_their_confidence_and_source_where_the_model_has_no_field(kind, sourced):
    rows = demo_rows(kind)

    assert rows
    assert all(row["confidence"] in Confidence.values for row in rows)
    if sourced:
        assert all(row["source_url"].startswith("https://") for row in rows)


def test_issues_are_linked_to_the_lines_of_the_importer_they_concern(demo):
    def lines(negotiation, slug):
        issue = Issue.objects.get(negotiation__slug=negotiation, slug=slug)
        return {(line.importer.code, line.hs_code) for line in issue.tariff_lines.all()}

    assert lines("japan-us-2025", "agriculture") == {("JPN", "1006")}
    assert lines("japan-us-2025", "steel-aluminum") == {("USA", "72"), ("USA", "73"), ("USA", "76")}
    assert lines("uk-us-2025", "agriculture") == set()
    reciprocal = Issue.objects.get(negotiation__slug="eu-us-2025", slug="reciprocal")
    assert reciprocal.covers_all_goods


def test_issues_on_one_kind_of_good_are_tied_to_its_hs_heading(demo):
    """Cars 87.03, parts 87.08, rice 10.06; steel and aluminum (chapters 72, 73 and 76),
    the U.K.'s beef and ethanol and the EU's industrial goods span chapters: none."""
    tied = {
        (negotiation, slug): code
        for negotiation, slug, code in Issue.objects.filter(hs_code__isnull=False).values_list(
            "negotiation__slug", "slug", "hs_code"
        )
    }

    assert tied == {
        ("japan-us-2025", "autos"): "8703",
        ("japan-us-2025", "auto-parts"): "8708",
        ("japan-us-2025", "agriculture"): "1006",
        ("uk-us-2025", "autos"): "8703",
        ("eu-us-2025", "autos"): "8703",
    }


def test_japanese_rice_has_a_specific_duty_not_a_percentage(demo):
    rice = TariffLine.objects.get(importer__code="JPN", hs_code="1006")
    assert rice.base_rate_pct is None
    assert "¥341/kg" in rice.description


# The applied rates the facts report, computed from the demo measures by tariffs.rates.
@pytest.mark.parametrize(
    ("partner", "hs_code", "on", "rate"),
    [
        ("JPN", "8703", "2025-05-01", "27.5"),  # 25% Section 232 on top of the 2.5% MFN
        ("JPN", "8703", "2025-09-16", "15"),  # Commerce notice: 15% all-in
        ("JPN", "8708", "2025-05-03", "27.5"),  # auto parts tariff in force
        ("JPN", "0202", "2025-08-07", "26.4"),  # EO 14345: MFN above 15% pays no more
        ("JPN", "72", "2025-06-04", "50"),  # steel doubled
        ("GBR", "72", "2025-06-04", "25"),  # the U.K. kept at 25%
        ("GBR", "8703", "2025-06-30", "10"),  # within the U.K. car quota
        ("EUU", "8703", "2025-08-01", "15"),  # EU cars, backdated to August 1
        ("JPN", None, "2025-04-09", "24"),  # Annex I, one day of entries
        ("JPN", None, "2025-04-10", "10"),  # paused: baseline only
        ("JPN", None, "2025-08-07", "15"),  # 15% all-in, backdated
        ("EUU", None, "2025-08-07", "15"),
        ("GBR", None, "2025-08-07", "10"),  # the baseline the U.K. kept
    ],
)
def test_the_demo_measures_give_the_applied_rates_the_facts_report(
    demo, partner, hs_code, on, rate
):
    usa, country = Country.objects.get(code="USA"), Country.objects.get(code=partner)
    day = datetime.date.fromisoformat(on)

    if hs_code is None:
        applied = all_goods_rate(usa, country, day)
    else:
        applied = applied_rate(TariffLine.objects.get(importer=usa, hs_code=hs_code), country, day)

    assert applied.rate_pct == Decimal(rate)


def test_the_six_sourced_trade_values_are_loaded_with_their_source_and_confidence(demo):
    values = {
        (v.importer.code, v.partner.code, v.goods): v
        for v in TradeValue.objects.select_related("importer", "partner", "line")
    }

    assert {key: v.value_usd for key, v in values.items()} == {
        ("USA", "JPN", "all goods"): Decimal("148200000000"),
        ("USA", "GBR", "all goods"): Decimal("68000000000"),
        ("USA", "EUU", "all goods"): Decimal("605800000000"),
        ("USA", "JPN", "8703"): Decimal("39936000000"),
        ("USA", "GBR", "8703"): Decimal("9715000000"),
        ("JPN", "USA", "1006"): Decimal("298000000"),
    }
    assert {v.confidence for v in values.values()} == {Confidence.REPORTED}
    assert all(v.source_url.startswith("https://") and v.source_publisher for v in values.values())
    assert values[("USA", "JPN", "all goods")].published_on == "2025-07"  # no day shown
    assert "MIRROR DATA" in values[("JPN", "USA", "1006")].measure


def test_as_of_round_2_the_japan_us_page_shows_cars_at_27_5_on_may_1_and_what_is_at_stake(
    analyst, demo
):
    body = " ".join(
        analyst.get("/negotiations/japan-us-2025/", {"round": 2}).content.decode().split()
    )

    autos = body[
        body.index('<tr id="issue-autos">') : body.index("</tr>", body.index("issue-autos"))
    ]
    assert '<a class="rate" href="/tariff-lines/USA/8703/?date=2025-05-01">27.5%</a>' in autos
    assert "on 2025-05-01</span>" in autos
    # 25 points of $39.936 bn of cars from Japan, sourced and marked as reported.
    assert '<data class="amount" value="9984000000"' in autos and "$9.98 bn" in autos
    assert "Opportimes, citing U.S. Commerce Department data</a>" in autos
    assert "confidence-reported" in autos
    steel = body[body.index('<tr id="issue-steel-aluminum">') :]
    steel = steel[: steel.index("</tr>")]
    assert "No figure for United States imports of 72, 73, 76 from Japan." in steel


def test_japans_officials_native_names_are_marked_japanese(demo):
    named = Official.objects.exclude(native_name="")

    assert named.exists()
    assert set(named.values_list("country__code", "native_name_lang")) == {("JPN", "ja")}
