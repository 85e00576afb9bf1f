"""Who said what, when: negotiations, their rounds and milestones, issues, stated positions.

The gap between the two sides is derived from these rows by `negotiations.gap`.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from changes.models import track_history
from changes.versions import Versioned
from csvport.weburls import validate_web_url
from negotiations import integrity
from tariffs.models import (
    Confidence,
    Country,
    HSCode,
    TariffLine,
    protect_link_targets,
    rate_in_range,
    rate_validators,
)


class Source(models.Model):
    """Where a statement was reported. Many positions cite one source."""

    url = models.URLField("URL", max_length=500, blank=True, validators=[validate_web_url])
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    history = track_history()

    class Meta:
        ordering = ["-published_on", "publisher"]
        constraints = [
            # A URL identifies a source; sources without one (a print edition) may repeat.
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="negotiations_source_unique_url"
            ),
            # One without a URL is told apart by its publisher, title and date: two imports
            # confirmed at once cannot both create it (the importer gets or creates it).
            models.UniqueConstraint(
                "publisher",
                "title",
                Coalesce("published_on", Value(datetime.date(1, 1, 1))),
                condition=Q(url=""),
                name="negotiations_source_unique_unlinked",
            ),
        ]

    def __str__(self):
        label = self.title or self.url or "untitled"
        when = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        return f"{self.publisher}: {label}{when}"


# A BCP 47 language tag, as HTML's lang attribute takes it: ja, zh-Hant, sr-Latn.
LANGUAGE_TAG_RE = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


class Official(models.Model):
    name = models.CharField(max_length=120)
    native_name = models.CharField("name in native script", max_length=120, blank=True)
    native_name_lang = models.CharField(
        "language of the native name",
        max_length=35,
        blank=True,
        help_text="A language tag such as ja (Japanese) or zh-Hant, so that browsers and "
        "screen readers render and read the name in its language. Required with a native name.",
    )
    title = models.CharField(max_length=300, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="officials")
    history = track_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"], name="negotiations_official_unique_name_country"
            ),
            models.CheckConstraint(
                condition=Q(native_name="", native_name_lang="")
                | (~Q(native_name="") & Q(native_name_lang__regex=LANGUAGE_TAG_RE)),
                name="negotiations_official_native_name_has_language",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})"

    def clean(self):
        if self.native_name and not self.native_name_lang:
            raise ValidationError(
                {
                    "native_name_lang": "Give the language of the native name (ja for "
                    "Japanese), so that it is rendered and read in that language."
                }
            )
        if self.native_name_lang and not self.native_name:
            raise ValidationError(
                {"native_name_lang": "A language goes with a native name: enter the name too."}
            )
        if self.native_name_lang and not re.match(LANGUAGE_TAG_RE, self.native_name_lang):
            raise ValidationError(
                {
                    "native_name_lang": f"“{self.native_name_lang}” is not a language tag: "
                    "write one such as ja, ko or zh-Hant."
                }
            )
        if self.pk is not None and self.country_id:
            broken = integrity.broken_by_country(self)
            if broken.exists():
                raise ValidationError(
                    {
                        "country": f"{self.name} spoke {integrity.name_positions(broken)}, "
                        "stated for another country than this one: a speaker speaks for the "
                        "position's party. Change those positions' speaker first."
                    }
                )


class NegotiationStatus(models.TextChoices):
    ONGOING = "ongoing", "ongoing"
    CONCLUDED = "concluded", "concluded"
    STALLED = "stalled", "stalled"


class NegotiationQuerySet(models.QuerySet):
    def ongoing(self):
        return self.filter(status=NegotiationStatus.ONGOING)

    def with_parties(self):
        return self.select_related("party_a", "party_b")

    def with_round_stats(self):
        return self.annotate(
            round_count=models.Count("rounds", distinct=True),
            latest_round_on=Max("rounds__start_date"),
        )

    def with_data_version(self):
        """The version each negotiation's gap results are cached under, in the same query:
        read before the data itself (see `negotiations.gap.snapshots`)."""
        return self.select_related("data_version")

    def involving(self, country):
        return self.filter(Q(party_a=country) | Q(party_b=country))


def party_countries():
    """Countries that are a party to at least one negotiation."""
    return Country.objects.filter(
        Q(negotiations_as_a__isnull=False) | Q(negotiations_as_b__isnull=False)
    ).distinct()


class Negotiation(models.Model):
    """Talks between two parties. Party A is shown on the left, party B on the right."""

    party_a = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="negotiations_as_a")
    party_b = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="negotiations_as_b")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    status = models.CharField(
        max_length=10, choices=NegotiationStatus.choices, default=NegotiationStatus.ONGOING
    )
    started_on = models.DateField(null=True, blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    objects = NegotiationQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["-started_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(party_a=F("party_b")),
                name="negotiations_negotiation_two_different_parties",
            ),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(concluded_on__gte=F("started_on")),
                name="negotiations_negotiation_dates_in_order",
            ),
        ]
        indexes = [
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="negotiations_negotiation_upd"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("negotiations:detail", args=[self.slug])

    @property
    def parties(self) -> tuple[Country, Country]:
        return (self.party_a, self.party_b)

    def other_party(self, country: Country) -> Country:
        """The party across the table from `country` (party A for a third country)."""
        return self.party_b if self.party_a_id == country.pk else self.party_a

    def side_of(self, country_id: int) -> str | None:
        """ "a" or "b", for the CSS classes .side-a and .side-b; None for a third country."""
        if country_id == self.party_a_id:
            return "a"
        if country_id == self.party_b_id:
            return "b"
        return None

    def clean(self):
        if self.party_a_id and self.party_a_id == self.party_b_id:
            raise ValidationError({"party_b": "A negotiation needs two different parties."})
        if self.started_on and self.concluded_on and self.concluded_on < self.started_on:
            raise ValidationError(
                {"concluded_on": "The talks cannot conclude before they started."}
            )
        if self.pk is not None and self.party_a_id and self.party_b_id:
            broken = integrity.broken_by_parties(self)
            if broken.exists():
                raise ValidationError(
                    "These talks' positions must be stated by one of their two parties: "
                    f"the change of parties would leave {integrity.name_positions(broken)} "
                    "under a party the talks no longer have. Move those positions to the "
                    "other party or delete them first."
                )


class NegotiationDataVersion(models.Model):
    """Changes whenever anything about a negotiation changes: the negotiation itself, its
    rounds and their participants, issues and their tariff lines, milestones, stated
    positions. What is computed from that data is cached under this version
    (`negotiations.gap`), so a change can never leave a stale page.

    The database keeps it, with triggers (migration 0010), not the application: every
    write path bumps it, the admin, the importers, a raw UPDATE in a shell and any path
    written later alike. A version only grows: the larger of the previous one plus one
    and the clock in microseconds, so a database emptied and filled again never reuses
    a version a cache still holds.
    """

    # No foreign-key constraint: a trigger removes the row when the negotiation goes,
    # and a constraint would make the order of deletes within a transaction matter.
    negotiation = models.OneToOneField(
        Negotiation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="data_version",
    )
    version = models.BigIntegerField()
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"negotiation {self.negotiation_id}: version {self.version}"


class TalkRound(Versioned, models.Model):
    """A numbered round of talks. A statement made between two rounds belongs to the
    latest round before it, so "as of round R" covers everything said until R+1."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty for a one-day round.")
    location = models.CharField(max_length=200, blank=True)
    participants = models.ManyToManyField(Official, blank=True, related_name="rounds")
    summary = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds"
    )
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    history = track_history(m2m_fields=[participants])

    class Meta:
        ordering = ["negotiation", "number"]
        verbose_name = "round"
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "number"], name="negotiations_talkround_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="negotiations_talkround_dates_in_order",
            ),
        ]
        indexes = [
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="negotiations_round_updated"),
        ]

    def __str__(self):
        return f"{self.negotiation.slug} round {self.number} ({self.start_date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("negotiations:round", args=[self.negotiation.slug, self.number])

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": "The round cannot end before it starts; check the two dates."}
            )
        if self.pk is not None and self.negotiation_id:
            broken = integrity.broken_by_round_move(self)
            if broken.exists():
                raise ValidationError(
                    {
                        "negotiation": "The round cannot move to these talks: "
                        f"{integrity.name_positions(broken)} of it are on issues or by "
                        "parties of its own talks. Delete those positions first, or add the "
                        "round to these talks as a new one."
                    }
                )


# An official who attended a round: deleting the official would erase the attendance.
protect_link_targets(
    TalkRound.participants.through,
    lambda link: f"{link.official} attended {link.talkround}",
    "official",
)


class MilestoneKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", "announcement"
    DEADLINE = "deadline", "deadline"
    THREAT = "threat", "threat"
    MEETING = "meeting", "meeting outside the rounds"
    AGREEMENT = "agreement", "agreement"
    IMPLEMENTATION = "implementation", "implementation"


class Milestone(models.Model):
    """A dated event that is not a round: a deadline, a threat, an agreement."""

    negotiation = models.ForeignKey(
        Negotiation, on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField()
    kind = models.CharField(max_length=15, choices=MilestoneKind.choices)
    title = models.CharField(max_length=300)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="milestones"
    )
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.CONFIRMED
    )
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    history = track_history()

    class Meta:
        ordering = ["negotiation", "date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "date", "title"],
                name="negotiations_milestone_unique_date_title",
            ),
        ]
        indexes = [
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="negotiations_milestone_upd"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}: {self.title}"


class Issue(models.Model):
    """A topic on the table in one negotiation ("autos", "rice")."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="issues")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50)
    sector = models.CharField(max_length=60, blank=True)
    covers_all_goods = models.BooleanField(
        default=False,
        help_text="For a tariff on all goods (the reciprocal tariff): target rates are the "
        "rate a good with a 0% MFN rate would pay.",
    )
    tariff_lines = models.ManyToManyField(TariffLine, blank=True, related_name="issues")
    hs_code = models.ForeignKey(
        HSCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name="HS code",
        help_text="The chapter (87), heading (87.03) or subheading (8703.23) of the HS "
        "nomenclature the issue is about, whichever importer's tariff it concerns; empty "
        "when it spans chapters or is not about goods.",
    )
    target_rate_means = models.CharField(
        "what a target rate means here",
        max_length=200,
        blank=True,
        help_text='For example "all-in rate on cars (MFN 2.5%)".',
    )
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    history = track_history(m2m_fields=[tariff_lines])

    class Meta:
        ordering = ["negotiation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "slug"], name="negotiations_issue_unique_slug"
            ),
        ]
        indexes = [
            # selections.data_as_of: the newest edit, read from the index's end.
            models.Index(fields=["updated_at"], name="negotiations_issue_updated"),
        ]

    def __str__(self):
        return f"{self.name} ({self.negotiation.slug})"

    def clean(self):
        if self.pk is not None and self.negotiation_id:
            broken = integrity.broken_by_issue_move(self)
            if broken.exists():
                raise ValidationError(
                    {
                        "negotiation": "The issue cannot move to these talks: "
                        f"{integrity.name_positions(broken)} on it were stated in rounds of "
                        "its own talks. Delete those positions first, or add the issue to "
                        "these talks as a new one."
                    }
                )


# A line an issue concerns: deleting the line would erase what the issue is about.
protect_link_targets(
    Issue.tariff_lines.through,
    lambda link: f"{link.issue} concerns {link.tariffline}",
    "tariffline",
)


class Stance(models.TextChoices):
    """What a side says on an issue. The labels read after the side's name in a table
    ("United States: refuse 27.5%"); `meaning` says each in full."""

    ELIMINATE = "eliminate", "eliminate"
    REDUCE = "reduce", "reduce"
    MAINTAIN = "maintain", "maintain"
    INCREASE = "increase", "increase"
    DISCUSS_ONLY = "discuss_only", "discuss only part"
    # Not "refuse to discuss": a side may refuse to cut a tariff or to open a market and
    # still discuss it.
    REFUSE = "refuse", "refuse"
    DEMAND = "demand", "demand"
    OFFER = "offer", "offer"
    ACCEPT = "accept", "accept"

    @property
    def meaning(self) -> str:
        return STANCE_MEANINGS[self]


STANCE_MEANINGS = {
    Stance.ELIMINATE: "asks for the duty to go: its target is the base rate, or zero",
    Stance.REDUCE: "asks for a lower rate",
    Stance.MAINTAIN: "keeps the rate in force",
    Stance.INCREASE: "raises or threatens to raise the rate",
    Stance.DISCUSS_ONLY: "will talk about part of the issue only",
    Stance.REFUSE: "says no to what the other side asks: to cut a duty, open a market, "
    "or take up the topic",
    Stance.DEMAND: "asks the other side to act (open its rice market)",
    Stance.OFFER: "puts a concession on the table",
    Stance.ACCEPT: "agrees to terms",
}


class StatedPositionQuerySet(models.QuerySet):
    def with_context(self):
        """Everything a page or an export prints beside a position, in the same query."""
        return self.select_related("round__negotiation", "party", "speaker", "issue", "source")

    def in_order(self):
        # The order in which positions supersede each other: round, then date, then entry.
        return self.order_by("round__number", "stated_on", "pk")

    def in_export_order(self):
        """An order made only of exported columns, so the same data always gives the
        same file, whatever the row ids (after a re-import, say)."""
        return self.order_by(
            "round__negotiation__slug",
            "round__number",
            "stated_on",
            "party__code",
            "issue__slug",
            "statement",
        )

    def of_issue(self, issue, *, as_of: int | None = None):
        """An issue's history up to round `as_of`, as its page and its export show it."""
        positions = self.filter(issue=issue).with_context().in_order()
        if as_of is not None:
            positions = positions.filter(round__number__lte=as_of)
        return positions


class StatedPosition(Versioned, models.Model):
    round = models.ForeignKey(TalkRound, on_delete=models.PROTECT, related_name="positions")
    party = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="positions")
    speaker = models.ForeignKey(
        Official, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    issue = models.ForeignKey(Issue, on_delete=models.PROTECT, related_name="positions")
    stance = models.CharField(
        max_length=12,
        choices=Stance.choices,
        help_text="Demand: asks the other side to act (open its rice market). "
        "Offer: puts a concession on the table. Discuss only part: will talk about part "
        "of it. Refuse: says no to what the other side asks.",
    )
    target_rate_pct = models.DecimalField(
        "target rate, %",
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=rate_validators,
        help_text="The all-in rate this side asks for on the issue's lines; empty if none "
        "was stated.",
    )
    statement = models.CharField(
        max_length=1000, help_text="A short quote or paraphrase of what was said."
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    stated_on = models.DateField("date stated")
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    objects = StatedPositionQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["round__negotiation", "round__number", "stated_on", "pk"]
        verbose_name = "stated position"
        constraints = [
            models.CheckConstraint(
                condition=Q(target_rate_pct__isnull=True) | rate_in_range("target_rate_pct"),
                name="negotiations_statedposition_target_rate_range",
            ),
            # The natural key: importing the same statement twice does not add a row.
            models.UniqueConstraint(
                fields=["round", "party", "issue", "statement"],
                name="negotiations_statedposition_unique_statement",
            ),
        ]
        indexes = [
            # The history of an issue (its page and export), in superseding order.
            models.Index(fields=["issue", "party", "stated_on"], name="negotiations_pos_issue"),
            # selections.data_as_of: the newest statement and the newest edit, each read
            # from its index's end.
            models.Index(fields=["stated_on"], name="negotiations_pos_stated_on"),
            models.Index(fields=["updated_at"], name="negotiations_pos_updated"),
            # The official page's statements and the country page's latest ones, newest
            # first: a page of them is read off the index, not sorted from all of them.
            models.Index(
                fields=["speaker", "-stated_on", "-id"], name="negotiations_pos_speaker_new"
            ),
            models.Index(fields=["party", "-stated_on", "-id"], name="negotiations_pos_party_new"),
        ]

    def __str__(self):
        # A refused form's position may lack any of these: its label must not fail.
        party = self.party.code if self.party_id else "no party"
        issue = self.issue.slug if self.issue_id else "no issue"
        number = self.round.number if self.round_id else "?"
        return f"{party} on {issue}, round {number}: {self.stance or 'no stance'}"

    def clean(self):
        """Cross-row rules the database cannot check: who may speak, on what."""
        errors = {}
        # getattr: in an admin inline the round may be the parent form's unsaved object.
        round_ = getattr(self, "round", None)
        negotiation = getattr(round_, "negotiation", None)
        if negotiation is not None:
            if self.party_id and self.party_id not in (
                negotiation.party_a_id,
                negotiation.party_b_id,
            ):
                errors["party"] = (
                    f"{self.party} is not a party to {negotiation}; choose "
                    f"{negotiation.party_a.code} or {negotiation.party_b.code}."
                )
            if self.issue_id and self.issue.negotiation_id != negotiation.pk:
                errors["issue"] = f"The issue “{self.issue.name}” belongs to another negotiation."
        if self.speaker_id and self.party_id and self.speaker.country_id != self.party_id:
            errors["speaker"] = (
                f"{self.speaker.name} speaks for {self.speaker.country.code}, "
                f"not for {self.party.code}."
            )
        if errors:
            raise ValidationError(errors)
