"""One fetch per object kind, answering 404 in words."""

import re

from django.http import Http404

from tariffs.hs import dotted_hs_code, normalize_hs_code
from tariffs.models import Country, HSCode, TariffLine

# Checked before querying: a URL can carry anything, and PostgreSQL refuses a NUL byte
# in a text parameter with an error, not an empty result.
_COUNTRY_CODE = re.compile(r"[A-Za-z]{3}")
_HS_CODE = re.compile(r"[0-9]{2,10}")
_NOMENCLATURE_CODE = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}")


def get_country(code: str) -> Country:
    try:
        if not _COUNTRY_CODE.fullmatch(code):
            raise Country.DoesNotExist
        return Country.objects.get(code=code.upper())
    except Country.DoesNotExist:
        raise Http404(f"There is no country with the code “{code}”.") from None


def get_line(importer: Country, hs_code: str) -> TariffLine:
    normalized = normalize_hs_code(hs_code)
    try:
        if not _HS_CODE.fullmatch(normalized):
            raise TariffLine.DoesNotExist
        return TariffLine.objects.select_related("importer").get(
            importer=importer, hs_code=normalized
        )
    except TariffLine.DoesNotExist:
        raise Http404(f"{importer.name} has no tariff line with HS code “{hs_code}”.") from None


def get_hs_code(code: str) -> HSCode:
    """A chapter, heading or subheading of the nomenclature, by its code in normal form
    (the caller redirects a dotted one), with the codes above it for the breadcrumb."""
    if not _NOMENCLATURE_CODE.fullmatch(code):
        if _HS_CODE.fullmatch(code) and len(code) > 6:
            raise Http404(
                f"“{code}” is longer than the HS nomenclature goes: it names chapters (2 "
                "digits), headings (4) and subheadings (6); longer codes are each importer's "
                "own tariff lines."
            )
        shown = code if code.isprintable() else repr(code)
        raise Http404(
            f"“{shown[:40]}” is not an HS code: write 2, 4 or 6 digits, with or without dots "
            "(87, 87.03, 8703.23)."
        )
    try:
        return HSCode.objects.select_related("parent__parent").get(code=code)
    except HSCode.DoesNotExist:
        raise Http404(
            f"The HS nomenclature (edition 2022) has no code {dotted_hs_code(code)}."
        ) from None
