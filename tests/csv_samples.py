"""CSV files for the import tests, written the way Excel or a script would write them."""

import csv
import io
import zipfile

from csvport.formulas import neutralize
from negotiations.csv_formats import POSITIONS
from tariffs.csv_formats import TARIFF_LINES, TARIFF_MEASURES, TRADE_VALUES

# A valid row of the demo's Japan–U.S. talks, to be varied by the tests: the format's
# documented example, with a statement and a source of its own.
POSITION = {
    **POSITIONS.examples(),
    "statement": "Japan asked for a review of all additional tariffs.",
    "source_url": "https://news.example.org/round-2",
    "source_title": "Round 2 in Washington",
    "source_publisher": "Example News",
    "published_on": "2025-05-02",
    "version": "",  # a new position; an export gives each row's version
}


def csv_bytes(columns, rows, *, bom=False, encoding="utf-8", line_end="\r\n") -> bytes:
    """`rows` (dicts) under a header of `columns`, text cells neutralized as an export is."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralize(str(row.get(column, ""))) for column in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def positions_csv(rows, **kwargs) -> bytes:
    return csv_bytes(POSITIONS.names, rows, **kwargs)


def tariff_lines_csv(rows, **kwargs) -> bytes:
    return csv_bytes(TARIFF_LINES.required, rows, **kwargs)


def tariff_measures_csv(rows, **kwargs) -> bytes:
    return csv_bytes(TARIFF_MEASURES.required, rows, **kwargs)


def trade_values_csv(rows, **kwargs) -> bytes:
    return csv_bytes(TRADE_VALUES.names, rows, **kwargs)


def xlsx_bytes() -> bytes:
    """The skeleton of an .xlsx workbook: a zip holding the parts Excel writes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def position(**cells) -> dict:
    return {**POSITION, **cells}


def generated_positions(count: int, *, new_rounds: int = 0, issues: int = 20) -> list[dict]:
    """`count` distinct positions on the demo's Japan–U.S. talks: its ten rounds (plus
    `new_rounds` more, created by the file), `issues` issues (the demo's and new ones),
    both parties with a speaker each, a thousand sources."""
    speakers = {"JPN": "Ryosei Akazawa", "USA": "Scott Bessent"}
    rows = []
    for i in range(count):
        number = 1 + i % (10 + new_rounds)
        party = "JPN" if i % 2 else "USA"
        rows.append(
            position(
                round=str(number),
                round_date="" if number <= 10 else f"2025-{1 + number % 12:02d}-15",
                party=party,
                speaker=speakers[party] if i % 3 else "",
                issue=f"generated-issue-{i % issues}",
                stance=("eliminate", "reduce", "refuse", "offer")[i % 4],
                target_rate_pct=str(i % 50) if i % 5 else "",
                statement=f"Generated statement number {i} on the tariffs.",
                source_url=f"https://news.example.org/story-{i % 1000}",
                source_title=f"Story {i % 1000}",
                published_on="",
            )
        )
    return rows
