from gongxin.lib.commands import ImportCommand
from gongxin.registry.services import import_enterprises


class Command(ImportCommand):
    help = "从Excel/CSV导入企业名录（全部成功或全部不写入；按统一社会信用代码新增或更新）。"

    def run(self, rows, path, dry_run):
        return import_enterprises(rows, actor=self.actor, dry_run=dry_run)
