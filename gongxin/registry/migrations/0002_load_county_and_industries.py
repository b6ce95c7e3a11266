"""The default county (滕州市 370481, 21 镇街) and GB/T 4754-2017 divisions of sections B/C/D."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    Industry = apps.get_model("registry", "Industry")
    county, _ = Region.objects.get_or_create(
        code="370481000000", defaults={"code9": "370481000", "name": "滕州市", "level": "county"})
    with open(DATA / "tengzhou_towns.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Region.objects.get_or_create(code=row["code12"], defaults={
                "code9": row["code9"], "name": row["name"], "level": "town", "parent": county})
    with open(DATA / "industry_divisions_gbt4754_2017.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Industry.objects.get_or_create(code=row["division"], defaults={
                "name": row["division_name"], "section": row["section"],
                "section_name": row["section_name"]})


def unload(apps, schema_editor):
    apps.get_model("registry", "Region").objects.filter(code__startswith="370481").delete()
    apps.get_model("registry", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
