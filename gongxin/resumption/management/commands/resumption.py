from django.core.management.base import BaseCommand, CommandError

from gongxin.analysis.management.commands._common import dump_json, write_table
from gongxin.lib.commands import date_arg
from gongxin.resumption import stats


class Command(BaseCommand):
    help = ("复工复产：某日规上工业企业复工情况（按全县、镇街、行业或产值档次），"
            "由各企业的复工状态记录推算（截至该日最新一条记录）。")

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="日期 YYYY-MM-DD")
        parser.add_argument("--event", help="应急事件代码（默认：该日实施中的事件）")
        parser.add_argument("--by", choices=stats.GROUPINGS, default="county")
        parser.add_argument("--format", choices=("json", "table"), default="json")

    def handle(self, *args, date, event, by, format, **options):
        try:
            day = date_arg(date)
        except ValueError as e:
            raise CommandError(f"日期“{date}”格式应为YYYY-MM-DD") from e
        found = stats.event_for(event, day)
        if found is None:
            raise CommandError(f"没有代码为“{event}”的应急事件" if event else "尚无应急事件")
        data = stats.report(found, day, by)
        if format == "json":
            dump_json(self.stdout, data)
            return
        self.stdout.write(f"{found.name}（{found.code}） 截至{day:%Y-%m-%d}规上工业企业复工复产情况")
        write_table(self.stdout, ["代码", "名称", "企业数", "已复工", "复工率%", "其中部分复工", "未复工"],
                    [[r["code"], r["name"], r["enterprises"], r["resumed"], r["rate_pct"], r["partial"], r["stopped"]]
                     for r in data["rows"]])
