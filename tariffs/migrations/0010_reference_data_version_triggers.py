"""Every write to the tariffs' tables bumps the reference data version
(changes.ReferenceDataVersion), which keys the cached pages: a page showing a rate, a
line, a trade value or a country's name is never served stale after such a write,
whichever path made it."""

from django.db import migrations

from changes.reference_version import attach, detach

EVENTS = ("INSERT", "UPDATE", "DELETE")
TABLES = (
    "tariffs_country",
    "tariffs_tariffline",
    "tariffs_tariffmeasure",
    "tariffs_tariffmeasure_lines",
    "tariffs_tariffmeasure_partners",
    "tariffs_tariffmeasure_displaces",
    "tariffs_tradevalue",
)


def create(apps, schema_editor):
    for table in TABLES:
        for sql in attach(schema_editor.connection.vendor, table, EVENTS):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    for table in TABLES:
        for sql in detach(schema_editor.connection.vendor, table, EVENTS):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("tariffs", "0009_search_indexes"),
        ("changes", "0002_reference_data_version"),
    ]

    operations = [migrations.RunPython(create, drop)]
