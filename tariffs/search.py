"""Finding tariff lines by HS code or by the words of their description."""

from django.db.models import Q, QuerySet

from tariffs.hs import normalize_hs_code
from tariffs.models import Country, TariffLine
from tariffs.rates import hs_prefixes


def search_lines(query: str, importer: Country | None = None) -> QuerySet:
    """Lines matching every word of `query`, with their importer.

    A word that is an HS code (87.03, 870323) matches the lines under it and the broader
    lines that cover it (heading 8703 covers 870323); any other word must appear in the
    description, in any case. Plain `icontains` on every database: it matches parts of
    words as they are typed ("alum"), which PostgreSQL full-text search does not, and the
    descriptions are short enough that a scan costs little.
    """
    lines = TariffLine.objects.select_related("importer")
    if importer is not None:
        lines = lines.filter(importer=importer)
    for word in query.split():
        code = normalize_hs_code(word)
        if code.isdigit():
            lines = lines.filter(Q(hs_code__startswith=code) | Q(hs_code__in=hs_prefixes(code)))
        else:
            lines = lines.filter(description__icontains=word)
    return lines
