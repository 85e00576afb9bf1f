"""The editors' forms: a round with its positions on one screen, and a new negotiation."""

from django import forms
from django.utils.text import slugify

from changes.versions import VersionedForm
from negotiations.models import Negotiation, Official, StatedPosition, TalkRound
from tariffs.models import Confidence

# Most statements reach the tracker through the press, citing the officials' words.
DEFAULT_CONFIDENCE = Confidence.REPORTED


def readable_slug(title: str) -> str:
    """ "Japan–U.S. tariff talks 2025" → "japan-us-tariff-talks-2025": dashes of any kind
    separate words, and the dots of an abbreviation go."""
    for dash in "–—‐-/":
        title = title.replace(dash, " ")
    return slugify(title.replace(".", ""))[:80].strip("-")


class NegotiationForm(forms.ModelForm):
    class Meta:
        model = Negotiation
        fields = [
            "title",
            "party_a",
            "party_b",
            "slug",
            "status",
            "started_on",
            "concluded_on",
            "summary",
        ]
        labels = {"party_a": "Party A (left)", "party_b": "Party B (right)"}
        help_texts = {
            "party_a": "Shown on the left in every table and chart of these talks (usually "
            "the country whose demands you follow). Type a usual name: Korea, UK, EU, US.",
            "party_b": "Shown on the right: the other side of the table.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = (
            "Its address: /negotiations/<slug>/. Leave empty to make it from the title "
            "(Japan–U.S. tariff talks 2025 → japan-us-tariff-talks-2025)."
        )

    def clean_slug(self):
        return self.cleaned_data["slug"] or readable_slug(self.data.get("title", ""))

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get("slug")
        taken = Negotiation.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if slug and taken.exists():
            self.add_error(
                "slug", f"Another negotiation has the address “{slug}”: choose another slug."
            )
        return cleaned


class ParticipantChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.country.code})"


class TalkRoundForm(VersionedForm):
    class Meta:
        model = TalkRound
        fields = [
            "negotiation",
            "number",
            "start_date",
            "end_date",
            "location",
            "participants",
            "summary",
            "outcome",
            "source",
            "confidence",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }


class SpeakerChoices(forms.ModelChoiceField):
    """The officials of the two parties, grouped by country; a script shows only the
    chosen party's, and a server-side check refuses anyone else's."""

    def label_from_instance(self, obj):
        return obj.name


class StatedPositionForm(VersionedForm):
    class Meta:
        model = StatedPosition
        fields = [
            "party",
            "speaker",
            "issue",
            "stance",
            "target_rate_pct",
            "statement",
            "source",
            "stated_on",
            "confidence",
        ]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}
        labels = {"target_rate_pct": "Target, %", "stated_on": "Stated on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Field-level defaults are the same on every row, shown or posted, added by a
        # script or not: a row left as it came is an unchanged row, never a half-filled one.
        self.fields["confidence"].initial = DEFAULT_CONFIDENCE
        self.fields["confidence"].help_text = ""
        self.fields["stated_on"].required = False
        self.fields["stated_on"].help_text = "Empty: the round's first day."
        self.fields["source"].required = False
        self.fields["source"].help_text = "Empty: the round's source."
        self.fields["party"].required = False
        self.fields["party"].help_text = "Empty: the speaker's."
        # The model's longer explanations stay on the position's own page.
        for name in ("stance", "target_rate_pct", "statement"):
            self.fields[name].help_text = ""

    def clean(self):
        cleaned = super().clean()
        speaker = cleaned.get("speaker")
        if not cleaned.get("party"):
            if speaker is None:
                self.add_error("party", "Choose the party that stated it (or its speaker).")
            else:
                cleaned["party"] = speaker.country
        # In the round's screen the round is the parent form's (maybe unsaved) object.
        round_ = cleaned.get("round") or getattr(self.instance, "round", None)
        if round_ is not None:
            if not cleaned.get("stated_on") and round_.start_date:
                cleaned["stated_on"] = round_.start_date
            if not cleaned.get("source") and "source" not in self.errors and round_.source_id:
                cleaned["source"] = round_.source
        return cleaned


def officials_of(negotiation: Negotiation | None, also=()):
    """The officials who may attend or speak: those of the two parties, and any already
    chosen (a round entered before a rule changed still saves as it is)."""
    officials = Official.objects.select_related("country").order_by("country__name", "name")
    if negotiation is None:
        return officials
    from django.db.models import Q

    return officials.filter(
        Q(country__in=[negotiation.party_a_id, negotiation.party_b_id]) | Q(pk__in=list(also))
    )
