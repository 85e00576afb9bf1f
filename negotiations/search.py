"""One search over everything: negotiations, issues, statements, officials, tariff lines and
the codes of the HS nomenclature, each kind a ranked queryset of a query that has a word
(`is_searchable`).

On PostgreSQL, words are matched by full-text search (English stems, accents dropped, the
last word as a prefix while it is being typed) and ranked with ts_rank; officials' names by
trigram word similarity, so that a typo ("Lutnik") or a name without its accents
("Sefcovic") still finds them. Matches are served by indexes (tariffs migration 0013,
negotiations migration 0016) wherever one can serve them: not a name in another script
(`find_officials`), nor a letter or two in tariff lines, which are bounded instead
(`LINES_LISTED`, `STATEMENTS_RANKED`). On other databases (SQLite, `make run`), each word
must be contained in the text, in any case: the plain fallback.

An HS code typed with or without dots (8703, 87.03, 8703.23) finds that code, the codes and
lines under it, the codes and lines above it, and the issues about those lines
(tariffs/search.py: the same code as the tariff-line search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import Replace

from negotiations.models import Issue, Negotiation, Official, StatedPosition
from tariffs.hs import under_or_covering
from tariffs.models import HSCode
from tariffs.search import (
    Document,
    Unaccented,
    hs_code_of,
    ranked,
    search_hs_codes,
    search_lines,
    text_query,
    uses_full_text,
    words_of,
)

# Japanese names are written with an old or a new form of one character: Akazawa's
# 赤澤 (as he writes it) is 赤沢 in most newspapers. Both sides of a comparison of native
# names are folded to the new form. The old forms of names, not a dictionary.
_OLD_FORMS = "澤邊邉齋齊髙﨑濱廣櫻澁瀨驒槇德惠條"
_NEW_FORMS = "沢辺辺斎斉高崎浜広桜渋瀬騨槙徳恵条"
_TO_NEW_FORM = str.maketrans(_OLD_FORMS, _NEW_FORMS)


def fold_variants(text: str) -> str:
    return text.translate(_TO_NEW_FORM)


def _folded(column: str):
    """`column` with the old forms replaced by the new, in the database (the officials'
    table is small: the few hundred names are read whole)."""
    expression = F(column)
    for old, new in zip(_OLD_FORMS, _NEW_FORMS, strict=True):
        expression = Replace(expression, Value(old), Value(new))
    return expression


def _every_word(queryset: QuerySet, query: str, *columns: str) -> QuerySet:
    """The fallback: rows holding each word of `query` in one of `columns`, any case."""
    for word in words_of(query):
        match = Q()
        for column in columns:
            match |= Q(**{f"{column}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


def find_negotiations(query: str) -> QuerySet:
    negotiations = Negotiation.objects.with_parties()
    if uses_full_text():
        return ranked(negotiations, "title", "summary", query=text_query(query)).order_by(
            F("rank").desc(), "title"
        )
    return _every_word(negotiations, query, "title", "summary").order_by("title")


def find_issues(query: str) -> QuerySet:
    """Issues by their name and sector; for an HS code, the issues tied to a code under
    or above it, or about a tariff line under or above it (8703 finds "Passenger cars")."""
    issues = Issue.objects.select_related("negotiation")
    code = hs_code_of(query)
    if code is not None:
        links = Issue.tariff_lines.through.objects.filter(issue=OuterRef("pk")).filter(
            under_or_covering(code, "tariffline__hs_code")
        )
        return issues.filter(Q(Exists(links)) | under_or_covering(code, "hs_code__code")).order_by(
            "negotiation__title", "name"
        )
    if uses_full_text():
        return ranked(issues, "name", "sector", query=text_query(query)).order_by(
            F("rank").desc(), "negotiation__title", "name"
        )
    return _every_word(issues, query, "name", "sector").order_by("negotiation__title", "name")


# Statements ranked at most: a word in most of a million statements ("said") would have
# PostgreSQL compute the rank of each (seconds); these many, taken as the index finds
# them, are ranked in tens of milliseconds (70 ms), and counted as "2000 or more".
STATEMENTS_RANKED = 2000


def find_statements(query: str) -> QuerySet:
    """Stated positions by the words of their statement, best ranked first, then newest
    (the fallback: newest first), with their party, round, issue and speaker. On
    PostgreSQL, among the first `STATEMENTS_RANKED` matches."""
    statements = StatedPosition.objects.select_related(
        "round__negotiation", "party", "speaker", "issue"
    )
    if uses_full_text():
        terms = text_query(query)
        # Unordered: the model's ordering would sort every match before the limit.
        matches = (
            StatedPosition.objects.alias(document=Document("statement"))
            .filter(document=terms)
            .order_by()
        )
        return (
            statements.filter(pk__in=matches.values("pk")[:STATEMENTS_RANKED])
            .annotate(rank=SearchRank(Document("statement"), terms))
            .order_by(F("rank").desc(), "-stated_on", "-pk")
        )
    return _every_word(statements, query, "statement").order_by("-stated_on", "-pk")


def find_officials(query: str) -> QuerySet:
    """Officials by name, closest first (PostgreSQL: trigram word similarity, accents
    dropped, so "Lutnik" and "Sefcovic" find them); a query in another script than the
    Latin one, by the name in their own script (赤沢 finds 赤澤亮正: no index serves a
    part of a two-character name, and there is one official a country's few dozen)."""
    officials = Official.objects.select_related("country")
    typed = query.strip()
    if _in_another_script(typed):
        return (
            officials.alias(native=_folded("native_name"))
            .filter(native__contains=fold_variants(typed))
            .order_by("name")
        )
    if uses_full_text():
        spelled = Unaccented(Value(typed))
        return (
            officials.alias(plain_name=Unaccented("name"))
            .filter(plain_name__trigram_word_similar=spelled)
            .annotate(similarity=TrigramWordSimilarity(spelled, Unaccented("name")))
            .order_by(F("similarity").desc(), "name")
        )
    return _every_word(officials, query, "name").order_by("name")


def _in_another_script(text: str) -> bool:
    """Whether `text` has a letter beyond the Latin alphabets (Latin Extended ends at
    U+024F): 赤沢, 林芳正, Ким."""
    return any(char.isalpha() and ord(char) > 0x24F for char in text)


# Lines listed at most: a letter or two typed ("s") is in most of 200,000 descriptions,
# which no trigram index serves; the first these many found are sorted and counted.
LINES_LISTED = 2000


def find_tariff_lines(query: str) -> QuerySet:
    """The tariff-line search's lines (tariffs/search.py), every importer's; on PostgreSQL
    the first `LINES_LISTED` found (the tariff-lines page lists them all)."""
    lines = search_lines(query)
    if uses_full_text():
        return lines.filter(pk__in=lines.order_by().values("pk")[:LINES_LISTED])
    return lines


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    noun: str  # "All 8 statements"
    find: Callable[[str], QuerySet]
    at_most: int | None = None  # matches counted and ranked at most (PostgreSQL)


KINDS = {
    kind.key: kind
    for kind in (
        Kind("negotiations", "Negotiations", "negotiations", find_negotiations),
        Kind("issues", "Issues", "issues", find_issues),
        Kind("officials", "Officials", "officials", find_officials),
        Kind("statements", "Statements", "statements", find_statements, STATEMENTS_RANKED),
        Kind("lines", "Tariff lines", "tariff lines", find_tariff_lines, LINES_LISTED),
        Kind("hs", "HS nomenclature", "HS codes", search_hs_codes),
    )
}
# What an analyst typing a code wants first: the lines and the nomenclature.
_CODE_ORDER = ["lines", "hs", "issues", "negotiations", "statements", "officials"]


def kinds_for(query: str) -> list[Kind]:
    """The kinds in the order their groups are shown: the few named things first
    (negotiations, issues, people), then the many (statements, lines, codes); for an HS
    code, lines and codes first."""
    if hs_code_of(query) is not None:
        return [KINDS[key] for key in _CODE_ORDER]
    return list(KINDS.values())


def is_searchable(query: str) -> bool:
    """Whether `query` has a word to look for (punctuation alone has none)."""
    return bool(words_of(query))


@dataclass
class Group:
    kind: Kind
    items: list
    count: int

    @property
    def more_than_counted(self) -> bool:
        """Whether the count stopped at the kind's bound ("5000+")."""
        return uses_full_text() and self.count == self.kind.at_most


def first_of_each(query: str, per_kind: int) -> list[Group]:
    """The first `per_kind` results of each kind that has any, with their count: one
    query per kind (the count is a window over the matches)."""
    groups = []
    for kind in kinds_for(query):
        rows = list(kind.find(query).annotate(total=Window(Count("*")))[:per_kind])
        if rows:
            groups.append(Group(kind, rows, rows[0].total))
    return groups


def attach_headings(lines: list) -> None:
    """Sets `headings` on each of `lines` (tariff lines): the chapter and heading of the
    nomenclature its code falls under, those that exist, broadest first. One query for all:
    what a result prints beside a national line."""
    prefixes = {line.pk: dict.fromkeys(line.hs_code[:n] for n in (2, 4)) for line in lines}
    codes = {code for of_line in prefixes.values() for code in of_line}
    found = HSCode.objects.in_bulk(codes) if codes else {}
    for line in lines:
        line.headings = [found[code] for code in prefixes[line.pk] if code in found]
