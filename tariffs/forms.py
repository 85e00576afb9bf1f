"""Forms that read query parameters: a bad value falls back to its default, visibly."""

import re
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tariffs.models import Country, TariffLine

# As much of a refused value as a notice quotes: a pasted paragraph is not repeated whole.
QUOTED_AT_MOST = 40


def ignored_notice(label: str, raw, reason: str) -> str:
    """“Sector: “x” was ignored. <reason>”, the value quoted as typed, shortened, and
    written with escapes when it holds characters that do not print."""
    shown = str(raw) if str(raw).isprintable() else repr(raw)
    if len(shown) > QUOTED_AT_MOST:
        shown = shown[:QUOTED_AT_MOST] + "…"
    return f"{label}: “{shown}” was ignored. {reason}".rstrip()


class QueryForm(forms.Form):
    """A filter form over `request.GET` that never refuses the page.

    `values` holds the cleaned value of each valid field and the default (the field's
    `initial`) of each invalid one; `notices` says, in words, what was ignored, so the
    page can show it instead of answering 500 or silently changing the view.
    """

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.prepare_fields()
        self.values: dict = {}
        self.notices: list[str] = []
        # (label, raw value, reason) of each field that was ignored, for callers that
        # refuse rather than fall back (a CSV export).
        self.invalid: list[tuple[str, str, str]] = []
        self._resolve()

    def effective_query(self, *, exclude: tuple[str, ...] = (), **changes) -> str:
        """The query string of the values in effect (a bad value replaced by its
        default), for links that must show what the page shows: the CSV downloads; with
        `changes`, the page with those values changed (a row's history expanded)."""
        pairs = []
        for name, value in {**self.values, **changes}.items():
            if name in exclude or value in (None, "", False, []):
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                pairs.append((name, _query_value(item)))
        return urlencode(pairs)

    def prepare_fields(self):
        """Set what depends on the request (choices, defaults) on `self.fields`, the
        form's own copies: changing `base_fields` would leak into other requests."""

    def _resolve(self):
        self.is_valid()
        for name, field in self.fields.items():
            if name in self.errors:
                raw = self.data.get(name)
                reason = " ".join(self.errors[name])
                self.invalid.append((field.label or name, raw, reason))
                self.notices.append(ignored_notice(field.label or name, raw, reason))
                self.values[name] = field.initial
            else:
                value = self.cleaned_data.get(name)
                self.values[name] = field.initial if value in (None, "") else value


def _query_value(value) -> str:
    if value is True:
        return "on"
    if hasattr(value, "code"):
        return value.code
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class CountryField(forms.ModelChoiceField):
    """A country chosen by its code in the URL (`partner=JPN`); lowercase is accepted."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("required", False)
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        code = str(value).strip().upper()
        # Checked before querying: PostgreSQL answers a NUL byte with an error.
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(code)


class AsOfForm(QueryForm):
    """A date to compute applied rates on; empty or malformed means today."""

    date = forms.DateField(required=False, label="As of")

    def prepare_fields(self):
        self.fields["date"].initial = timezone.localdate()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Links pass the date on only when one was chosen, so that "today" stays today.
        self.date_chosen = self.cleaned_data.get("date") is not None
        if "date" in self.errors:
            self.notices.append(f"Showing rates as of today, {self.values['date']:%Y-%m-%d}.")


class TariffLineQueryForm(AsOfForm):
    """The tariff-line search: words or HS code, importer, partner, date (the page is
    read by the view's pagination)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="HS code or description",
    )
    importer = CountryField(
        # A semi-join the (importer, HS code) index answers, not a join of every line.
        Country.objects.filter(Exists(TariffLine.objects.filter(importer=OuterRef("pk")))),
        label="Importer",
    )
    partner = CountryField(Country.objects.all(), label="Partner")
    field_order = ["q", "importer", "partner", "date"]
