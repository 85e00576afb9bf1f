"""What changed between two versions of a row, in words: "target rate 2.5 % → 3 %"."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

# Bookkeeping, not facts: never shown as a change.
HIDDEN_FIELDS = {"version", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    def __str__(self):
        return f"{self.label} {self.old} → {self.new}"


class Names:
    """str() of related rows by primary key, looked up once per model: a page of changes
    costs one query per kind of related row, not one per change."""

    def __init__(self):
        self.cache: dict[type, dict] = {}

    def prefetch(self, model: type[models.Model], pks) -> None:
        known = self.cache.setdefault(model, {})
        wanted = {pk for pk in pks if pk is not None and pk not in known}
        if wanted:
            known.update(
                {pk: str(obj) for pk, obj in model._default_manager.in_bulk(wanted).items()}
            )
            known.update({pk: f"#{pk} (deleted)" for pk in wanted if pk not in known})

    def get(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return "—"
        self.prefetch(model, [pk])
        return self.cache[model][pk]


def label_of(field: models.Field) -> str:
    return str(field.verbose_name).removesuffix(", %")


def display(field: models.Field, value, names: Names) -> str:
    """A stored value as an editor wrote it."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        return names.get(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return f"{text} %" if str(field.verbose_name).endswith(", %") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def m2m_links(history_model, history_ids) -> dict[tuple[str, int], set]:
    """(field name, history id) -> the ids a tracked many-to-many field held in each of
    those historical records: one query per field for all of them, where
    `diff_against` reads two per field and record (a page of changes to measures, each
    with lines, partners and displaced measures, would cost six queries a change)."""
    links: dict[tuple[str, int], set] = {}
    for field in getattr(history_model, "_history_m2m_fields", ()):
        through = history_model.__dict__[field.name].model
        rows = through.objects.filter(history__in=history_ids).values_list(
            "history", field.m2m_reverse_field_name()
        )
        for history_id, related in rows:
            links.setdefault((field.name, history_id), set()).add(related)
    return links


def prefetch_link_names(history_model, links: dict[tuple[str, int], set], names: Names) -> None:
    """The names of every row `links` (from `m2m_links`) holds, one query per model."""
    wanted: dict[type, set] = {}
    for field in getattr(history_model, "_history_m2m_fields", ()):
        for (name, _), ids in links.items():
            if name == field.name:
                wanted.setdefault(field.related_model, set()).update(ids)
    for model, ids in wanted.items():
        names.prefetch(model, ids)


def field_changes(new, old, names: Names | None = None, m2m=None) -> list[FieldChange]:
    """The fields (many-to-many relations included) that differ between two historical
    records of one row, oldest first in the model's field order. `m2m`: the links of both
    records read beforehand (`m2m_links`); without it they are read here."""
    names = names or Names()
    model = new.instance_type
    m2m_names = [f.name for f in getattr(type(new), "_history_m2m_fields", ())]
    if m2m is None:
        delta = new.diff_against(old, foreign_keys_are_objs=False)
    else:
        delta = new.diff_against(old, excluded_fields=m2m_names, foreign_keys_are_objs=False)
    changes = []
    by_name = {change.field: change for change in delta.changes}
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if field.name in HIDDEN_FIELDS:
            continue
        if field.many_to_many and m2m is not None and field.name in m2m_names:
            old_ids = m2m.get((field.name, old.history_id), set())
            new_ids = m2m.get((field.name, new.history_id), set())
            if old_ids == new_ids:
                continue
        else:
            change = by_name.get(field.name)
            if change is None:
                continue
        if field.many_to_many:
            if m2m is None or field.name not in m2m_names:
                target = f"{field.m2m_reverse_field_name()}"
                old_ids = {row[target] for row in change.old}
                new_ids = {row[target] for row in change.new}
            related = field.related_model
            names.prefetch(related, old_ids | new_ids)
            added = [names.get(related, pk) for pk in new_ids - old_ids]
            removed = [names.get(related, pk) for pk in old_ids - new_ids]
            parts = [f"+ {name}" for name in sorted(added)] + [
                f"− {name}" for name in sorted(removed)
            ]
            changes.append(FieldChange(label_of(field), "", ", ".join(parts)))
            continue
        changes.append(
            FieldChange(
                label_of(field),
                display(field, change.old, names),
                display(field, change.new, names),
            )
        )
    return changes


def format_changes(changes: list[FieldChange]) -> str:
    return "; ".join(
        f"{change.label}: {change.new}" if not change.old else str(change) for change in changes
    )
