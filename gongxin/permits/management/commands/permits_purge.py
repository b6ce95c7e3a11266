"""`gongxin permits_purge EVENT_CODE`: erase the personal data of a closed event's permits (counts kept).

`--closed` (the scheduled job): every closed event; idempotent (purged permits are skipped).
"""

from django.core.management.base import BaseCommand, CommandError

from gongxin.emergencies.models import Event

from ... import services


class Command(BaseCommand):
    help = "应急事件关闭后，清除其车辆接驳证明中的驾乘人员个人信息（保留统计数）"

    def add_arguments(self, parser):
        parser.add_argument("event", nargs="?")
        parser.add_argument("--closed", action="store_true", help="定时任务：所有已关闭的应急事件")

    def handle(self, *args, event, closed, **options):
        if closed:
            events = list(Event.objects.filter(closed_at__isnull=False).order_by("code"))
        elif event:
            events = list(Event.objects.filter(code=event))
            if not events:
                raise CommandError(f"没有代码为“{event}”的应急事件")
        else:
            raise CommandError("请指定事件代码（或 --closed 处理所有已关闭的事件）")
        for found in events:
            try:
                counts = services.purge_event(found)
            except services.DomainError as e:
                raise CommandError(str(e)) from e
            self.stdout.write(f"{found.code} 已清除：证明{counts['permits']}份，驾乘人员{counts['people']}人，"
                              f"检测证明文件{counts['certificates']}个，常用人员{counts['profiles']}条")
        if not events:
            self.stdout.write("没有已关闭的应急事件")
