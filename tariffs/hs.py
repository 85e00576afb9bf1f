"""Harmonized System codes: one normal form, so `8703.23` and `870323` are one line."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q

HS_CODE_RE = re.compile(r"^[0-9]{2,10}$")
# Separators people type between HS digit groups: dots, spaces, dashes.
_SEPARATORS = re.compile(r"[.\s\-]")


def normalize_hs_code(value: str) -> str:
    """Drop the separators; what is left is validated by `validate_hs_code`."""
    return _SEPARATORS.sub("", str(value))


def validate_hs_code(value: str) -> None:
    if not HS_CODE_RE.match(value or ""):
        raise ValidationError(
            "An HS code is 2 to 10 digits, with optional dots (for example 8703 or 8703.23); "
            "%(value)r is not one.",
            code="invalid_hs_code",
            params={"value": value},
        )


def dotted_hs_code(code: str) -> str:
    """A code in normal form as analysts write it: 87, 87.03, 8703.23, 8703.23.10."""
    if len(code) <= 2 or not code.isdigit():
        return code
    if len(code) <= 4:
        return f"{code[:2]}.{code[2:]}"
    if len(code) <= 6:
        return f"{code[:4]}.{code[4:]}"
    return f"{code[:4]}.{code[4:6]}.{code[6:]}"


def hs_prefixes(hs_code: str) -> list[str]:
    """The codes that cover `hs_code`: itself and every heading above it, 2 digits and up
    (870323 is covered by 87, 870 … 870323). For queries: a measure covers a line when
    one of its lines' codes is among these."""
    return [hs_code[:n] for n in range(2, len(hs_code) + 1)]


def under_or_covering(hs_code: str, field: str = "hs_code") -> Q:
    """The condition on a code column `field` for what concerns `hs_code`'s goods: the
    codes under it (8703 → 8703, 870323, 87032310) and the broader ones that cover it
    (870323 ← 87, 8703). One rule for the tariff-line search, the site's search and the
    HS code pages."""
    code = normalize_hs_code(hs_code)
    return Q(**{f"{field}__startswith": code}) | Q(**{f"{field}__in": hs_prefixes(code)})
