"""`gongxin restore FILE --yes`: replace the whole database with a `gongxin backup` file.

Run on a migrated database (same code version as the backup). Everything happens in one
transaction: if the file cannot be loaded, the database is left as it was.
"""

import gzip
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongxin.accounts.models import AuditEntry


class Command(BaseCommand):
    help = "用 gongxin backup 生成的备份文件替换整个数据库（必须加 --yes 确认）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="确认清空当前数据库并恢复")

    def handle(self, *args, file, yes=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        if not yes:
            raise CommandError("恢复将清空当前数据库的全部数据并替换为备份内容；确认无误请加 --yes。")
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "backup.json"
            try:
                with gzip.open(path, "rb") as src, open(fixture, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)  # stream: a backup may be large
            except (OSError, EOFError) as e:
                raise CommandError(f"不是有效的备份文件：{e}") from e
            try:
                with transaction.atomic():
                    call_command("flush", interactive=False, verbosity=0)
                    call_command("loaddata", str(fixture), verbosity=0)
                    AuditEntry.objects.create(actor="恢复备份命令", action="accounts.restore", object_type="database",
                                              object_id="0", object_repr=path.name[:200])
            except Exception as e:  # loaddata wraps database and format errors in its own types
                raise CommandError(f"恢复失败，数据库未改动：{e}") from e
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复全部数据。"))
