"""The CSV export of the tariff-line search: the lines it selects, with the applied rate
for the chosen partner on the chosen date and the measures that make it."""

from collections.abc import Iterator
from datetime import date

from tariffs.csvkit import Column
from tariffs.models import Country, TariffLine
from tariffs.rates import AppliedRate, compose_rate, for_partner, measures_by_importer

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
    """Each selected line with its applied rate, read a chunk at a time: the measures
    are fetched once for every importer, the lines through a server-side cursor."""
    importer_ids = set(lines.values_list("importer", flat=True).distinct())
    in_force = {
        importer: for_partner(measures, partner)
        for importer, measures in measures_by_importer(importer_ids, [partner], on).items()
    }
    for line in lines.iterator(chunk_size=2000):
        rate = compose_rate(
            hs_code=line.hs_code,
            base_pct=line.base_rate_pct,
            partner=partner,
            on=on,
            measures=in_force.get(line.importer_id, ()),
        )
        yield line, rate
