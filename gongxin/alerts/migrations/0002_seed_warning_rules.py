"""The default early-warning rules (issue 6); a bureau admin changes them on the rules page.

Was analysis/0003 before the rules moved to alerts: on a database that ran it, `get_or_create`
finds every rule by its code and changes nothing (an edited rule stays as edited)."""

from decimal import Decimal

from django.db import migrations

RULES = [
    # code, name, kind, level, threshold, months, message
    ("output_fall_yellow", "产值降幅超过20%", "output_fall", "yellow", "20", 1,
     "{name}{period}1-本月工业总产值同比{growth}，降幅超过{threshold}%，请关注生产经营情况"),
    ("output_fall_orange", "产值降幅超过30%", "output_fall", "orange", "30", 1,
     "{name}{period}1-本月工业总产值同比{growth}，降幅超过{threshold}%，请及时走访了解原因"),
    ("output_fall_red", "产值降幅超过50%", "output_fall", "red", "50", 1,
     "{name}{period}1-本月工业总产值同比{growth}，降幅超过{threshold}%，请立即走访、协调解决困难"),
    ("consecutive_fall_red", "产值连续两月大幅下降", "consecutive_fall", "red", "30", 2,
     "{name}连续{months}个月当月工业总产值同比降幅超过{threshold}%（{period}当月{growth}），请立即走访"),
    ("electricity_mismatch", "用电量下降而产值增长", "electricity_mismatch", "blue", "0", 1,
     "{name}{period}当月用电量同比{electricity}，而工业总产值同比{growth}，两者走势背离，请核实数据质量"),
    ("plan_behind", "镇街产值计划进度滞后", "plan_behind", "orange", "10", 1,
     "{town}{period}规上工业总产值完成全年计划的{value}%，落后时间进度（{progress}%）{gap}个百分点"),
    ("missing_return", "过亿元企业逾期未报", "missing_return", "yellow", "0", 1,
     "{name}（产值过亿元企业）{period}产值报表截至{deadline}仍未报送，请督促报送"),
]


def seed(apps, schema_editor):
    WarningRule = apps.get_model("alerts", "WarningRule")
    for code, name, kind, level, threshold, months, message in RULES:
        WarningRule.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "level": level, "threshold": Decimal(threshold), "months": months,
            "message": message})


def unseed(apps, schema_editor):
    apps.get_model("alerts", "WarningRule").objects.filter(code__in=[r[0] for r in RULES],
                                                             warnings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
