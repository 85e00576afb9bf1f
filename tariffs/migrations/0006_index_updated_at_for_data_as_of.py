"""Indexes for the home page's "data as of": the newest edit of the tariff data, read from
the end of an index instead of a scan of the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0005_trade_value_line_of_its_importer")]

    operations = [
        migrations.AddIndex(
            model_name="tariffline",
            index=models.Index(fields=["updated_at"], name="tariffs_line_updated_at"),
        ),
        migrations.AddIndex(
            model_name="tariffmeasure",
            index=models.Index(fields=["updated_at"], name="tariffs_measure_updated_at"),
        ),
        migrations.AddIndex(
            model_name="tradevalue",
            index=models.Index(fields=["updated_at"], name="tariffs_tradevalue_updated_at"),
        ),
    ]
