"""Template filters shared by the analyst pages."""

from decimal import Decimal, InvalidOperation

from django import template

from csvport.weburls import link_target
from negotiations.gap import GapStatus
from negotiations.models import Stance
from tariffs import rates
from tariffs.hs import dotted_hs_code

register = template.Library()


@register.filter
def web_url(value) -> str:
    """An address an editor or a file gave, when it may be a link: http or https only
    (csvport.weburls), "" otherwise. Every link to an outside address goes through it, so
    a `javascript:` URL written by any means never becomes a live link."""
    return link_target(value)


@register.filter
def hs_dotted(code) -> str:
    """An HS code as analysts write it (8703 → 87.03), from the code alone: an issue's
    `hs_code_id` prints without fetching the code's row."""
    return dotted_hs_code(str(code or ""))


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
def signed(value) -> str:
    """A change in points with its sign: +15, −25 (a true minus), 0."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    text = rates.pct(abs(number))
    return f"+{text}" if number > 0 else f"\u2212{text}" if number < 0 else text


@register.filter
def usd(value) -> str:
    """An amount of U.S. dollars as people read it: $9.98 bn, $148.2 bn, $298 m."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    for size, unit in (
        (Decimal(10) ** 12, "tn"),
        (Decimal(10) ** 9, "bn"),
        (Decimal(10) ** 6, "m"),
    ):
        if abs(number) >= size:
            scaled = number / size
            places = 2 if abs(scaled) < 10 else 1 if abs(scaled) < 1000 else 0
            text = f"{scaled:.{places}f}".rstrip("0").rstrip(".")
            return f"${text} {unit}"
    return f"${number:,.0f}"


STATUS_MARKS = {
    GapStatus.OPEN: "○",
    GapStatus.ONE_SIDED: "◐",
    GapStatus.AGREED: "✓",
    GapStatus.READINGS_DIFFER: "≠",
    GapStatus.NOT_DISCUSSED: "·",
}


@register.filter
def status_mark(status) -> str:
    """The one-character mark of a gap's status in the gap-by-round table."""
    return STATUS_MARKS.get(status, "")


@register.filter
def stance_meaning(stance: str) -> str:
    """What a stance means, in full ("says no to what the other side asks …")."""
    try:
        return Stance(stance).meaning
    except ValueError:
        return ""


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
