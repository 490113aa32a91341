"""A covering index for the daily run's read of the last 180 days of activity signals."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("collection", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=[
                    "occurred_at", "customer", "outcome", "evasion", "refused_to_stamp", "denied_debt", "pays_others"
                ],
                name="activity_window",
            ),  # fmt: skip
        ),
    ]
