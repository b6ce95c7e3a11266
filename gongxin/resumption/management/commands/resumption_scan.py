from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.commands import date_arg
from gongxin.lib.periods import PeriodError, parse_period
from gongxin.resumption import services, stats


class Command(BaseCommand):
    help = ("复工复产交叉核查：自报复工状态对照电网日用电（--date）和月报用电量、产值（--period），"
            "不一致的生成核查提示交镇街核查（幂等：已提示过的不重复）。")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按电网日用电核查的日期 YYYY-MM-DD")
        parser.add_argument("--period", help="按月报核查的报告期 YYYY-MM")
        parser.add_argument("--event", help="应急事件代码（默认：该日实施中的事件）")

    def handle(self, *args, date, period, event, **options):
        if not date and not period:
            raise CommandError("请给出 --date 或 --period")
        try:
            day = date_arg(date) if date else None
            period = parse_period(period) if period else None
        except (ValueError, PeriodError) as e:
            raise CommandError(f"日期或报告期格式有误：{e}") from e
        found = stats.event_for(event, day or stats.month_days(period)[1])
        if found is None:
            raise CommandError("没有可核查的应急事件")
        new = services.scan(found, day=day, period=period)
        self.stdout.write(f"{found.name}：新发现{len(new)}条核查提示。")
