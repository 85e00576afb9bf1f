"""`refuse` reads "refuse", not "refuse to discuss": a side refusing to cut a tariff or to
open a market still discusses it. `discuss_only` reads "discuss only part". Labels only:
the stored values do not change."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0006_official_native_name_language")]

    operations = [
        migrations.AlterField(
            model_name="statedposition",
            name="stance",
            field=models.CharField(
                choices=[
                    ("eliminate", "eliminate"),
                    ("reduce", "reduce"),
                    ("maintain", "maintain"),
                    ("increase", "increase"),
                    ("discuss_only", "discuss only part"),
                    ("refuse", "refuse"),
                    ("demand", "demand"),
                    ("offer", "offer"),
                    ("accept", "accept"),
                ],
                help_text="Demand: asks the other side to act (open its rice market). Offer: "
                "puts a concession on the table. Discuss only part: will talk about part of "
                "it. Refuse: says no to what the other side asks.",
                max_length=12,
            ),
        ),
    ]
