import sys

from django.core.management.base import BaseCommand

from gongxin.analysis import rollups
from gongxin.lib.commands import period_arg


class Command(BaseCommand):
    help = ("核对（--check）或重建（--rebuild）统计汇总表（roll-ups）：按原始报表重新计算每个汇总单元格；"
            "--check 发现差异时逐条列出并以非零状态退出。")

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="核对汇总表与原始报表是否一致")
        action.add_argument("--rebuild", action="store_true", help="按原始报表重建汇总表")
        parser.add_argument("--period", help="只处理该报告期 YYYY-MM（默认全部）")

    def handle(self, *args, check, rebuild, period=None, **options):
        periods = [period_arg(period)] if period else None
        if rebuild:
            written = rollups.rebuild(periods)
            self.stdout.write(f"汇总表已重建：{f'{len(periods)}个报告期' if periods else '全部报告期'}，写入{written}个汇总单元格。")
            return
        differences = rollups.check(periods)
        if not differences:
            self.stdout.write("汇总表与原始报表一致。")
            return
        for table, key, stored, computed in differences[:200]:
            self.stdout.write(f"差异 {table} {key}: 汇总表 {list(map(str, stored))} ≠ 原始计算 "
                              f"{list(map(str, computed)) if computed is not None else '（无此报告期）'}")
        if len(differences) > 200:
            self.stdout.write(f"……另有{len(differences) - 200}处差异未列出")
        self.stderr.write(f"汇总表与原始报表不一致：{len(differences)}处差异。可运行 gongxin rollups --rebuild 修复。")
        sys.exit(1)
