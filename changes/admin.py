"""The admin's History page for every tracked model, with each change's change set, and
restoring a version without tripping the version check."""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Each object's History page lists every change: when, by whom (and in which change
    set: an admin save, an import named after its file), and each field's old and new
    value; a version can be opened and restored."""

    history_list_display = ["change_set"]

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
