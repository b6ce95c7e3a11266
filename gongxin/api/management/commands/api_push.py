"""`gongxin api_push --period YYYY-MM [--target NAME]`: push figures to partner platforms (logged).

`--due` (the scheduled job): the newest closed period, to every active target that does not hold
its current figures yet; nothing to do (no target, no closed period, nothing changed) is no error.
"""

from django.core.management.base import BaseCommand, CommandError

from gongxin.api.exchange import latest_closed_period, push, push_if_changed
from gongxin.api.models import PushTarget
from gongxin.lib import periods as P


class Command(BaseCommand):
    help = "向上级平台推送指定报告期的指标（失败自动重试，记录回执并对账）。"

    def add_arguments(self, parser):
        parser.add_argument("--period")
        parser.add_argument("--target")
        parser.add_argument("--due", action="store_true",
                            help="定时任务：推送最近已关闭的报告期，对方已有相同数据的目标跳过")

    def handle(self, *args, period, target, due, **options):
        if not period and not due:
            raise CommandError("请指定 --period YYYY-MM（或 --due 推送最近已关闭的报告期）")
        targets = PushTarget.objects.filter(is_active=True)
        if target:
            targets = targets.filter(name=target)
        if due and not period:
            period = latest_closed_period()
            if period is None or not targets.exists():
                self.stdout.write("没有启用的推送目标或已关闭的报告期，无需推送")
                return
        try:
            period = P.parse_period(period)
        except P.PeriodError as e:
            raise CommandError(f"报告期应为 YYYY-MM：{period}") from e
        if not targets.exists():
            raise CommandError("没有启用的推送目标")
        failed = 0
        for t in targets:
            log = push_if_changed(t, period) if due else push(t, period)
            if log is None:
                self.stdout.write(f"{t.name} {period}：对方已有相同数据，跳过")
                continue
            failed += not log.ok
            state = "成功" + ("，对账一致" if log.reconciled else "，对账不一致") if log.ok else f"失败：{log.error}"
            self.stdout.write(f"{t.name} {period}：{state}（尝试{log.attempts}次）")
        if failed:
            raise CommandError(f"{failed}个目标推送失败")
