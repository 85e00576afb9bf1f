from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("negotiations", "0010_negotiation_data_version"),
        ("tariffs", "0009_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statedposition",
            index=models.Index(
                fields=["speaker", "-stated_on", "-id"], name="negotiations_pos_speaker_new"
            ),
        ),
        migrations.AddIndex(
            model_name="statedposition",
            index=models.Index(
                fields=["party", "-stated_on", "-id"], name="negotiations_pos_party_new"
            ),
        ),
    ]
