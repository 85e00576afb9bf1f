"""The reference data version (changes.models.ReferenceDataVersion) and, on PostgreSQL,
the trigger function that bumps it; the tariffs and negotiations apps attach it to their
tables in their own migrations. An upsert, so that a test's flush of every table (which
empties this one too) leaves the next write able to start it again."""

from django.db import migrations, models

TABLE = "changes_referencedataversion"

POSTGRES_UP = f"""
CREATE FUNCTION changes_bump_reference_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO {TABLE} AS v (id, version, changed_at)
    VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, clock_timestamp())
    ON CONFLICT (id) DO UPDATE
    SET version = GREATEST(v.version + 1, EXCLUDED.version), changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
INSERT INTO {TABLE} (id, version, changed_at)
VALUES (1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, clock_timestamp());
"""

SQLITE_UP = f"""
INSERT INTO {TABLE} (id, version, changed_at) VALUES (
    1,
    CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER),
    strftime('%Y-%m-%d %H:%M:%f', 'now')
);
"""


def create(apps, schema_editor):
    sql = {"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS changes_bump_reference_version();")


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ReferenceDataVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("version", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
