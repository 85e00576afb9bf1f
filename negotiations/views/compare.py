"""The compare page: one importer's negotiations side by side, issue by issue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from negotiations.gap import GapRow, gap_tables
from negotiations.models import Negotiation, StatedPosition
from tariffs.forms import QueryForm
from tariffs.models import Country

DEFAULT_IMPORTER = "USA"


class CompareForm(QueryForm):
    importer = forms.CharField(label="Importer", required=False, initial=DEFAULT_IMPORTER)

    def prepare_fields(self):
        # Only parties can be compared: a country with no negotiation has no column.
        self.parties = list(Country.objects.parties().order_by("name"))
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


@dataclass(frozen=True)
class Column:
    """One of the importer's negotiations; the partner is the other party."""

    negotiation: Negotiation
    importer_side: str
    partner_side: str

    @property
    def partner(self) -> Country:
        return getattr(self.negotiation, f"party_{self.partner_side}")


@dataclass(frozen=True)
class Cell:
    column: Column
    row: GapRow

    @property
    def importer_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.column.importer_side}")

    @property
    def partner_position(self) -> StatedPosition | None:
        return getattr(self.row, f"side_{self.column.partner_side}")

    @property
    def agreed_rate(self) -> Decimal | None:
        return self.row.agreed_rate_pct


@dataclass(frozen=True)
class Line:
    """An issue slug across the negotiations; a cell is None where it is not on the table."""

    slug: str
    names: list[str]
    cells: list[Cell | None]


def columns_for(importer: Country | None) -> list[Column]:
    """The importer's negotiations, each a column with the other party as the partner."""
    if importer is None:
        return []
    negotiations = Negotiation.objects.involving(importer).with_parties().order_by("title")
    return [
        Column(n, "a", "b") if n.party_a_id == importer.pk else Column(n, "b", "a")
        for n in negotiations
    ]


@vary_on_headers("HX-Request")
def compare(request):
    form = CompareForm(request.GET)
    importer = form.importer_country
    columns = columns_for(importer)
    context = {
        "nav": "compare",
        "breadcrumbs": [("Compare", None)],
        "form": form,
        "notices": form.notices,
        "importer": importer,
        "columns": columns,
        "lines": comparison(columns),
    }
    if request.htmx:
        return render(request, "negotiations/compare.html#comparison", context)
    return render(request, "negotiations/compare.html", context)


def comparison(columns: list[Column]) -> list[Line]:
    """Rows matched by issue slug; gap_tables answers for every column in four queries."""
    if not columns:
        return []
    tables = gap_tables([column.negotiation for column in columns])
    lines: dict[str, Line] = {}
    for index, column in enumerate(columns):
        for row in tables[column.negotiation.pk]:
            line = lines.setdefault(row.issue.slug, Line(row.issue.slug, [], [None] * len(columns)))
            line.cells[index] = Cell(column, row)
            if row.issue.name not in line.names:
                line.names.append(row.issue.name)
    # Issues on most tables first: those are the ones a comparison is for.
    return sorted(
        lines.values(), key=lambda line: (-sum(cell is not None for cell in line.cells), line.slug)
    )
