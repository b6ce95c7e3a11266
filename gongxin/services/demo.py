"""Demo county: enterprise services in 2022 Q1 (after the registry, returns, projects and warnings).

The first-quarter visiting round to the 100 enterprises over 1亿元 (by 2021 output), a few dozen
demands met on those visits and raised by enterprises (raw materials, logistics and labour under the
March epidemic controls), mostly resolved and confirmed, some overdue, one paused, one escalated, one
anonymous; four policies with benefits, leaving eligible enterprises that have not yet benefited.
Timelines are written with the same working-day clock the services use (workdays.py).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongxin.analysis import stats as engine

from .models import (
    Assignment,
    Benefit,
    Category,
    Demand,
    DemandStep,
    Department,
    Policy,
    Tier,
    Visit,
    VisitPlan,
)
from .workdays import DAY, Calendar

K = DemandStep.Kind
S = Demand.Status

PROBLEMS = [
    (Category.LOGISTICS, "原材料运输车辆无法进入园区", "受临时管控影响，外地原材料运输车辆无法进入，库存仅够7天生产。"),
    (Category.LOGISTICS, "产品外运受阻，订单交付延期", "产成品无法按期发往省外客户，面临违约风险，需协调通行证。"),
    (Category.MATERIALS, "主要原材料价格上涨、供应紧张", "钢材/化工原料价格上涨，供应商限量供货，需协调本地供应。"),
    (Category.MATERIALS, "进口零部件到货延迟", "进口零部件在港口滞留，影响整机装配。"),
    (Category.LABOUR, "一线工人返岗不足", "封闭生产期间外地员工无法返岗，一线工人缺口约三成。"),
    (Category.LABOUR, "技术工人招聘困难", "数控、焊接等技术岗位长期招不到人。"),
    (Category.FINANCE, "流动资金周转紧张", "货款回笼慢，申请协调续贷和应急转贷资金。"),
    (Category.ENERGY, "新上生产线用电增容", "技改新线需增容变压器，申请加快办理。"),
    (Category.APPROVAL, "技改项目备案手续办理", "咨询技改项目备案及环评办理流程，希望并联审批。"),
    (Category.POLICY, "咨询技改扶持资金申报条件", "了解省级技改导向项目和市级扶持资金的申报条件。"),
]
LEADS = {Category.LOGISTICS: "C01", Category.MATERIALS: "B01", Category.LABOUR: "C02", Category.FINANCE: "C06",
         Category.ENERGY: "C05", Category.APPROVAL: "C03", Category.POLICY: "B03"}
ASSISTS = {Category.LOGISTICS: ["B04"], Category.LABOUR: ["B02"], Category.FINANCE: ["B02"]}


def _at(day, hour=9, minute=30):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build(ctx):
    rng = ctx["rng"]
    User = get_user_model()
    analyst = User.objects.filter(username="analyst").first()
    cal = Calendar.load()
    tiers = engine.enterprise_tiers(2022)
    listed = sorted(ctx["list_2022"], key=lambda e: e.uscc)
    key = [e for e in listed if e.id in tiers]
    plan = VisitPlan.objects.create(name="2022年一季度重点工业企业调研走访", scope=VisitPlan.Scope.OVER_100M,
                                    group="局领导带队，运行监测协调科、企业服务科及各镇街工业专干", leader_round=True,
                                    starts_on=dt.date(2022, 2, 14), ends_on=dt.date(2022, 3, 31))
    plan.enterprises.set(key)
    towns = {d.region_id: d for d in Department.objects.filter(kind=Department.Kind.TOWN)}
    visits = []
    for i, e in enumerate(key):
        if i % 7 == 6:
            continue  # not yet visited: the plan page shows them
        day = plan.starts_on + dt.timedelta(days=rng.randrange(0, 45))
        visits.append(Visit(plan=plan, enterprise=e, department=towns.get(e.town_id), visited_on=day,
                            visitors="局领导、运行科及镇街工业专干",
                            findings=rng.choice(["生产经营正常，订单饱满。", "受疫情影响物流不畅，原材料库存偏紧。",
                                                 "一线用工紧张，部分外地员工未返岗。", "原材料价格上涨，利润空间压缩。",
                                                 "技改项目推进顺利，计划二季度投产。"]), created_by=analyst))
    Visit.objects.bulk_create(visits)
    _demands(ctx, rng, cal, key, listed, analyst)
    _policies(rng, listed, tiers)


def _demands(ctx, rng, cal, key, listed, analyst):
    tiers = {t.code: t for t in Tier.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    pool = key[:60] + listed[::17]
    picks = rng.sample(pool, 36)
    if ctx.get("demo_enterprise") and ctx["demo_enterprise"] not in picks:
        picks[0] = ctx["demo_enterprise"]  # the demo reporter has demands to see
    for n, enterprise in enumerate(picks):
        category, title, text = PROBLEMS[n % len(PROBLEMS)] if n < 30 else PROBLEMS[n % 3]
        received = _at(dt.date(2022, 2, 21) + dt.timedelta(days=rng.randrange(0, 52)), 9 + n % 8)
        tier = tiers["priority" if category == Category.LOGISTICS else "normal"]
        d = Demand.objects.create(
            code=f"demo-{n}", enterprise=enterprise, category=category, title=title,
            description=text, tier=tier, received_at=received, created_by=analyst,
            channel=["enterprise", "visit", "town"][n % 3], anonymous=(n == 7), contact="")
        d.code = f"SQ{timezone.localtime(received):%Y%m}{d.pk:05d}"
        steps = [(K.RAISED, received, f"{d.get_channel_display()}：{title}")]
        fate = "closed" if n < 26 else ["new", "overdue", "overdue", "paused", "escalated", "resolved", "assigned",
                                        "overdue", "closed", "closed"][n - 26]
        if fate == "new":
            _finish(d, steps, S.NEW)
            continue
        assigned = cal.add(received, DAY // 4)
        lead = departments[LEADS.get(category, "B02")]
        d.lead, d.assigned_at = lead, assigned
        d.due_at = cal.add(received, tier.lead_days * DAY)
        d.objection_until = cal.add_days(assigned, 1)
        Assignment.objects.create(demand=d, department=lead, role="lead", due_at=cal.add_days(assigned, tier.lead_days))
        for code in ASSISTS.get(category, []):
            Assignment.objects.create(demand=d, department=departments[code], role="assist",
                                      due_at=cal.add_days(assigned, tier.assist_days),
                                      answered_at=cal.add_days(assigned, 1), answer="已配合落实。")
        steps.append((K.ASSIGNED, assigned, f"主办：{lead.name}"))
        if fate in ("overdue", "escalated", "assigned"):
            if fate == "assigned":
                d.due_at = cal.add_days(timezone.now(), 3)  # still within its deadline today
            if fate == "escalated":
                d.escalated_at = cal.add(d.due_at, DAY // 2)
                steps.append((K.ESCALATED, d.escalated_at, "超过办结时限，升级至局领导督办"))
            _finish(d, steps, S.ASSIGNED)
            continue
        if fate == "paused":
            d.paused_since = cal.add(assigned, DAY)
            steps.append((K.PAUSED, d.paused_since, "请企业补充近三个月用工花名册及招聘需求"))
            _finish(d, steps, S.PAUSED)
            continue
        took = rng.choice([1, 2, 2, 3, 4, 5, 6]) if tier.lead_days >= 7 else rng.choice([1, 1, 2, 3])
        late = n in (5, 13)  # resolved after the deadline
        resolved = cal.add(assigned, (took + (tier.lead_days if late else 0)) * DAY - DAY // 3)
        d.resolved_at, d.resolution = resolved, "已协调相关部门解决，企业生产恢复正常。"
        steps.append((K.RESOLVED, resolved, d.resolution))
        if fate == "resolved":
            _finish(d, steps, S.RESOLVED)
            continue
        d.closed_at = cal.add(resolved, DAY // 2)
        d.rating = rng.choice([5, 5, 5, 4, 4, 3])
        steps.append((K.CONFIRMED, d.closed_at, f"评分{d.rating}分"))
        _finish(d, steps, S.CLOSED)


def _finish(demand, steps, status):
    demand.status = status
    demand.save()
    DemandStep.objects.bulk_create([DemandStep(demand=demand, kind=k, at=at, note=note, actor="演示数据")
                                    for k, at, note in steps])


def _policies(rng, listed, tiers):
    policies = [
        Policy.objects.create(title="工业企业技术改造综合奖补", level=Policy.Level.CITY, issuer="市工业和信息化局",
                              doc_number="滕工信发〔2022〕8号", year=2022, min_investment_wan=Decimal(500),
                              content="对年度技改投资500万元以上的规上工业企业，按设备投资额给予奖补。",
                              guide="企业提交技改投资凭证，镇街初审，工信局复核后兑现。"),
        Policy.objects.create(title="规上工业企业稳增长奖励", level=Policy.Level.COUNTY, issuer="市人民政府",
                              doc_number="滕政发〔2022〕3号", year=2022, min_growth=Decimal(15),
                              content="1-3月产值同比增长15%以上的规上工业企业给予一次性奖励。", guide="免申即享，由工信局按统计数据直接兑现。"),
        Policy.objects.create(title="重点企业用电用气保障", level=Policy.Level.PROVINCE, issuer="省工业和信息化厅",
                              doc_number="鲁工信运〔2022〕21号", year=2022, tiers="over_500m,100m_500m",
                              content="产值过亿元企业纳入能源要素保障重点名单。"),
        Policy.objects.create(title="防疫物资生产企业稳岗补贴", level=Policy.Level.NATIONAL, issuer="人力资源社会保障部",
                              doc_number="人社部发〔2022〕23号", year=2022, divisions="17,26,27",
                              content="对防疫物资生产企业按参保人数给予稳岗补贴。"),
    ]
    from . import eligibility

    benefits = []
    for policy in policies:
        eligible = [e for e, _ in eligibility.eligible(policy)]
        for e in eligible[: max(1, len(eligible) * 3 // 5)]:
            benefits.append(Benefit(policy=policy, enterprise=e, granted_on=dt.date(2022, 4, 20),
                                    amount_wan=Decimal(rng.randrange(5, 80))))
    Benefit.objects.bulk_create(benefits)
