"""Harmonized System codes: one normal form, so `8703.23` and `870323` are one line."""

import re

from django.core.exceptions import ValidationError

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
