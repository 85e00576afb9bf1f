from django.db import migrations


def load_countries(apps, schema_editor):
    from tariffs.countries import sync_countries

    sync_countries(apps.get_model("tariffs", "Country"))


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0001_initial")]

    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
