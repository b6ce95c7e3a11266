"""`gongxin permits --date YYYY-MM-DD [--format json|table] [--event CODE]`: one day's permit figures."""

import json

from django.core.management.base import BaseCommand, CommandError

from gongxin.emergencies.models import Event
from gongxin.lib.commands import date_arg

from ... import stats
from ...models import Inspection, Permit


class Command(BaseCommand):
    help = "某日车辆接驳证明统计：申请、审批、用时中位数、入境、卡口劝返原因、在境与超时车辆"

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--event", help="应急事件代码（默认：该日进行中的事件）")

    def handle(self, *args, date, format, event=None, **options):
        try:
            day = date_arg(date)
        except ValueError as e:
            raise CommandError(f"日期“{date}”格式应为YYYY-MM-DD") from e
        if event:
            found = Event.objects.filter(code=event).first()
            if found is None:
                raise CommandError(f"没有代码为“{event}”的应急事件")
            permits, inspections = Permit.objects.filter(event=found), Inspection.objects.filter(event=found)
        else:
            permits, inspections = Permit.objects.all(), Inspection.objects.all()
        figures = stats.day_figures(permits, inspections, day)
        if format == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        labels = [("date", "日期"), ("applied", "申请"), ("approved", "批准"), ("refused", "不予批准"),
                  ("median_approval_minutes", "审批用时中位数（分钟）"), ("entries", "入境"),
                  ("in_county", "在境车辆"), ("overstays", "超时滞留")]
        for key, label in labels:
            value = figures[key]
            self.stdout.write(f"{label:<14}{'—' if value is None else value}")
        self.stdout.write("卡口劝返原因：" + ("无" if not figures["refused_at_checkpoint"] else ""))
        for row in figures["refused_at_checkpoint"]:
            self.stdout.write(f"  {row['reason']:<14}{row['count']}")
