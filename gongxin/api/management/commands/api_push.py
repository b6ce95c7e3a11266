"""`gongxin api_push --period YYYY-MM [--target NAME]`: push figures to partner platforms (logged)."""

from django.core.management.base import BaseCommand, CommandError

from gongxin.api.exchange import push
from gongxin.api.models import PushTarget
from gongxin.lib import periods as P


class Command(BaseCommand):
    help = "向上级平台推送指定报告期的指标（失败自动重试，记录回执并对账）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--target")

    def handle(self, *args, period, target, **options):
        try:
            period = P.parse_period(period)
        except P.PeriodError as e:
            raise CommandError(f"报告期应为 YYYY-MM：{period}") from e
        targets = PushTarget.objects.filter(is_active=True)
        if target:
            targets = targets.filter(name=target)
        if not targets.exists():
            raise CommandError("没有启用的推送目标")
        failed = 0
        for t in targets:
            log = push(t, period)
            failed += not log.ok
            state = "成功" + ("，对账一致" if log.reconciled else "，对账不一致") if log.ok else f"失败：{log.error}"
            self.stdout.write(f"{t.name} {period}：{state}（尝试{log.attempts}次）")
        if failed:
            raise CommandError(f"{failed}个目标推送失败")
