from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.excel import WorkbookError, read_rows
from gongxin.projects.services import import_investment


class Command(BaseCommand):
    help = ("导入项目月度完成投资（表头：项目编号, 报告期, 本月完成投资, 1-本月完成投资；单位万元）。"
            "全部成功或全部不写入；重复导入不改变数据。")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = import_investment(read_rows(file), actor="命令行导入", dry_run=dry_run)
        except (WorkbookError, OSError) as e:
            raise CommandError(str(e)) from e
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS("检查通过，未写入（--dry-run）" if dry_run else report.summary()))
