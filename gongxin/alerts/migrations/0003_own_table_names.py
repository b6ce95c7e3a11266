"""The tables taken over from `analysis` get this app's names (rows, ids and keys unchanged)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0002_seed_warning_rules"),
        ("analysis", "0004_move_warnings_to_alerts"),
    ]

    operations = [
        migrations.AlterModelTable(name="warningrule", table=None),
        migrations.AlterModelTable(name="earlywarning", table=None),
        migrations.AlterModelTable(name="warningfollowup", table=None),
    ]
