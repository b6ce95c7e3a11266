"""`gongxin exchange_export --period YYYY-MM --out FILE.zip`: the signed exchange package."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongxin.api.exchange import export_package
from gongxin.lib import periods as P


class Command(BaseCommand):
    help = "导出某报告期的签名交换包（无网络连接时报送上级平台用）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--source", default="", help="来源单位名称")

    def handle(self, *args, period, out, source, **options):
        try:
            period = P.parse_period(period)
        except P.PeriodError as e:
            raise CommandError(f"报告期应为 YYYY-MM：{period}") from e
        Path(out).write_bytes(export_package(period, source))
        self.stdout.write(f"已导出 {out}")
