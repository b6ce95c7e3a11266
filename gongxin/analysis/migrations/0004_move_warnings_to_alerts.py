"""The early-warning models now live in `alerts` (alerts/0001 took over their tables): state only.

There is no analysis/0003 any more: the rule seeding moved to alerts/0002 (a database that ran
the old analysis/0003_seed_warning_rules keeps its record, which nothing reads).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("analysis", "0002_warnings"),
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="WarningFollowUp"),
                migrations.DeleteModel(name="Warning"),
                migrations.DeleteModel(name="WarningRule"),
            ],
        ),
    ]
