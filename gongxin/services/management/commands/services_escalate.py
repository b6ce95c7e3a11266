"""`gongxin services_escalate`: escalate every demand past its deadline to the leadership (idempotent)."""

from django.core.management.base import BaseCommand

from gongxin.services.services import escalate_overdue


class Command(BaseCommand):
    help = "超期诉求升级至局领导督办（可重复运行，不重复升级）。"

    def handle(self, *args, **options):
        count = escalate_overdue()
        self.stdout.write(f"本次升级督办{count}件超期诉求。")
