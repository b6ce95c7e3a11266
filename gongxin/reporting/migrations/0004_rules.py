"""The validation rules of issue #3, as data the bureau can edit in the admin."""

from decimal import Decimal

from django.db import migrations

# (code, kind, severity, indicators, threshold, threshold2, message)
OUTPUT_RULES = [
    ("period_open", "period_open", "error", "", None, None, "报告期{period}未开放填报或已关闭，请联系工信局"),
    ("required", "required", "error", "", None, None, "{indicator}“{column}”为必填项"),
    ("negative", "negative", "error", "", None, None, "{indicator}“{column}”不能为负数（填报{value}）"),
    ("ytd_lt_month", "ytd_lt_month", "error", "", None, None, "{indicator}1-本月（{ytd}）不能小于本月（{month}）"),
    ("sales_gt_output", "sales_gt_output", "error", "", Decimal("1.5"), None,
     "工业销售产值{column}（{sales}）超过工业总产值（{output}）的{limit}倍，请核实"),
    ("ly_note", "ly_note", "error", "", None, None,
     "{indicator}“{column}”（{value}）与上年报表（{reported}）不一致，修改须填写说明"),
    ("yoy", "yoy", "warning", "output_value,sales_value", Decimal("50"), None,
     "{indicator}1-本月同比{growth}，变化幅度超过{limit}%，请说明原因"),
    ("month_consistency", "month_consistency", "warning", "", Decimal("1"), None,
     "{indicator}本月（{month}）与“1-本月减上期1-本月”（{derived}）不一致"),
    ("sell_through", "sell_through", "warning", "", Decimal("70"), Decimal("130"),
     "产销率{ratio}%超出{low}%～{high}%的合理范围，请说明原因"),
    ("elec_vs_output", "elec_vs_output", "warning", "", Decimal("30"), None,
     "用电量同比{elec_growth}、工业总产值同比{output_growth}，方向相反且相差{gap}个百分点，请说明原因"),
]
FINANCE_RULES = [
    ("period_open", "period_open", "error", "", None, None, "报告期{period}未开放填报或已关闭，请联系工信局"),
    ("required", "required", "error", "", None, None, "{indicator}“{column}”为必填项"),
    ("negative", "negative", "error", "revenue,cost,receivables,finished_goods,employees", None, None,
     "{indicator}“{column}”不能为负数（填报{value}）"),
    ("ly_note", "ly_note", "error", "", None, None,
     "{indicator}“{column}”（{value}）与上年报表（{reported}）不一致，修改须填写说明"),
    ("yoy", "yoy", "warning", "revenue", Decimal("50"), None,
     "{indicator}1-本月同比{growth}，变化幅度超过{limit}%，请说明原因"),
]


def load(apps, schema_editor):
    Form = apps.get_model("reporting", "Form")
    Rule = apps.get_model("reporting", "ValidationRule")
    for form_code, rules in (("output", OUTPUT_RULES), ("finance", FINANCE_RULES)):
        form = Form.objects.filter(code=form_code).first()
        if form is None:
            continue
        for order, (code, kind, severity, indicators, t1, t2, message) in enumerate(rules, start=1):
            Rule.objects.get_or_create(form=form, code=code, defaults={
                "kind": kind, "severity": severity, "indicators": indicators, "threshold": t1,
                "threshold2": t2, "message": message, "order": order})


def unload(apps, schema_editor):
    apps.get_model("reporting", "ValidationRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_rules_periods_notices")]
    operations = [migrations.RunPython(load, unload)]
