"""A data version per negotiation, kept by the database itself.

Pages cache what they compute from a negotiation's data under its version (see
`negotiations.gap`); triggers on every table that holds that data bump the version in the
same transaction as the write, so no write path (the admin, the importers, a history
restore, a raw UPDATE in a shell, a path written later) can leave a stale page.

PostgreSQL: statement-level triggers with transition tables, so that a bulk write of a
million positions bumps each negotiation once per statement, not once per row. SQLite
(`make run`): row-level triggers, which are fine at its scale.

A version is the larger of the previous one plus one and the clock in microseconds:
strictly growing, and never reused after the tables are emptied and filled again (a
shared cache may still hold entries under old versions). `changed_at` is the time of the
write (the statement's, not the transaction's start): the home page's "last edited".
"""

from django.db import migrations, models

VERSIONS = "negotiations_negotiationdataversion"

# table -> (PostgreSQL: the negotiation ids of the rows in transition table `{rows}`;
#           SQLite: the negotiation id of the row `{row}`, NEW or OLD)
TRACKED = {
    "negotiations_talkround": (
        "SELECT negotiation_id FROM {rows}",
        "SELECT {row}.negotiation_id AS negotiation_id",
    ),
    "negotiations_issue": (
        "SELECT negotiation_id FROM {rows}",
        "SELECT {row}.negotiation_id AS negotiation_id",
    ),
    "negotiations_milestone": (
        "SELECT negotiation_id FROM {rows}",
        "SELECT {row}.negotiation_id AS negotiation_id",
    ),
    "negotiations_statedposition": (
        "SELECT r.negotiation_id FROM {rows} x JOIN negotiations_talkround r ON r.id = x.round_id",
        "SELECT negotiation_id FROM negotiations_talkround WHERE id = {row}.round_id",
    ),
    "negotiations_issue_tariff_lines": (
        "SELECT i.negotiation_id FROM {rows} x JOIN negotiations_issue i ON i.id = x.issue_id",
        "SELECT negotiation_id FROM negotiations_issue WHERE id = {row}.issue_id",
    ),
    "negotiations_talkround_participants": (
        "SELECT r.negotiation_id FROM {rows} x "
        "JOIN negotiations_talkround r ON r.id = x.talkround_id",
        "SELECT negotiation_id FROM negotiations_talkround WHERE id = {row}.talkround_id",
    ),
}

# --- PostgreSQL -------------------------------------------------------------------------------

POSTGRES_BUMP = f"""
CREATE FUNCTION negotiations_bump_data_versions(ids bigint[]) RETURNS void AS $$
    -- In id order, so that two transactions bumping the same negotiations lock their
    -- rows in the same order and cannot deadlock.
    INSERT INTO {VERSIONS} AS v (negotiation_id, version, changed_at)
    SELECT id, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, clock_timestamp()
    FROM (SELECT DISTINCT unnest(ids) AS id) AS changed
    WHERE id IS NOT NULL
    ORDER BY id
    ON CONFLICT (negotiation_id) DO UPDATE
    SET version = GREATEST(v.version + 1, EXCLUDED.version), changed_at = EXCLUDED.changed_at;
$$ LANGUAGE sql;

CREATE FUNCTION negotiations_bump_all_data_versions() RETURNS trigger AS $$
BEGIN
    UPDATE {VERSIONS}
    SET version = GREATEST(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint),
        changed_at = clock_timestamp();
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _postgres_trigger(table: str, event: str, select: str) -> str:
    """One statement-level trigger (a trigger with transition tables takes one event)."""
    name = f"{table}_version_{event.lower()}"
    tables = {"INSERT": ["new"], "UPDATE": ["old", "new"], "DELETE": ["old"]}[event]
    referencing = " ".join(f"{t.upper()} TABLE AS {t}_rows" for t in tables)
    ids = " UNION ".join(select.format(rows=f"{t}_rows") for t in tables)
    return f"""
CREATE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    PERFORM negotiations_bump_data_versions(ARRAY({ids}));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name} AFTER {event} ON {table}
REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def postgres_up() -> list[str]:
    statements = [POSTGRES_BUMP]
    for event in ("INSERT", "UPDATE"):
        statements.append(
            _postgres_trigger("negotiations_negotiation", event, "SELECT id FROM {rows}")
        )
    statements.append(
        f"""
CREATE FUNCTION negotiations_negotiation_version_delete() RETURNS trigger AS $$
BEGIN
    DELETE FROM {VERSIONS} WHERE negotiation_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER negotiations_negotiation_version_delete AFTER DELETE ON negotiations_negotiation
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
EXECUTE FUNCTION negotiations_negotiation_version_delete();
"""
    )
    for table, (select, _) in TRACKED.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(_postgres_trigger(table, event, select))
        statements.append(
            f"CREATE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION negotiations_bump_all_data_versions();"
        )
    statements.append(
        f"""
INSERT INTO {VERSIONS} (negotiation_id, version, changed_at)
SELECT id, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, now()
FROM negotiations_negotiation;
"""
    )
    return statements


def postgres_down() -> list[str]:
    statements = []
    for table in ("negotiations_negotiation", *TRACKED):
        for event in ("insert", "update", "delete", "truncate"):
            statements.append(f"DROP TRIGGER IF EXISTS {table}_version_{event} ON {table};")
            statements.append(f"DROP FUNCTION IF EXISTS {table}_version_{event}();")
    statements.append("DROP FUNCTION IF EXISTS negotiations_bump_all_data_versions();")
    statements.append("DROP FUNCTION IF EXISTS negotiations_bump_data_versions(bigint[]);")
    return statements


# --- SQLite -----------------------------------------------------------------------------------

SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_bump(select: str) -> str:
    # `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    return f"""
    INSERT INTO {VERSIONS} (negotiation_id, version, changed_at)
    SELECT negotiation_id, {SQLITE_NOW_US}, {SQLITE_NOW} FROM ({select}) WHERE true
    ON CONFLICT (negotiation_id) DO UPDATE
    SET version = max({VERSIONS}.version + 1, excluded.version), changed_at = excluded.changed_at;
"""


def sqlite_up() -> list[str]:
    statements = []
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"])):
        body = "".join(_sqlite_bump(f"SELECT {row}.id AS negotiation_id") for row in rows)
        statements.append(
            f"CREATE TRIGGER negotiations_negotiation_version_{event.lower()} AFTER {event} "
            f"ON negotiations_negotiation BEGIN {body} END;"
        )
    statements.append(
        "CREATE TRIGGER negotiations_negotiation_version_delete AFTER DELETE "
        f"ON negotiations_negotiation BEGIN DELETE FROM {VERSIONS} WHERE negotiation_id = OLD.id; END;"
    )
    for table, (_, select) in TRACKED.items():
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            body = "".join(_sqlite_bump(select.format(row=row)) for row in rows)
            statements.append(
                f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {body} END;"
            )
    statements.append(
        f"INSERT INTO {VERSIONS} (negotiation_id, version, changed_at) "
        f"SELECT id, {SQLITE_NOW_US}, {SQLITE_NOW} FROM negotiations_negotiation;"
    )
    return statements


def sqlite_down() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_version_{event}"
        for table in ("negotiations_negotiation", *TRACKED)
        for event in ("insert", "update", "delete")
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres_up, "sqlite": sqlite_up}.get(vendor, list)()
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres_down, "sqlite": sqlite_down}.get(vendor, list)()
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0009_history_and_versions")]

    operations = [
        migrations.CreateModel(
            name="NegotiationDataVersion",
            fields=[
                (
                    "negotiation",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="data_version",
                        serialize=False,
                        to="negotiations.negotiation",
                    ),
                ),
                ("version", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
