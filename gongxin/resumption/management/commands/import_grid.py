from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.commands import date_arg
from gongxin.lib.excel import WorkbookError, read_rows
from gongxin.resumption import services, stats


class Command(BaseCommand):
    help = ("导入电网日用电数据（表头：统一社会信用代码、日期、日用电量 千瓦时）；全部正确才写入。"
            "--scan 给出日期时，导入后按该日核查“报复工但用电低于阈值”等情况。")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--scan", help="导入后核查的日期 YYYY-MM-DD")
        parser.add_argument("--event", help="应急事件代码（默认：核查日实施中的事件）")

    def handle(self, *args, file, scan, event, **options):
        try:
            day = date_arg(scan) if scan else None
        except ValueError as e:
            raise CommandError(f"日期“{scan}”格式应为YYYY-MM-DD") from e
        try:
            report = services.import_grid(None, read_rows(file), source=file.rsplit("/", 1)[-1])
        except (OSError, WorkbookError) as e:
            raise CommandError(str(e)) from e
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
        if day is not None:
            found = stats.event_for(event, day)
            if found is None:
                raise CommandError("没有可核查的应急事件")
            self.stdout.write(f"核查{day:%Y-%m-%d}：新发现{len(services.scan(found, day=day))}条提示。")
