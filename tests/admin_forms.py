"""What a browser posts for an admin form as rendered: every field with the value it was
shown with, so a test can change a few fields and save, as an editor does."""

import datetime
from decimal import Decimal


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date | Decimal | int):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _fields(form, data: dict) -> None:
    for bound in form:
        value = bound.value()
        widget = getattr(bound.field.widget, "widget", bound.field.widget)  # unwrapped
        if value is None and getattr(widget, "allow_multiple_selected", False):
            continue  # nothing ticked: a browser sends nothing
        if isinstance(value, list | tuple):
            data[bound.html_name] = [_cell(item) for item in value]
        elif isinstance(value, bool) or getattr(widget, "input_type", "") == "checkbox":
            if value:
                data[bound.html_name] = "on"
        else:
            data[bound.html_name] = _cell(value)


def posted(response) -> dict:
    """The form data an untouched admin change form (with its inlines) would post."""
    context = response.context
    data: dict = {}
    _fields(context["adminform"].form, data)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        _fields(formset.management_form, data)
        for form in formset.forms:
            _fields(form, data)
    return data
