"""`gongxin permits_purge EVENT_CODE`: erase the personal data of a closed event's permits (counts kept)."""

from django.core.management.base import BaseCommand, CommandError

from gongxin.emergencies.models import Event

from ... import services


class Command(BaseCommand):
    help = "应急事件关闭后，清除其车辆接驳证明中的驾乘人员个人信息（保留统计数）"

    def add_arguments(self, parser):
        parser.add_argument("event")

    def handle(self, *args, event, **options):
        found = Event.objects.filter(code=event).first()
        if found is None:
            raise CommandError(f"没有代码为“{event}”的应急事件")
        try:
            counts = services.purge_event(found)
        except services.DomainError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"已清除：证明{counts['permits']}份，驾乘人员{counts['people']}人，"
                          f"检测证明文件{counts['certificates']}个，常用人员{counts['profiles']}条")
