"""The indexes of the search over everything (negotiations/search.py), PostgreSQL only.

Full-text (GIN over `to_tsvector`) for the words of negotiations, issues and statements,
and trigrams for officials' names (typos, partial names). Each expression is the one the
search's queries write (`tariffs.search.Document`, `Unaccented`), or the planner would not
use it; tests/test_search.py checks that it does. `tracker_unaccent` comes from tariffs
migration 0013. Nothing happens on another database: SQLite's search is icontains.
"""

from django.db import migrations

INDEXES = {
    "negotiations_negotiation_fts": (
        "negotiations_negotiation USING gin "
        "(to_tsvector('english'::regconfig, tracker_unaccent(title || ' ' || summary)))"
    ),
    "negotiations_issue_fts": (
        "negotiations_issue USING gin "
        "(to_tsvector('english'::regconfig, tracker_unaccent(name || ' ' || sector)))"
    ),
    "negotiations_pos_statement_fts": (
        "negotiations_statedposition USING gin "
        "(to_tsvector('english'::regconfig, tracker_unaccent(statement)))"
    ),
    "negotiations_official_name_trgm": (
        "negotiations_official USING gin (tracker_unaccent(name) gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0015_issue_hs_code"),
        ("tariffs", "0013_search_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
