from gongxin.lib.commands import ImportCommand
from gongxin.projects.services import import_investment


class Command(ImportCommand):
    help = ("导入项目月度完成投资（表头：项目编号, 报告期, 本月完成投资, 1-本月完成投资；单位万元）。"
            "全部成功或全部不写入；重复导入不改变数据。")

    def run(self, rows, path, dry_run):
        return import_investment(rows, actor=self.actor, dry_run=dry_run)
