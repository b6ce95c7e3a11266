from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.excel import WorkbookError, read_rows
from gongxin.reporting.importing import import_returns


class Command(BaseCommand):
    help = "导入统计局产值月报数据（全部成功或全部不写入；导入的报表为已受理；重复导入不产生变化）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = import_returns(read_rows(file), actor="命令行导入", filename=Path(file).name, dry_run=dry_run)
        except (WorkbookError, OSError) as e:
            raise CommandError(str(e)) from e
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        for warning in report.warnings[:200]:
            self.stdout.write(f"预警 {warning}")
        if len(report.warnings) > 200:
            self.stdout.write(f"……共{len(report.warnings)}条预警")
        self.stdout.write(self.style.SUCCESS("检查通过，未写入（--dry-run）" if dry_run else report.summary()))
