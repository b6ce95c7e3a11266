from django.core.management.base import BaseCommand, CommandError

from gongxin.analysis.imports import import_products
from gongxin.lib.excel import WorkbookError, read_rows


class Command(BaseCommand):
    help = "从Excel/CSV导入重点产品产量及出厂价格（全部成功或全部不写入；重复导入不改变数据）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run=False, **options):
        try:
            report = import_products(read_rows(file), actor="命令行导入", dry_run=dry_run)
        except (WorkbookError, OSError) as e:
            raise CommandError(str(e)) from e
        for error in report.errors:
            self.stderr.write(str(error))
        for warning in report.warnings:
            self.stderr.write(f"提示：{warning}")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS("检查通过，未写入（--dry-run）" if dry_run else report.summary()))
