"""Finding tariff lines and HS codes by code or by the words of their description; the
full-text pieces the search over everything (negotiations/search.py) shares."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Length, Upper

from tariffs.hs import HS_CODE_RE, hs_prefixes, normalize_hs_code, under_or_covering
from tariffs.models import Country, HSCode, TariffLine

# Words of a query as full-text search reads them: letters and digits of any script.
_WORD = re.compile(r"[^\W_]+")
# Enough for any real query; bounds the tsquery a pasted paragraph would make.
MAX_WORDS = 8


class Unaccented(Func):
    """`tracker_unaccent(text)`: unaccent() marked immutable (tariffs migration 0013), so
    that an index can hold it. PostgreSQL only."""

    function = "tracker_unaccent"
    arity = 1
    output_field = TextField()


class Document(Func):
    """The words of some text columns as full-text search indexes them: English stems,
    accents dropped. Written exactly as the GIN indexes of tariffs migration 0013 and
    negotiations migration 0016 are, so that the planner uses them. PostgreSQL only."""

    template = "to_tsvector('english'::regconfig, tracker_unaccent(%(expressions)s))"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


def uses_full_text() -> bool:
    """PostgreSQL searches by full text and trigrams; other databases by icontains."""
    return connection.vendor == "postgresql"


def words_of(query: str) -> list[str]:
    return _WORD.findall(query)[:MAX_WORDS]


def text_query(query: str) -> SearchQuery | None:
    """Every word of `query`, the last one as a prefix (what is being typed: "alum" finds
    aluminium), accents dropped; None when it has no word. Built from word characters
    only, so no input can make the tsquery's syntax fail."""
    words = words_of(query)
    if not words:
        return None
    raw = " & ".join([*words[:-1], f"{words[-1]}:*"])
    return SearchQuery(Unaccented(Value(raw)), config="english", search_type="raw")


def ranked(queryset: QuerySet, *columns: str, query: SearchQuery) -> QuerySet:
    """`queryset`'s rows whose `columns` hold every word of `query`, with their `rank`
    (ts_rank). One GIN index serves it: see `Document`."""
    document = Document(*columns)
    return (
        queryset.alias(document=document)
        .filter(document=query)
        .annotate(rank=SearchRank(document, query))
    )


def hs_code_of(query: str) -> str | None:
    """The HS code `query` is, with or without dots ("87.03", "8703.23"), or None."""
    code = normalize_hs_code(query.strip())
    return code if HS_CODE_RE.match(code) else None


def search_hs_codes(query: str) -> QuerySet:
    """Codes of the HS nomenclature. A code typed (8703, 87.03) finds itself first, then
    the codes above it, broadest first, then those under it; words find the descriptions
    that hold them, chapters first, then headings, then subheadings, each best ranked first
    (PostgreSQL), or that contain them (others)."""
    codes = HSCode.objects.all()
    code = hs_code_of(query)
    if code is not None:
        above = hs_prefixes(code[:6])
        return codes.filter(Q(code__in=above) | Q(code__startswith=code)).order_by(
            Case(
                When(code=code, then=Value(0)),
                When(code__in=above, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            "code",
        )
    if uses_full_text():
        terms = text_query(query)
        if terms is None:
            return codes.none()
        # Broadest first (steel: chapter 72, Iron and steel, before its subheadings),
        # then the best ranked.
        return ranked(codes, "description", query=terms).order_by(
            Length("code"), F("rank").desc(), "code"
        )
    words = words_of(query)
    if not words:
        return codes.none()
    for word in words:
        codes = codes.filter(description__icontains=word)
    return codes.order_by(Length("code"), "code")


def search_lines(query: str, importer: Country | None = None) -> QuerySet:
    """Lines matching every word of `query`, with their importer.

    A word that is an HS code (87.03, 870323) matches the lines under it and the broader
    lines that cover it (heading 8703 covers 870323); any other word must appear in the
    description, in any case. Plain `icontains` on every database: it matches parts of
    words as they are typed ("alum"), which PostgreSQL full-text search does not; on
    PostgreSQL a trigram index finds the matches (tariffs migration 0004).

    In the order of the model (importer code, HS code), written as Upper() of the code,
    which is upper case already: ordered by the plain column, PostgreSQL walks the
    countries' index and scans every match once per country (250 ms for "steel" on
    200,000 lines); the expression makes it sort the matches once (35 ms).
    """
    lines = TariffLine.objects.select_related("importer").order_by(
        Upper("importer__code"), "hs_code"
    )
    if importer is not None:
        lines = lines.filter(importer=importer)
    for word in query.split():
        code = normalize_hs_code(word)
        if code.isdigit():
            lines = lines.filter(under_or_covering(code))
        else:
            lines = lines.filter(description__icontains=word)
    return lines
