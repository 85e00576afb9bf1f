"""The admin answers any input with a page or a form error, never a 500.

Django's autocomplete widgets look up the values a refused form sends back to show them
again; a value that is no key at all ("abc", a NUL byte) makes that lookup raise, so a
form error became a 500. The widgets here drop such values before the lookup: the form
still says the choice is not valid."""

import logging

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.db import DataError, router, transaction
from django.shortcuts import render

logger = logging.getLogger(__name__)

LIST_REFUSAL = (
    "A filter or date in this address is not one the list can use (a year out of range, "
    "a number too large, a character no field holds): go back to the list and choose from "
    "its filters."
)


def _keys_only(widget, values):
    remote = widget.field.remote_field
    name = getattr(remote, "field_name", None)  # many-to-many: the primary key
    target = remote.model._meta.get_field(name) if name else remote.model._meta.pk
    kept = []
    for value in values:
        try:
            target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            continue
        if isinstance(value, str) and "\x00" in value:
            continue
        kept.append(value)
    return kept


def _optgroups(self, name, value, attr=None):
    return AutocompleteMixin.optgroups(self, name, _keys_only(self, value), attr)


class SafeInputsAdmin:
    """For ModelAdmin and InlineModelAdmin alike (put it first among the bases)."""

    def changelist_view(self, request, extra_context=None):
        # A list's filters and date hierarchy go into its query as they come; one the
        # database cannot read (?stated_on__year=99999999999999999999) fails only when
        # the page is rendered, so render here, in a savepoint, and answer a 400 in words.
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):
                response = super().changelist_view(request, extra_context)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
        except (DataError, OverflowError, ValueError) as error:
            logger.info("admin list refused %s: %s", request.get_full_path(), error)
            return render(request, "400.html", {"reason": LIST_REFUSAL}, status=400)
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside the "add another" wrapper
        if isinstance(inner, AutocompleteMixin):
            inner.optgroups = _optgroups.__get__(inner)
        return field
