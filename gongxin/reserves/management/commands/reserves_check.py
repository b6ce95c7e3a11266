"""`gongxin reserves_check`: proves the balance table equals Σ ledger (and reservations, purchase
deliveries, call-off deliveries, dispatch shipments agree with it); exits non-zero otherwise."""

from django.core.management.base import BaseCommand, CommandError

from gongxin.reserves import stats


class Command(BaseCommand):
    help = "核对库存余额与出入库台账（账账相符），不一致时以非零状态退出"

    def handle(self, *args, **options):
        problems = stats.check_balances()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"库存余额与台账不符：{len(problems)}处")
        self.stdout.write(self.style.SUCCESS("库存余额与台账一致"))
