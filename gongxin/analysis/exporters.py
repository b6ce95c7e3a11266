"""One exporter per analysis table; figures come from stats.py, the XLSX base renders them."""

from decimal import Decimal

from gongxin.lib.export import Exporter
from gongxin.lib.numeric import qian_to_wan, round_half_up

from . import stats
from .imports import PLAN_HEADERS, PPI_HEADERS, PRODUCT_HEADERS

CENTS = Decimal("0.01")
# 万元, as the dashboard shows them (the forms report 千元).
GROUP_HEADERS = ("代码", "名称", "企业数", "本月（万元）", "1-本月（万元）", "上年同月（万元）", "上年1-同月（万元）",
                 "本月增速（%）", "累计增速（%）", "累计增减额（万元）", "累计占比（%）", "累计贡献率（%）",
                 "拉动（百分点）", "应报（名录企业数）", "已报送", "计入")


class _PeriodExporter(Exporter):
    def __init__(self, period, user=None):
        self.period, self.user = period, user

    def filename(self):
        return f"{self.name}_{self.period}.xlsx"


class GroupingExporter(_PeriodExporter):
    """规上工业总产值 by a grouping, with share, contribution and pull against the whole."""

    by = "county"
    headers = GROUP_HEADERS

    def rows(self):
        whole = stats.county(self.period, self.user, ("output_value",))
        rows = stats.totals(self.period, self.by, self.user, ("output_value",))
        coverage = stats.coverage(self.period, self.user, self.by)
        if self.by == "county":
            coverage = {rows[0].key: coverage}
        for row, share, contribution, pull in stats.with_structure(rows, whole):
            f = row.output
            c = coverage.get(row.key, stats.Coverage(counted=row.enterprises))
            yield [row.code, row.name, row.enterprises, *(qian_to_wan(v) for v in (f.month, f.ytd, f.month_ly, f.ytd_ly)),
                   f.month_growth_pct, f.ytd_growth_pct, qian_to_wan(f.ytd_change), share, contribution, pull,
                   c.expected, c.reported, c.counted]


class CountyExporter(_PeriodExporter):
    identifier = "county"
    name = "主要指标"
    headers = ("指标", "计量单位", "本月", "1-本月", "上年同月", "上年1-同月", "本月增速（%）", "累计增速（%）", "企业数",
               "本月环比（%）", "本月两年平均增长（%）", "累计两年平均增长（%）")
    NAMES = {"output_value": ("工业总产值", "千元"), "sales_value": ("工业销售产值", "千元"),
             "export_value": ("其中：出口交货值", "千元"), "electricity": ("企业用电量", "万千瓦时")}

    def rows(self):
        row = stats.county(self.period, self.user)
        mom = stats.month_on_month(self.period, self.user)
        two_year = stats.two_year_average(self.period, self.user)
        for code, f in row.indicators.items():
            name, unit = self.NAMES.get(code, (code, ""))
            yield [name, unit, f.month, f.ytd, f.month_ly, f.ytd_ly, f.month_growth_pct, f.ytd_growth_pct,
                   row.enterprises, mom.get(code), two_year.get(code, {}).get("month"),
                   two_year.get(code, {}).get("ytd")]
        change = stats.sell_through_change_pp(row)
        yield ["产销率", "%", stats.sell_through_pct(row, "month"), stats.sell_through_pct(row, "ytd"),
               stats.sell_through_pct(row, "month_ly"), stats.sell_through_pct(row, "ytd_ly"), None,
               None if change is None else f"{'+' if change > 0 else ''}{change}个百分点", row.enterprises,
               None, None, None]
        coverage = stats.coverage(self.period, self.user)
        yield ["报送情况", "家", None, None, None, None, None, None, coverage.counted, None, None,
               f"应报{coverage.expected}家，已报送{coverage.reported}家，计入{coverage.counted}家"]


class TownExporter(GroupingExporter):
    identifier, name, by = "towns", "分镇街", "town"


class IndustryExporter(GroupingExporter):
    identifier, name, by = "industries", "分行业", "industry"


class TierExporter(GroupingExporter):
    identifier, name, by = "tiers", "分规模", "tier"


class GroupExporter(GroupingExporter):
    identifier, name, by = "groups", "分企业分组", "group"


class RisersExporter(_PeriodExporter):
    identifier, name = "risers", "增长贡献企业"
    fallers = False
    headers = ("统一社会信用代码", "企业名称", "镇街", "1-本月（万元）", "上年1-同月（万元）", "增减额（万元）", "累计增速（%）")

    def rows(self):
        for r in stats.enterprise_changes(self.period, self.user, limit=50, fallers=self.fallers):
            f = r.output
            yield [r.code, r.name, r.town, qian_to_wan(f.ytd), qian_to_wan(f.ytd_ly), qian_to_wan(f.ytd_change),
                   f.ytd_growth_pct]


class FallersExporter(RisersExporter):
    identifier, name, fallers = "fallers", "下降企业", True


class ProductExporter(_PeriodExporter):
    identifier, name = "products", "重点监测产品"
    headers = ("产品代码", "产品名称", "计量单位", "企业数", "本月产量", "1-本月产量", "上年同月产量", "上年1-同月产量",
               "累计增速（%）", "本月平均出厂价格（元）", "上年同月平均出厂价格（元）", "价格增速（%）", "产量增长", "价格增长")

    def rows(self):
        for r in stats.products(self.period, self.user).rows:
            yield [r.code, r.name, r.unit, r.enterprises, r.month, r.ytd, r.month_ly, r.ytd_ly, r.ytd_growth_pct,
                   round_half_up(r.price, CENTS), round_half_up(r.price_ly, CENTS), r.price_growth_pct,
                   "是" if r.output_up else "否", "是" if r.price_up else "否"]


class PlanExporter(_PeriodExporter):
    identifier, name = "plans", "指导计划完成情况"

    def __init__(self, period, user=None, kind="output"):
        super().__init__(period, user)
        self.kind = kind
        unit = stats.PLAN_UNITS[kind]
        self.name = f"{stats.PLAN_KINDS[kind]}计划完成"
        self.headers = ("排名", "镇街代码", "镇街", f"全年目标（{unit}）", f"1-本月（{unit}）", "完成率（%）",
                        "时间进度（%）", "与时间进度差（百分点）", "进度", "同比增速（%）")

    def rows(self):
        for r in stats.plans(self.period, self.kind, self.user):
            flag = r.position_name
            yield [r.rank, r.code, r.name, r.target, r.ytd, r.completion_pct, r.time_progress_pct, r.gap_pp, flag,
                   r.ytd_growth_pct]


class PpiExporter(_PeriodExporter):
    """The PPI table of a period, in the import's columns (export → import round-trips)."""

    identifier, name = "ppi", "工业生产者出厂价格指数"
    headers = PPI_HEADERS

    def rows(self):
        from gongxin.registry.models import Industry

        from .models import PriceIndex

        found = {p.division_id: p for p in PriceIndex.objects.filter(period=self.period)}
        for d in Industry.objects.filter(parent__isnull=True).order_by("code"):
            p = found.get(d.pk)
            yield [self.period, d.code, d.name, p.month_index if p else None, p.ytd_index if p else None]


class PlanTemplateExporter(Exporter):
    identifier, name = "plan_template", "指导计划导入模板"
    headers = PLAN_HEADERS

    def __init__(self, year):
        self.year = year

    def rows(self):
        from gongxin.registry.models import Region

        from .models import TownPlan

        plans = {p.town_id: p for p in TownPlan.objects.filter(year=self.year)}
        for town in Region.objects.towns():
            p = plans.get(town.pk)
            yield [self.year, town.name, p.output_target if p else None, p.investment_target if p else None]


class ProductTemplateExporter(Exporter):
    identifier, name = "product_template", "重点产品产量导入模板"
    headers = PRODUCT_HEADERS

    def rows(self):
        yield ["91370481MA00000000（示例，请删除本行）", "2022-03", "P001", "原煤", "万吨", 10, 30, 9, 27, 800, 650]


PERIOD_EXPORTERS = {e.identifier: e for e in (CountyExporter, TownExporter, IndustryExporter, TierExporter,
                                              GroupExporter, RisersExporter, FallersExporter, ProductExporter,
                                              PpiExporter)}


class DrillExporter(Exporter):
    """The enterprises of one group (drill-down page), in 万元 as on the screen."""

    identifier = "enterprises"
    headers = ("序号", "统一社会信用代码", "企业名称", "镇街", "行业", "本月产值（万元）", "本月增速（%）",
               "1-本月产值（万元）", "上年1-同月（万元）", "累计增速（%）", "占比（%）", "贡献率（%）")

    def __init__(self, period, by, group, rows):
        self.period, self.by, self.group, self.rows_ = period, by, group, rows
        self.name = f"{group.name}企业"

    def filename(self):
        return f"{self.group.name}_规上工业企业_{self.period}.xlsx"

    def rows(self):
        for n, r in enumerate(self.rows_, start=1):
            f = r.output
            yield [n, r.code, r.name, r.town, r.industry, qian_to_wan(f.month), f.month_growth_pct,
                   qian_to_wan(f.ytd), qian_to_wan(f.ytd_ly), f.ytd_growth_pct, r.share, r.contribution]
