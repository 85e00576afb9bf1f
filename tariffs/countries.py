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
    # A migration older than the aliases passes a model without them.
    has_aliases = any(f.name == "aliases" for f in country_model._meta.fields)
    rows = [
        country_model(
            code=code,
            name=name,
            is_bloc=code in BLOCS,
            **({"aliases": aliases_of(code)} if has_aliases else {}),
        )
        for code, name in {**iso_countries(), **BLOCS}.items()
        if code not in existing
    ]
    country_model.objects.bulk_create(rows)
    return len(rows)


ALIAS_SEPARATOR = " | "
# The short names people type that no ISO name contains.
SHORT_NAMES = {
    "EUU": ["EU", "E.U.", "Europe"],
    "GBR": ["UK", "U.K.", "Britain", "Great Britain"],
    "USA": ["US", "U.S.", "America"],
    "KOR": ["Korea", "South Korea"],
    "PRK": ["North Korea"],
    "RUS": ["Russia"],
    "CHN": ["PRC"],
    "ARE": ["UAE"],
    "TUR": ["Turkey"],
}


def _inverted(name: str) -> str | None:
    """ "Korea, Republic of" → "Republic of Korea", the way people say it."""
    head, _, tail = name.partition(", ")
    return f"{tail} {head}" if tail.endswith(" of") else None


def aliases_of(code: str) -> str:
    """The names besides its own that find a country: ISO's official, common and
    inverted names, and the usual short forms; separated by ` | `."""
    names: list[str] = []
    country = pycountry.countries.get(alpha_3=code)
    if country is not None:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names += [value, _inverted(value) or value]
    names += SHORT_NAMES.get(code, [])
    own = ({**iso_countries(), **BLOCS}).get(code)
    return ALIAS_SEPARATOR.join(n for n in dict.fromkeys(names) if n != own)
