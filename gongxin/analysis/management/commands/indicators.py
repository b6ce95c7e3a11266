from django.core.management.base import BaseCommand

from gongxin.analysis.report import BY_CHOICES, indicators_json

from ._common import dump_json, period_arg, write_table


class Command(BaseCommand):
    help = "输出某报告期规上工业产值、销售产值、出口交货值、用电量的汇总和同比增速（JSON或表格）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM")
        parser.add_argument("--by", choices=BY_CHOICES, default="county")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, period, by, format, **options):
        data = indicators_json(period_arg(period), by)
        if format == "json":
            dump_json(self.stdout, data)
            return
        headers = ["代码", "名称", "企业数", "指标", "本月", "1-本月", "上年同月", "上年1-同月", "本月增速%", "累计增速%"]
        rows = [[row["code"], row["name"], row["enterprises"], code, f["month"], f["ytd"], f["month_ly"],
                 f["ytd_ly"], f["month_growth_pct"], f["ytd_growth_pct"]]
                for row in data["rows"] for code, f in row["indicators"].items()]
        self.stdout.write(f"报告期 {data['period']}（单位：千元；用电量：万千瓦时）")
        write_table(self.stdout, headers, rows)
