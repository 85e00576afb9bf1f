"""History for rows written in bulk (`bulk_create`, a set-based UPDATE): no signals fire
there, so the writer asks for it.

Per batch of 2,000 rows, one statement: INSERT INTO the historical table SELECT the rows
as they now are, so no row passes through Python. A model whose many-to-many relations
are tracked (rounds, issues, measures: a few hundred rows, not a million) goes through
simple-history's `bulk_history_create` instead, plus one SELECT and one INSERT per
relation, since its historical relation rows need the new historical rows' ids."""

from collections.abc import Iterable, Sequence

from django.db import connections, models, router
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
    if not m2m_fields:
        pks = [row.pk if isinstance(row, models.Model) else row for row in rows]
        for start in range(0, len(pks), BATCH_SIZE):
            batch = pks[start : start + BATCH_SIZE]
            pk_column = connections[router.db_for_write(model)].ops.quote_name(
                model._meta.pk.column
            )
            _insert_select(
                model,
                manager.model,
                f"{pk_column} IN ({', '.join(['%s'] * len(batch))})",
                batch,
                history_type=history_type,
                when=now,
                user=scope.history_user,
                change_set=change_set,
            )
        return len(pks)
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


def record_history_where(
    model: type[models.Model], where: str, params: Sequence, *, history_type: str
) -> None:
    """One historical row per row of `model`'s table that the SQL condition `where`
    selects (the rows an import just wrote, found through its staging table), in one
    INSERT … SELECT. For models whose many-to-many relations are not tracked."""
    if not tracked(model):
        return
    scope = current_scope()
    manager = getattr(model, model._meta.simple_history_manager_attribute)
    if getattr(manager.model, "_history_m2m_fields", ()):
        raise ValueError(f"{model.__name__} tracks relations: use record_history.")
    _insert_select(
        model,
        manager.model,
        where,
        params,
        history_type=history_type,
        when=timezone.now(),
        user=scope.history_user,
        change_set=scope.get_change_set(),
    )


def write_with_history(
    model: type[models.Model],
    sql: str,
    params: Sequence,
    *,
    history_type: str,
    written_where: str,
    where_params: Sequence = (),
) -> None:
    """Run `sql`, an INSERT … SELECT or an UPDATE … FROM of `model`'s table, and write one
    historical row per row it wrote. On PostgreSQL in the same statement (the write's
    `RETURNING *` feeds the history's INSERT); elsewhere (SQLite, whose one writer at a
    time keeps ids in order) the rows the condition `written_where` selects afterwards."""
    connection = connections[router.db_for_write(model)]
    manager = getattr(model, model._meta.simple_history_manager_attribute, None)
    if manager is None or connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        if manager is not None:
            record_history_where(model, written_where, where_params, history_type=history_type)
        return
    if getattr(manager.model, "_history_m2m_fields", ()):
        raise ValueError(f"{model.__name__} tracks relations: use record_history.")
    scope = current_scope()
    table = connection.ops.quote_name(model._meta.db_table)
    _insert_select(
        model,
        manager.model,
        "TRUE",
        [],
        history_type=history_type,
        when=timezone.now(),
        user=scope.history_user,
        change_set=scope.get_change_set(),
        written=(f"{sql} RETURNING {table}.*", params),
    )


def _insert_select(
    model, history_model, where, where_params, *, history_type, when, user, change_set, written=None
) -> None:
    """One INSERT … SELECT: the historical rows of the rows `where` selects, copied from
    the table; or, with `written` (a data-modifying statement and its parameters), from
    the rows that statement returns."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, history_table = quote(model._meta.db_table), quote(history_model._meta.db_table)
    source, prefix, prefix_params = table, "", []
    if written is not None:
        source, prefix, prefix_params = "written", f"WITH written AS ({written[0]}) ", written[1]
    columns = [field.column for field in history_model.tracked_fields]
    history_meta = history_model._meta
    date = history_meta.get_field("history_date").get_db_prep_value(when, connection)
    sql = (
        f"{prefix}INSERT INTO {history_table} ("
        + ", ".join(quote(column) for column in columns)
        + ", history_date, history_change_reason, history_type, history_user_id, change_set_id)"
        + " SELECT "
        + ", ".join(f"{source}.{quote(column)}" for column in columns)
        + f", %s, NULL, %s, %s, %s FROM {source} WHERE {where}"
    )
    params = [
        *prefix_params,
        date,
        history_type,
        user.pk if user else None,
        change_set.pk,
        *where_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
