"""Indexes for the tariff-line search.

A word of the search is `UPPER(description) LIKE UPPER('%steel%')` (Django's icontains):
only a trigram index serves a pattern that does not start the text, and it is PostgreSQL's
(pg_trgm), so it is created there only; other databases scan, which the demo's few lines
allow. Measured on 200,000 lines (`make bench`): see the README.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEX = "tariffs_line_description_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON tariffs_tariffline "
            "USING gin ((UPPER(description::text)) gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0008_country_aliases")]

    operations = [
        migrations.AddIndex(
            model_name="tariffline",
            index=models.Index(
                fields=["hs_code"], name="tariffs_line_hs_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        # Both do nothing on a database other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
