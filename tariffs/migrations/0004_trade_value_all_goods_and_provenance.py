"""A trade value may be an importer's all-goods total (no line), and says where it comes
from: what the figure counts, its source's publisher and date, its confidence, the
source's words and caveats.

The importer, once implied by the line, is a column of its own (an all-goods total has no
line); existing rows take their line's importer. They had no confidence: they are taken as
`reported`, the confidence of a figure from a secondary source, until an editor says more.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def importer_from_line(apps, schema_editor):
    TradeValue = apps.get_model("tariffs", "TradeValue")
    TariffLine = apps.get_model("tariffs", "TariffLine")
    TradeValue.objects.update(
        importer=Subquery(TariffLine.objects.filter(pk=OuterRef("line")).values("importer")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("tariffs", "0003_updated_at")]

    operations = [
        migrations.AddField(
            model_name="tradevalue",
            name="importer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trade_values_imported",
                to="tariffs.country",
            ),
        ),
        migrations.RunPython(importer_from_line, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tradevalue",
            name="importer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="trade_values_imported",
                to="tariffs.country",
            ),
        ),
        migrations.AlterField(
            model_name="tradevalue",
            name="line",
            field=models.ForeignKey(
                blank=True,
                help_text="A line of the importer; empty for the value of all goods.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="trade_values",
                to="tariffs.tariffline",
            ),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="measure",
            field=models.CharField(
                blank=True,
                help_text="As the source says: general or consumption imports, rounded, estimated.",
                max_length=300,
                verbose_name="what the figure counts",
            ),
        ),
        migrations.AlterField(
            model_name="tradevalue",
            name="source_url",
            field=models.URLField(max_length=500),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="source_publisher",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="published_on",
            field=models.CharField(
                blank=True,
                help_text="YYYY-MM-DD, or YYYY-MM where the source shows no day.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="confidence",
            field=models.CharField(
                choices=[
                    ("confirmed", "confirmed (on the record)"),
                    ("reported", "reported (unnamed sources or one report)"),
                    ("inferred", "inferred (our reading)"),
                ],
                default="reported",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="evidence",
            field=models.TextField(blank=True, help_text="The source's own words, shortened."),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="note",
            field=models.TextField(blank=True, help_text="Caveats: scope, basis, cross-checks."),
        ),
        migrations.AddField(
            model_name="tradevalue",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.AlterModelOptions(
            name="tradevalue",
            options={"ordering": ["importer__code", "partner__code", "line__hs_code", "-year"]},
        ),
        migrations.AddConstraint(
            model_name="tradevalue",
            constraint=models.UniqueConstraint(
                condition=models.Q(("line__isnull", True)),
                fields=("importer", "partner", "year"),
                name="tariffs_tradevalue_unique_all_goods_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="tradevalue",
            constraint=models.CheckConstraint(
                condition=models.Q(("partner", models.F("importer")), _negated=True),
                name="tariffs_tradevalue_partner_not_importer",
            ),
        ),
        migrations.AddConstraint(
            model_name="tradevalue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("published_on", ""),
                    ("published_on__regex", "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$"),
                    _connector="OR",
                ),
                name="tariffs_tradevalue_published_on_date_or_month",
            ),
        ),
    ]
