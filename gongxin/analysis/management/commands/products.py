from django.core.management.base import BaseCommand

from gongxin.analysis.report import products_json

from ._common import dump_json, period_arg, write_table


class Command(BaseCommand):
    help = "输出某报告期重点监测工业产品的产量、价格及增长情况（JSON或表格）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, period, format, **options):
        data = products_json(period_arg(period))
        if format == "json":
            dump_json(self.stdout, data)
            return
        self.stdout.write(
            f"报告期 {data['period']}：重点监测产品{data['products_total']}种（有数据{data['products_with_data']}种，"
            f"产量按{'本月' if data['basis'] == 'month' else '1-本月'}比较），产量增长{data['output_up']}种"
            f"（{data['output_up_share_pct'] or '—'}%），价格增长{data['price_up']}种（{data['price_up_share_pct'] or '—'}%）")
        headers = ["代码", "名称", "单位", "1-本月", "上年1-同月", "增速%", "价格(元)", "上年价格(元)", "价格增速%"]
        write_table(self.stdout, headers, [[r[k] for k in ("code", "name", "unit", "ytd", "ytd_ly", "ytd_growth_pct",
                                                         "price", "price_ly", "price_growth_pct")]
                                          for r in data["rows"]])
