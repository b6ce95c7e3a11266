"""The two shipped forms: 产值 (like NBS B204-1) and 财务 (monthly finance, January exempt)."""

from django.db import migrations

OUTPUT_INDICATORS = [
    ("output_value", "工业总产值", "千元"),
    ("sales_value", "工业销售产值", "千元"),
    ("export_value", "其中:出口交货值", "千元"),
    ("electricity", "企业用电量", "万千瓦时"),
]
FINANCE_INDICATORS = [
    ("revenue", "营业收入", "千元"),
    ("cost", "营业成本", "千元"),
    ("profit", "利润总额", "千元"),
    ("receivables", "应收账款", "千元"),
    ("finished_goods", "产成品存货", "千元"),
    ("employees", "平均用工人数", "人"),
]


def load(apps, schema_editor):
    Form = apps.get_model("reporting", "Form")
    Indicator = apps.get_model("reporting", "Indicator")
    output, _ = Form.objects.get_or_create(code="output", defaults={
        "name": "产值", "merge_jan_feb": True, "deadline_day": 5, "has_products": True, "order": 1})
    finance, _ = Form.objects.get_or_create(code="finance", defaults={
        "name": "财务", "merge_jan_feb": True, "deadline_day": 5, "order": 2})
    for order, (code, name, unit) in enumerate(OUTPUT_INDICATORS, start=1):
        Indicator.objects.get_or_create(form=output, code=code, defaults={
            "name": name, "unit": unit, "order": order, "required": code != "export_value"})
    for order, (code, name, unit) in enumerate(FINANCE_INDICATORS, start=1):
        Indicator.objects.get_or_create(form=finance, code=code, defaults={
            "name": name, "unit": unit, "order": order, "has_month": False})


def unload(apps, schema_editor):
    apps.get_model("reporting", "Form").objects.filter(code__in=["output", "finance"]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
