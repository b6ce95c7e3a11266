"""`gongxin demands --from YYYY-MM-DD --to YYYY-MM-DD [--by category|town|department] --format json|table`."""

import json

from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.commands import date_arg
from gongxin.services import stats


def _date(text):
    try:
        return date_arg(text)
    except ValueError as e:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from e


class Command(BaseCommand):
    help = "企业诉求办理情况：受理、办结、办结率、用时中位数（工作日）、超期、满意率。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--by", choices=stats.BY, default="category")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, date_from, date_to, by, format, **options):
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError("结束日期早于开始日期")
        rows = stats.demand_rows(start, end, by)
        if format == "json":
            out = {"from": start.isoformat(), "to": end.isoformat(), "rows": [
                {k: (str(v) if v is not None and k in ("resolution_rate_pct", "median_working_days",
                                                       "satisfaction_pct") else v) for k, v in r.items()}
                for r in rows]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{'名称':<12}{'受理':>6}{'办结':>6}{'办结率%':>9}{'中位数(工作日)':>14}{'超期':>6}{'满意率%':>9}")
        for r in rows:
            self.stdout.write(f"{r['name']:<12}{r['received']:>6}{r['resolved']:>6}"
                              f"{_t(r['resolution_rate_pct']):>9}{_t(r['median_working_days']):>14}"
                              f"{r['overdue']:>6}{_t(r['satisfaction_pct']):>9}")


def _t(value):
    return "—" if value is None else str(value)
