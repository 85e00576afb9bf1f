"""The editors' admin: a whole round, its participants and its positions in one screen."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from changes.admin import HistoryAdmin
from changes.admin_inputs import SafeInputsAdmin
from csvport.admin_import import CsvImportAdmin
from negotiations.forms_admin import (
    NegotiationForm,
    ParticipantChoices,
    SpeakerChoices,
    StatedPositionForm,
    TalkRoundForm,
    officials_of,
)
from negotiations.importers import (
    IssueImporter,
    MilestoneImporter,
    NegotiationImporter,
    OfficialImporter,
    PositionImporter,
    RoundImporter,
    SourceImporter,
)
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
class SourceAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = SourceImporter
    list_display = ["publisher", "title", "published_on", "url"]
    list_filter = ["publisher"]
    search_fields = ["url", "title", "publisher"]
    date_hierarchy = "published_on"


@admin.register(Official)
class OfficialAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = OfficialImporter
    list_display = ["name", "native_name", "title", "organization", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "native_name", "title", "organization"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]


class IssueInline(SafeInputsAdmin, admin.TabularInline):
    model = Issue
    fields = ["name", "slug", "sector", "covers_all_goods", "target_rate_means"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0
    show_change_link = True


class MilestoneInline(SafeInputsAdmin, admin.TabularInline):
    model = Milestone
    fields = ["date", "kind", "title", "source", "confidence"]
    autocomplete_fields = ["source"]
    extra = 0


@admin.register(Negotiation)
class NegotiationAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = NegotiationImporter
    form = NegotiationForm
    list_display = ["title", "party_a", "party_b", "status", "started_on", "round_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "party_a__name", "party_b__name"]
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


def number_from(request) -> int | None:
    raw = request.GET.get("number", "")
    return int(raw) if raw.isdigit() else None


class StatedPositionInline(SafeInputsAdmin, admin.StackedInline):
    """Each position on two lines: who says what on which issue, then the words, where
    they were reported, when and how sure we are; a round of ten positions fits a laptop
    screen without scrolling sideways."""

    model = StatedPosition
    form = StatedPositionForm
    autocomplete_fields = ["speaker", "issue", "source"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("party", "speaker", "issue", "stance", "target_rate_pct"),
                    ("statement", "source", "stated_on", "confidence"),
                    "version_seen",
                ],
                "classes": ["position-fields"],
            },
        )
    ]
    classes = ["positions-inline"]
    # The seed round of the Japan–U.S. talks had three positions; a script adds more.
    extra = 3

    def get_queryset(self, request):
        return super().get_queryset(request).with_context()

    def get_extra(self, request, obj=None, **kwargs):
        drafts = getattr(request, "_position_drafts", [])
        return len(drafts) + (2 if drafts else self.extra)

    def get_autocomplete_fields(self, request):
        # Within one negotiation the issues and the parties' officials are few: a plain
        # list is one click where a search box is three.
        if getattr(request, "_round_negotiation", None):
            return ["source"]
        return self.autocomplete_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        negotiation = getattr(request, "_round_negotiation", None)
        if db_field.name == "party":
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
        elif db_field.name == "issue" and negotiation:
            kwargs["queryset"] = Issue.objects.filter(negotiation=negotiation)
        elif db_field.name == "speaker" and negotiation:
            spoken = getattr(request, "_round_speakers", ())
            kwargs["queryset"] = officials_of(negotiation, also=spoken)
            kwargs["form_class"] = SpeakerChoices
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "speaker" and negotiation:
            field.choices = speaker_choices(field.queryset)
        return field


def speaker_choices(officials) -> list:
    """The officials grouped by country, labelled as the party list labels countries."""
    groups: dict = {}
    for official in officials:
        groups.setdefault(str(official.country), []).append((official.pk, official.name))
    return [("", "---------"), *groups.items()]


@admin.register(TalkRound)
class TalkRoundAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = RoundImporter
    form = TalkRoundForm
    list_display = ["__str__", "negotiation", "number", "start_date", "location", "positions"]
    list_filter = ["negotiation", "confidence"]
    search_fields = ["negotiation__title", "negotiation__slug", "location", "summary"]
    autocomplete_fields = ["negotiation", "participants", "source"]
    date_hierarchy = "start_date"
    list_select_related = ["negotiation"]
    inlines = [StatedPositionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("negotiation", "number"),
                    ("start_date", "end_date"),
                    ("location", "source", "confidence"),
                    "version_seen",
                ]
            },
        ),
        ("Who attended", {"fields": ["participants"]}),
        ("What happened", {"fields": [("summary", "outcome")]}),
    ]

    class Media:
        css = {"all": ["editors/round_form.css"]}
        # After jquery.init.js, which gives the script django.jQuery.
        js = ["admin/js/jquery.init.js", "editors/round_form.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(position_count=Count("positions"))

    @admin.display(description="positions", ordering="position_count")
    def positions(self, obj):
        return obj.position_count

    def save_model(self, request, obj, form, change):
        # A round another editor saved meanwhile, which this editor left as it was:
        # saving it would put back what they changed.
        if not getattr(form, "untouched", False):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(form, "untouched", False) or (change and not form.has_changed()):
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
        else:
            super().save_related(request, form, formsets, change)

    def render_change_form(self, request, context, *args, **kwargs):
        # The link that fills the positions with copies of the previous round's, as
        # drafts to edit or remove (most rounds restate most positions).
        previous = getattr(request, "_previous_round", None)
        if previous is not None:
            query = request.GET.copy()
            query["copy_from"] = previous.number
            context["start_from"] = {
                "round": previous,
                "url": f"?{query.urlencode()}",
                "drafts": len(getattr(request, "_position_drafts", [])),
            }
        return super().render_change_form(request, context, *args, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        negotiation = self._negotiation_from_request(request)
        if negotiation is not None and "number" not in request.GET:
            initial["number"] = next_round_number(negotiation)
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        drafts = getattr(request, "_position_drafts", [])
        if isinstance(inline, StatedPositionInline) and drafts and request.method == "GET":
            # Drafts are shown filled in, yet their initial values when posted are the
            # blank row's (field defaults only, the same on every row): a draft is a change
            # and is saved unless removed, while a blank row left alone stays unchanged.
            kwargs["initial"] = drafts
        return kwargs

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        negotiation = getattr(request, "_round_negotiation", None)
        if db_field.name == "participants" and negotiation:
            attended = getattr(request, "_round_participants", ())
            return ParticipantChoices(
                queryset=officials_of(negotiation, also=attended),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "participant-choices"}),
                required=False,
                help_text="The two parties' officials; add another in Officials.",
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        if getattr(request, "_round_negotiation", None):
            return ["negotiation", "source"]
        return self.autocomplete_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._remember(request, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inline_instances(self, request, obj=None):
        self._remember(request, obj)
        return super().get_inline_instances(request, obj)

    def _remember(self, request, obj):
        """What the fields' choices depend on (the round's negotiation, the previous
        round's positions), worked out once per request for the hooks that see only it."""
        if getattr(request, "_round_remembered", False):
            return
        request._round_remembered = True
        negotiation = (
            obj.negotiation if obj is not None else self._negotiation_from_request(request)
        )
        request._round_negotiation = negotiation
        request._round_participants = (
            list(obj.participants.values_list("pk", flat=True)) if obj else []
        )
        request._round_speakers = (
            list(obj.positions.exclude(speaker=None).values_list("speaker", flat=True))
            if obj
            else []
        )
        request._previous_round = None
        request._position_drafts = []
        if negotiation is None or (obj is not None and obj.positions.exists()):
            return
        number = (
            obj.number
            if obj is not None
            else (number_from(request) or next_round_number(negotiation))
        )
        request._previous_round = (
            negotiation.rounds.filter(number__lt=number)
            .annotate(position_count=Count("positions"))
            .order_by("-number")
            .first()
        )
        copy_from = request.GET.get("copy_from", "")
        previous = request._previous_round
        if previous is not None and copy_from == str(previous.number):
            request._position_drafts = [
                {
                    "party": p.party_id,
                    "speaker": p.speaker_id,
                    "issue": p.issue_id,
                    "stance": p.stance,
                    "target_rate_pct": p.target_rate_pct,
                    "statement": p.statement,
                    "source": p.source_id,
                    "confidence": p.confidence,
                }
                for p in previous.positions.in_order()
            ]
            request._round_speakers += [
                d["speaker"] for d in request._position_drafts if d["speaker"]
            ]

    @staticmethod
    def _negotiation_from_request(request):
        raw = request.POST.get("negotiation") or request.GET.get("negotiation")
        if not raw or not str(raw).isdigit():
            return None
        return Negotiation.objects.with_parties().filter(pk=raw).first()


@admin.register(Issue)
class IssueAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = IssueImporter
    list_display = ["name", "slug", "negotiation", "sector", "hs_code", "covers_all_goods"]
    list_filter = ["negotiation", "sector", "covers_all_goods"]
    search_fields = ["name", "slug", "sector", "negotiation__slug", "negotiation__title"]
    autocomplete_fields = ["tariff_lines", "hs_code"]
    list_select_related = ["negotiation", "hs_code"]


@admin.register(Milestone)
class MilestoneAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = MilestoneImporter
    list_display = ["date", "kind", "title", "negotiation", "confidence"]
    list_filter = ["kind", "confidence", "negotiation"]
    search_fields = ["title", "negotiation__title"]
    autocomplete_fields = ["source"]
    date_hierarchy = "date"
    list_select_related = ["negotiation"]


@admin.register(StatedPosition)
class StatedPositionAdmin(CsvImportAdmin, HistoryAdmin):
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
