"""An official's native name carries its language, for the `lang` attribute pages put on
it (a Japanese name read by a screen reader in English is noise; browsers pick Japanese
glyphs for Han characters only when told).

Existing native names of Japan's officials are Japanese; any other takes `und`
(undetermined, in BCP 47) until an editor sets it: the rule that a native name has a
language then holds for every row.
"""

from django.db import migrations, models


def languages_of_native_names(apps, schema_editor):
    Official = apps.get_model("negotiations", "Official")
    named = Official.objects.exclude(native_name="")
    named.filter(country__code="JPN").update(native_name_lang="ja")
    named.filter(native_name_lang="").update(native_name_lang="und")


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0005_position_party_and_issue_triggers")]

    operations = [
        migrations.AddField(
            model_name="official",
            name="native_name_lang",
            field=models.CharField(
                blank=True,
                help_text="A language tag such as ja (Japanese) or zh-Hant, so that browsers "
                "and screen readers render and read the name in its language. Required with "
                "a native name.",
                max_length=35,
                verbose_name="language of the native name",
            ),
        ),
        migrations.RunPython(languages_of_native_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="official",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("native_name", ""), ("native_name_lang", "")),
                    models.Q(
                        models.Q(("native_name", ""), _negated=True),
                        ("native_name_lang__regex", "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"),
                    ),
                    _connector="OR",
                ),
                name="negotiations_official_native_name_has_language",
            ),
        ),
    ]
