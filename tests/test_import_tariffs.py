"""The tariff lines and tariff measures imports: natural keys, relations, all or nothing."""

import datetime
from decimal import Decimal

import pytest

from csvport.importer import plan_file
from csvport.plans import CREATED, UNCHANGED, UPDATED, ImportRefused
from csvport.reading import ADMIN_MAX_BYTES
from tariffs.importers import TariffLineImporter, TariffMeasureImporter, TradeValueImporter
from tariffs.models import TariffLine, TariffMeasure, TradeValue
from tests.csv_samples import tariff_lines_csv, tariff_measures_csv, trade_values_csv
from tests.factories import TariffLineFactory, TariffMeasureFactory, country

pytestmark = pytest.mark.django_db


def counts():
    through = (
        TariffMeasure.lines.through.objects.count()
        + TariffMeasure.displaces.through.objects.count()
    )
    return (TariffLine.objects.count(), TariffMeasure.objects.count(), through)


def lines_plan(rows):
    return plan_file(TariffLineImporter, tariff_lines_csv(rows), max_bytes=ADMIN_MAX_BYTES)


def measures_plan(rows):
    return plan_file(TariffMeasureImporter, tariff_measures_csv(rows), max_bytes=ADMIN_MAX_BYTES)


def line(**cells):
    return {
        "importer": "USA",
        "hs_code": "8703.23",
        "description": "Passenger cars, 1,500–3,000 cc",
        "base_rate_pct": "2.5",
        **cells,
    }


def measure(**cells):
    return {
        "importer": "USA",
        "name": "Section 232 autos",
        "legal_basis": "Proclamation 10908",
        "kind": "additional",
        "rate_pct": "25",
        "covers_all_lines": "no",
        "lines": "8703",
        "partners": "",
        "displaces": "",
        "announced_on": "2025-03-26",
        "in_force_from": "2025-04-03",
        "in_force_until": "",
        "source_url": "https://www.whitehouse.gov/presidential-actions/",
        "confidence": "confirmed",
        "note": "",
        **cells,
    }


class TestTariffLines:
    def test_lines_are_created_with_their_hs_code_normalized(self):
        preview = lines_plan([line(), line(hs_code="8708", base_rate_pct="")])
        assert preview.counts == {CREATED: 2, UPDATED: 0, UNCHANGED: 0}
        preview.apply()
        cars = TariffLine.objects.get(importer__code="USA", hs_code="870323")
        assert (cars.description, cars.base_rate_pct) == (
            "Passenger cars, 1,500–3,000 cc",
            Decimal("2.5"),
        )
        # An empty base rate is a specific duty.
        assert TariffLine.objects.get(hs_code="8708").base_rate_pct is None

    def test_importing_the_same_lines_twice_changes_nothing(self):
        lines_plan([line()]).apply()
        again = lines_plan([line(hs_code="870323", base_rate_pct="2.500")])
        assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 1}

    def test_a_changed_description_or_rate_is_an_update(self):
        TariffLineFactory(hs_code="870323", description="Cars", base_rate_pct=Decimal("2.5"))
        preview = lines_plan([line(base_rate_pct="0")])
        assert [(row.outcome, row.changed) for row in preview.rows] == [
            (UPDATED, ("description", "base_rate_pct"))
        ]
        preview.apply()
        assert TariffLine.objects.get(hs_code="870323").base_rate_pct == Decimal("0")

    @pytest.mark.parametrize(
        ("cells", "expected"),
        [
            ({"importer": "USX"}, "line 2, column importer: “USX” is not a country"),
            ({"hs_code": "8"}, "line 2, column hs_code: “8” is not an HS code"),
            ({"hs_code": "87a3"}, "line 2, column hs_code: “87a3” is not an HS code"),
            ({"description": ""}, "line 2, column description: description is empty"),
            ({"base_rate_pct": "free"}, "line 2, column base_rate_pct: “free” is not a rate"),
        ],
    )
    def test_a_bad_line_is_refused_and_nothing_is_written(self, cells, expected):
        before = counts()
        preview = lines_plan([line(hs_code="8708"), line(**cells)])
        assert str(preview.problems[0]).startswith(expected.replace("line 2", "line 3"))
        with pytest.raises(ImportRefused):
            preview.apply()
        assert counts() == before

    def test_the_same_line_written_two_ways_is_a_duplicate(self):
        preview = lines_plan([line(hs_code="8703.23"), line(hs_code="870323")])
        assert [str(problem) for problem in preview.problems] == [
            "line 3: the same tariff line as line 2; remove one of the two lines."
        ]


class TestTariffMeasures:
    @pytest.fixture
    def us_lines(self):
        return [
            TariffLineFactory(hs_code="8703"),
            TariffLineFactory(hs_code="72", description="Iron and steel"),
        ]

    def test_a_measure_is_created_with_its_lines_partners_and_displaced_measures(self, us_lines):
        rows = [
            measure(partners="JPN GBR", displaces="Reciprocal | Baseline"),
            measure(name="Reciprocal", lines="", covers_all_lines="yes", rate_pct="24"),
            measure(name="Baseline", lines="", covers_all_lines="yes", rate_pct="10"),
        ]
        preview = measures_plan(rows)
        assert preview.problems == []
        assert preview.counts == {CREATED: 3, UPDATED: 0, UNCHANGED: 0}
        preview.apply()
        autos = TariffMeasure.objects.get(name="Section 232 autos")
        assert list(autos.lines.all()) == [us_lines[0]]
        assert {c.code for c in autos.partners.all()} == {"JPN", "GBR"}
        assert {m.name for m in autos.displaces.all()} == {"Reciprocal", "Baseline"}
        assert autos.in_force_from == datetime.date(2025, 4, 3)
        assert autos.rate_pct == Decimal("25")
        assert TariffMeasure.objects.get(name="Reciprocal").covers_all_lines is True

    def test_importing_the_same_measures_twice_changes_nothing(self, us_lines):
        rows = [measure(displaces="Reciprocal"), measure(name="Reciprocal", lines="72 8703")]
        measures_plan(rows).apply()
        before = counts()
        again = measures_plan(rows)
        assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 2}
        again.apply()
        assert counts() == before

    def test_changed_relations_are_an_update(self, us_lines):
        TariffMeasureFactory(
            name="Section 232 autos",
            rate_pct=Decimal("25"),
            legal_basis="Proclamation 10908",
            announced_on=datetime.date(2025, 3, 26),
            in_force_from=datetime.date(2025, 4, 3),
            source_url="https://www.whitehouse.gov/presidential-actions/",
            lines=[us_lines[0]],
        )
        preview = measures_plan([measure(lines="8703 72", partners="JPN")])
        assert [(row.outcome, row.changed) for row in preview.rows] == [
            (UPDATED, ("lines", "partners"))
        ]
        preview.apply()
        autos = TariffMeasure.objects.get(name="Section 232 autos")
        assert {line.hs_code for line in autos.lines.all()} == {"8703", "72"}
        assert [c.code for c in autos.partners.all()] == ["JPN"]

    @pytest.mark.parametrize(
        ("cells", "expected"),
        [
            ({"kind": "extra"}, "column kind: “extra” is not a kind"),
            ({"rate_pct": ""}, "column rate_pct: the rate is empty"),
            ({"rate_pct": "2000"}, "column rate_pct: “2000” is not a rate between 0 and 1000"),
            ({"covers_all_lines": "maybe"}, "column covers_all_lines: “maybe” is not yes or no"),
            ({"covers_all_lines": "yes"}, "column lines: a measure that covers every line"),
            ({"lines": "8703 9999"}, "column lines: USA has no tariff line 9999"),
            ({"partners": "JPN XXX"}, "column partners: “XXX” is not a country"),
            ({"partners": "USA"}, "column partners: USA cannot be a partner of its own measure"),
            ({"displaces": "Section 232 autoz"}, "column displaces: “Section 232 autoz” is not"),
            ({"displaces": "Section 232 autos"}, "column displaces: a measure cannot displace"),
            (
                {"in_force_until": "2025-04-01"},
                "column in_force_until: in_force_until 2025-04-01 is before in_force_from",
            ),
            (
                {"in_force_from": "", "in_force_until": "2025-04-01"},
                "column in_force_until: in_force_until is given but in_force_from is empty",
            ),
            ({"source_url": "ftp://x.org/a"}, "column source_url: “ftp://x.org/a” is not a web"),
            ({"confidence": ""}, "column confidence: confidence is empty"),
            ({"name": ""}, "column name: name is empty"),
        ],
    )
    def test_a_bad_measure_is_refused_and_nothing_is_written(self, us_lines, cells, expected):
        before = counts()
        preview = measures_plan([measure(**cells)])
        assert any(str(p).startswith(f"line 2, {expected}") for p in preview.problems), [
            str(p) for p in preview.problems
        ]
        with pytest.raises(ImportRefused):
            preview.apply()
        assert counts() == before

    def test_a_measure_announced_after_it_took_effect_is_noted_not_refused(self, us_lines):
        # EO 14345 was signed on September 4, 2025 for goods entered from August 7.
        preview = measures_plan([measure(announced_on="2025-05-01")])

        assert preview.problems == []
        assert [str(note) for note in preview.notes] == [
            "line 2, column announced_on: announced_on 2025-05-01 is after in_force_from "
            "2025-04-03: the measure applies retroactively."
        ]
        preview.apply()
        autos = TariffMeasure.objects.get(name="Section 232 autos")
        assert autos.announced_on == datetime.date(2025, 5, 1)

    def test_a_measure_may_displace_an_existing_one(self, us_lines):
        TariffMeasureFactory(name="Reciprocal", importer=country("USA"))
        measures_plan([measure(displaces="Reciprocal")]).apply()
        autos = TariffMeasure.objects.get(name="Section 232 autos")
        assert [m.name for m in autos.displaces.all()] == ["Reciprocal"]


def trade_values_plan(rows):
    return plan_file(TradeValueImporter, trade_values_csv(rows), max_bytes=ADMIN_MAX_BYTES)


def trade_value(**cells):
    """A row of the demo's file: U.S. imports of cars from Japan in 2024."""
    return {
        "importer": "USA",
        "partner": "JPN",
        "hs_code": "8703",
        "year": "2024",
        "value_usd": "39936000000",
        "measure": "U.S. imports of cars ('autos') from Japan, Commerce Department data",
        "source_url": "https://opportimes.com/top-10-auto-exporters-to-the-united-states-in-2024",
        "source_publisher": "Opportimes, citing U.S. Commerce Department data",
        "published_on": "2025-02-10",
        "confidence": "reported",
        "evidence": "Japan: 39,936 (-0.3 percent)",
        "note": "Product scope and basis not stated by the source.",
        **cells,
    }


class TestTradeValues:
    @pytest.fixture(autouse=True)
    def lines(self):
        TariffLineFactory(importer=country("USA"), hs_code="8703")
        TariffLineFactory(importer=country("JPN"), hs_code="1006", base_rate_pct=None)

    def test_a_lines_value_and_an_all_goods_total_are_imported_with_their_provenance(self):
        all_goods = trade_value(hs_code="", value_usd="148,200,000,000", published_on="2025-07")

        preview = trade_values_plan([trade_value(), all_goods])
        preview.apply()

        assert preview.counts == {CREATED: 2, UPDATED: 0, UNCHANGED: 0}
        cars = TradeValue.objects.get(line__hs_code="8703")
        assert (cars.importer.code, cars.partner.code, cars.year) == ("USA", "JPN", 2024)
        assert cars.value_usd == Decimal("39936000000")
        assert (cars.confidence, cars.published_on) == ("reported", "2025-02-10")
        assert cars.source_publisher.startswith("Opportimes")
        assert cars.evidence == "Japan: 39,936 (-0.3 percent)"
        total = TradeValue.objects.get(line=None)
        assert (total.importer.code, total.value_usd, total.published_on) == (
            "USA",
            Decimal("148200000000"),
            "2025-07",  # a month where the source shows no day
        )

    def test_importing_the_same_file_twice_changes_nothing_and_a_new_figure_updates(self):
        trade_values_plan([trade_value()]).apply()

        again = trade_values_plan([trade_value()])
        revised = trade_values_plan([trade_value(value_usd="39933000000")])

        assert again.counts == {CREATED: 0, UPDATED: 0, UNCHANGED: 1}
        assert revised.counts == {CREATED: 0, UPDATED: 1, UNCHANGED: 0}
        assert revised.rows[0].changed == ("value_usd",)

    @pytest.mark.parametrize(
        ("cells", "column", "message"),
        [
            ({"hs_code": "8708"}, "hs_code", "USA has no tariff line 8708: import the line first"),
            ({"partner": "USA"}, "partner", "a country does not import from itself"),
            ({"partner": "XXX"}, "partner", "“XXX” is not a country"),
            ({"value_usd": "3.99E+10"}, "value_usd", "scientific notation"),
            ({"value_usd": "39936.5"}, "value_usd", "not an amount in whole dollars"),
            ({"year": "24"}, "year", "“24” is not a year"),
            ({"published_on": "2025-13"}, "published_on", "“2025-13” is not a date"),
            ({"source_url": ""}, "source_url", "source_url is empty"),
            ({"confidence": "sure"}, "confidence", "“sure” is not a confidence"),
        ],
    )
    def test_a_bad_cell_is_refused_with_its_line_column_and_reason(self, cells, column, message):
        preview = trade_values_plan([trade_value(), trade_value(**{"hs_code": "", **cells})])

        assert preview.refused
        assert [(p.line, p.column) for p in preview.problems] == [(3, column)]
        assert message in preview.problems[0].message
        with pytest.raises(ImportRefused):
            preview.apply()
        assert not TradeValue.objects.exists()

    def test_the_same_figure_twice_in_a_file_is_an_error(self):
        preview = trade_values_plan([trade_value(), trade_value(value_usd="1")])

        assert [(p.line, p.message) for p in preview.problems] == [
            (3, "the same trade value as line 2; remove one of the two lines.")
        ]
