"""The editors' admin: a whole round, its participants and its positions in one screen."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from csvport.admin_import import CsvImportAdmin
from negotiations.importers import PositionImporter
from negotiations.models import (
    Issue,
    Milestone,
    Negotiation,
    Official,
    Source,
    StatedPosition,
    TalkRound,
    party_countries,
)
from tariffs.models import Country


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "url"]
    list_filter = ["publisher"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "published_on"


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "native_name", "title", "organization", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "native_name", "title", "organization"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]


class IssueInline(admin.TabularInline):
    model = Issue
    fields = ["name", "slug", "sector", "covers_all_goods", "target_rate_means"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    show_change_link = True


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["date", "kind", "title", "source", "confidence"]
    autocomplete_fields = ["source"]
    extra = 0


@admin.register(Negotiation)
class NegotiationAdmin(admin.ModelAdmin):
    list_display = ["title", "party_a", "party_b", "status", "started_on", "round_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "party_a__name", "party_b__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["party_a", "party_b"]
    readonly_fields = ["add_next_round"]
    inlines = [IssueInline, MilestoneInline]
    list_select_related = ["party_a", "party_b"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(round_count=Count("rounds"))

    @admin.display(description="rounds", ordering="round_count")
    def round_count(self, obj):
        return obj.round_count

    @admin.display(description="next round")
    def add_next_round(self, obj):
        if obj.pk is None:
            return "Save the negotiation first."
        number = next_round_number(obj)
        query = urlencode({"negotiation": obj.pk, "number": number})
        url = f"{reverse('admin:negotiations_talkround_add')}?{query}"
        return format_html('<a class="button" href="{}">Add round {}</a>', url, number)


def next_round_number(negotiation: Negotiation) -> int:
    latest = negotiation.rounds.aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


class StatedPositionForm(forms.ModelForm):
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
        widgets = {"statement": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Most statements are made on the day of the round: empty means that day.
        self.fields["stated_on"].required = False
        self.fields["stated_on"].help_text = "Empty: the round's first day."

    def clean(self):
        cleaned = super().clean()
        # In the round's inline the round is the parent form's (maybe unsaved) object.
        round_ = cleaned.get("round") or getattr(self.instance, "round", None)
        if not cleaned.get("stated_on") and round_ is not None and round_.start_date:
            cleaned["stated_on"] = round_.start_date
        return cleaned


class StatedPositionInline(admin.TabularInline):
    model = StatedPosition
    form = StatedPositionForm
    autocomplete_fields = ["speaker", "issue", "source"]
    extra = 4

    def get_queryset(self, request):
        return super().get_queryset(request).with_context()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "party":
            negotiation = getattr(request, "_round_negotiation", None)
            if negotiation:
                kwargs["queryset"] = Country.objects.filter(
                    pk__in=[negotiation.party_a_id, negotiation.party_b_id]
                )
                parties = f"{negotiation.party_a.code} or {negotiation.party_b.code}"
                kwargs["error_messages"] = {
                    "invalid_choice": f"Only the two parties can state a position: {parties}."
                }
            else:
                kwargs["queryset"] = party_countries()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TalkRound)
class TalkRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "negotiation", "number", "start_date", "location", "positions"]
    list_filter = ["negotiation", "confidence"]
    search_fields = ["negotiation__title", "negotiation__slug", "location", "summary"]
    autocomplete_fields = ["negotiation", "participants", "source"]
    date_hierarchy = "start_date"
    list_select_related = ["negotiation"]
    inlines = [StatedPositionInline]
    fieldsets = [
        (None, {"fields": ["negotiation", "number", ("start_date", "end_date"), "location"]}),
        ("Who attended", {"fields": ["participants"]}),
        ("What happened", {"fields": ["summary", "outcome", "source", "confidence"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(position_count=Count("positions"))

    @admin.display(description="positions", ordering="position_count")
    def positions(self, obj):
        return obj.position_count

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        negotiation = self._negotiation_from_request(request)
        if negotiation is not None and "number" not in request.GET:
            initial["number"] = next_round_number(negotiation)
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        negotiation = getattr(request, "_round_negotiation", None)
        if isinstance(inline, StatedPositionInline) and negotiation and request.method == "GET":
            # Blank rows alternate between the two parties, the usual order of entry.
            parties = [negotiation.party_a_id, negotiation.party_b_id]
            kwargs["initial"] = [{"party": parties[i % 2]} for i in range(inline.extra)]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        # The inline's party choices depend on the round's negotiation; remember it
        # for formfield_for_foreignkey, which only sees the request.
        request._round_negotiation = (
            obj.negotiation if obj is not None else self._negotiation_from_request(request)
        )
        return super().get_inline_instances(request, obj)

    @staticmethod
    def _negotiation_from_request(request):
        raw = request.POST.get("negotiation") or request.GET.get("negotiation")
        if not raw or not str(raw).isdigit():
            return None
        return Negotiation.objects.filter(pk=raw).first()


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "negotiation", "sector", "covers_all_goods"]
    list_filter = ["negotiation", "sector", "covers_all_goods"]
    search_fields = ["name", "slug", "sector", "negotiation__slug", "negotiation__title"]
    autocomplete_fields = ["tariff_lines"]
    list_select_related = ["negotiation"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "title", "negotiation", "confidence"]
    list_filter = ["kind", "confidence", "negotiation"]
    search_fields = ["title", "negotiation__title"]
    autocomplete_fields = ["source"]
    date_hierarchy = "date"
    list_select_related = ["negotiation"]


@admin.register(StatedPosition)
class StatedPositionAdmin(CsvImportAdmin, admin.ModelAdmin):
    form = StatedPositionForm
    csv_importer = PositionImporter
    # A positions file also creates rounds and issues, and creates or corrects sources.
    csv_import_extra_permissions = (
        "negotiations.add_talkround",
        "negotiations.add_issue",
        "negotiations.add_source",
        "negotiations.change_source",
    )
    list_display = [
        "stated_on",
        "party",
        "issue",
        "stance",
        "target_rate_pct",
        "speaker",
        "round",
        "confidence",
    ]
    list_filter = [
        "round__negotiation",
        "stance",
        "confidence",
        ("party", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["statement", "issue__name", "issue__slug", "speaker__name"]
    autocomplete_fields = ["round", "speaker", "issue", "source"]
    date_hierarchy = "stated_on"
    list_select_related = ["party", "issue", "speaker", "round__negotiation"]

    def get_fields(self, request, obj=None):
        return ["round", *StatedPositionForm.Meta.fields]
