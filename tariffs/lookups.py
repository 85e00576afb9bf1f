"""One fetch per object kind, answering 404 in words."""

import re

from django.http import Http404

from tariffs.hs import normalize_hs_code
from tariffs.models import Country, TariffLine

# Checked before querying: a URL can carry anything, and PostgreSQL refuses a NUL byte
# in a text parameter with an error, not an empty result.
_COUNTRY_CODE = re.compile(r"[A-Za-z]{3}")
_HS_CODE = re.compile(r"[0-9]{2,10}")


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
