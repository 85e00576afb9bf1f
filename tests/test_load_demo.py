"""The demo data: the 2025 U.S. tariff talks with Japan, the U.K. and the EU."""

import csv
import datetime
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from negotiations.demo import data, loader
from negotiations.demo.loader import (
    CREATED,
    MODELS,
    UPDATED,
    DemoDataError,
    count_key,
    load_demo,
    missing_meeting_milestones,
)
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
from tariffs.models import Confidence, Country, TariffLine
from tariffs.rates import all_goods_rate, applied_rate

pytestmark = pytest.mark.django_db

SEED_ARTICLE = "https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/"
FACT_SHEETS = "/work/shared"


class _OpenedFiles:
    """Records the files opened while `paths` is a list. Audit hooks cannot be removed, so
    this one is installed once and does nothing between tests."""

    paths: list[str] | None = None

    def __call__(self, event, args):
        if event == "open" and self.paths is not None:
            self.paths.append(str(args[0]))


OPENED = _OpenedFiles()
sys.addaudithook(OPENED)


def table_counts() -> dict[str, int]:
    """Rows of every model the demo loads, and of their many-to-many tables."""
    counts = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        for field in model._meta.many_to_many:
            counts[f"{model.__name__}.{field.name}"] = field.remote_field.through.objects.count()
    return counts


def japan_us_round(number: int) -> TalkRound:
    return TalkRound.objects.get(negotiation__slug="japan-us-2025", number=number)


def test_load_demo_twice_changes_nothing():
    first = load_demo()
    rows = table_counts()
    second = load_demo()

    assert all(first[count_key(model, CREATED)] == rows[model.__name__] for model in MODELS)
    assert {key: n for key, n in second.items() if n and key.endswith((CREATED, UPDATED))} == {}
    assert table_counts() == rows


def test_an_edited_row_is_restored_and_counted_as_updated():
    load_demo()
    bessent = Official.objects.get(name="Scott Bessent")
    Official.objects.filter(pk=bessent.pk).update(title="Edited")
    japan_us_round(2).participants.remove(bessent)

    counts = load_demo()

    assert counts["officials.updated"] == 1
    assert counts["rounds.updated"] == 1
    assert Official.objects.get(pk=bessent.pk).title.startswith("Secretary of the Treasury")
    assert japan_us_round(2).participants.filter(pk=bessent.pk).exists()


def test_the_japan_us_talks_are_concluded_with_ten_rounds():
    load_demo()

    talks = Negotiation.objects.get(slug="japan-us-2025")
    assert (talks.party_a.code, talks.party_b.code) == ("JPN", "USA")
    assert talks.status == "concluded"
    assert talks.concluded_on == datetime.date(2025, 7, 22)
    assert list(talks.rounds.values_list("number", flat=True)) == list(range(1, 11))


def test_round_2_was_on_may_1_in_washington_with_akazawa_and_bessent():
    load_demo()

    round_2 = japan_us_round(2)
    assert round_2.start_date == datetime.date(2025, 5, 1)
    assert "Washington" in round_2.location
    participants = set(round_2.participants.values_list("name", flat=True))
    assert {"Ryosei Akazawa", "Scott Bessent"} <= participants


def test_the_seed_case_positions_of_round_2_are_loaded():
    load_demo()
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


def test_every_position_has_a_source_and_a_confidence():
    load_demo()

    positions = StatedPosition.objects.all()
    assert positions.count() == 67
    assert not positions.filter(source__isnull=True).exists()
    assert set(positions.values_list("confidence", flat=True)) <= set(Confidence.values)


def test_every_leaders_meeting_is_a_milestone_not_a_round():
    load_demo()

    for meeting in (m for m in data.MEETINGS if not m.number):
        assert Milestone.objects.filter(
            negotiation__slug=meeting.negotiation, date=meeting.date, kind=MilestoneKind.MEETING
        ).exists(), meeting
        assert not TalkRound.objects.filter(
            negotiation__slug=meeting.negotiation, start_date=meeting.date
        ).exists()


def test_a_leaders_meeting_missing_from_the_milestones_file_becomes_a_milestone():
    meeting = data.MeetingFact(
        negotiation="japan-us-2025",
        number=None,
        date=datetime.date(2025, 6, 16),
        location="Kananaskis",
        participants=("Shigeru Ishiba", "Donald Trump"),
        summary="Leaders' meeting: no agreement.",
        source_url="https://news.example.org/g7",
        confidence="confirmed",
    )
    listed = {"negotiation": "japan-us-2025", "date": "2025-06-16", "kind": "meeting"}

    [(_, added)] = missing_meeting_milestones([meeting], [])
    assert added["kind"] == MilestoneKind.MEETING
    assert (added["date"], added["title"]) == ("2025-06-16", "Leaders' meeting: no agreement.")
    assert (added["source_url"], added["confidence"]) == (
        "https://news.example.org/g7",
        "confirmed",
    )
    assert missing_meeting_milestones([meeting], [("milestones line 2", listed)]) == []


def test_issues_are_linked_to_the_lines_of_the_importer_they_concern():
    load_demo()

    def lines(negotiation, slug):
        issue = Issue.objects.get(negotiation__slug=negotiation, slug=slug)
        return {(line.importer.code, line.hs_code) for line in issue.tariff_lines.all()}

    assert lines("japan-us-2025", "agriculture") == {("JPN", "1006")}
    assert lines("japan-us-2025", "steel-aluminum") == {("USA", "72"), ("USA", "73"), ("USA", "76")}
    assert lines("uk-us-2025", "agriculture") == set()
    reciprocal = Issue.objects.get(negotiation__slug="eu-us-2025", slug="reciprocal")
    assert reciprocal.covers_all_goods


def test_japanese_rice_has_a_specific_duty_not_a_percentage():
    load_demo()

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
def test_the_demo_measures_give_the_applied_rates_the_facts_report(partner, hs_code, on, rate):
    load_demo()
    usa, country = Country.objects.get(code="USA"), Country.objects.get(code=partner)
    day = datetime.date.fromisoformat(on)

    if hs_code is None:
        applied = all_goods_rate(usa, country, day)
    else:
        applied = applied_rate(TariffLine.objects.get(importer=usa, hs_code=hs_code), country, day)

    assert applied.rate_pct == Decimal(rate)


def test_the_demo_data_files_live_in_the_package():
    package = Path(loader.__file__).resolve().parent

    for path in loader.CSV_FILES.values():
        assert path.parent == package
        assert path.is_file()


def test_loading_opens_no_file_under_the_fact_sheets():
    OPENED.paths = []
    try:
        load_demo()
    finally:
        opened, OPENED.paths = OPENED.paths, None

    assert [path for path in opened if path.startswith(FACT_SHEETS)] == []
    assert {str(path) for path in loader.CSV_FILES.values()} <= set(opened)


def write_positions(path: Path, **changes) -> Path:
    """A positions file of one row, the seed case, with `changes` applied."""
    with loader.CSV_FILES["positions"].open(encoding="utf-8", newline="") as file:
        seed = next(row for row in csv.DictReader(file) if row["source_url"] == SEED_ARTICLE)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(seed))
        writer.writeheader()
        writer.writerow({**seed, **changes})
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"speaker": "Scott Bessent"}, "Scott Bessent speaks for USA, not for JPN"),
        ({"party": "EUU", "speaker": ""}, "EUU is not a party to japan-us-2025"),
        ({"issue": "industrial-goods"}, "japan-us-2025 has no issue 'industrial-goods'"),
        ({"round": "11"}, "japan-us-2025 has no round 11"),
    ],
)
def test_a_bad_position_row_is_named_and_nothing_is_written(
    tmp_path, monkeypatch, changes, message
):
    bad = write_positions(tmp_path / "positions.csv", **changes)
    monkeypatch.setitem(loader.CSV_FILES, "positions", bad)

    with pytest.raises(DemoDataError, match=f"positions.csv line 2: {message}"):
        load_demo()
    assert Official.objects.count() == 0
    assert Negotiation.objects.count() == 0


def test_the_command_prints_counts_per_model_and_changes_nothing_the_second_time():
    first, second = StringIO(), StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert "officials: 16 created, 0 updated, 0 unchanged" in first.getvalue()
    assert "stated positions: 67 created, 0 updated, 0 unchanged" in first.getvalue()
    assert "officials: 0 created, 0 updated, 16 unchanged" in second.getvalue()
    assert "nothing changed" in second.getvalue()


def test_the_command_fails_with_a_clear_message_on_bad_data(tmp_path, monkeypatch):
    bad = write_positions(tmp_path / "positions.csv", speaker="Scott Bessent")
    monkeypatch.setitem(loader.CSV_FILES, "positions", bad)

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_demo", stdout=StringIO())
