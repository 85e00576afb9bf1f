"""Indexes for the home page's "data as of": the newest statement's date and the newest
edit of each model, each read from the end of an index instead of a scan of the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("negotiations", "0007_stance_labels_read_right")]

    operations = [
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["updated_at"], name="negotiations_issue_updated"),
        ),
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(fields=["updated_at"], name="negotiations_milestone_upd"),
        ),
        migrations.AddIndex(
            model_name="negotiation",
            index=models.Index(fields=["updated_at"], name="negotiations_negotiation_upd"),
        ),
        migrations.AddIndex(
            model_name="statedposition",
            index=models.Index(fields=["stated_on"], name="negotiations_pos_stated_on"),
        ),
        migrations.AddIndex(
            model_name="statedposition",
            index=models.Index(fields=["updated_at"], name="negotiations_pos_updated"),
        ),
        migrations.AddIndex(
            model_name="talkround",
            index=models.Index(fields=["updated_at"], name="negotiations_round_updated"),
        ),
    ]
