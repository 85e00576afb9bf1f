"""The CSV export of the tariff-line search: the lines it selects, with the applied rate
for the chosen partner on the chosen date and the measures that make it."""

from collections.abc import Iterator
from datetime import date

from tariffs.csvkit import Column
from tariffs.models import Country, TariffLine
from tariffs.rates import AppliedRate, iter_applied_rates

LINES = (
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


def line_rows(lines, partner: Country | None, on: date) -> Iterator[tuple[TariffLine, AppliedRate]]:
    """Each selected line with its applied rate, the lines read a chunk at a time."""
    return iter_applied_rates(lines, partner, on)
