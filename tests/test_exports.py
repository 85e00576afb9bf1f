"""CSV exports: every table's download is the rows its page shows, streamed, stable,
safe to open in a spreadsheet."""

import csv
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csvport.formulas import neutralize, unneutralize
from csvport.writing import format_cell
from negotiations.csv_formats import POSITIONS
from negotiations.models import Source, Stance, StatedPosition
from tests import factories

BOM = b"\xef\xbb\xbf"


def download(client, url, params=None) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def rows_of(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


class TestTheGapTable:
    URL = reverse("negotiations:gap_csv", args=["japan-us-2025"])

    def test_it_is_the_rows_of_the_page_in_the_same_order(self, analyst, demo):
        page = analyst.get(reverse("negotiations:detail", args=["japan-us-2025"]), {"round": 2})
        _, body = download(analyst, self.URL, {"round": 2})

        shown = [row.issue.slug for row in page.context["view"].rows]
        assert [row["issue"] for row in rows_of(body)] == shown

    def test_it_carries_the_seed_case_with_its_provenance(self, analyst, demo):
        response, body = download(analyst, self.URL, {"round": 2})

        autos = next(row for row in rows_of(body) if row["issue"] == "autos")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            'attachment; filename="japan-us-2025-gap-round-2.csv"'
        )
        assert (autos["party_a"], autos["party_a_stance"], autos["party_a_target_pct"]) == (
            "JPN",
            "eliminate",
            "2.5",
        )
        assert (autos["party_b_stance"], autos["party_b_target_pct"]) == ("refuse", "27.5")
        assert (autos["gap_pp"], autos["status"], autos["as_of_round"]) == ("25", "open", "2")
        assert autos["party_b_source_url"].startswith("https://")
        assert autos["party_b_confidence"] == "reported"
        assert autos["party_a_stated_on"] == "2025-05-01"

    def test_its_filters_are_the_pages_filters(self, analyst, demo):
        _, body = download(analyst, self.URL, {"round": 10, "open": "on", "sector": "metals"})

        assert [row["issue"] for row in rows_of(body)] == ["steel-aluminum"]

    def test_a_malformed_filter_is_refused_with_a_reason(self, analyst, demo):
        response = analyst.get(self.URL, {"round": "abc"})

        assert response.status_code == 400
        assert "As of round: “abc” is not valid." in response.content.decode()

    def test_a_sector_typed_by_an_editor_gives_a_file_name_of_safe_characters(self, analyst, db):
        negotiation = factories.NegotiationFactory(slug="risky")
        factories.TalkRoundFactory(negotiation=negotiation, number=1)
        sector = 'Énergie "verte"\r\n; x'
        factories.IssueFactory(negotiation=negotiation, slug="power", sector=sector)
        url = reverse("negotiations:gap_csv", args=["risky"])

        response, _ = download(analyst, url, {"sector": sector})

        assert response["Content-Disposition"] == (
            'attachment; filename="risky-gap-round-1-Energie-verte-x.csv"'
        )

    def test_an_unknown_negotiation_is_a_404(self, analyst, demo):
        response = analyst.get(reverse("negotiations:gap_csv", args=["atlantis"]))

        assert response.status_code == 404

    def test_the_rates_on_the_rounds_date_and_today_are_numbers_with_their_goods_apart(
        self, analyst, demo
    ):
        _, body = download(analyst, self.URL, {"round": 2})

        rows = {row["issue"]: row for row in rows_of(body)}
        autos, steel = rows["autos"], rows["steel-aluminum"]
        assert (autos["rate_goods"], autos["round_date"]) == ("8703", "2025-05-01")
        assert (autos["rate_on_round_date_min_pct"], autos["rate_on_round_date_max_pct"]) == (
            "27.5",
            "27.5",
        )
        assert (autos["rate_now_min_pct"], autos["rate_now_max_pct"]) == ("15", "15")
        assert steel["rate_goods"] == "72 73 76"
        assert steel["rate_on_round_date_min_pct"] == "25"
        assert rows["reciprocal"]["rate_goods"] == "all goods"
        assert rows["agriculture"]["rate_now_min_pct"] == ""  # rice: a specific duty

    def test_the_trade_figures_weigh_the_gap_and_the_missing_ones_are_named(self, analyst, demo):
        _, body = download(analyst, self.URL, {"round": 2})

        rows = {row["issue"]: row for row in rows_of(body)}
        autos, steel = rows["autos"], rows["steel-aluminum"]
        assert (autos["trade_value_usd"], autos["at_stake_usd"]) == ("39936000000", "9984000000")
        assert autos["trade_value_sources"] == (
            "https://opportimes.com/top-10-auto-exporters-to-the-united-states-in-2024"
        )
        assert (autos["trade_value_confidence"], autos["trade_value_missing"]) == ("reported", "")
        assert (steel["trade_value_usd"], steel["at_stake_usd"]) == ("", "")
        assert steel["trade_value_missing"] == "72 73 76"
        assert rows["reciprocal"]["trade_value_usd"] == "148200000000"
        # The trend since the round before and since the first figure, as of the deal.
        _, later = download(analyst, self.URL, {"round": 8})
        autos = next(row for row in rows_of(later) if row["issue"] == "autos")
        assert (autos["trend"], autos["trend_overall"]) == ("narrowing", "narrowing")


class TestTheGapByRound:
    URL = reverse("negotiations:gap_by_round_csv", args=["japan-us-2025"])

    def test_it_has_a_row_per_issue_and_round_with_each_sides_target_and_the_move(
        self, analyst, demo
    ):
        response, body = download(analyst, self.URL, {"round": 3, "sector": "automotive"})

        assert response["Content-Disposition"] == (
            'attachment; filename="japan-us-2025-gap-by-round-round-3-automotive.csv"'
        )
        autos = [row for row in rows_of(body) if row["issue"] == "autos"]
        assert [
            (r["round"], r["round_date"], r["party_a_target_pct"], r["party_b_target_pct"])
            for r in autos
        ] == [
            ("1", "2025-04-16", "", ""),
            ("2", "2025-05-01", "2.5", "27.5"),
            ("3", "2025-05-23", "2.5", "27.5"),
        ]
        assert [(r["gap_pp"], r["status"], r["change_pp"]) for r in autos] == [
            ("", "one-sided", ""),
            ("25", "open", ""),
            ("25", "open", "0"),
        ]

    def test_the_page_links_to_it_with_its_filters_and_the_command_gives_the_same_bytes(
        self, analyst, demo, tmp_path
    ):
        page = analyst.get(reverse("negotiations:detail", args=["japan-us-2025"]), {"round": 2})
        target = tmp_path / "by-round.csv"

        call_command(
            "export_csv", "gap-by-round", negotiation="japan-us-2025", round="2", output=str(target)
        )
        _, body = download(analyst, self.URL, {"round": 2})

        assert 'href="/negotiations/japan-us-2025/gap-by-round.csv?round=2&amp;sort=gap"' in (
            page.content.decode()
        )
        assert target.read_bytes() == body

    def test_a_malformed_filter_is_refused_with_a_reason(self, analyst, demo):
        response = analyst.get(self.URL, {"round": "abc"})

        assert response.status_code == 400
        assert "As of round: “abc” is not valid." in response.content.decode()


class TestEveryTable:
    @pytest.mark.parametrize(
        ("url", "params", "filename", "first_columns"),
        [
            (
                reverse("negotiations:home_csv"),
                {"party": "GBR"},
                "negotiations-GBR.csv",
                "negotiation,title",
            ),
            (
                reverse("negotiations:history_csv", args=["japan-us-2025", "autos"]),
                {"round": 2},
                "japan-us-2025-autos-history-round-2.csv",
                "negotiation,round,round_date",
            ),
            (
                reverse("negotiations:round_csv", args=["japan-us-2025", 2]),
                {},
                "japan-us-2025-round-2.csv",
                "negotiation,round,round_date",
            ),
            (
                reverse("negotiations:positions_csv", args=["japan-us-2025"]),
                {},
                "japan-us-2025-positions.csv",
                "negotiation,round,round_date",
            ),
            (
                reverse("negotiations:compare_csv"),
                {"importer": "USA"},
                "compare-USA.csv",
                "importer,issue",
            ),
            (
                reverse("negotiations:tariff_lines_csv"),
                {"q": "87", "partner": "JPN", "date": "2025-05-01"},
                "tariff-lines-JPN-2025-05-01.csv",
                "importer,hs_code",
            ),
        ],
    )
    def test_each_download_streams_a_named_file_with_a_header(
        self, analyst, demo, url, params, filename, first_columns
    ):
        response, body = download(analyst, url, params)

        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert body.decode().startswith(first_columns)
        assert len(rows_of(body)) >= 1

    def test_every_page_links_to_its_download_with_its_filters(self, analyst, demo):
        pages = {
            reverse("negotiations:home") + "?party=JPN": "/negotiations.csv?party=JPN",
            reverse("negotiations:detail", args=["japan-us-2025"]) + "?round=2": (
                "/negotiations/japan-us-2025/gap.csv?round=2&amp;sort=gap"
            ),
            reverse("negotiations:issue_history", args=["japan-us-2025", "autos"]) + "?round=2": (
                "/negotiations/japan-us-2025/issues/autos/history.csv?round=2"
            ),
            reverse("negotiations:round", args=["japan-us-2025", 2]): (
                "/negotiations/japan-us-2025/rounds/2/positions.csv"
            ),
            reverse("negotiations:compare"): "/compare.csv?importer=USA",
            reverse("negotiations:tariff_lines") + "?q=87": "/tariff-lines.csv?q=87",
        }
        for page, link in pages.items():
            body = analyst.get(page).content.decode()
            assert f'href="{link}"' in body, page
            assert "bom=1" in body, page

    def test_the_tariff_lines_download_has_every_page_of_results(self, analyst, demo):
        _, body = download(
            analyst,
            reverse("negotiations:tariff_lines_csv"),
            {"partner": "JPN", "date": "2025-05-01"},
        )

        cars = next(row for row in rows_of(body) if row["hs_code"] == "8703")
        assert cars["applied_rate_pct"] == "27.5"
        assert cars["measures"] == "Section 232 autos"
        assert len(rows_of(body)) == 7  # all demo lines, not one page

    def test_the_compare_download_has_one_row_per_issue_and_negotiation(self, analyst, demo):
        _, body = download(analyst, reverse("negotiations:compare_csv"), {"importer": "USA"})

        autos = {row["negotiation"]: row for row in rows_of(body) if row["issue"] == "autos"}
        assert {slug: row["agreed_rate_pct"] for slug, row in autos.items()} == {
            "japan-us-2025": "15",
            "uk-us-2025": "10",
            "eu-us-2025": "15",
        }


class TestFormat:
    def test_for_excel_the_file_starts_with_a_byte_order_mark(self, analyst, demo):
        _, plain = download(analyst, reverse("negotiations:home_csv"))
        _, excel = download(analyst, reverse("negotiations:home_csv"), {"bom": "1"})

        assert not plain.startswith(BOM)
        assert excel == BOM + plain

    def test_japanese_names_and_dates_come_out_as_utf8_and_iso(self, analyst, demo):
        _, body = download(analyst, reverse("negotiations:positions_csv", args=["eu-us-2025"]))

        rows = rows_of(body)
        assert "Maroš Šefčovič" in {row["speaker"] for row in rows}
        assert all(len(row["round_date"]) == 10 and row["round_date"][4] == "-" for row in rows)

    @pytest.mark.parametrize("danger", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
    def test_a_text_cell_that_would_run_as_a_formula_is_neutralized(self, analyst, db, danger):
        negotiation = factories.NegotiationFactory(slug="risky")
        speaker = factories.OfficialFactory(name=f"{danger} name", country=factories.country("JPN"))
        factories.StatedPositionFactory(
            round=factories.TalkRoundFactory(negotiation=negotiation, number=1),
            party=factories.country("JPN"),
            speaker=speaker,
            statement=f"{danger} said",
            target_rate_pct=Decimal("2.5"),
        )

        _, body = download(analyst, reverse("negotiations:positions_csv", args=["risky"]))

        row = rows_of(body)[0]
        assert row["statement"] == f"'{danger} said"
        assert row["speaker"] == f"'{danger} name"
        assert row["target_rate_pct"] == "2.5"

    def test_numbers_stay_numbers_and_neutralizing_round_trips(self):
        assert format_cell(Decimal("-5"), numeric=True) == "-5"
        assert format_cell(Decimal("25.000"), numeric=True) == "25"
        assert format_cell("-5") == "'-5"
        for text in ("=1+1", "'=1+1", "plain", "'quoted", "-"):
            assert unneutralize(neutralize(text)) == text


class TestPositionsExport:
    def test_the_positions_export_is_in_the_import_format(self, analyst, demo):
        _, body = download(analyst, reverse("negotiations:all_positions_csv"))

        assert tuple(body.decode().splitlines()[0].split(",")) == POSITIONS.names
        assert len(rows_of(body)) == StatedPosition.objects.count()

    def test_the_same_data_always_gives_the_same_bytes(self, demo, tmp_path):
        first, second = tmp_path / "1.csv", tmp_path / "2.csv"

        call_command("export_csv", "positions", output=str(first))
        # Re-saving rows in another order changes their ids' order, not the file.
        for source in Source.objects.order_by("-pk"):
            source.save()
        call_command("export_csv", "positions", output=str(second))

        assert first.read_bytes() == second.read_bytes()

    def test_the_command_writes_what_the_download_gives(self, analyst, demo, tmp_path):
        target = tmp_path / "gap.csv"

        call_command(
            "export_csv",
            "gap",
            negotiation="japan-us-2025",
            round="2",
            bom=True,
            output=str(target),
        )
        _, body = download(
            analyst, reverse("negotiations:gap_csv", args=["japan-us-2025"]), {"round": 2, "bom": 1}
        )

        assert target.read_bytes() == body

    @pytest.mark.parametrize(
        ("args", "options", "message"),
        [
            (["gap"], {}, "export_csv gap needs --negotiation."),
            (["gap"], {"negotiation": "atlantis"}, "There is no negotiation “atlantis”."),
            (["round"], {"negotiation": "japan-us-2025", "round": "x"}, "--round must be a round"),
            (["tariff-lines"], {"date": "2025-13-40"}, "As of: “2025-13-40” is not valid."),
        ],
    )
    def test_the_command_refuses_bad_options_in_words(self, demo, args, options, message):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match=message):
            call_command("export_csv", *args, **options)

    def test_an_export_costs_the_same_queries_whatever_its_size(self, analyst, db):
        negotiation = factories.NegotiationFactory(slug="sized")
        round_ = factories.TalkRoundFactory(negotiation=negotiation, number=1)
        url = reverse("negotiations:positions_csv", args=["sized"])

        def queries():
            with CaptureQueriesContext(connection) as captured:
                download(analyst, url)
            return len(captured)

        factories.StatedPositionFactory(round=round_, stance=Stance.OFFER)
        few = queries()
        for _ in range(30):
            factories.StatedPositionFactory(round=round_, stance=Stance.OFFER)

        assert queries() == few


@pytest.mark.slow
def test_a_large_export_streams_with_bounded_memory(analyst, db):
    """100,000 positions: the response is streamed, and the test process's peak memory
    while reading it stays a small fraction of the file's size."""
    factories.many_positions(
        "large",
        100_000,
        lambda n: f"Statement number {n:06d}, long enough to weigh like a real one.",
    )

    response = analyst.get(reverse("negotiations:positions_csv", args=["large"]))
    assert isinstance(response, StreamingHttpResponse)
    size = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert size > 10_000_000
    assert peak < 12_000_000, f"peak {peak:,} bytes for a {size:,}-byte file"
