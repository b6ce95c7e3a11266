from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.excel import WorkbookError, read_rows
from gongxin.registry.services import import_enterprises


class Command(BaseCommand):
    help = "从Excel/CSV导入企业名录（全部成功或全部不写入；按统一社会信用代码新增或更新）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = import_enterprises(read_rows(file), actor="命令行导入", dry_run=dry_run)
        except (WorkbookError, OSError) as e:
            raise CommandError(str(e)) from e
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS("检查通过，未写入（--dry-run）" if dry_run else report.summary()))
