import datetime as dt
from pathlib import Path

from django.conf import settings

from gongxin.accounts.exporters import PasswordSheetExporter
from gongxin.accounts.services import import_users
from gongxin.lib.commands import ImportCommand


class Command(ImportCommand):
    help = ("从Excel/CSV批量创建用户（用户名、姓名、手机、角色、镇街代码或统一社会信用代码；全部成功或全部不写入），"
            "并把每个新用户的一次性初始密码写入一个Excel文件（--out，默认 var/ 下），打印其路径。")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--out", help="初始密码表的保存路径（.xlsx）")

    def handle(self, *args, out=None, **options):
        self.out = out
        return super().handle(*args, **options)

    def run(self, rows, path, dry_run):
        report = import_users(rows, actor=None, dry_run=dry_run)
        if report.ok and not dry_run and report.passwords:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = Path(self.out) if self.out else Path(settings.VAR_DIR) / f"initial-passwords-{stamp}.xlsx"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(PasswordSheetExporter(report.passwords).render_xlsx())
            target.chmod(0o600)
            self.stdout.write(f"初始密码表：{target}（仅本机可读，请分发后删除）")
            for username, name, role, scope, _ in report.passwords:
                self.stdout.write(f"  {username}\t{name}\t{role}\t{scope}")
        return report
