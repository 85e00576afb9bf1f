"""The admin's History page for every tracked model, with each change's change set, and
restoring a version without tripping the version check."""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from changes import refusals
from changes.admin_inputs import SafeInputsAdmin


class HistoryAdmin(SafeInputsAdmin, SimpleHistoryAdmin):
    """Each object's History page lists every change: when, by whom (and in which change
    set: an admin save, an import named after its file), and each field's old and new
    value; a version can be opened and restored."""

    history_list_display = ["change_set"]

    def changeform_view(self, request, *args, **kwargs):
        # The forms check the rules first (the models' clean()); this is for a write the
        # database refuses anyway (a rule no form knows, another editor's save meanwhile):
        # words and the same page again, not an error page with the database's text.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except IntegrityError as error:
            return refused(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except IntegrityError as error:
            return refused(request, error)

    def save_model(self, request, obj, form, change):
        # Saved as it was: no new version, no history row, nothing in Recent changes. (A
        # restored version is shown as it was, so it is unchanged for the form, not here.)
        if change and not form.has_changed() and not restoring(request):
            return
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and restoring(request) and hasattr(obj, "version"):
            # Restoring an old version saves over the current one: the form carries the
            # current version, so only a save made after this page was opened is stale.
            current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version")
            obj.version = (current.first() or (obj.version,))[0]
        return super().get_form(request, obj, change=change, **kwargs)


def restoring(request) -> bool:
    """Whether the request is the History page's form of an old version."""
    match = request.resolver_match
    return match is not None and (match.url_name or "").endswith("_simple_history")


def refused(request, error: IntegrityError):
    """The page asked for again, with the refusal in words; nothing was written (the
    admin's view runs in one transaction, rolled back)."""
    messages.error(request, f"Nothing was saved. {refusals.in_words(error)}")
    return HttpResponseRedirect(request.get_full_path())
