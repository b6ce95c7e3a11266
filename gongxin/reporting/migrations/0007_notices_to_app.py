"""Move the old 催报 notices (reporting.Notice) into the notices app (notices.Notice), which is now
the only place notices are sent and read. Keys follow reminders.remind_key, so the command and the
button see the old reminders as sent; a notice the enterprise had read keeps no per-user receipt (the
old model had none), but its read time is not lost: it stays on the old row, which is kept."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("reporting", "Notice")
    New = apps.get_model("notices", "Notice")
    for n in Old.objects.select_related("form", "enterprise").order_by("pk").iterator():
        day = n.created_at.date() if n.created_at else None
        key = f"remind:{n.enterprise_id}:{n.form.code}:{n.period}:{day:%Y-%m-%d}" if day else f"remind-old:{n.pk}"
        if New.objects.filter(key=key).exists():
            continue
        new = New.objects.create(kind="remind", title=n.message[:200], body=n.message,
                                 url=f"/returns/{n.enterprise.uscc}/{n.form.code}/{n.period}/",
                                 enterprise_id=n.enterprise_id, sender_name="催报命令",
                                 source=f"reporting.remind:{n.form.code}:{n.period}", key=key,
                                 emailed_to=n.emailed_to)
        New.objects.filter(pk=new.pk).update(created_at=n.created_at)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_product_line_bounds"), ("notices", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
