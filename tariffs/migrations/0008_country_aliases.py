"""Countries are found by the names people use ("Korea", "UK", "EU"): fill the aliases of
every country from pycountry's official, common and inverted names and a short list."""

from django.db import migrations


def fill_aliases(apps, schema_editor):
    from tariffs.countries import aliases_of

    Country = apps.get_model("tariffs", "Country")
    countries = list(Country.objects.filter(aliases=""))
    for country in countries:
        country.aliases = aliases_of(country.code)
    Country.objects.bulk_update(countries, ["aliases"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0007_history_and_country_aliases")]

    operations = [migrations.RunPython(fill_aliases, migrations.RunPython.noop)]
