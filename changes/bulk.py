"""History for rows written in bulk (`bulk_create`, a set-based UPDATE): no signals fire
there, so the writer asks for it. Per batch of 2,000 rows: at most one SELECT of the rows
as written, one INSERT of their historical rows and, for a model whose many-to-many
relations are tracked, one SELECT and one INSERT per relation."""

from collections.abc import Iterable, Sequence

from django.db import models
from django.utils import timezone

from changes.scope import current_scope

BATCH_SIZE = 2_000
CREATED, CHANGED = "+", "~"


def tracked(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def record_history(
    model: type[models.Model],
    rows: Iterable[models.Model | int],
    *,
    history_type: str,
) -> int:
    """Write one historical row per row given (saved instances as they are in the
    database, or primary keys, read back in batches); returns how many."""
    if not tracked(model):
        return 0
    rows = list(rows)
    if not rows:
        return 0
    scope = current_scope()
    change_set = scope.get_change_set()
    now = timezone.now()
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    m2m_fields = list(getattr(manager.model, "_history_m2m_fields", ()))
    written = 0
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        if not isinstance(batch[0], models.Model):
            batch = list(model._default_manager.filter(pk__in=batch))
        history = manager.bulk_history_create(
            batch,
            update=history_type == CHANGED,
            default_user=scope.history_user,
            default_date=now,
            custom_historical_attrs={"change_set": change_set},
        )
        if m2m_fields:
            _record_links(model, history, m2m_fields)
        written += len(batch)
    return written


def _record_links(model, history: Sequence, m2m_fields) -> None:
    """The tracked relations of each historical row, as they are now."""
    from simple_history.models import HistoricalRecords

    history_by_pk = {row.id: row for row in history}
    for field in m2m_fields:
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        link_model = HistoricalRecords.m2m_models[field]
        links = through.objects.filter(**{f"{source}__in": list(history_by_pk)}).values(
            *(f.attname for f in through._meta.fields)
        )
        link_model.objects.bulk_create(
            [link_model(history=history_by_pk[link[source]], **link) for link in links],
            batch_size=BATCH_SIZE,
        )
