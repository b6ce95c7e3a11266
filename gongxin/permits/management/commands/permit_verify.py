"""`gongxin permit_verify TOKEN [--direction entry|exit|transfer] [--at ISO]`: exit 0 valid, 1 with the reason."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ... import services
from ...models import Inspection


class Command(BaseCommand):
    help = "核验车辆接驳证明二维码代码（签名、撤销、有效期、重复入境）；有效退出码0，无效退出码1"

    def add_arguments(self, parser):
        parser.add_argument("token")
        parser.add_argument("--direction", choices=Inspection.Direction.values, default=Inspection.Direction.ENTRY)
        parser.add_argument("--at", help="按该时间核验（ISO 8601，默认现在）")

    def handle(self, *args, token, direction, at=None, **options):
        moment = timezone.now()
        if at:
            moment = parse_datetime(at)
            if moment is None:
                raise CommandError(f"时间“{at}”格式不正确")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        permit, payload, problems = services.check_token(token, moment, direction)
        if problems:
            for _, message in problems:
                self.stderr.write(f"无效：{message}")
            sys.exit(1)
        self.stdout.write(f"有效：证明编号{payload['n']}，车牌{payload['p']}，目的地{payload['c']}（{payload['t']}），"
                          f"有效期至{timezone.localtime(permit.window_end):%Y-%m-%d %H:%M}")
