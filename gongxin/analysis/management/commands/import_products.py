from gongxin.analysis.imports import import_products
from gongxin.lib.commands import ImportCommand


class Command(ImportCommand):
    help = "从Excel/CSV导入重点产品产量及出厂价格（全部成功或全部不写入；重复导入不改变数据）。"

    def run(self, rows, path, dry_run):
        return import_products(rows, actor=self.actor, dry_run=dry_run)
