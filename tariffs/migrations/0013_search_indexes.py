"""What the search over everything (negotiations/search.py) needs of PostgreSQL here.

- `unaccent`, and `tracker_unaccent(text)`, the same marked IMMUTABLE: PostgreSQL indexes
  only immutable expressions, and `unaccent()` is not (its dictionary could change), so
  the search's indexes and queries call the wrapper (`tariffs.search.Unaccented`), with its
  dictionary named so that no search_path changes what it does.
- the HS code's prefix index (`code LIKE '8703%'`: the codes under a code typed);
- the full-text index of the HS descriptions, the expression `tariffs.search.Document`
  writes, so that the planner uses it.

Each does nothing on a database other than PostgreSQL (SQLite's search is icontains).
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION tracker_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""
HS_DESCRIPTION_INDEX = "tariffs_hscode_description_fts"


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNACCENT_FUNCTION)
        schema_editor.execute(
            f"CREATE INDEX {HS_DESCRIPTION_INDEX} ON tariffs_hscode USING gin "
            "(to_tsvector('english'::regconfig, tracker_unaccent(description)))"
        )


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {HS_DESCRIPTION_INDEX}")
        schema_editor.execute("DROP FUNCTION IF EXISTS tracker_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0012_hs_nomenclature")]

    operations = [
        UnaccentExtension(),
        migrations.AddIndex(
            model_name="hscode",
            index=models.Index(
                fields=["code"], name="tariffs_hscode_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.RunPython(create_search, drop_search),
    ]
