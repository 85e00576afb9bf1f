"""Officials and sources are shown by pages of many negotiations (and the officials by
their own and their country's pages) without being any one negotiation's data: a write
to them bumps the reference data version (changes.ReferenceDataVersion), which keys the
cached pages with the negotiations' own versions. A new source is not shown until a
position, round or milestone cites it (which bumps that negotiation), so inserting one,
as every positions import does, leaves the cached pages alone."""

from django.db import migrations

from changes.reference_version import attach, detach

TABLES = {
    "negotiations_official": ("INSERT", "UPDATE", "DELETE"),
    "negotiations_source": ("UPDATE", "DELETE"),
}


def create(apps, schema_editor):
    for table, events in TABLES.items():
        for sql in attach(schema_editor.connection.vendor, table, events):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    for table, events in TABLES.items():
        for sql in detach(schema_editor.connection.vendor, table, events):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0011_newest_statement_indexes"),
        ("changes", "0002_reference_data_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
