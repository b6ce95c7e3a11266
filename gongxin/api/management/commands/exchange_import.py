"""`gongxin exchange_import FILE.zip [--dry-run]`: verify a signed package and import its returns."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongxin.api.exchange import PackageError, read_package
from gongxin.reporting.importing import import_returns


class Command(BaseCommand):
    help = "校验并导入交换包（签名、校验和；--dry-run 只检查不写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, dry_run, **options):
        try:
            manifest, rows = read_package(Path(file).read_bytes())
        except (OSError, PackageError) as e:
            raise CommandError(str(e)) from e
        report = import_returns(rows, actor=f"交换包:{manifest.get('source') or '未署名'}", filename=Path(file).name,
                                dry_run=dry_run)
        self.stdout.write(f"交换包 {manifest['period']}，{manifest['returns']}张报表，签名与校验和正确。")
        self.stdout.write(("（试运行）" if dry_run else "") + report.summary())
        for error in report.errors[:50]:
            self.stdout.write(str(error))
        if report.errors:
            raise CommandError("交换包未导入")
