from gongxin.lib.commands import ImportCommand
from gongxin.reporting.importing import import_returns


class Command(ImportCommand):
    help = "导入统计局产值月报数据（全部成功或全部不写入；导入的报表为已受理；重复导入不产生变化）。"

    def run(self, rows, path, dry_run):
        return import_returns(rows, actor=self.actor, filename=path.name, dry_run=dry_run)
