"""Query-parameter forms of the analyst pages."""

from django import forms
from django.db.models import Exists, OuterRef

from negotiations.models import Issue, Negotiation, NegotiationStatus, party_countries
from negotiations.search import KINDS
from tariffs.forms import QueryForm, TariffLineQueryForm
from tariffs.models import Country


class HomeFilters(QueryForm):
    party = forms.ChoiceField(label="Party", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "any status"), *NegotiationStatus.choices],
    )

    def prepare_fields(self):
        parties = party_countries().order_by("name").values_list("code", "name")
        self.fields["party"].choices = [("", "any party"), *parties]


class SortOrder:
    GAP = "gap"
    ISSUE = "issue"
    CHOICES = [(GAP, "largest gap first"), (ISSUE, "issue name")]


class GapControls(QueryForm):
    """The controls of the negotiation page: as of round, sector, open only, sort, and
    the issues whose history is expanded in the gap table."""

    round = forms.TypedChoiceField(label="As of round", coerce=int, required=False)
    sector = forms.ChoiceField(label="Sector", required=False)
    open = forms.BooleanField(label="Open or one-sided only", required=False, initial=False)
    sort = forms.ChoiceField(
        label="Sort by", choices=SortOrder.CHOICES, required=False, initial=SortOrder.GAP
    )
    history = forms.MultipleChoiceField(label="History shown of", required=False, initial=[])
    # The last round of the gap-by-round table, which shows a few rounds at a time (the
    # latest up to the as-of round unless given).
    until = forms.TypedChoiceField(label="Gap by round up to", coerce=int, required=False)

    def __init__(self, data, *, negotiation: Negotiation, rounds: list, issues=None):
        self.negotiation = negotiation
        self.rounds = rounds
        self.issues = issues  # the negotiation's, when the caller has them: no query
        super().__init__(data)

    def prepare_fields(self):
        round_field = self.fields["round"]
        round_field.choices = [
            (r.number, f"Round {r.number} — {r.start_date:%Y-%m-%d}") for r in self.rounds
        ]
        round_field.initial = self.rounds[-1].number if self.rounds else None
        self.fields["until"].choices = [(r.number, r.number) for r in self.rounds]
        if self.issues is not None:
            issues = [(issue.slug, issue.sector) for issue in self.issues]
        else:
            issues = list(
                Issue.objects.filter(negotiation=self.negotiation).values_list("slug", "sector")
            )
        sectors = sorted({sector for _, sector in issues if sector})
        self.fields["sector"].choices = [("", "all sectors"), *((s, s) for s in sectors)]
        self.fields["history"].choices = [(slug, slug) for slug, _ in issues]

    @property
    def table_invalid(self) -> list[tuple[str, str, str]]:
        """The ignored values a download of the table refuses: not the histories shown."""
        return [item for item in self.invalid if item[0] != self.fields["history"].label]

    def table_query(self) -> str:
        """The query string of the table's own controls, for its downloads."""
        return self.effective_query(exclude=("history", "until"))

    def history_toggled(self, slug: str) -> str:
        """The page's query string with the history of `slug` shown, or hidden if it is."""
        shown = list(self.values["history"])
        shown = [s for s in shown if s != slug] if slug in shown else [*shown, slug]
        return self.effective_query(history=shown)


DEFAULT_IMPORTER = "USA"


class CompareForm(QueryForm):
    importer = forms.CharField(label="Importer", required=False, initial=DEFAULT_IMPORTER)

    def prepare_fields(self):
        # Only parties can be compared: a country with no negotiation has no column.
        self.parties = list(party_countries().order_by("name"))
        self.codes = {country.code: country for country in self.parties}
        if DEFAULT_IMPORTER not in self.codes and self.parties:
            self.fields["importer"].initial = self.parties[0].code

    def clean_importer(self):
        code = self.cleaned_data["importer"].strip().upper()
        if code and code not in self.codes:
            default = self.codes.get(self.fields["importer"].initial)
            instead = f"; showing {default.name} ({default.code}) instead" if default else ""
            raise forms.ValidationError(f"No negotiation we track has {code} as a party{instead}.")
        return code

    @property
    def importer_country(self) -> Country | None:
        return self.codes.get(self.values["importer"])


class TariffLineSearchForm(TariffLineQueryForm):
    """The tariff-line search of the analyst pages: partners in a negotiation first."""

    def partner_groups(self) -> list[tuple[str, list[Country]]]:
        """The partner choices, countries in a negotiation first: those are the ones
        analysts pick, and the full ISO list is long."""
        countries = Country.objects.annotate(
            in_talks=Exists(party_countries().filter(pk=OuterRef("pk")))
        )
        in_talks, others = [], []
        for country in countries:
            (in_talks if country.in_talks else others).append(country)
        return [("In a negotiation", in_talks), ("Other countries", others)]


class RecentChangesFilters(QueryForm):
    """The Recent changes page: one negotiation or all, from a day to a day."""

    negotiation = forms.ChoiceField(label="Negotiation", required=False)
    since = forms.DateField(label="From", required=False, input_formats=["%Y-%m-%d"])
    until = forms.DateField(label="Until", required=False, input_formats=["%Y-%m-%d"])
    page = forms.IntegerField(label="Page", required=False, min_value=1, initial=1)

    def prepare_fields(self):
        self.negotiations = {n.slug: n for n in Negotiation.objects.order_by("title")}
        self.fields["negotiation"].choices = [
            ("", "all negotiations"),
            *((slug, n.title) for slug, n in self.negotiations.items()),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the period comes before its start.")
        return cleaned

    @property
    def selected_negotiation(self) -> Negotiation | None:
        return self.negotiations.get(self.values["negotiation"])


class SearchForm(QueryForm):
    """The search over everything: what was typed, and one kind of result to page through
    (empty: the first few of every kind). The page is read by the view's pagination."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    kind = forms.ChoiceField(label="Kind", required=False)

    def prepare_fields(self):
        self.fields["kind"].choices = [
            ("", "every kind"),
            *((kind.key, kind.label) for kind in KINDS.values()),
        ]
