"""`gongxin permits_overstays`: alert the bureau and the destination town of vehicles past their window (idempotent)."""

from django.core.management.base import BaseCommand

from ... import services


class Command(BaseCommand):
    help = "提醒超过有效期仍未离境的车辆（每辆车只提醒一次）"

    def handle(self, *args, **options):
        alerted = services.alert_overstays()
        for permit in alerted:
            self.stdout.write(f"已提醒：{permit.plate}（{permit.number}）")
        self.stdout.write(f"本次提醒{len(alerted)}辆")
