"""CSV files for the import tests, written the way Excel or a script would write them."""

import csv
import io

from tariffs.csvkit import POSITION_COLUMNS, neutralize
from tariffs.importers import TARIFF_LINE_COLUMNS, TARIFF_MEASURE_COLUMNS

# A valid row of the demo's Japan–U.S. talks, to be varied by the tests.
POSITION = {
    "negotiation": "japan-us-2025",
    "round": "2",
    "round_date": "2025-05-01",
    "party": "JPN",
    "speaker": "Ryosei Akazawa",
    "issue": "autos",
    "stance": "eliminate",
    "target_rate_pct": "2.5",
    "statement": "Japan asked for a review of all additional tariffs.",
    "source_url": "https://news.example.org/round-2",
    "source_title": "Round 2 in Washington",
    "source_publisher": "Example News",
    "published_on": "2025-05-02",
    "confidence": "reported",
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
    return csv_bytes(POSITION_COLUMNS, rows, **kwargs)


def tariff_lines_csv(rows, **kwargs) -> bytes:
    return csv_bytes(TARIFF_LINE_COLUMNS, rows, **kwargs)


def tariff_measures_csv(rows, **kwargs) -> bytes:
    return csv_bytes(TARIFF_MEASURE_COLUMNS, rows, **kwargs)


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
