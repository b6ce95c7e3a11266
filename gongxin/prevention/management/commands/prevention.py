import json

from django.core.management.base import BaseCommand, CommandError

from gongxin.emergencies.models import Event
from gongxin.lib.commands import date_arg
from gongxin.prevention import stats


class Command(BaseCommand):
    help = "应急事件企业防控督导汇总：封闭生产、检查问题整改、核酸检测覆盖、政策文件阅读情况（JSON 或表格）。"

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, help="事件代码，如 2022-covid")
        parser.add_argument("--date", help="统计日期 YYYY-MM-DD（默认今天，按当日终了时的状态）")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, event, date=None, format="json", **options):
        try:
            ev = Event.objects.get(code=event)
        except Event.DoesNotExist as e:
            raise CommandError(f"没有代码为“{event}”的应急事件") from e
        try:
            day = date_arg(date) if date else stats.default_day(ev)
        except ValueError as e:
            raise CommandError(f"日期“{date}”格式不对，应为 YYYY-MM-DD") from e
        data = stats.summary(ev, day)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        c, f, t = data["closed_loop"], data["findings"], data["testing"]
        lines = [
            f"{ev.name}（{ev.code}） 截至 {data['date']}",
            f"封闭生产企业 {c['enterprises']} 家：已批准 {c['approved']}，待审核 {c['pending']}",
            f"检查发现问题：待整改 {f['open']}，已整改待核验 {f['rectified']}，已核验销号 {f['verified']}，逾期 {f['overdue']}",
            f"核酸检测：应检 {t['required']} 人，实检 {t['tested']} 人，覆盖率 {t['coverage_pct'] or '—'}%，"
            f"漏检企业 {t['missed_enterprises']} 家",
            "政策文件：",
        ]
        lines += [f"  《{n['title']}》 发送 {n['targets']} 家，已读 {n['read']}，未读 {n['unread']}" for n in data["notices"]]
        self.stdout.write("\n".join(lines))
