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
        # before this save must see it as stale; so the row itself counts its saves,
        # from the stored count (a restored old version carries an old one).
        if not self._state.adding:
            stored = (
                type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True)
            )
            self.version = (stored.first() or self.version) + 1
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


VERSION_FIELD = "version_seen"


class VersionedForm(forms.ModelForm):
    """A model form that carries the version it was made from (`version_seen`, a hidden
    field: put it in the admin's fieldsets) and refuses a stale save."""

    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = self.instance.version

    @property
    def changed_data(self):
        if getattr(self, "untouched", False):
            return []
        # The version is what the form was made from, not a change the editor made.
        return [name for name in super().changed_data if name != VERSION_FIELD]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None or not self.has_changed():
            return cleaned
        seen = cleaned.get(VERSION_FIELD)
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
            if self.untouched_since(seen):
                # Someone else changed the row; this editor did not: keep theirs.
                self.untouched = True
                return cleaned
            instance.version = current
            raise forms.ValidationError(conflict_message(instance, seen), code="stale")
        return cleaned

    def untouched_since(self, seen: int) -> bool:
        """Whether the posted values are those of version `seen`, as the form showed it:
        the editor changed nothing in it (only the database moved on)."""
        history = getattr(self.instance, "history", None)
        record = history and history.filter(version=seen).order_by("-history_id").first()
        if record is None:
            return False
        shown = record.instance
        meta = self.instance._meta
        for name, field in self.fields.items():
            try:
                model_field = meta.get_field(name)
            except Exception:  # a form field of its own, such as the version
                continue
            if model_field.many_to_many:
                target = f"{model_field.m2m_reverse_field_name()}_id"
                initial = [getattr(row, target) for row in getattr(record, name).all()]
            else:
                initial = model_field.value_from_object(shown)
            if field.has_changed(initial, self[name].data):
                return False
        return True
