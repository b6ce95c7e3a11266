"""Audit entries and content types of the moved models follow them: "analysis.warning" → "alerts.earlywarning".

Without this a warning's history (its audit entries, found by object type and id) would be lost
from its page, and the audit log would show the old type's raw label.
"""

from django.db import migrations

MOVED = {
    ("analysis", "warningrule"): ("alerts", "warningrule"),
    ("analysis", "warning"): ("alerts", "earlywarning"),
    ("analysis", "warningfollowup"): ("alerts", "warningfollowup"),
}


def _move(apps, mapping):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (old_app, old_model), (new_app, new_model) in mapping.items():
        AuditEntry.objects.filter(object_type=f"{old_app}.{old_model}").update(object_type=f"{new_app}.{new_model}")
        old = ContentType.objects.filter(app_label=old_app, model=old_model).first()
        if old is None:
            continue
        if ContentType.objects.filter(app_label=new_app, model=new_model).exists():
            old.delete()  # already made by a post-migrate run (with its own permissions): drop the duplicate
        else:
            old.app_label, old.model = new_app, new_model
            old.save(update_fields=["app_label", "model"])


def forwards(apps, schema_editor):
    _move(apps, MOVED)


def backwards(apps, schema_editor):
    _move(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0003_own_table_names"),
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
