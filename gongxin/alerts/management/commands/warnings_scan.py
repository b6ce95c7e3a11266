from django.core.management.base import BaseCommand, CommandError

from gongxin.alerts.pending import drain
from gongxin.alerts.scan import scan
from gongxin.lib.commands import date_arg, period_arg


class Command(BaseCommand):
    help = "按预警规则扫描某报告期：新增预警、更新已有预警、解除不再满足条件的预警（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", help="报告期 YYYY-MM")
        parser.add_argument("--pending", action="store_true", help="只扫描报表变动后排队待扫描的企业（每小时兜底）")
        parser.add_argument("--today", help="按此日期判断是否逾期未报（YYYY-MM-DD，默认今天）")

    def handle(self, *args, period, today, pending, **options):
        if pending:
            self.stdout.write(f"排队待扫描：已处理{drain()}项")
            if not period:
                return
        if not period:
            raise CommandError("请用 --period 指定报告期（或用 --pending 处理排队项）")
        try:
            day = date_arg(today) if today else None
        except ValueError as e:
            raise CommandError(f"日期“{today}”格式应为YYYY-MM-DD") from e
        # The period just ended, before anyone filed, is scanned too (逾期未报).
        counts = scan(period_arg(period, require_reporting=False), today=day)
        self.stdout.write(f"{period}：新增{counts['created']}条，更新{counts['updated']}条，"
                          f"解除{counts['cleared']}条，待跟进{counts['open']}条")
