"""Demo county: this app's part (see registry/management/commands/load_demo.py).

100 key 技改 projects of 2022 with 413亿元 planned investment; 20 in 省企业技术改造重点导向项目;
monthly investment 2021-01…2022-04 built so that 2022 1-3月 Σ 1-本月 is exactly 192,000万元
(19.2亿元) against 166,956.52万元 in 2021 1-3月 (+15.0%); support funds paid to 2 enterprises,
4500万元. Stages as of the end of April 2022, with a few overdue projects. Names are fictional.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from gongxin.lib import periods

from . import services
from .models import FundProgramme, Programme, Project, ProjectInvestment, Stage

KEY_COUNT = 100
KEY_TOTAL = Decimal("4130000")  # 万元 = 413亿元
YTD_2022_03 = Decimal("192000.00")
YTD_2021_03 = Decimal("166956.52")  # 192000 ÷ 166956.52 − 1 = 15.0%
CENT = Decimal("0.01")
AS_OF = dt.date(2022, 4, 30)
FIRST, LAST = "2021-01", "2022-04"

# Stage mix of the 100 key projects at the end of April 2022.
STAGE_MIX = ([Stage.IDEA] * 4 + [Stage.SIGNED] * 6 + [Stage.FILED] * 10 + [Stage.STARTED] * 8
             + [Stage.BUILDING] * 52 + [Stage.COMPLETED] * 10 + [Stage.OPERATING] * 7 + [Stage.PAUSED] * 2
             + [Stage.TERMINATED] * 1)
SUBJECTS = {
    Project.Type.SMART: ["智能化生产线改造", "智能工厂建设", "数字化车间改造", "工业机器人应用"],
    Project.Type.DIGITAL: ["工业互联网平台建设", "企业上云及MES系统", "数字化管理系统升级"],
    Project.Type.GREEN: ["节能降耗改造", "余热余压综合利用", "超低排放改造", "光伏发电配套"],
    Project.Type.EQUIPMENT: ["关键设备更新", "老旧生产线升级", "高端数控装备更新"],
    Project.Type.CAPACITY: ["扩产增效技术改造", "新增产能技术改造"],
    Project.Type.QUALITY: ["新产品产业化", "高性能产品升级改造"],
    Project.Type.SAFETY: ["安全生产技术改造", "本质安全提升改造"],
}
TYPE_WEIGHTS = {Project.Type.SMART: 30, Project.Type.DIGITAL: 14, Project.Type.GREEN: 16,
                Project.Type.EQUIPMENT: 16, Project.Type.CAPACITY: 12, Project.Type.QUALITY: 8,
                Project.Type.SAFETY: 4}


def _date(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _period(day):
    return periods.make(day.year, day.month)


def build(ctx):
    rng = ctx["rng"]
    User = get_user_model()
    analyst = User.objects.filter(username="analyst").first()
    town_officer = User.objects.filter(username="town").first()
    provincial = Programme.objects.create(name="省企业技术改造重点导向项目", year=2022, level=Programme.Level.PROVINCE,
                                          description="省工业和信息化厅发布的年度技术改造重点导向项目")
    smart = Programme.objects.create(name="百家企业智能化技改", year=2022, level=Programme.Level.CITY,
                                     description="市级百家企业智能化技术改造行动")
    plans = _plan_projects(ctx, rng)
    projects = []
    for plan in plans:
        officer = town_officer if plan["enterprise"].town.name == "荆河街道" else analyst
        projects.append(_create(analyst, plan, [officer] if officer else []))
    key = [p for p in projects if p.is_key]
    smart_candidates = [p for p in key if p.type in (Project.Type.SMART, Project.Type.DIGITAL)]
    provincial.projects.set(rng.sample(key, 20))
    smart.projects.set(smart_candidates[:36])
    _investment(rng, plans)
    _funds(analyst, rng, key)


def _plan_projects(ctx, rng):
    """Enterprises, sizes, stages and dates of the demo projects (nothing written yet)."""
    enterprises = sorted(ctx["list_2022"], key=lambda e: e.uscc)
    jinghe = [e for e in enterprises if e.town.name == "荆河街道"]
    demo = ctx["demo_enterprise"]
    owners = [demo, demo] + rng.sample([e for e in jinghe if e != demo], min(5, len(jinghe) - 1))
    owners += rng.sample([e for e in enterprises if e not in owners], KEY_COUNT - len(owners))
    stages = STAGE_MIX[:]
    rng.shuffle(stages)
    # The demo enterprise's two projects: one under construction, one just filed.
    for position, stage in enumerate((Stage.BUILDING, Stage.FILED)):
        other = stages.index(stage, position)
        stages[position], stages[other] = stages[other], stages[position]
    weights = [rng.lognormvariate(0, 1.0) for _ in range(KEY_COUNT)]
    totals = [(KEY_TOTAL * Decimal(w) / Decimal(sum(weights))).quantize(Decimal(10)) for w in weights]
    totals = [max(t, Decimal(2000)) for t in totals]
    biggest = totals.index(max(totals))
    totals[biggest] += KEY_TOTAL - sum(totals)
    plans = [_plan(rng, i + 1, owner, stage, total, key=True)
             for i, (owner, stage, total) in enumerate(zip(owners, stages, totals, strict=True))]
    _mark_overdue(plans)
    extra = rng.sample(enterprises, 12)
    for i, owner in enumerate(extra):
        plans.append(_plan(rng, KEY_COUNT + i + 1, owner, rng.choice([Stage.IDEA, Stage.SIGNED]),
                           Decimal(rng.randrange(300, 5000, 50)), key=False))
    return plans


def _plan(rng, number, enterprise, stage, total, key):
    kind = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    plan = {"code": f"JG2022-{number:03d}", "enterprise": enterprise, "stage": stage, "total": total,
            "type": kind, "key": key, "stalled": False,
            "name": f"{enterprise.name.removesuffix('股份有限公司').removesuffix('有限公司')}"
                    f"{rng.choice(SUBJECTS[kind])}项目"}
    progress = stage
    if stage == Stage.PAUSED:
        progress = Stage.BUILDING
    if stage == Stage.TERMINATED:
        progress = Stage.FILED
    index = [Stage.IDEA, Stage.SIGNED, Stage.FILED, Stage.STARTED, Stage.BUILDING, Stage.COMPLETED,
             Stage.OPERATING].index(progress)
    if index >= 3:  # started: the start date decides everything else
        if progress == Stage.STARTED:
            start = _date(rng, dt.date(2022, 3, 5), dt.date(2022, 4, 20))
        else:
            start = _date(rng, dt.date(2020, 6, 1), dt.date(2021, 9, 30))
        chain = [start - dt.timedelta(days=rng.randint(150, 300))]
        chain.append(chain[-1] + dt.timedelta(days=rng.randint(30, 70)))
        chain.append(chain[-1] + dt.timedelta(days=rng.randint(20, 60)))
        chain.append(start)
        if index >= 4:
            chain.append(start + dt.timedelta(days=rng.randint(10, 40)))
        if index >= 5:
            chain.append(_date(rng, max(chain[-1] + dt.timedelta(days=60), dt.date(2022, 1, 5)),
                               dt.date(2022, 3, 25)))
        if index >= 6:
            chain.append(min(chain[-1] + dt.timedelta(days=rng.randint(10, 30)), dt.date(2022, 4, 28)))
        plan["planned_start"] = start - dt.timedelta(days=rng.randint(0, 20))
        end = chain[5] if index >= 5 else _date(rng, dt.date(2022, 6, 30), dt.date(2023, 12, 31))
        plan["planned_completion"] = end + dt.timedelta(days=rng.randint(0, 40))
    else:
        chain = [_date(rng, dt.date(2021, 9, 1), dt.date(2022, 1, 31))]
        for _ in range(index):
            chain.append(min(chain[-1] + dt.timedelta(days=rng.randint(20, 60)), AS_OF))
        plan["planned_start"] = _date(rng, dt.date(2022, 5, 15), dt.date(2022, 10, 31))
        plan["planned_completion"] = plan["planned_start"] + dt.timedelta(days=rng.randint(300, 700))
        start = None
    plan["chain"] = chain
    plan["start"] = start
    plan["completion"] = chain[5] if len(chain) > 5 else None
    if stage in (Stage.PAUSED, Stage.TERMINATED):
        plan["halt"] = min(chain[-1] + dt.timedelta(days=rng.randint(30, 120)), dt.date(2022, 2, 20))
        plan["halt"] = max(plan["halt"], chain[-1])
    return plan


def _mark_overdue(plans):
    """A few projects the 2022-03 dashboard should flag: late to start, late to finish, stalled."""
    filed = [p for p in plans if p["stage"] == Stage.FILED and p["code"] != "JG2022-002"]
    for p, day in zip(filed[:2], (dt.date(2022, 2, 15), dt.date(2022, 3, 10)), strict=False):
        p["planned_start"] = day
        p["planned_completion"] = day + dt.timedelta(days=365)
    building = [p for p in plans if p["stage"] == Stage.BUILDING and p["code"] != "JG2022-001"]
    for p, day in zip(building[:2], (dt.date(2022, 1, 31), dt.date(2022, 3, 15)), strict=False):
        p["planned_completion"] = day
    for p in building[2:4]:
        p["stalled"] = True


def _create(user, plan, officers):
    chain = plan["chain"]
    enterprise = plan["enterprise"]
    project = Project(
        code=plan["code"], name=plan["name"][:150], enterprise=enterprise, type=plan["type"],
        content=f"{plan['name']}：购置先进生产及检测设备，配套建设信息化管理系统，提升自动化、智能化水平。",
        total_investment=plan["total"], equipment_investment=(plan["total"] * Decimal("0.55")).quantize(CENT),
        planned_start=plan["planned_start"], planned_completion=plan["planned_completion"],
        is_key=plan["key"], key_year=2022 if plan["key"] else None, stage=Stage.IDEA, stage_since=chain[0])
    services.save_project(user, project, officers=officers)
    steps = [Stage.SIGNED, Stage.FILED, Stage.STARTED, Stage.BUILDING, Stage.COMPLETED, Stage.OPERATING]
    for stage, day in zip(steps, chain[1:], strict=False):
        record = f"2021-370481-{plan['code'][-3:]}-{day:%m%d}" if stage == Stage.FILED else ""
        project = services.advance_project(user, project, stage, day, record_number=record)
    if plan["stage"] == Stage.PAUSED:
        project = services.pause_project(user, project, plan["halt"], "原材料价格上涨，企业资金周转困难，暂缓建设")
    elif plan["stage"] == Stage.TERMINATED:
        project = services.terminate_project(user, project, plan["halt"], "企业调整发展规划，项目取消")
    plan["project"] = project
    return project


def _months(first, last):
    out, p = [], first
    while p <= last:
        out.append(p)
        p = periods.shift(p, 1)
    return out


def _investment(rng, plans):
    """Monthly records 2021-01…2022-04; Q1 totals exact by construction (scale, then fix the residual)."""
    raw = {}  # (plan index, period) → raw month value
    for i, plan in enumerate(plans):
        if plan["start"] is None:
            continue
        first = max(_period(plan["start"]), FIRST)
        stop = LAST
        if plan["completion"]:
            stop = _period(plan["completion"])
        if plan.get("halt"):
            stop = _period(plan["halt"])
        if plan["stalled"]:
            stop = "2022-01"
        base = float(plan["total"]) / rng.uniform(18, 30)
        for p in _months(first, LAST):
            raw[i, p] = Decimal(str(round(base * rng.uniform(0.5, 1.5), 2))) if p <= stop else Decimal(0)
    values = dict(raw)
    for year, target in ((2021, YTD_2021_03), (2022, YTD_2022_03)):
        quarter = [periods.make(year, m) for m in (1, 2, 3)]
        keys = [k for k in raw if k[1] in quarter]
        factor = target / sum(raw[k] for k in keys)
        year_keys = [k for k in raw if k[1].startswith(str(year))]
        for k in year_keys:
            values[k] = (raw[k] * factor).quantize(CENT)
        march = [k for k in keys if k[1] == quarter[2] and values[k] > 0]
        largest = max(march, key=lambda k: values[k])
        values[largest] += target - sum(values[k] for k in keys)
    records, ytd = [], {}
    for (i, period), month in sorted(values.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        year = period[:4]
        ytd[i, year] = ytd.get((i, year), Decimal(0)) + month
        records.append(ProjectInvestment(project=plans[i]["project"], period=period, month=month,
                                         ytd=ytd[i, year]))
    ProjectInvestment.objects.bulk_create(records)


def _funds(user, rng, key):
    """2022年技改扶持资金: paid to 2 enterprises (2500 + 2000万元); others still in the pipeline."""
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=Decimal("6000"),
                                        description="县级工业技术改造扶持资金")
    key = rng.sample(key, len(key))
    done = [p for p in key if p.stage in (Stage.COMPLETED, Stage.OPERATING)]
    first, second = done[0], next(p for p in done[1:] if p.enterprise_id != done[0].enterprise_id)
    pipeline = [p for p in key if p.stage == Stage.BUILDING
                and p.enterprise_id not in (first.enterprise_id, second.enterprise_id)]
    steps = [
        (first, "3000", "2500", [("1500", dt.date(2022, 3, 10)), ("1000", dt.date(2022, 3, 28))]),
        (second, "2000", "2000", [("2000", dt.date(2022, 3, 25))]),
        (pipeline[0], "1200", "800", []),
        (pipeline[1], "900", None, []),
        (pipeline[2], "600", None, []),
    ]
    for n, (project, requested, approved, payments) in enumerate(steps):
        app = services.apply_for_funds(user, fund, project.enterprise, requested, dt.date(2022, 1, 10 + n),
                                       project=project)
        if n == 4:
            continue
        app = services.review_application(user, app, dt.date(2022, 2, 15))
        if approved is None:
            continue
        app = services.approve_application(user, app, dt.date(2022, 3, 1), approved)
        for k, (amount, day) in enumerate(payments):
            services.disburse(user, app, day, amount, voucher=f"ZF2022-{n + 1:02d}{k + 1}")
    rejected = services.apply_for_funds(user, fund, pipeline[3].enterprise, "500", dt.date(2022, 1, 20),
                                        project=pipeline[3])
    services.reject_application(user, rejected, dt.date(2022, 2, 20), "项目尚未完成设备投资，不符合申报条件")
