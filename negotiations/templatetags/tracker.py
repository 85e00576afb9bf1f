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
def side_class(country_id, negotiation) -> str:
    """`side-a` or `side-b`: the one class each party of a negotiation is drawn with;
    nothing for a third country."""
    side = negotiation.side_of(country_id)
    return f"side-{side}" if side else ""
