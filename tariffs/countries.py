"""Every ISO 3166-1 country, from pycountry's maintained list, plus the blocs we track."""

import pycountry

# Customs unions have no ISO 3166-1 code; the World Bank's codes are the usual stand-in.
BLOCS = {"EUU": "European Union"}


def iso_countries() -> dict[str, str]:
    """alpha-3 code -> the name people use (pycountry's common name where it has one)."""
    return {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def sync_countries(country_model) -> int:
    """Create the countries and blocs that are missing; returns how many were created.

    Takes the model as an argument so a data migration can pass its historical model.
    Names an editor changed are left as they are.
    """
    existing = set(country_model.objects.values_list("code", flat=True))
    rows = [
        country_model(code=code, name=name, is_bloc=code in BLOCS)
        for code, name in {**iso_countries(), **BLOCS}.items()
        if code not in existing
    ]
    country_model.objects.bulk_create(rows)
    return len(rows)
