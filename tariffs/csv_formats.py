"""The tariffs app's CSV formats, each declared once: the tariff lines, tariff measures
and trade values editors import, and the tariff-line search analysts download. The
README's tables are these declarations (a test compares them)."""

import re
from datetime import date

from django.core.exceptions import ValidationError

from csvport.columns import choice_column, date_column, text_column
from csvport.formats import Column, CsvFormat
from csvport.parsers import (
    CellError,
    choice,
    codes,
    names,
    not_empty,
    rate,
    text,
    url,
    urls,
    yes_no,
)
from tariffs.hs import normalize_hs_code, validate_hs_code
from tariffs.models import (
    MAX_RATE,
    Confidence,
    MeasureKind,
    TariffLine,
    TariffMeasure,
    TradeValue,
)

# --- cells ----------------------------------------------------------------------------------

RATE = rate(maximum=MAX_RATE)
DISPLACES_SEPARATOR = "|"


def optional_country_code(cell: str, column: str) -> str:
    return cell.upper()


country_code = not_empty(optional_country_code, "write an ISO 3166-1 alpha-3 code.")


def _hs_code(cell: str, column: str) -> str:
    code = normalize_hs_code(cell)
    try:
        validate_hs_code(code)
    except ValidationError:
        raise CellError(
            f"“{cell}” is not an HS code: 2 to 10 digits, dots allowed (8703 or 8703.23)."
        ) from None
    return code


hs_code = not_empty(_hs_code, "write 2 to 10 digits, such as 8703.23.")


def optional_hs_code(cell: str, column: str) -> str:
    return _hs_code(cell, column) if cell else ""


NOMENCLATURE_CODE_RE = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}")


def nomenclature_code(cell: str, column: str) -> str:
    """A chapter, heading or subheading of the HS nomenclature, dots allowed; may be
    empty. Whether it exists is the importer's lookup."""
    code = normalize_hs_code(cell)
    if code and not NOMENCLATURE_CODE_RE.fullmatch(code):
        raise CellError(
            f"“{cell}” is not a code of the HS nomenclature: write a chapter (87), a heading "
            "(87.03) or a subheading (8703.23), or leave it empty."
        )
    return code


def year(cell: str, column: str) -> int:
    if not cell:
        raise CellError(f"{column} is empty; write the year the figure is for, such as 2024.")
    if not (cell.isascii() and cell.isdigit()) or not 1950 <= int(cell) <= 2100:
        raise CellError(f"“{cell}” is not a year: write four digits between 1950 and 2100.")
    return int(cell)


MAX_USD = 10**18 - 1  # the field's 18 digits


def whole_dollars(cell: str, column: str) -> int:
    """Whole U.S. dollars, digits only (commas grouping thousands are dropped)."""
    if not cell:
        raise CellError(
            f"{column} is empty; write the value in whole dollars, such as 39936000000."
        )
    digits = cell.replace(",", "")
    if not (digits.isascii() and digits.isdigit()):
        hint = (
            " (a spreadsheet wrote it in scientific notation: format the column as a number "
            "with no decimals)"
            if "e" in cell.lower()
            else ""
        )
        raise CellError(
            f"“{cell}” is not an amount in whole dollars: write digits only, such as "
            f"39936000000{hint}."
        )
    if int(digits) > MAX_USD:
        raise CellError(f"“{cell}” is more than 18 digits of dollars; check the figure.")
    return int(digits)


_DAY_OR_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def date_or_month(cell: str, column: str) -> str:
    """An ISO date, or a year and month where the source shows no day: kept as written."""
    if not cell:
        return ""
    match = _DAY_OR_MONTH.match(cell)
    try:
        if match:
            date(int(match[1]), int(match[2]), int(match[3] or 1))
            return cell
    except ValueError:
        pass
    raise CellError(
        f"“{cell}” is not a date: write YYYY-MM-DD, or YYYY-MM where the source shows no day."
    )


def country_column(name: str, *, rule: str, field: str = "", example: str = "USA") -> Column:
    """A country named by its ISO code; the importer finds it."""
    return Column(
        name, field=field or f"{name}__code", parse=country_code, rule=rule, example=example
    )


def confidence_column(example: str = "confirmed") -> Column:
    return choice_column(
        "confidence", Confidence.values, rule="confirmed, reported or inferred", example=example
    )


# A real address (the seed report's), so that an example row copied from an import page
# template or the README imports as it is.
EXAMPLE_URL = "https://japannews.yomiuri.co.jp/politics/politics-government/20250504-252668/"


def url_column(
    name: str, *, field: str, required: bool = False, rule: str = "http or https URL; may be empty"
) -> Column:
    parse = url(max_length=500, required=required)
    return Column(name, field=field, parse=parse, rule=rule, example=EXAMPLE_URL)


# --- a fact's provenance, where the model keeps none -------------------------------------------
# Checked, not stored: the demo's files keep every fact's source and confidence beside it.

FACT_SOURCE_URL = Column(
    "source_url",
    parse=url(max_length=500),
    rule="where the fact comes from: http or https URL; optional, checked, not stored",
    example=EXAMPLE_URL,
    optional=True,
)
FACT_CONFIDENCE = Column(
    "confidence",
    parse=choice(Confidence.values, required=False),
    rule="confirmed, reported or inferred; optional, checked, not stored",
    example="confirmed",
    optional=True,
)
FACT_NOTE = Column("note", parse=text(), rule="text; optional, not stored", optional=True)
ADDITIONAL_SOURCES = Column(
    "additional_sources",
    parse=urls,
    rule="more http or https URLs the fact comes from, separated by spaces; optional, "
    "checked, not stored",
    example=EXAMPLE_URL,
    optional=True,
)
PROVENANCE = (FACT_SOURCE_URL, FACT_CONFIDENCE, FACT_NOTE, ADDITIONAL_SOURCES)

# --- imports ----------------------------------------------------------------------------------

TARIFF_LINE_COLUMNS = (
    country_column("importer", rule="ISO 3166-1 alpha-3 code (EUU for the EU)"),
    Column(
        "hs_code",
        field="hs_code",
        numeric=True,
        parse=hs_code,
        rule="2 to 10 digits; dots, spaces and dashes are dropped (“8703.23” is "
        "“870323”). In Excel, format the column as text, or it drops leading zeros and "
        "trailing ones after a dot",
        example="8703.23",
    ),
    text_column(
        "description",
        max_length=300,
        required="describe the goods of the line.",
        example="Passenger cars, 1,500–3,000 cc",
    ),
    Column(
        "base_rate_pct",
        field="base_rate_pct",
        numeric=True,
        parse=RATE,
        rule="the MFN rate in percent, 0 to 1000; empty for a specific duty (¥341/kg)",
        example="2.5",
    ),
    *PROVENANCE,
)
TARIFF_LINES = CsvFormat(TARIFF_LINE_COLUMNS, model=TariffLine, key=("importer", "hs_code"))

TARIFF_MEASURE_COLUMNS = (
    country_column("importer", rule="ISO 3166-1 alpha-3 code"),
    text_column("name", max_length=200, required="name the measure.", example="Section 232 autos"),
    text_column("legal_basis", max_length=300, example="Proclamation 10908"),
    choice_column(
        "kind",
        MeasureKind.values,
        rule="“additional” (adds points to the base rate) or “total” (sets the all-in rate)",
        example="additional",
    ),
    Column(
        "rate_pct",
        field="rate_pct",
        numeric=True,
        parse=rate(maximum=MAX_RATE, required=True),
        rule="percent, 0 to 1000; required",
        example="25",
    ),
    Column(
        "covers_all_lines",
        field="covers_all_lines",
        parse=yes_no,
        rule="“yes” or “no” (“true”/“false”, “1”/“0”; empty is no); with yes, “lines” stays empty",
        example="no",
    ),
    Column(
        "lines",
        field="lines__hs_code",
        parse=codes,
        rule="HS codes of existing lines of the importer, separated by spaces; import the "
        "lines first",
        example="8703 8708.29",
    ),
    Column(
        "partners",
        field="partners__code",
        parse=codes,
        rule="alpha-3 codes separated by spaces; empty: every partner; never the importer itself",
        example="JPN GBR",
    ),
    Column(
        "displaces",
        field="displaces__name",
        separator=f" {DISPLACES_SEPARATOR} ",
        parse=names(DISPLACES_SEPARATOR),
        rule=f"names of other measures of the importer, separated by "
        f"“ {DISPLACES_SEPARATOR} ”; in the database or in the same file",
        example=f"Reciprocal tariff {DISPLACES_SEPARATOR} Baseline tariff",
    ),
    date_column(
        "announced_on",
        rule="ISO date; may be empty; after “in_force_from” only for a measure that "
        "applies retroactively, which the preview notes",
        example="2025-03-26",
    ),
    date_column(
        "in_force_from",
        rule="ISO date; empty for a threatened rate that never took effect",
        example="2025-04-03",
    ),
    date_column(
        "in_force_until",
        rule="ISO date, the last day in force; may be empty; needs “in_force_from”, not before it",
        example="2025-09-15",
    ),
    url_column("source_url", field="source_url"),
    confidence_column(),
    text_column("note"),
    ADDITIONAL_SOURCES,
)
TARIFF_MEASURES = CsvFormat(TARIFF_MEASURE_COLUMNS, model=TariffMeasure, key=("importer", "name"))

TRADE_VALUE_COLUMNS = (
    country_column("importer", rule="ISO 3166-1 alpha-3 code of the importing country"),
    country_column(
        "partner",
        rule="ISO 3166-1 alpha-3 code of the country the goods come from (EUU for the EU); "
        "not the importer",
        example="JPN",
    ),
    Column(
        "hs_code",
        field="line__hs_code",
        numeric=True,
        parse=optional_hs_code,
        rule="HS code of an existing line of the importer (import the lines first); empty "
        "for the value of all goods",
        example="8703",
    ),
    Column(
        "year",
        field="year",
        numeric=True,
        parse=year,
        rule="the year the figure is for",
        example="2024",
    ),
    Column(
        "value_usd",
        field="value_usd",
        numeric=True,
        parse=whole_dollars,
        rule="the yearly import value in whole U.S. dollars, digits only; never a figure "
        "converted from another currency",
        example="39936000000",
    ),
    text_column(
        "measure",
        max_length=300,
        rule="what the figure counts, as the source says (basis, rounding); may be empty",
        example="U.S. imports of cars from Japan, Commerce Department data as reported",
    ),
    url_column(
        "source_url",
        field="source_url",
        required=True,
        rule="http or https URL of the source; required",
    ),
    text_column(
        "source_publisher",
        max_length=200,
        example="Opportimes, citing U.S. Commerce Department data",
    ),
    Column(
        "published_on",
        field="published_on",
        parse=date_or_month,
        rule="the source's date: YYYY-MM-DD, or YYYY-MM where it shows no day; may be empty",
        example="2025-02-10",
    ),
    confidence_column(example="reported"),
    text_column(
        "evidence",
        rule="the source's own words, shortened; may be empty",
        example="Japan: 39,936 (-0.3 percent)",
    ),
    text_column("note", rule="caveats (scope, basis, cross-checks); may be empty"),
)
TRADE_VALUES = CsvFormat(
    TRADE_VALUE_COLUMNS, model=TradeValue, key=("importer", "partner", "hs_code", "year")
)

# --- exports ---------------------------------------------------------------------------------

# The tariff-line search: rows of (line, applied rate), from `rates.iter_applied_rates`.
TARIFF_LINE_SEARCH_COLUMNS = (
    Column("importer", lambda item: item[0].importer.code),
    Column("hs_code", lambda item: item[0].hs_code, numeric=True),
    Column("description", lambda item: item[0].description),
    Column("base_rate_pct", lambda item: item[0].base_rate_pct, numeric=True),
    Column("partner", lambda item: item[1].partner.code if item[1].partner else ""),
    Column("rates_as_of", lambda item: item[1].on),
    Column("applied_rate_pct", lambda item: item[1].rate_pct, numeric=True),
    Column("measures", lambda item: " | ".join(m.name for m in item[1].measures)),
    Column("displaced", lambda item: " | ".join(m.name for m in item[1].displaced)),
)
TARIFF_LINE_SEARCH = CsvFormat(
    TARIFF_LINE_SEARCH_COLUMNS, name="tariff-line-search", noun="tariff line"
)
