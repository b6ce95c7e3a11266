"""The analysis brief (运行分析材料) as data: sections of paragraphs, tables and charts.

Every number comes from analysis/stats.py, projects/stats.py and the
warning rules (alerts/scan.py); this module only phrases them. The HTML page, the .docx, the text output and the
meeting-pack workbook all render the same `Brief`.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from gongxin.alerts.models import Level
from gongxin.alerts.scan import evaluate
from gongxin.analysis import stats
from gongxin.lib import periods as P
from gongxin.lib import phrasing
from gongxin.lib.numeric import pct, qian_to_wan, qian_to_yi, round_half_up, wan_to_yi
from gongxin.lib.periods import label, split, time_progress_pct, ytd_label
from gongxin.projects import stats as pstats
from gongxin.projects.models import FundApplication, Project, Stage
from gongxin.registry.models import Enterprise, Region
from gongxin.reporting.completeness import completeness
from gongxin.reporting.models import Form, Return

CN_NUMBERS = "一二三四五六七八九十"
# Periods that end a quarter, half or year are named so (the meeting is "一季度工业经济运行分析会议").
SPAN_LABELS = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}
RISERS_FALLERS = 10
STAGE_LABELS = dict(Stage.choices)


@dataclass
class Column:
    title: str
    kind: str = "text"  # text / int / amount / pct / growth / pp


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list
    links: list = field(default_factory=list)  # per row: enterprise URL or None
    note: str = ""

    @property
    def headers(self):
        return [c.title for c in self.columns]

    def display_rows(self):
        return [[cell_text(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]


@dataclass
class Chart:
    name: str
    title: str
    data: dict


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)


@dataclass
class Brief:
    period: str
    scope: str  # 全市 / the town's name
    span: str  # 一季度 / 1-4月 …
    sections: list

    @property
    def title(self):
        return f"{split(self.period)[0]}年{self.span}{self.scope}工业经济运行情况分析"

    @property
    def tables(self):
        return [t for s in self.sections for t in s.tables]

    @property
    def charts(self):
        return {c.name: c for s in self.sections for c in s.charts}

    def text(self):
        lines = [self.title, ""]
        for i, section in enumerate(self.sections):
            lines.append(f"{CN_NUMBERS[i]}、{section.title}")
            lines += section.paragraphs
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- phrasing


def cell_text(value, kind="text"):
    if value is None:
        return "—"
    if kind == "amount":
        return format(Decimal(value), ",.1f")
    if kind in ("pct", "growth", "pp"):
        return format(round_half_up(value), "f")
    return str(value)


def yi(amount_qian):
    """千元 → "70.0" (亿元, one decimal, half-up)."""
    return cell_text(qian_to_yi(amount_qian))


def wan(amount_qian):
    return qian_to_wan(amount_qian)


yoy = phrasing.yoy  # "同比增长23.8%" / "同比下降5.3%" / "同比持平" / "同比增长1.2倍" / "同比增速—"
money_wan = phrasing.money_wan  # 4500.00 → "4500万元"


def span_label(period):
    month = split(period)[1]
    return SPAN_LABELS.get(month, ytd_label(period) if month != 2 else "1-2月")


scope_word = stats.scope_word  # 全市 / 全县 / 全区, or the town officer's town


# ---------------------------------------------------------------- sections


def coverage_sentence(period, coverage, user=None):
    """"2022年4月规上工业企业已报送271家，占应报312家的86.9%，以下数据仅含已报送企业（未计入的41家
    1-3月产值16.1亿元）。" for a figure set that covers fewer than all; "" when all are counted."""
    if coverage.complete:
        return ""
    text = f"{label(period)}规上工业企业{phrasing.coverage(coverage)}，以下数据仅含已报送企业（未计入{coverage.missing}家"
    previous = stats.uncounted_previous_ytd(period, user)
    if previous is not None and previous[1]:
        text += f"，其{ytd_label(previous[0])}产值{yi(previous[1])}亿元"
    return text + "）。"


def added_value_phrase(av):
    """"规上工业增加值同比增长16.3%", or "规上工业增加值增速不可比（缺少3个行业价格指数）"."""
    if av.ytd_pct is None and av.not_comparable_text:
        return f"规上工业增加值增速{av.not_comparable_text}"
    return f"规上工业增加值{yoy(av.ytd_pct)}"


def products_phrase(prod):
    """"71种重点监测工业产品中，43种产品产量同比增长，46种产品价格同比增长，分别占…的60.6%、64.8%"."""
    whole = "重点监测产品总数" if prod.with_data == prod.total else f"有数据的{prod.with_data}种产品"
    basis = "" if prod.basis == "ytd" else f"（产量按{prod.basis_label}）"
    return (f"{prod.total}种重点监测工业产品中{basis}，{prod.output_up}种产品产量同比增长，{prod.price_up}种产品价格"
            f"同比增长，分别占{whole}的{cell_text(prod.output_up_share_pct, 'pct')}%、"
            f"{cell_text(prod.price_up_share_pct, 'pct')}%")


def overview(period, user, ctx):
    year, month = split(period)
    whole = ctx["whole"].output
    av = ctx["added_value"]
    inv = ctx["investment"]
    prod = ctx["products"]
    scope = ctx["scope"]
    span = ytd_label(period) if month != 2 else "1-2月"
    if month == 2:
        first = f"{span}，{scope}规上工业总产值累计完成{yi(whole.ytd)}亿元，{yoy(whole.ytd_growth_pct)}"
    else:
        first = (f"{span}，{scope}规上工业总产值{month}月当月完成{yi(whole.month)}亿元，"
                 f"累计完成{yi(whole.ytd)}亿元，{yoy(whole.ytd_growth_pct)}")
    parts = [first, added_value_phrase(av)]
    if inv is not None:
        parts.append(f"工业技改投资1至{month}月累计完成{cell_text(wan_to_yi(inv['ytd']))}亿元，"
                     f"{yoy(inv['ytd_growth_pct'])}")
    if prod.total:
        parts.append(products_phrase(prod))
    paragraphs = ["；".join(parts) + "。"]
    if covered := ctx["coverage_note"]:
        paragraphs.insert(0, covered)
    figures = ctx["whole"].indicators
    mom, two_year = ctx["month_on_month"], ctx["two_year_average"]
    month_note = None
    if month != 2:
        month_note = f"{month}月当月产值{yoy(whole.month_growth_pct)}、{phrasing.mom(mom.get('output_value'))}"
    notes = [month_note,
             f"累计产值两年平均增长{cell_text(two_year['output_value']['ytd'], 'pct')}%"
             if two_year["output_value"]["ytd"] is not None else None,
             f"产销率{cell_text(stats.sell_through_pct(ctx['whole']), 'pct')}%，比上年同期"
             f"{phrasing.pp_change(stats.sell_through_change_pp(ctx['whole']))}"
             if stats.sell_through_pct(ctx["whole"]) is not None else None,
             f"出口交货值{yoy(figures['export_value'].ytd_growth_pct)}" if "export_value" in figures else None,
             f"企业用电量{yoy(figures['electricity'].ytd_growth_pct)}" if "electricity" in figures else None,
             "规上工业增加值增速为统计部门公布数" if av.is_official
             else "规上工业增加值增速按单缩法测算（分行业现价产值乘增加值率，以分行业工业生产者出厂价格指数缩减）"
             if av.ytd_pct is not None else "分行业价格指数（或增加值率）录入齐全后方可测算可比价增加值增速"]
    paragraphs.append("其中，" + "；".join(n for n in notes if n) + "。")
    names = {"output_value": "规上工业总产值", "sales_value": "工业销售产值", "export_value": "其中：出口交货值"}
    rows = [[names[code], "万元", wan(figures[code].month), wan(figures[code].ytd), figures[code].ytd_growth_pct,
             mom.get(code), two_year[code]["ytd"]] for code in names if code in figures]
    if "electricity" in figures:
        f = figures["electricity"]
        rows.append(["企业用电量", "万千瓦时", round_half_up(f.month), round_half_up(f.ytd), f.ytd_growth_pct,
                     mom.get("electricity"), two_year["electricity"]["ytd"]])
    rows.append(["产销率", "%", stats.sell_through_pct(ctx["whole"], "month"), stats.sell_through_pct(ctx["whole"]),
                 None, None, None])
    rows.append(["规上工业增加值", "—", None, None, av.ytd_pct, None, None])
    if inv is not None:
        rows.append(["工业技改投资", "万元", None, inv["ytd"], inv["ytd_growth_pct"], None, None])
    table = Table("overview", "主要指标完成情况", [
        Column("指标"), Column("单位"), Column("本月", "amount"), Column("1-本月", "amount"),
        Column("同比增长（%）", "growth"), Column("本月环比（%）", "growth"), Column("两年平均增长（%）", "growth")], rows,
        note=ctx["coverage_note"])
    chart = Chart("series", f"{year}年规上工业总产值月度走势", {
        "labels": [label(s["period"]).replace(f"{year}年", "") for s in ctx["series"]],
        "this": [qian_to_yi(s["this"].month) for s in ctx["series"]],
        "last": [qian_to_yi(s["last"].month) if s["last"] else None for s in ctx["series"]],
        "growth": [s["this"].month_growth_pct for s in ctx["series"]],
        "year": year})
    return Section("overview", "总体情况", paragraphs, [table], [chart])


def towns(period, user, ctx):
    plans = stats.plans(period, "output", user)
    with_growth = [p for p in plans if p.ytd_growth_pct is not None]
    by_growth = sorted(with_growth, key=lambda p: (-p.ytd_growth_pct, p.code))
    growth_rank = {p.code: i for i, p in enumerate(by_growth, start=1)}
    rows = [[p.name, wan(p.ytd), p.ytd_growth_pct, growth_rank.get(p.code), wan(p.target), p.completion_pct,
             p.time_progress_pct, p.rank] for p in sorted(plans, key=lambda p: p.code)]
    table = Table("towns", "分镇街规上工业总产值完成情况", [
        Column("镇街"), Column("1-本月产值（万元）", "amount"), Column("同比增长（%）", "growth"), Column("增速排名", "int"),
        Column("全年计划（万元）", "amount"), Column("计划完成率（%）", "pct"), Column("时间进度（%）", "pct"),
        Column("完成率排名", "int")], rows)
    paragraphs = []
    if by_growth:
        up = sum(1 for p in by_growth if p.ytd_growth_pct > 0)
        fast, slow = by_growth[0], by_growth[-1]
        text = f"分镇街看，{len(plans)}个镇街中，{up}个镇街规上工业总产值同比增长。"
        text += f"{fast.name}增速最快，{yoy(fast.ytd_growth_pct)}"
        if slow is not fast:
            text += f"；{slow.name}增速最慢，{yoy(slow.ytd_growth_pct)}"
        paragraphs.append(text + "。")
    planned = [p for p in plans if p.position is not None]
    if planned:
        # Decided on the unrounded values; the furthest ahead and the furthest behind are named first.
        ahead, behind = stats.furthest_ahead_first(planned), stats.furthest_behind_first(planned)
        level = [p for p in planned if p.position == stats.ON_SCHEDULE]
        clauses = [f"{len(ahead)}个镇街完成率超过时间进度" + (f"（{phrasing.names([p.name for p in ahead])}）" if ahead else "")]
        if level:
            clauses.append(f"{len(level)}个镇街持平于时间进度（{phrasing.names([p.name for p in level])}）")
        if behind:
            clauses.append(f"{len(behind)}个镇街落后于时间进度（{phrasing.names([p.name for p in behind])}）")
        text = f"对照年度指导计划，时间进度为{cell_text(time_progress_pct(period), 'pct')}%，" + "，".join(clauses)
        paragraphs.append(text + "。")
    else:
        paragraphs.append("本年度尚未录入镇街指导计划，计划完成率暂缺。")
    chart = Chart("towns", "分镇街规上工业总产值同比增长（%）", {
        "labels": [p.name for p in by_growth], "values": [p.ytd_growth_pct for p in by_growth]})
    return Section("towns", "分镇街情况", paragraphs, [table], [chart])


def industries(period, user, ctx):
    rows = stats.totals(period, "industry", user, ("output_value",))
    structure = stats.with_structure(rows, ctx["whole"])
    table = Table("industries", "分行业规上工业总产值完成情况", [
        Column("行业代码"), Column("行业大类"), Column("企业数（家）", "int"), Column("1-本月产值（万元）", "amount"),
        Column("同比增长（%）", "growth"), Column("占比（%）", "pct"), Column("贡献率（%）", "pct"),
        Column("拉动（百分点）", "pp")],
        [[r.code, r.name, r.enterprises, wan(r.output.ytd), r.output.ytd_growth_pct, share, contribution, pull]
         for r, share, contribution, pull in structure])
    growing = [r for r in rows if r.output.ytd_growth_pct is not None and r.output.ytd_growth_pct > 0]
    pulls = sorted((s for s in structure if s[3] is not None), key=lambda s: (-s[3], s[0].code))
    text = f"分行业看，{len(rows)}个行业大类中，{len(growing)}个行业产值同比增长"
    if pulls:
        top = [f"{r.name}（{yoy(r.output.ytd_growth_pct)}，拉动{cell_text(p, 'pp')}个百分点）" for r, _, _, p in pulls[:3]]
        text += "。拉动作用居前的是" + "、".join(top)
    falling = sorted((r for r in rows if r.output.ytd_growth_pct is not None and r.output.ytd_growth_pct < 0),
                     key=lambda r: r.output.ytd_growth_pct)
    if falling:
        text += f"；{len(falling)}个行业下降，其中{falling[0].name}{yoy(falling[0].output.ytd_growth_pct)}"
    chart = Chart("industries", f"主要行业对{ctx['scope']}产值增长的拉动（百分点）", {
        "labels": [r.name for r, _, _, _ in pulls[:10]], "values": [p for _, _, _, p in pulls[:10]]})
    return Section("industries", "分行业情况", [text + "。"], [table], [chart])


def _enterprise_table(key, title, rows):
    return Table(key, title, [
        Column("企业名称"), Column("镇街"), Column("1-本月产值（万元）", "amount"), Column("上年同期（万元）", "amount"),
        Column("同比增长（%）", "growth"), Column("增减额（万元）", "amount")],
        [[r.name, r.town, wan(r.output.ytd), wan(r.output.ytd_ly), r.output.ytd_growth_pct, wan(r.output.ytd_change)]
         for r in rows], links=[f"/enterprises/{r.code}/" for r in rows])


def _members(coverage, *codes):
    """(members on the list, of whom reported) of the tiers `codes`."""
    found = [coverage[c] for c in codes if c in coverage]
    return sum(c.expected for c in found), sum(c.reported for c in found)


def _members_text(members, reported):
    """"100家" when all reported, else "100家（已报送89家）"."""
    return f"{members}家" if members == reported else f"{members}家（已报送{reported}家）"


def key_enterprises(period, user, ctx):
    tiers = {r.code: r for r in stats.totals(period, "tier", user, ("output_value",))}
    members = ctx["tier_coverage"]
    whole = ctx["whole"].output
    over5, mid = tiers[stats.OVER_500M], tiers[stats.FROM_100M]
    under = tiers[stats.UNDER_100M]
    over1 = over5.output.add(mid.output)
    groups = [("产值过亿元企业", _members(members, stats.OVER_500M, stats.FROM_100M), over1),
              ("其中：产值过5亿元企业", _members(members, stats.OVER_500M), over5.output),
              ("产值1亿元以下企业", _members(members, stats.UNDER_100M), under.output)]
    if stats.UNTIERED in members:
        untiered = tiers.get(stats.UNTIERED)
        groups.append(("未分档企业（无上年全年产值）", _members(members, stats.UNTIERED),
                       untiered.output if untiered else stats.Figures()))
    table = Table("tiers", "重点企业（按上年产值分组）完成情况", [
        Column("分组"), Column("企业数（家）", "int"), Column("已报送（家）", "int"), Column("1-本月产值（万元）", "amount"),
        Column("同比增长（%）", "growth"), Column("占全部比重（%）", "pct"), Column("拉动（百分点）", "pp")],
        [[name, n, reported, wan(f.ytd), f.ytd_growth_pct, pct(f.ytd, whole.ytd), pct(f.ytd - f.ytd_ly, whole.ytd_ly)]
         for name, (n, reported), f in groups])
    (n1, r1), (n5, r5) = groups[0][1], groups[1][1]
    text = (f"产值过亿元企业{_members_text(n1, r1)}，累计完成产值{yi(over1.ytd)}亿元，{yoy(over1.ytd_growth_pct)}，"
            f"占{ctx['scope']}规上工业总产值的{cell_text(pct(over1.ytd, whole.ytd), 'pct')}%；其中产值过5亿元企业"
            f"{_members_text(n5, r5)}，完成产值{yi(over5.output.ytd)}亿元，{yoy(over5.output.ytd_growth_pct)}。")
    if stats.UNTIERED in members:
        text += (f"另有{members[stats.UNTIERED].expected}家企业无上年全年产值（上年12月及本年12月均无报表），"
                 f"未分档。")
    risers = stats.enterprise_changes(period, user, RISERS_FALLERS)
    fallers = stats.enterprise_changes(period, user, RISERS_FALLERS, fallers=True)
    paragraphs = [text]
    if risers:
        paragraphs.append("产值增量居前的企业：" + "、".join(
            f"{r.name}（增加{cell_text(wan(r.output.ytd_change), 'amount')}万元，{yoy(r.output.ytd_growth_pct)}）"
            for r in risers[:3]) + "。")
    if fallers:
        paragraphs.append("产值减量居前的企业：" + "、".join(
            f"{r.name}（减少{cell_text(wan(-r.output.ytd_change), 'amount')}万元，{yoy(r.output.ytd_growth_pct)}）"
            for r in fallers[:3]) + "。")
    tables = [table, _enterprise_table("risers", f"产值增量前{RISERS_FALLERS}位企业", risers),
              _enterprise_table("fallers", f"产值减量前{RISERS_FALLERS}位企业", fallers)]
    return Section("enterprises", "重点企业", paragraphs, tables)


def key_products(period, user, ctx):
    prod = ctx["products"]
    table = Table("products", "重点监测工业产品产量及价格", [
        Column("产品代码"), Column("产品名称"), Column("单位"), Column("1-本月产量", "amount"), Column("上年同期", "amount"),
        Column("产量同比（%）", "growth"), Column("本月平均出厂价格（元）", "amount"), Column("上年同月价格（元）", "amount"),
        Column("价格同比（%）", "growth")],
        [[r.code, r.name, r.unit, round_half_up(r.ytd), round_half_up(r.ytd_ly), r.ytd_growth_pct,
          round_half_up(r.price), round_half_up(r.price_ly), r.price_growth_pct] for r in prod.rows])
    if not prod.total:
        return Section("products", "重点产品", ["本年度尚未确定重点监测工业产品名单。"], [table])
    whole = "" if prod.with_data == prod.total else f"（按有数据的{prod.with_data}种计）"
    basis = "" if prod.basis == "ytd" else f"（产量按{prod.basis_label}比较）"
    text = (f"{prod.total}种重点监测工业产品中{basis}，{prod.output_up}种产品产量同比增长，占"
            f"{cell_text(prod.output_up_share_pct, 'pct')}%；{prod.price_up}种产品价格同比增长，占"
            f"{cell_text(prod.price_up_share_pct, 'pct')}%{whole}。")
    grown = sorted((r for r in prod.rows if r.ytd_growth_pct is not None), key=lambda r: (-r.ytd_growth_pct, r.code))
    if grown:
        text += "产量增长较快的有" + "、".join(f"{r.name}（{yoy(r.ytd_growth_pct)}）" for r in grown[:3]) + "。"
    return Section("products", "重点产品", [text], [table])


def projects_section(period, user, ctx):

    year, month = split(period)
    scoped = None if user is None else Project.objects.for_user(user)
    applications = None if user is None else FundApplication.objects.for_user(user)
    inv = ctx["investment"] or {"ytd": Decimal(0), "ytd_growth_pct": None}
    ref = pstats.period_end(period)  # stages, overdue flags and funds paid as at the period's end
    summary = pstats.key_project_summary(year, scoped, as_of=ref)
    programmes = pstats.programme_rows(year, scoped)
    funds = pstats.fund_summary(year, applications, as_of=ref)
    overdue = list((scoped if scoped is not None else Project.objects.all()).key(year).overdue(ref)
                   .select_related("enterprise", "town").order_by("code"))
    stages = [s for s in summary["by_stage"] if s["count"]]
    text = (f"1至{month}月，{ctx['scope']}工业技改投资累计完成{cell_text(wan_to_yi(inv['ytd']))}亿元，"
            f"{yoy(inv['ytd_growth_pct'])}。截至{month}月底，{year}年确定重点技改项目{summary['count']}个，总投资"
            f"{cell_text(wan_to_yi(summary['total_investment']))}亿元")
    if stages:
        text += "，其中" + "、".join(f"{s['label']}{s['count']}个" for s in stages)
    text += "。"
    provincial = [p for p in programmes if p["projects"]]
    if provincial:
        text += "列入" + "、".join(f"{p['name']}{p['projects']}个" for p in provincial) + "。"
    if funds["enterprises"]:
        text += f"{funds['enterprises']}家企业获得技改扶持资金{money_wan(funds['total'])}。"
    else:
        text += f"截至{month}月底，技改扶持资金尚未拨付。"
    paragraphs = [text]
    if overdue:
        counts = {"start_overdue": "逾期未开工", "completion_overdue": "逾期未竣工", "stalled": "在建但连续两月无投资"}
        detail = "、".join(f"{name}{n}个" for key, name in counts.items()
                           if (n := sum(1 for p in overdue if getattr(p, key))))
        paragraphs.append(f"截至{month}月底，{len(overdue)}个重点项目进度滞后（{detail}），需加快推进。")
    stage_table = Table("project_stages", "重点技改项目分阶段情况", [
        Column("阶段"), Column("项目数（个）", "int"), Column("计划总投资（万元）", "amount")],
        [[s["label"], s["count"], s["total_investment"]] for s in summary["by_stage"]])
    town_table = Table("investment_towns", "分镇街工业技改投资完成情况", [
        Column("镇街"), Column("在报项目（个）", "int"), Column("1-本月完成投资（万元）", "amount"),
        Column("上年同期（万元）", "amount"), Column("同比增长（%）", "growth")],
        [[r["name"], r["projects"], r["ytd"], r["ytd_ly"], r["ytd_growth_pct"]]
         for r in pstats.investment_rows(period, "town", scoped)])
    flags = (("start_overdue", "逾期未开工"), ("completion_overdue", "逾期未竣工"), ("stalled", "连续两月无投资"))
    overdue_table = Table("projects_overdue", "进度滞后的重点技改项目", [
        Column("项目编号"), Column("项目名称"), Column("项目单位"), Column("镇街"), Column("阶段"),
        Column("计划总投资（万元）", "amount"), Column("滞后情况")],
        [[p.code, p.name, p.enterprise.name, p.town.name, STAGE_LABELS.get(p.stage_at, p.stage_at), p.total_investment,
          "、".join(name for key, name in flags if getattr(p, key))] for p in overdue],
        links=[f"/enterprises/{p.enterprise.uscc}/" for p in overdue])
    return Section("projects", "技改项目", paragraphs, [stage_table, town_table, overdue_table])


def warnings_section(period, user, ctx):
    # Evaluated as on the day after the period's deadline (or today, if earlier): a brief rebuilt
    # later says what it said then, not how many days late a return is by now.
    as_on = min(timezone.localdate(), P.deadline(period) + dt.timedelta(days=1))
    findings = evaluate(period, user, today=as_on)
    names = dict(Region.objects.filter(pk__in={f.town_id for f in findings}).values_list("pk", "name"))
    firms = {e.pk: e for e in Enterprise.objects.filter(pk__in={f.enterprise_id for f in findings if f.enterprise_id})}
    levels = dict(Level.choices)
    counts = {lv: sum(1 for f in findings if f.level == lv) for lv in levels}
    rows, links = [], []
    for f in findings:
        firm = firms.get(f.enterprise_id)
        subject = firm.name if firm else names[f.town_id]
        # The reason without the subject's name it starts with: the row names the subject beside it.
        rows.append([levels[f.level], subject, names[f.town_id], f.rule.get_kind_display(),
                     f.reason.removeprefix(subject) or f.reason])
        links.append(f"/enterprises/{firm.uscc}/" if firm else None)
    table = Table("warnings", "运行预警及建议走访企业", [Column("预警级别"), Column("企业（镇街）"), Column("镇街"),
                                                 Column("预警类型"), Column("预警原因")], rows, links)
    if not findings:
        return Section("warnings", "运行预警", ["本期未触发运行预警。"], [table])
    text = f"本期共触发运行预警{len(findings)}条，其中" + "、".join(
        f"{levels[lv]}{n}条" for lv, n in counts.items() if n) + "。"
    visit = [firms[f.enterprise_id].name for f in findings
             if f.enterprise_id and f.level in (Level.RED, Level.ORANGE)]
    if visit:
        text += f"建议优先走访红色、橙色预警企业{len(visit)}家：{'、'.join(visit)}。"
    return Section("warnings", "运行预警", [text], [table])


def reporting_section(period, user, ctx):
    total, by_town = completeness(user, Form.objects.get(code=stats.OUTPUT_FORM), period)
    text = (f"{label(period)}规上工业企业产值报表应报{total.expected}家，已报{total.submitted}家，"
            f"报送率{cell_text(total.submitted_pct, 'pct')}%，按时报送率{cell_text(total.on_time_pct, 'pct')}%。")
    behind = [t for t in by_town if t.submitted < t.expected]
    if behind:
        text += "尚未报齐的镇街：" + "、".join(f"{t.name}（缺{t.expected - t.submitted}家）" for t in behind) + "。"
    revised = revised_since_deadline(period, user)
    if revised:
        text += (f"本期有{revised}家企业的报表在报送截止（{P.deadline(period):%m月%d日}）后修改过数据，"
                 f"以上数字按修改后的数据计算。")
    table = Table("reporting", "分镇街报表报送情况",
                  [Column("镇街"), Column("应报（家）", "int"), Column("已报（家）", "int"), Column("报送率（%）", "pct"),
                   Column("镇街已审核（家）", "int"), Column("已受理（家）", "int"), Column("按时率（%）", "pct")],
                  [[t.name, t.expected, t.submitted, t.submitted_pct, t.approved, t.accepted, t.on_time_pct]
                   for t in by_town])
    return Section("reporting", "报送情况", [text], [table])


def revised_since_deadline(period, user=None):
    """Enterprises whose 产值 return of `period` had a value changed after the period's deadline
    (a brief rebuilt later says so: its figures are the revised ones)."""
    from gongxin.reporting.completeness import deadline_end
    from gongxin.reporting.models import ValueChange

    form = Form.objects.get(code=stats.OUTPUT_FORM)
    changes = ValueChange.objects.filter(ret__form=form, ret__period=period, at__gte=deadline_end(form, period))
    if user is not None:
        changes = changes.filter(ret__in=Return.objects.for_user(user))
    return changes.values("ret__enterprise_id").distinct().count()


def resumption_section(period, user, ctx):
    """复工复产 while an emergency event is active in the period (resumption/stats.py phrases it); else none."""
    from gongxin.resumption import stats as rstats

    text = rstats.brief_paragraph(period, user)
    return Section("resumption", "复工复产", [text]) if text else None


SECTIONS = {"overview": overview, "towns": towns, "industries": industries, "enterprises": key_enterprises,
            "products": key_products, "projects": projects_section, "warnings": warnings_section,
            "resumption": resumption_section, "reporting": reporting_section}
CHART_SECTIONS = {"series": "overview", "towns": "towns", "industries": "industries"}  # chart → its section
# The sections' titles, for a page that shows its outline before the sections are built.
OUTLINE = {"overview": "总体情况", "towns": "分镇街情况", "industries": "分行业情况", "enterprises": "重点企业",
           "products": "重点产品", "projects": "技改项目", "warnings": "运行预警", "resumption": "复工复产",
           "reporting": "报送情况"}


class Context(dict):
    """The figures several sections share, each computed when a section first reads it: the whole
    brief computes each once, a page building one section computes only what that section reads."""

    def __init__(self, period, user):
        super().__init__()
        self.period, self.user = period, user

    def __missing__(self, key):
        value = self[key] = getattr(self, f"_{key}")()
        return value

    def _whole(self):
        return stats.county(self.period, self.user)

    def _scope(self):
        return scope_word(self.user)

    def _products(self):
        return stats.products(self.period, self.user)

    def _series(self):
        return stats.series(self.period, self.user)

    def _investment(self):
        return _investment(self.period, self.user)

    def _tier_coverage(self):
        return stats.coverage(self.period, self.user, "tier")

    def _coverage(self):
        return stats.total_coverage(self["tier_coverage"])  # every listed enterprise is in one tier

    def _coverage_note(self):
        return coverage_sentence(self.period, self["coverage"], self.user)

    def _added_value(self):
        return stats.added_value(self.period, self.user)

    def _month_on_month(self):
        return stats.month_on_month(self.period, self.user)

    def _two_year_average(self):
        return stats.two_year_average(self.period, self.user, whole=self["whole"])


def section_keys(period):
    """The keys of the sections the brief of `period` has, in order (复工复产 only while an emergency
    event is active in the period)."""
    from gongxin.resumption.stats import event_in_period

    return [key for key in SECTIONS if key != "resumption" or event_in_period(period) is not None]


def build(period, user=None):
    """The brief of `period` within `user`'s scope (None: the whole county)."""
    ctx = Context(period, user)
    sections = [SECTIONS[key](period, user, ctx) for key in section_keys(period)]
    return Brief(period, ctx["scope"], span_label(period), [s for s in sections if s is not None])


def build_section(period, user, key):
    """One section of the brief (None when the brief has no such section), computing only its figures."""
    if key not in section_keys(period):
        return None
    return SECTIONS[key](period, user, Context(period, user))


def outline(period, user=None):
    """The brief of `period` without its sections: its title and what it holds, at no cost."""
    return Brief(period, scope_word(user), span_label(period), [])


def _investment(period, user):
    rows = pstats.investment_rows(period, "county", None if user is None else Project.objects.for_user(user))
    return rows[0] if rows else None
