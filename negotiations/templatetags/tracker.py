"""Template filters shared by the analyst pages."""

from decimal import Decimal, InvalidOperation

from django import template

from tariffs import rates

register = template.Library()


@register.filter
def pct(value) -> str:
    """A rate or a gap as people write it: 2.5, 25, 0.125; empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return rates.pct(number)


@register.filter
def country_choices(countries) -> list[tuple[str, str]]:
    """Countries as the options of a select: `JPN`, "Japan (JPN)"."""
    return [(country.code, f"{country.name} ({country.code})") for country in countries]


@register.filter
def country_groups(groups) -> list[tuple[str, list[tuple[str, str]]]]:
    """(label, countries) pairs as the option groups of a select."""
    return [(label, country_choices(countries)) for label, countries in groups]


@register.filter
def side_class(country_id, negotiation) -> str:
    """`side-a` or `side-b`: the one class each party of a negotiation is drawn with;
    nothing for a third country."""
    side = negotiation.side_of(country_id)
    return f"side-{side}" if side else ""
