"""Query-parameter forms of the analyst pages."""

from django import forms

from negotiations.models import Issue, Negotiation, NegotiationStatus
from tariffs.forms import QueryForm
from tariffs.models import Country


class HomeFilters(QueryForm):
    party = forms.ChoiceField(label="Party", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "any status"), *NegotiationStatus.choices],
    )

    def prepare_fields(self):
        parties = Country.objects.parties().order_by("name").values_list("code", "name")
        self.fields["party"].choices = [("", "any party"), *parties]


class SortOrder:
    GAP = "gap"
    ISSUE = "issue"
    CHOICES = [(GAP, "largest gap first"), (ISSUE, "issue name")]


class GapControls(QueryForm):
    """The controls of the negotiation page: as of round, sector, open only, sort."""

    round = forms.TypedChoiceField(label="As of round", coerce=int, required=False)
    sector = forms.ChoiceField(label="Sector", required=False)
    open = forms.BooleanField(label="Open gaps only", required=False, initial=False)
    sort = forms.ChoiceField(
        label="Sort by", choices=SortOrder.CHOICES, required=False, initial=SortOrder.GAP
    )

    def __init__(self, data, *, negotiation: Negotiation, rounds: list):
        self.negotiation = negotiation
        self.rounds = rounds
        super().__init__(data)

    def prepare_fields(self):
        round_field = self.fields["round"]
        round_field.choices = [
            (r.number, f"Round {r.number} — {r.start_date:%Y-%m-%d}") for r in self.rounds
        ]
        round_field.initial = self.rounds[-1].number if self.rounds else None
        sectors = (
            Issue.objects.filter(negotiation=self.negotiation)
            .exclude(sector="")
            .order_by("sector")
            .values_list("sector", flat=True)
            .distinct()
        )
        self.fields["sector"].choices = [("", "all sectors"), *((s, s) for s in sectors)]
