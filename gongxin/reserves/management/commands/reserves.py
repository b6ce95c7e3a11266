"""`gongxin reserves [--date YYYY-MM-DD] --format json|table`: stock, capacity and coverage per material,
the year's green-channel procurement to date and the supply contracts in force (figures from stats.py)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.commands import date_arg
from gongxin.reserves import stats


def figures(day):
    """The command's JSON document (its keys are a published format: do not change them)."""
    return {
        "date": day.isoformat(),
        "materials": [row.as_json() for row in stats.materials(day)],
        "procurement": stats.procurement(day.replace(month=1, day=1), day),
        "contracts": stats.contracts_summary(day),
    }


class Command(BaseCommand):
    help = "应急物资储备：各物资库存、产能储备、储备标准覆盖率与缺口；本年应急采购累计；保障供应合同"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="截止日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, date=None, format="table", **options):
        try:
            day = date_arg(date) if date else dt.date.today()
        except ValueError:
            raise CommandError(f"日期“{date}”格式应为YYYY-MM-DD") from None
        data = figures(day)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"应急物资储备情况（截至{day:%Y年%m月%d日}）")
        head = ["编码", "物资", "单位", "类别", "账面", "预留", "可用", "窗口内产能", "储备标准", "覆盖率", "缺口"]
        self.stdout.write("\t".join(head))
        for m in data["materials"]:
            cov = "—" if m["coverage_pct"] is None else f"{m['coverage_pct']}%"
            cells = [m["code"], m["name"], m["unit"], m["category"], m["on_hand"], m["reserved"], m["available"],
                     m["capacity_within_window"], "—" if m["standard"] is None else m["standard"], cov,
                     "—" if m["gap"] is None else m["gap"]]
            self.stdout.write("\t".join(str(c) for c in cells))
        self.stdout.write(f"{day.year}年应急采购累计：")
        for p in data["procurement"]:
            self.stdout.write(f"  {p['category']}\t{p['quantity']}{p['unit']}")
        c = data["contracts"]
        self.stdout.write(f"保障供应合同企业{c['enterprises']}家，补助资金{c['subsidy_wan']}万元")
