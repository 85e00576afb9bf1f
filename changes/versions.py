"""Optimistic concurrency: every row an editor edits in the round screen carries a
version, raised by one at every save. A form (or a CSV row) that carries an older version
than the database's is refused when saving it would overwrite what someone else saved,
with what they changed, from the history; nothing is written."""

import itertools

from django import forms
from django.db import connections, models, router

from changes.describe import Names, field_changes, format_changes


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one at every save: a form or a CSV row carrying an older "
        "version was made before someone else's save.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Whoever saves (a form, a restore from the history, a shell), a page opened
        # before this save must see it as stale; so the row itself counts its saves.
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


def changes_since(instance, version: int) -> list[str]:
    """What was saved to `instance` after its `version`, one line per save:
    "hana, 2025-05-02 14:02 UTC: target rate 2.5 % → 3 %"."""
    history = getattr(instance, "history", None)
    if history is None:
        return []
    records = list(history.filter(version__gte=version).order_by("history_date", "history_id"))
    names, lines = Names(), []
    for old, new in itertools.pairwise(records):
        if new.version <= version:
            continue
        who = new.history_user.get_username() if new.history_user_id else "someone"
        if new.change_set_id and not new.history_user_id and new.change_set.username:
            who = new.change_set.username
        what = format_changes(field_changes(new, old, names)) or "saved it unchanged"
        lines.append(f"{who}, {new.history_date:%Y-%m-%d %H:%M} UTC: {what}")
    return lines


def conflict_message(instance, version: int) -> str:
    lines = changes_since(instance, version)
    what = (" Their changes: " + "; ".join(lines) + ".") if lines else ""
    return (
        f"Someone else saved this {instance._meta.verbose_name} after you opened it "
        f"(your version {version}, now {instance.version}).{what} Nothing was saved: "
        "reload the page to see their version, then make your change again."
    )


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was made from and refuses a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    @property
    def changed_data(self):
        # The version is what the form was made from, not a change the editor made.
        return [name for name in super().changed_data if name != "version"]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None or not self.has_changed():
            return cleaned
        seen = cleaned.get("version")
        model = type(instance)
        rows = model._default_manager.filter(pk=instance.pk)
        if connections[router.db_for_write(model)].in_atomic_block:
            # Held until the save commits: no one can slip a save in between.
            rows = rows.select_for_update()
        current = rows.values_list("version", flat=True).first()
        if current is None:
            raise forms.ValidationError(
                f"Someone else deleted this {model._meta.verbose_name} after you opened it; "
                "nothing was saved. Reload the page."
            )
        if seen is None:
            seen = instance.version
        if seen != current:
            instance.version = current
            raise forms.ValidationError(conflict_message(instance, seen), code="stale")
        return cleaned
