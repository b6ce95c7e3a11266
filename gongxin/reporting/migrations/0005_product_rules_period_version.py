"""Product-line rules as data (same mechanism as 0004), and a version on reporting periods
(closed and reopened from the periods page, version-checked)."""

from decimal import Decimal

from django.db import migrations, models

# (code, kind, severity, threshold, message); the 产值 form owns the product lines.
PRODUCT_RULES = [
    ("product_ytd_lt_month", "product_ytd_lt_month", "error", None,
     "{product}1-本月产量（{ytd}{unit}）不能小于本月产量（{month}{unit}）"),
    ("product_price_qty", "product_price_qty", "warning", None,
     "{product}本月产量（{qty}{unit}）与本月平均出厂价格（{price}）不匹配：有产量应填价格，无产量不应填价格，请核实"),
    ("product_yoy", "product_yoy", "warning", Decimal("50"),
     "{product}1-本月产量同比{growth}，变化幅度超过{limit}%，请说明原因"),
]


def load(apps, schema_editor):
    Form = apps.get_model("reporting", "Form")
    Rule = apps.get_model("reporting", "ValidationRule")
    form = Form.objects.filter(code="output").first()
    if form is None:
        return
    start = (Rule.objects.filter(form=form).aggregate(models.Max("order"))["order__max"] or 0) + 1
    for order, (code, kind, severity, threshold, message) in enumerate(PRODUCT_RULES, start=start):
        Rule.objects.get_or_create(form=form, code=code, defaults={
            "kind": kind, "severity": severity, "threshold": threshold, "message": message, "order": order})


def unload(apps, schema_editor):
    apps.get_model("reporting", "ValidationRule").objects.filter(code__in=[r[0] for r in PRODUCT_RULES]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0004_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportingperiod',
            name='version',
            field=models.PositiveIntegerField(default=1, verbose_name='版本'),
        ),
        migrations.AlterField(
            model_name='validationrule',
            name='kind',
            field=models.CharField(choices=[('required', '必填项缺失（{indicator}、{column}）'), ('negative', '数值为负（{indicator}、{column}、{value}）'), ('ytd_lt_month', '1-本月小于本月（{indicator}、{ytd}、{month}）'), ('sales_gt_output', '销售产值超过总产值×阈值（{column}、{sales}、{output}、{limit}）'), ('period_open', '报告期未开放或已关闭（{period}）'), ('ly_note', '上年数与上年报表不一致须说明（{indicator}、{column}、{value}、{reported}）'), ('yoy', '同比增速绝对值超过阈值%（{indicator}、{growth}、{limit}）'), ('month_consistency', '本月≠1-本月−上期1-本月，允许误差为阈值（{indicator}、{month}、{derived}）'), ('sell_through', '产销率超出[阈值, 阈值2]%（{ratio}、{low}、{high}）'), ('elec_vs_output', '用电量与产值增速方向相反且相差超过阈值个百分点（{elec_growth}、{output_growth}、{gap}）'), ('product_ytd_lt_month', '产品1-本月产量小于本月产量（{product}、{ytd}、{month}、{unit}）'), ('product_price_qty', '产品有价格无产量或有产量无价格（{product}、{qty}、{price}、{unit}）'), ('product_yoy', '产品1-本月产量同比增速绝对值超过阈值%（{product}、{growth}、{limit}）')], max_length=30, verbose_name='规则类型'),
        ),
        migrations.RunPython(load, unload),
    ]
