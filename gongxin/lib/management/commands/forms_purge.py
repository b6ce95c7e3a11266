"""`gongxin forms_purge`: forget the one-time tokens of forms posted more than 30 days ago (lib/once.py).

A page kept open longer than that and posted again applies again — as a fresh form would. Idempotent.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongxin.lib.models import SubmittedForm
from gongxin.lib.once import KEEP_DAYS


class Command(BaseCommand):
    help = f"清除{KEEP_DAYS}天前已提交表单的一次性令牌（防重复提交记录）"

    def handle(self, *args, **options):
        cutoff = timezone.now() - dt.timedelta(days=KEEP_DAYS)
        removed, _ = SubmittedForm.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"已清除{removed}条表单令牌（{cutoff:%Y-%m-%d}之前）")
