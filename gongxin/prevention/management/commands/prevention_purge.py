"""`gongxin prevention_purge --event CODE`: erase cohort workers' names and ID numbers of a closed event.

`--closed` (the scheduled job): every closed event; idempotent (purged workers are skipped).
"""

from django.core.management.base import BaseCommand, CommandError

from gongxin.emergencies.models import Event
from gongxin.prevention import services


class Command(BaseCommand):
    help = ("清除已关闭应急事件中重点人群（新入职人员等）的姓名、身份证号；保留人数、入职日期和检测记录。"
            "可重复运行（已清除的不再处理），每次清除记入操作日志。")

    def add_arguments(self, parser):
        parser.add_argument("--event", help="事件代码")
        parser.add_argument("--closed", action="store_true", help="定时任务：所有已关闭的应急事件")

    def handle(self, *args, event, closed, **options):
        if closed:
            events = list(Event.objects.filter(closed_at__isnull=False).order_by("code"))
        elif event:
            try:
                events = [Event.objects.get(code=event)]
            except Event.DoesNotExist as e:
                raise CommandError(f"没有代码为“{event}”的应急事件") from e
        else:
            raise CommandError("请指定 --event 事件代码（或 --closed 处理所有已关闭的事件）")
        for ev in events:
            try:
                purged = services.purge_personal_data(ev)
            except services.DomainError as e:
                raise CommandError(str(e)) from e
            self.stdout.write(self.style.SUCCESS(f"{ev.code}：已清除 {purged} 名人员的姓名和身份证号" if purged
                                                 else f"{ev.code}：没有需要清除的个人信息"))
        if not events:
            self.stdout.write("没有已关闭的应急事件")
