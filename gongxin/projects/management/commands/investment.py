import json

from django.core.management.base import BaseCommand

from gongxin.lib import periods
from gongxin.lib.commands import period_arg
from gongxin.projects import stats


def report(period, by="county"):
    """The figures of `gongxin investment` (the same stats functions as the dashboard)."""
    year = periods.split(period)[0]
    end = stats.period_end(period)  # projects' stages and funds paid as of the period's end
    key = stats.key_project_summary(year, as_of=end)
    return {
        "period": period,
        "unit": "万元",
        "rows": [{"code": r["code"], "name": r["name"], "projects": r["projects"], "ytd": str(r["ytd"]),
                  "ytd_ly": str(r["ytd_ly"]),
                  "ytd_growth_pct": None if r["ytd_growth_pct"] is None else str(r["ytd_growth_pct"])}
                 for r in stats.investment_rows(period, by=by)],
        "key_projects": {"count": key["count"], "total_investment": str(key["total_investment"])},
        "programmes": [{"name": p["name"], "projects": p["projects"]} for p in stats.programme_rows(year)],
        "funds": {k: str(v) if k == "total" else v for k, v in stats.fund_summary(year, as_of=end).items()},
        "as_of": end.isoformat(),
        "coverage": stats.investment_coverage(period),
    }


class Command(BaseCommand):
    help = "工业技改投资：某报告期1-本月完成投资及同比（万元），重点项目、项目计划与扶持资金汇总。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM")
        parser.add_argument("--by", choices=["county", "town", "industry"], default="county")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args, period, by, format, **options):
        period = period_arg(period, quarters=False, merge_jan_feb=False, require_reporting=False)
        data = report(period, by)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"工业技改投资 {periods.label(period, merge_jan_feb=False)}（1-本月，万元）")
        self.stdout.write(f"{'代码':<14}{'名称':<14}{'项目数':>6}{'1-本月':>14}{'上年同期':>14}{'同比%':>8}")
        for r in data["rows"]:
            growth = r["ytd_growth_pct"] if r["ytd_growth_pct"] is not None else "—"
            self.stdout.write(f"{r['code']:<14}{r['name']:<14}{r['projects']:>6}{r['ytd']:>14}"
                              f"{r['ytd_ly']:>14}{growth:>8}")
        kp = data["key_projects"]
        self.stdout.write(f"重点技改项目：{kp['count']}个，计划总投资{kp['total_investment']}万元")
        for p in data["programmes"]:
            self.stdout.write(f"{p['name']}：{p['projects']}个项目")
        f = data["funds"]
        self.stdout.write(f"技改扶持资金已拨付：{f['enterprises']}家企业，{f['total']}万元")
