"""Reference data: urgency tiers, handling units (bureau sections, the 21 towns, city departments)
and the working-day calendar 2020–2026 from the `chinese_calendar` package."""

from django.db import migrations

TIERS = [("urgent", "特急", 1, 1, 0), ("priority", "紧急", 3, 2, 1), ("normal", "一般", 7, 3, 2),
         ("complex", "复杂", 15, 5, 3)]
BUREAU = [("B01", "运行监测协调科"), ("B02", "企业服务科"), ("B03", "投资与技术改造科"), ("B04", "应急保障科")]
CITY = [("C01", "交通运输局"), ("C02", "人力资源和社会保障局"), ("C03", "发展和改革局"), ("C04", "自然资源和规划局"),
        ("C05", "国网供电公司"), ("C06", "地方金融监管局"), ("C07", "市场监督管理局")]


def seed(apps, schema_editor):
    from gongxin.services.workdays import seed_from_package

    Tier = apps.get_model("services", "Tier")
    Department = apps.get_model("services", "Department")
    Region = apps.get_model("registry", "Region")
    WorkdayOverride = apps.get_model("services", "WorkdayOverride")
    for code, name, lead, assist, order in TIERS:
        Tier.objects.update_or_create(code=code, defaults={"name": name, "lead_days": lead, "assist_days": assist,
                                                           "order": order})
    for code, name in BUREAU:
        Department.objects.update_or_create(code=code, defaults={"name": name, "kind": "bureau"})
    for code, name in CITY:
        Department.objects.update_or_create(code=code, defaults={"name": name, "kind": "city"})
    for region in Region.objects.filter(level="town"):
        Department.objects.update_or_create(code=f"T{region.code}",
                                            defaults={"name": region.name, "kind": "town", "region": region})
    for day, is_working, name in seed_from_package(range(2020, 2027)):
        WorkdayOverride.objects.update_or_create(date=day, defaults={"is_working": is_working, "name": name})


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("registry", "0002_load_county_and_industries")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
