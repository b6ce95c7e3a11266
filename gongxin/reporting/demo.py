"""Demo county, part 2: monthly 产值 returns 2021-02 … 2022-04 and key-product lines.

Built so that the engine's rules (DESIGN.md) reproduce the article's figures for 2022-03:
本月 70.0亿元, 1-3月 184.0亿元, +23.8% on the comparable basis; 100 enterprises over 1亿元 and
20 over 5亿元 by 2021 output; 71 monitored products, 43 with output up and 46 with price up.

Monthly values are drawn first (plausible shapes: seasons, growth, fallers, a few doubling, new
entrants reporting last-year figures, leavers whose 2022 returns must not count), then the output
of the enterprises on the 2022 list is scaled to the targets and the rounding residual is put on
the largest enterprise. The builder checks the targets with its own plain computation and stops if
they are missed, so a change here cannot silently break the reference county.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gongxin.lib import periods as P
from gongxin.lib.numeric import growth_pct, pct, qian_to_yi
from gongxin.notices.models import Notice

from .models import Form, MonitoredProduct, Product, ProductLine, ReportingPeriod, Return, ReturnValue
from .reminders import remind, remind_source

TARGET_MONTH_2022_03 = Decimal(7_000_000)  # 千元 = 70.0亿元
TARGET_YTD_2022_03 = Decimal(18_400_000)  # 千元 = 184.0亿元
TARGET_GROWTH = Decimal("0.238")
TIER_COUNTS = {"over_500m": 20, "over_100m": 100}
PRODUCTS_UP = 43
PRICES_UP = 46

# Share of a year's output by calendar month (before each enterprise's own noise).
SEASON = [0.062, 0.058, 0.084, 0.084, 0.085, 0.085, 0.080, 0.080, 0.086, 0.088, 0.092, 0.116]
HEAVY = {"06", "25", "26", "30", "31", "32", "44"}
BIG_INDUSTRY_WEIGHT = {"06": 6, "26": 5, "30": 3, "44": 3, "31": 4, "25": 4, "34": 2, "35": 2, "36": 2, "38": 2}

# (code, name, unit, divisions, price in 元 per unit, typical monthly quantity per producer)
PRODUCTS = [
    ("P001", "原煤", "吨", "06", 760, 90_000), ("P002", "洗精煤", "吨", "06", 1450, 40_000),
    ("P003", "焦炭", "吨", "25", 2600, 30_000), ("P004", "发电量", "万千瓦时", "44", 4100, 9_000),
    ("P005", "水泥", "吨", "30", 420, 60_000), ("P006", "商品混凝土", "立方米", "30", 380, 40_000),
    ("P007", "平板玻璃", "重量箱", "30", 95, 80_000), ("P008", "耐火材料制品", "吨", "30", 2300, 3_000),
    ("P009", "陶瓷砖", "平方米", "30", 32, 300_000), ("P010", "烧碱", "吨", "26", 2900, 8_000),
    ("P011", "甲醇", "吨", "26", 2500, 20_000), ("P012", "纯碱", "吨", "26", 2200, 15_000),
    ("P013", "化肥（折纯）", "吨", "26", 2600, 10_000), ("P014", "涂料", "吨", "26", 9000, 1_200),
    ("P015", "合成树脂", "吨", "26", 9800, 3_000), ("P016", "化学药品原药", "吨", "27", 120_000, 40),
    ("P017", "中成药", "吨", "27", 60_000, 60), ("P018", "医用口罩", "万只", "17", 900, 600),
    ("P019", "医用防护服", "件", "17", 38, 60_000), ("P020", "消毒剂", "吨", "26", 4200, 800),
    ("P021", "无纺布", "吨", "17", 11_000, 900), ("P022", "纱", "吨", "17", 21_000, 1_500),
    ("P023", "布", "万米", "17", 52_000, 120), ("P024", "服装", "万件", "18", 420_000, 25),
    ("P025", "小麦粉", "吨", "13", 3300, 9_000), ("P026", "饲料", "吨", "13", 3600, 12_000),
    ("P027", "食用植物油", "吨", "13", 11_000, 2_000), ("P028", "鲜、冷藏肉", "吨", "13", 24_000, 1_500),
    ("P029", "速冻食品", "吨", "14", 12_000, 700), ("P030", "乳制品", "吨", "14", 7800, 1_600),
    ("P031", "饮料酒", "千升", "15", 9000, 900), ("P032", "软饮料", "吨", "15", 3200, 3_000),
    ("P033", "机制纸及纸板", "吨", "22", 5600, 6_000), ("P034", "纸制品", "吨", "22", 7000, 1_500),
    ("P035", "人造板", "立方米", "20", 2100, 5_000), ("P036", "家具", "件", "21", 850, 9_000),
    ("P037", "塑料制品", "吨", "29", 12_500, 1_800), ("P038", "橡胶轮胎外胎", "条", "29", 560, 40_000),
    ("P039", "钢材", "吨", "31", 4700, 30_000), ("P040", "铝材", "吨", "32", 19_500, 2_500),
    ("P041", "铸铁件", "吨", "33", 6800, 2_500), ("P042", "钢结构", "吨", "33", 7200, 3_000),
    ("P043", "金属切削机床", "台", "34", 160_000, 120), ("P044", "数控机床", "台", "34", 420_000, 40),
    ("P045", "金属成形机床", "台", "34", 210_000, 50), ("P046", "泵", "台", "34", 5200, 4_000),
    ("P047", "阀门", "吨", "34", 16_000, 600), ("P048", "滚动轴承", "万套", "34", 260_000, 60),
    ("P049", "齿轮", "吨", "34", 18_000, 500), ("P050", "液压元件", "件", "34", 2400, 8_000),
    ("P051", "气体压缩机", "台", "34", 36_000, 300), ("P052", "风机", "台", "34", 14_000, 600),
    ("P053", "起重机", "吨", "34", 15_000, 700), ("P054", "矿山专用设备", "吨", "35", 17_000, 900),
    ("P055", "煤矿液压支架", "架", "35", 260_000, 40), ("P056", "拖拉机", "台", "35", 48_000, 150),
    ("P057", "收获机械", "台", "35", 120_000, 60), ("P058", "饲料加工机械", "台", "35", 26_000, 200),
    ("P059", "汽车用发动机零部件", "万件", "36", 380_000, 30), ("P060", "改装汽车", "辆", "36", 160_000, 60),
    ("P061", "电动机", "千瓦", "38", 210, 60_000), ("P062", "变压器", "千伏安", "38", 95, 120_000),
    ("P063", "电力电缆", "千米", "38", 42_000, 400), ("P064", "锂离子电池", "万只", "38", 160_000, 40),
    ("P065", "光伏电池", "千瓦", "38", 1050, 9_000), ("P066", "电子元件", "万只", "39", 2800, 4_000),
    ("P067", "印制电路板", "平方米", "39", 620, 12_000), ("P068", "光学仪器", "台", "40", 3600, 2_000),
    ("P069", "再生铜", "吨", "42", 52_000, 400), ("P070", "自来水", "万立方米", "46", 28_000, 60),
    ("P071", "工业机器人", "套", "34", 180_000, 20),
    # In the catalogue but not monitored in 2022:
    ("P072", "白酒（折65度）", "千升", "15", 28_000, 100), ("P073", "铅酸蓄电池", "千伏安时", "38", 480, 20_000),
]


def _q(value):
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _q2(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class _Plan:
    """Per-enterprise draws: annual scale, growth, ratios; monthly output by year."""

    def __init__(self, enterprise):
        self.e = enterprise
        self.out = {}  # year → [12 monthly values, float then Decimal]
        self.revised_ly = False


def build(ctx):
    rng = ctx["rng"]
    form = Form.objects.get(code="output")
    indicators = {i.code: i for i in form.indicators.all()}
    stayers, entrants, leavers = ctx["stayers"], ctx["entrants"], ctx["leavers"]
    plans = {e.id: _Plan(e) for e in stayers + entrants + leavers}

    _draw_output(rng, plans, stayers, entrants, leavers)
    _calibrate(plans, stayers + entrants)
    _check_tiers(plans, stayers, leavers)

    returns = _create_returns(rng, form, indicators, plans, stayers, entrants, leavers, ctx["demo_enterprise"])
    _check_reference_figures(returns, indicators, {e.id for e in stayers + entrants})
    _create_products(rng, returns, stayers, entrants)
    _create_finance_returns(rng, returns, plans)
    _workflow_history()
    _close_future_periods()
    remind(form, "2022-04", actor="演示数据", today=dt.date(2022, 5, 11))
    Notice.objects.filter(source=remind_source(form, "2022-04")).update(  # sent on the demo's day, not today
        created_at=timezone.make_aware(dt.datetime(2022, 5, 11, 9, 0)))
    ctx["demo_returns"] = returns


def _workflow_history():
    """The audit trail of each 2022 return filed online, as the workflow would have written it: 报送 by the
    enterprise's reporter, 审核通过 or 退回 by its town's officer, 受理 by the bureau's analyst — so a return's
    修改与审核记录 and the audit log read as a county's would. Imported returns have none (they were loaded)."""
    from django.contrib.auth import get_user_model

    from gongxin.accounts.models import AuditEntry, Membership, Role

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["town", "town2", "analyst"])}
    towns = {"荆河街道": users.get("town"), "龙泉街道": users.get("town2")}
    reporters = {eid: u for eid, u in Membership.objects.filter(role=Role.ENTERPRISE).values_list("enterprise_id", "user")}
    reporter_users = get_user_model().objects.in_bulk(reporters.values())
    entries = []

    def entry(ret, action, at, who, data=None):
        user = who if hasattr(who, "pk") else None
        entries.append((at, AuditEntry(user=user, actor=user.username if user else who, action=action,
                                       object_type="reporting.return", object_id=str(ret.pk),
                                       object_repr=str(ret)[:200], data=data or {})))

    returns = (Return.objects.filter(period__startswith="2022", submitted_at__isnull=False)
               .exclude(source=Return.Source.IMPORT).select_related("enterprise__town", "form"))
    for ret in returns:
        e = ret.enterprise
        reporter = reporter_users.get(reporters.get(e.pk)) or f"qy{e.uscc}"
        officer = towns.get(e.town.name) or f"{e.town.name}工业专干"
        entry(ret, "returns.submit", ret.submitted_at, reporter, {"explanation": ret.explanation})
        if ret.status == Return.Status.RETURNED:
            entry(ret, "returns.return", ret.submitted_at + dt.timedelta(hours=20), officer, {"reason": ret.return_reason})
        if ret.approved_at:
            entry(ret, "returns.approve", ret.approved_at, officer)
        if ret.accepted_at:
            entry(ret, "returns.accept", ret.accepted_at, users.get("analyst") or "analyst")
    rows = AuditEntry.objects.bulk_create([row for _, row in entries], batch_size=1000)  # `at` stamped now…
    for (at, _), row in zip(entries, rows, strict=True):
        row.at = at
    AuditEntry.objects.bulk_update(rows, ["at"], batch_size=1000)  # …then set to when the step happened (2022)


def _close_future_periods():
    """The demo county's 'now' is early May 2022: later 2022 periods are not open for entry."""
    for f in Form.objects.all():
        ReportingPeriod.objects.bulk_create([
            ReportingPeriod(form=f, period=f"2022-{m:02d}", closed_at=timezone.now(),
                            note="演示数据截至2022年4月") for m in range(5, 13)])
    # The demo county's 财务 form started in 2022: its 2021 periods were never open, nothing is owed.
    finance = Form.objects.get(code="finance")
    ReportingPeriod.objects.bulk_create([
        ReportingPeriod(form=finance, period=p, closed_at=timezone.now(), note="财务表自2022年起报送")
        for p in P.periods_of_year(2021, finance.merge_jan_feb)])


# ---------------------------------------------------------------- drawing


def _draw_output(rng, plans, stayers, entrants, leavers):
    """Annual 2021 output by tier (with margins around the tier lines), monthly shapes, growth."""
    weights = [BIG_INDUSTRY_WEIGHT.get(e.division.code, 1) for e in stayers]
    big = set()
    while len(big) < TIER_COUNTS["over_100m"]:
        big.add(rng.choices(range(len(stayers)), weights=weights)[0])
    big = sorted(big, key=lambda i: -weights[i] + rng.random())
    over_500m = set(big[: TIER_COUNTS["over_500m"]])
    for index, e in enumerate(stayers):
        if index in over_500m:
            annual = rng.uniform(700_000, 3_400_000)
        elif index in big:
            annual = 115_000 * (420_000 / 115_000) ** rng.random()
        else:
            annual = 24_000 * (86_000 / 24_000) ** rng.random()
        plans[e.id].annual = annual
    for e in leavers:
        plans[e.id].annual = rng.uniform(14_000, 40_000)
    for e in entrants:  # last-year figures they report on entering the list
        plans[e.id].annual = rng.uniform(14_000, 34_000)

    # 2022 growth: most grow; some fall (the warnings' material); a few more than double.
    order = list(stayers)
    rng.shuffle(order)
    growth = {}
    for i, e in enumerate(order):
        if i < 3:
            growth[e.id] = rng.uniform(-0.65, -0.52)  # red
        elif i < 7:
            growth[e.id] = rng.uniform(-0.45, -0.32)  # orange
        elif i < 13:
            growth[e.id] = rng.uniform(-0.28, -0.21)  # yellow
        elif i < 30:
            growth[e.id] = rng.uniform(-0.15, 0.0)
        elif i < 33:
            growth[e.id] = rng.uniform(1.1, 1.8)  # 增长1.x倍
        else:
            growth[e.id] = rng.gauss(0.24, 0.12)
    for e in entrants:
        growth[e.id] = rng.uniform(0.4, 1.5)
    for e in leavers:
        growth[e.id] = rng.uniform(-0.4, -0.1)

    for plan in plans.values():
        g = growth[plan.e.id]
        noise = [rng.uniform(0.9, 1.1) for _ in SEASON]
        shape = [s * n for s, n in zip(SEASON, noise, strict=True)]
        total = sum(shape)
        y21 = [plan.annual * s / total for s in shape]
        g20 = rng.gauss(0.08, 0.08)
        plan.out[2020] = [v / (1 + g20) * rng.uniform(0.97, 1.03) for v in y21]
        plan.out[2021] = y21
        y22 = [v * (1 + g) * rng.uniform(0.95, 1.05) for v in y21[:4]]
        if g < -0.5:  # the red fallers fall month after month
            y22 = [v * (1 + g) * (1 - 0.06 * m) for m, v in enumerate(y21[:4])]
        plan.out[2022] = y22 + [0.0] * 8
        plan.growth = g
        plan.sales_ratio = rng.uniform(0.935, 1.0)
        plan.export_share = 0.0
        plan.elec_intensity = (rng.uniform(0.012, 0.04) if plan.e.division.code in HEAVY
                               else rng.uniform(0.003, 0.01))
        plan.elec_trend = 1 + g * rng.uniform(0.5, 0.8)
    # April 2022: the epidemic stopped part of the county (262 of 312 resumed by 4-13).
    for e in rng.sample(stayers, 50):
        plans[e.id].out[2022][3] *= rng.uniform(0.45, 0.75)
    # Data-quality cases: electricity down while output up.
    for e in rng.sample([s for s in stayers if growth[s.id] > 0.15], 3):
        plans[e.id].elec_trend = rng.uniform(0.78, 0.88)
    # Two enterprises' last-year figures were revised by the statistics bureau (reported with a note).
    for e in rng.sample([s for s in stayers if growth[s.id] > 0], 2):
        plans[e.id].revised_ly = True
    for e in rng.sample(stayers, 30):
        plans[e.id].export_share = rng.uniform(0.08, 0.4)


def _reported_ly_q1(plan):
    """The 1-3月 last-year output an enterprise reports on its 2022-03 return."""
    factor = Decimal("1.03") if plan.revised_ly else Decimal(1)
    return sum(_q(Decimal(v) * factor) for v in plan.out[2021][:3])


def _calibrate(plans, listed):
    """Scale output so the 2022 list's 2022-03 figures hit the targets exactly (after rounding)."""
    target_ly = (TARGET_YTD_2022_03 / (1 + TARGET_GROWTH)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    raw_ly = sum(sum(plans[e.id].out[2021][:3]) * (1.03 if plans[e.id].revised_ly else 1) for e in listed)
    c = float(target_ly) / raw_ly
    raw_jf = sum(sum(plans[e.id].out[2022][:2]) for e in listed)
    raw_mar = sum(plans[e.id].out[2022][2] for e in listed)
    a = float(TARGET_YTD_2022_03 - TARGET_MONTH_2022_03) / raw_jf
    b = float(TARGET_MONTH_2022_03) / raw_mar
    for plan in plans.values():
        for m in range(3):
            plan.out[2021][m] *= c
        plan.out[2022][0] *= a
        plan.out[2022][1] *= a
        plan.out[2022][2] *= b
        plan.out[2022][3] *= b
        for year in plan.out:
            plan.out[year] = [_q(v) for v in plan.out[year]]
    # Rounding residuals go on the largest enterprise (not revised, so its ly is its 2021 figure).
    largest = max((plans[e.id] for e in listed if not plans[e.id].revised_ly), key=lambda p: p.annual)
    largest.out[2021][0] += target_ly - sum(_reported_ly_q1(plans[e.id]) for e in listed)
    largest.out[2022][0] += (TARGET_YTD_2022_03 - TARGET_MONTH_2022_03) - sum(
        plans[e.id].out[2022][0] + plans[e.id].out[2022][1] for e in listed)
    largest.out[2022][2] += TARGET_MONTH_2022_03 - sum(plans[e.id].out[2022][2] for e in listed)


def _check_tiers(plans, stayers, leavers):
    annual = {e.id: sum(plans[e.id].out[2021]) for e in stayers + leavers}
    over_500 = sum(1 for e in stayers if annual[e.id] >= 500_000)
    over_100 = sum(1 for e in stayers if annual[e.id] >= 100_000)
    assert (over_500, over_100) == (TIER_COUNTS["over_500m"], TIER_COUNTS["over_100m"]), (over_500, over_100)
    assert all(annual[e.id] < 100_000 for e in leavers)


# ---------------------------------------------------------------- returns


def _periods():
    return [(2021, m) for m in range(2, 13)] + [(2022, m) for m in range(2, 5)]


def _month_and_ytd(values, month):
    """(本月, 1-本月) for a period of a year whose January and February are merged."""
    ytd = sum(values[:month])
    current = values[0] + values[1] if month == 2 else values[month - 1]
    return current, ytd


def _submitted_at(rng, year, month, late=False):
    """Between the 1st and the 5th (the deadline) of the next month, or a few days late."""
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    day = rng.randint(6, 12) if late else rng.randint(1, 5)
    return timezone.make_aware(dt.datetime(ny, nm, day, rng.randint(8, 17), rng.randint(0, 59)))


def _status_plan_2022_04(rng, listed):
    """2022-04 is still being filed: about 40 missing (none, draft or sent back), the rest in review."""
    order = list(listed)
    rng.shuffle(order)
    plan = {}
    for i, e in enumerate(order):
        if i < 28:
            plan[e.id] = None
        elif i < 36:
            plan[e.id] = Return.Status.DRAFT
        elif i < 40:
            plan[e.id] = Return.Status.RETURNED
        elif i < 190:
            plan[e.id] = Return.Status.SUBMITTED
        elif i < 270:
            plan[e.id] = Return.Status.APPROVED
        else:
            plan[e.id] = Return.Status.ACCEPTED
    return plan


RETURN_REASONS = [
    "工业销售产值大于工业总产值，请核实后重新报送。",
    "本月用电量与产值变化方向不一致，请核实用电量数据。",
    "1-本月数与上月累计数衔接有误，请核对。",
    "出口交货值填报单位有误（应为千元），请修改。",
]
FINANCE_RETURN_REASONS = [
    "营业收入与产值表工业销售产值差异较大，请核实后重新报送。",
    "平均用工人数与上月相比变化较大，请核实。",
    "应收账款填报单位有误（应为千元），请修改。",
]
EXPLANATIONS = {
    "fall": "受疫情影响，物流受阻、订单减少，部分生产线停产，产值同比下降较多。",
    "rise": "新建生产线于去年下半年投产，产能释放，产值同比大幅增长。",
    "entrant": "企业今年新纳入规上统计，上年同期数据为企业财务核算数。",
    "elec": "企业实施节能技改，余热发电自用，外购电量同比下降。",
}


def _create_returns(rng, form, indicators, plans, stayers, entrants, leavers, demo_enterprise):
    listed = stayers + entrants
    status_0422 = _status_plan_2022_04(rng, listed)
    status_0422[demo_enterprise.id] = None  # the demo reporter has 2022-04 still to fill
    late = set(e.id for e in rng.sample(listed, 25))
    returns = {}
    rows = []
    for year, month in _periods():
        period = f"{year}-{month:02d}"
        if year == 2021:
            filers = stayers + leavers
        else:
            filers = listed + leavers[:3]  # three leavers' returns exist but must not count
        for e in filers:
            plan = plans[e.id]
            status = Return.Status.ACCEPTED
            if period == "2022-03" and e in listed:
                status = rng.choices([Return.Status.ACCEPTED, Return.Status.APPROVED, Return.Status.SUBMITTED],
                                     weights=[85, 10, 5])[0]
            if period == "2022-04":
                if e not in listed:
                    continue
                status = status_0422[e.id]
                if status is None:
                    continue
            ret = Return(enterprise=e, form=form, period=period, status=status)
            if year == 2021 or e in leavers:
                ret.source = Return.Source.IMPORT
                ret.source_note = "县统计局月报数据"
            if status != Return.Status.DRAFT:
                ret.submitted_at = _submitted_at(rng, year, month, late=e.id in late and period == "2022-04")
            if status in (Return.Status.APPROVED, Return.Status.ACCEPTED):
                ret.approved_at = ret.submitted_at + dt.timedelta(days=1)
            if status == Return.Status.ACCEPTED:
                ret.accepted_at = ret.submitted_at + dt.timedelta(days=2)
            if status == Return.Status.RETURNED:
                ret.return_reason = rng.choice(RETURN_REASONS)
            ret.explanation = _explanation(plan, e in entrants, year)
            rows.append((ret, plan, year, month))
    Return.objects.bulk_create([r for r, *_ in rows], batch_size=500)
    values = []
    for ret, plan, year, month in rows:
        returns[(ret.enterprise_id, ret.period)] = ret
        values.extend(_values_for(ret, plan, year, month, indicators))
    ReturnValue.objects.bulk_create(values, batch_size=1000)
    return returns


def _explanation(plan, is_entrant, year):
    if year != 2022:
        return ""
    if is_entrant:
        return EXPLANATIONS["entrant"]
    if plan.growth < -0.5:
        return EXPLANATIONS["fall"]
    if plan.growth > 0.5:
        return EXPLANATIONS["rise"]
    if plan.elec_trend < 0.9 and plan.growth > 0:
        return EXPLANATIONS["elec"]
    return ""


def _values_for(ret, plan, year, month, indicators):
    """The four indicators of one return. Last-year columns repeat the enterprise's own figures of
    a year before (as the entry page pre-fills them), except the revised ones, which carry a note."""
    base, base_ly = plan.out[year], plan.out[year - 1]
    revised = year == 2022 and plan.revised_ly
    out_ly = [_q(v * Decimal("1.03")) for v in base_ly] if revised else base_ly
    ratio = Decimal(str(round(plan.sales_ratio, 4)))
    share = Decimal(str(round(plan.export_share, 4)))
    k = Decimal(str(round(plan.elec_intensity, 5)))
    sales, sales_ly = [_q(v * ratio) for v in base], [_q(v * ratio) for v in base_ly]
    if year == 2021:
        elec, elec_ly = [_q2(v * k * Decimal("0.97")) for v in base], [_q2(v * k) for v in base_ly]
    else:  # electricity follows its own trend (down for the data-quality cases)
        trend = Decimal(str(round(plan.elec_trend, 4)))
        elec = [_q2(v * k * Decimal("0.97") * trend) for v in base_ly]
        elec_ly = [_q2(v * k * Decimal("0.97")) for v in base_ly]
    series = {
        "output_value": (base, out_ly),
        "sales_value": (sales, sales_ly),
        "export_value": ([_q(v * share) for v in sales], [_q(v * share) for v in sales_ly]),
        "electricity": (elec, elec_ly),
    }
    values = []
    for code, (this, last) in series.items():
        m, y = _month_and_ytd(this, month)
        mly, yly = _month_and_ytd(last, month)
        note = "上年同期数经县统计局核定调整" if revised and code == "output_value" else ""
        values.append(ReturnValue(ret=ret, indicator=indicators[code], enterprise_id=ret.enterprise_id,
                                  period=ret.period, month=m, ytd=y, month_ly=mly, ytd_ly=yly, ly_note=note))
    return values


def _check_reference_figures(returns, indicators, listed_ids):
    """Plain recomputation of the 2022-03 output figures; stops the build if a target is missed."""
    month = ytd = ytd_ly = Decimal(0)
    for (enterprise_id, period), ret in returns.items():
        if period != "2022-03" or enterprise_id not in listed_ids or ret.status not in Return.COUNTED:
            continue
        value = ReturnValue.objects.get(ret=ret, indicator=indicators["output_value"])
        month += value.month
        ytd += value.ytd
        ytd_ly += value.ytd_ly
    assert qian_to_yi(month) == Decimal("70.0"), month
    assert qian_to_yi(ytd) == Decimal("184.0"), ytd
    assert growth_pct(ytd, ytd_ly) == Decimal("23.8"), (ytd, ytd_ly)


# ---------------------------------------------------------------- key products


def _create_products(rng, returns, stayers, entrants):
    products = [Product(code=c, name=n, unit=u) for c, n, u, *_ in PRODUCTS]
    Product.objects.bulk_create(products)
    products = {p.code: p for p in Product.objects.all()}
    monitored = [row for row in PRODUCTS if row[0] <= "P071"]
    for year in (2021, 2022):
        MonitoredProduct.objects.bulk_create(
            [MonitoredProduct(year=year, product=products[row[0]]) for row in monitored])

    codes = [row[0] for row in monitored]
    up = set(rng.sample(codes, PRODUCTS_UP))
    price_up = set(rng.sample(codes, PRICES_UP))
    by_division = defaultdict(list)
    for e in stayers:
        by_division[e.division.code].append(e)
    lines = []
    for index, (code, _name, _unit, division, price, qty) in enumerate(PRODUCTS):
        pool = by_division.get(division) or stayers
        producers = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 2, 3, 4))))
        if index == 17 and entrants:  # a new entrant makes masks and reports last year's figures
            producers = producers[:1] + [entrants[0]]
        g = rng.uniform(0.04, 0.4) if code in up or code not in codes else -rng.uniform(0.04, 0.35)
        h = rng.uniform(0.02, 0.15) if code in price_up or code not in codes else -rng.uniform(0.02, 0.12)
        for e in producers:
            lines.extend(_product_lines(rng, returns, products[code], e, price, qty, g, h))
    ProductLine.objects.bulk_create(lines, batch_size=1000)
    _check_product_counts(monitored)


def _product_lines(rng, returns, product, enterprise, base_price, base_qty, g, h):
    level = rng.uniform(0.995, 1.005)
    scale = rng.uniform(0.5, 1.5)
    q = {2020: [], 2021: [], 2022: []}
    p = {2020: [], 2021: [], 2022: []}
    for m in range(12):
        q21 = base_qty * scale * SEASON[m] * 12 * rng.uniform(0.92, 1.08)
        q[2021].append(q21)
        q[2020].append(q21 / rng.uniform(1.0, 1.1))
        q[2022].append(q21 * (1 + g + rng.uniform(-0.01, 0.01)))
        p21 = base_price * level * rng.uniform(0.999, 1.001)
        p[2021].append(p21)
        p[2020].append(p21 / rng.uniform(1.0, 1.06))
        p[2022].append(p21 * (1 + h + rng.uniform(-0.003, 0.003)))
    lines = []
    for (enterprise_id, period), ret in returns.items():
        if enterprise_id != enterprise.id:
            continue
        year, month = int(period[:4]), int(period[5:])
        qty = [_q2(v) for v in q[year]]
        qty_ly = [_q2(v) for v in q[year - 1]]
        m, y = _month_and_ytd(qty, month)
        mly, yly = _month_and_ytd(qty_ly, month)
        if month == 2:  # the merged period's price is the January–February average
            price, price_ly = _q2((p[year][0] + p[year][1]) / 2), _q2((p[year - 1][0] + p[year - 1][1]) / 2)
        else:
            price, price_ly = _q2(p[year][month - 1]), _q2(p[year - 1][month - 1])
        lines.append(ProductLine(ret=ret, product=product, enterprise_id=enterprise_id, period=period,
                                 qty_month=m, qty_ytd=y, qty_month_ly=mly, qty_ytd_ly=yly,
                                 price=price, price_ly=price_ly))
    return lines


def _check_product_counts(monitored):
    """Plain recomputation of 2022-03 product counts (counted returns of listed enterprises)."""
    listed = set(
        Return.objects.filter(period="2022-03", status__in=Return.COUNTED,
                              enterprise__list_years__year=2022).values_list("id", flat=True))
    up = price_up = 0
    for code, *_ in monitored:
        rows = ProductLine.objects.filter(period="2022-03", product__code=code, ret_id__in=listed)
        ytd = sum(r.qty_ytd for r in rows)
        ytd_ly = sum(r.qty_ytd_ly for r in rows)
        w = sum(r.qty_month for r in rows)
        w_ly = sum(r.qty_month_ly for r in rows)
        price = sum(r.price * r.qty_month for r in rows) / w
        price_ly = sum(r.price_ly * r.qty_month_ly for r in rows) / w_ly
        up += ytd > ytd_ly
        price_up += price > price_ly
    total = len(monitored)
    assert (total, up, price_up) == (71, PRODUCTS_UP, PRICES_UP), (total, up, price_up)
    assert (pct(up, total), pct(price_up, total)) == (Decimal("60.6"), Decimal("64.8"))


# ---------------------------------------------------------------- finance form (财务)


def _create_finance_returns(rng, returns, plans):
    """2022 财务 returns beside each 2022 产值 return of a listed enterprise, with the same status."""
    form = Form.objects.get(code="finance")
    indicators = {i.code: i for i in form.indicators.all()}
    pairs = []
    for (enterprise_id, period), output_ret in returns.items():
        if not period.startswith("2022") or output_ret.source == Return.Source.IMPORT:
            continue
        reason = FINANCE_RETURN_REASONS[enterprise_id % len(FINANCE_RETURN_REASONS)] if output_ret.return_reason else ""
        ret = Return(enterprise_id=enterprise_id, form=form, period=period, status=output_ret.status,
                     submitted_at=output_ret.submitted_at, approved_at=output_ret.approved_at,
                     accepted_at=output_ret.accepted_at, return_reason=reason)
        pairs.append((ret, plans[enterprise_id], int(period[5:])))
    Return.objects.bulk_create([ret for ret, *_ in pairs], batch_size=500)
    values = []
    for ret, plan, month in pairs:
        revenue = sum(plan.out[2022][:month]) * Decimal("1.03")
        revenue_ly = sum(plan.out[2021][:month]) * Decimal("1.03")
        cost_ratio = Decimal(str(round(rng.uniform(0.78, 0.9), 3)))
        margin = Decimal(str(round(rng.uniform(-0.02, 0.09), 3)))
        people = max(20, int(plan.annual / rng.uniform(450, 900)))
        figures = {
            "revenue": (revenue, revenue_ly),
            "cost": (revenue * cost_ratio, revenue_ly * cost_ratio),
            "profit": (revenue * margin, revenue_ly * margin * Decimal("0.9")),
            "receivables": (revenue * Decimal("0.22"), revenue_ly * Decimal("0.2")),
            "finished_goods": (revenue * Decimal("0.07"), revenue_ly * Decimal("0.06")),
            "employees": (Decimal(people), Decimal(int(people * rng.uniform(0.9, 1.05)))),
        }
        for code, (ytd, ytd_ly) in figures.items():
            values.append(ReturnValue(ret=ret, indicator=indicators[code], enterprise_id=ret.enterprise_id,
                                      period=ret.period, ytd=_q(ytd), ytd_ly=_q(ytd_ly)))
    ReturnValue.objects.bulk_create(values, batch_size=1000)
