"""Demo county: work resumption in the 2022 epidemic (after emergencies.demo; called from gongxin/demo.py).

The path: on 2022-03-13 the temporary control stops every listed enterprise except 55 key
enterprises producing under closed-loop management (未受影响); from 03-21 some resume under
closed-loop approval, most after the control lifts on 04-04, reaching exactly 262 of 312 on
2022-04-13 (as the article reports), 292 by 04-30 and 306 by 05-31. Resumed enterprises hold a
certificate; the rest have blockers and some applications in progress. A small grid feed makes
a few cross-check flags (resumed on paper, electricity below 30% of last December's average).
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gongxin.registry.models import Region

from . import services, stats
from .models import Application, Blocker, Condition, Flag, GridReading, Status, StatusEntry

D = dt.date
CLOSED_LOOP = 55
TARGET_DAY, TARGET = D(2022, 4, 13), 262
# How many of the other enterprises first resume in each window (the 55 work throughout).
WINDOWS = [
    ((D(2022, 3, 21), D(2022, 4, 3)), 35),  # closed-loop approvals during the control
    ((D(2022, 4, 4), D(2022, 4, 13)), TARGET - CLOSED_LOOP - 35),  # the control lifted
    ((D(2022, 4, 14), D(2022, 4, 30)), 30),
    ((D(2022, 5, 1), D(2022, 5, 31)), 14),
]
CONDITIONS = [
    ("plan", "疫情防控方案（一企一案）", Condition.Kind.TEXT, None, "", "写明防控组织、人员管理、应急处置"),
    ("commitment", "复工复产承诺书", Condition.Kind.CHECK, None, "", "企业法定代表人签字承诺"),
    ("staff", "返岗人员名单", Condition.Kind.LIST, None, "", "每行一人：姓名、岗位"),
    ("supplies", "防疫物资储备天数", Condition.Kind.NUMBER, Decimal(7), "天", "口罩、消杀用品等不少于7天用量"),
    ("health", "返岗人员健康监测（48小时核酸阴性）", Condition.Kind.CHECK, None, "", ""),
    ("closed_loop", "闭环管理措施", Condition.Kind.CHECK, None, "", "4月20日前复工的企业须实行闭环管理"),
    ("testing", "核酸检测能力（自建采样点或签约机构）", Condition.Kind.TEXT, None, "", ""),
]
RETURN_REASONS = ["返岗人员名单不完整，请补充全部首批返岗人员", "防疫物资储备不足7天，请补足后重新申请",
                  "防控方案未明确隔离观察场所，请完善"]
BLOCKER_TEXT = {
    Blocker.Category.MATERIALS: ["主要原材料供应商在管控区，库存仅够3天", "外省原料进不来，上游停产"],
    Blocker.Category.LOGISTICS: ["货车司机无法返岗，成品发不出去", "高速口管控，原料车辆通行困难"],
    Blocker.Category.LABOUR: ["外地员工返岗受限，到岗不足三成", "员工居住小区封控，无法到岗"],
    Blocker.Category.FUNDS: ["停产期间回款困难，流动资金紧张", "银行贷款到期，续贷手续受阻"],
    Blocker.Category.PREVENTION: ["缺少隔离观察场所，闭环条件不具备", "防疫物资储备不足，采购渠道不畅"],
    Blocker.Category.ORDERS: ["下游客户停产，订单大幅减少"],
}
BLOCKER_WEIGHTS = {Blocker.Category.MATERIALS: 14, Blocker.Category.LOGISTICS: 12, Blocker.Category.LABOUR: 9,
                   Blocker.Category.FUNDS: 6, Blocker.Category.PREVENTION: 7, Blocker.Category.ORDERS: 4}


def _days(first, last):
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def build(ctx):
    rng, event = ctx["rng"], ctx["event"]
    rules = stats.rules_for(event)
    listed = sorted(ctx["list_2022"], key=lambda e: e.uscc)
    towns = {t.id: t for t in Region.objects.towns()}
    phases = {p.name: p for p in event.phases.all()}
    Condition.objects.bulk_create([
        Condition(event=event, code=code, name=name, kind=kind, min_value=minimum, unit=unit, help_text=help_text,
                  order=i, required_until=D(2022, 4, 20) if code == "closed_loop" else None,
                  phase=phases.get("临时管控") if code == "closed_loop" else None)
        for i, (code, name, kind, minimum, unit, help_text) in enumerate(CONDITIONS)])

    tier_of = stats.tiers(2022)
    key = [e for e in listed if tier_of.get(e.id) in stats.engine.KEY_TIERS]
    unaffected = set(e.id for e in rng.sample(key, CLOSED_LOOP))
    others = [e for e in listed if e.id not in unaffected]
    rng.shuffle(others)
    own = ctx.get("demo_enterprise")
    if own is not None and own.id not in unaffected:  # the demo reporter's enterprise resumes with a certificate
        others.remove(own)
        others.insert(40, own)
    first_day, pos = {}, 0
    for (start, end), n in WINDOWS:
        days = _days(start, end)
        weights = [i + 3 for i in range(len(days))]
        for e in others[pos:pos + n]:
            first_day[e.id] = rng.choices(days, weights=weights)[0]
        pos += n
    never = others[pos:]

    entries = []

    def entry(e, status, day, source, workers=None, note=""):
        usual = workers or e._usual
        values = {}
        if status == Status.PARTIAL:
            values = {"workers_back": int(usual * rng.uniform(0.4, 0.8)), "capacity_pct": Decimal(rng.randint(35, 75))}
        elif status in (Status.FULL, Status.UNAFFECTED):
            values = {"workers_back": int(usual * rng.uniform(0.86, 1)), "capacity_pct": Decimal(rng.randint(72, 100))}
        if values:
            values["orders_ly"] = Decimal(rng.randint(5_000, 200_000))
            values["orders"] = (values["orders_ly"] * Decimal(rng.uniform(0.7, 1.2))).quantize(Decimal("0.1"))
        entries.append(StatusEntry(event=event, enterprise=e, status=status, effective_on=day, source=source,
                                   workers_usual=usual if values else None, note=note,
                                   recorded_by_name=f"{towns[e.town_id].name}工业专干", **values))

    later = {}
    for e in listed:
        e._usual = rng.randint(40, 900)
        if e.id in unaffected:
            entry(e, Status.UNAFFECTED, event.started_on, StatusEntry.Source.TOWN, note="封闭生产（闭环管理）")
            continue
        entry(e, Status.STOPPED, event.started_on, StatusEntry.Source.TOWN, note="临时管控停产")
        day = first_day.get(e.id)
        if day is None:
            continue
        if rng.random() < 0.55:
            entry(e, Status.PARTIAL, day, StatusEntry.Source.CERTIFICATE)
            full = day + dt.timedelta(days=rng.randint(3, 12))
            if full <= event.ended_on:
                later[e.id] = full
                entry(e, Status.FULL, full, StatusEntry.Source.ENTERPRISE)
        else:
            entry(e, Status.FULL, day, StatusEntry.Source.CERTIFICATE)
    StatusEntry.objects.bulk_create(entries, batch_size=1000)

    _applications(ctx, event, rules, listed, first_day, never, entries)
    _blockers(ctx, event, listed, first_day, unaffected)
    _grid(ctx, event, listed, first_day, unaffected)
    whole = stats.county(event, TARGET_DAY)
    assert whole.resumed == TARGET and whole.enterprises == 312, (whole.resumed, whole.enterprises)
    ctx["resumption_flags"] = Flag.objects.filter(event=event).count()


def _applications(ctx, event, rules, listed, first_day, never, entries):
    rng = ctx["rng"]
    requested = {en.enterprise_id: en.status for en in entries if en.source == StatusEntry.Source.CERTIFICATE}
    now = timezone.now()
    apps, applied = [], []
    ordered = sorted((d, e.uscc, e) for e in listed if (d := first_day.get(e.id)) is not None)
    for n, (day, _, e) in enumerate(ordered, start=1):
        approved_at = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(17, 30)))
        apps.append(Application(
            event=event, enterprise=e, phase=event.phase_on(day - dt.timedelta(days=3)), state=Application.State.APPROVED,
            status_requested=requested.get(e.id, Status.FULL), planned_on=day, workers_planned=e._usual // 2 + 1,
            answers=_answers(rng, e, e._usual // 2 + 1), town_note="经现场评估，符合复工复产条件", co_review_note=f"{rules.co_reviewer}会审同意",
            bureau_note="同意复工复产", certificate_no=f"{rules.certificate_prefix}〔2022〕{n:04d}号",
            approved_at=approved_at))
        applied.append(approved_at - dt.timedelta(days=2, hours=rng.randint(0, 20)))
    states = [Application.State.SUBMITTED, Application.State.EVALUATED, Application.State.CO_REVIEWED,
              Application.State.RETURNED, Application.State.SUBMITTED, Application.State.RETURNED]
    never = sorted(never, key=lambda e: (e.town.name != "荆河街道", e.uscc))  # the demo town officer has work
    for e, state in zip(never, states, strict=False):
        returned = state == Application.State.RETURNED
        apps.append(Application(
            event=event, enterprise=e, phase=event.phase_on(D(2022, 5, 20)), state=state, planned_on=D(2022, 5, 28),
            workers_planned=e._usual // 3 + 1, answers=_answers(rng, e, e._usual // 3 + 1),
            town_note="" if state == Application.State.SUBMITTED or returned else "经现场评估，符合复工复产条件",
            co_review_note=f"{rules.co_reviewer}会审同意" if state == Application.State.CO_REVIEWED else "",
            return_reason=rng.choice(RETURN_REASONS) if returned else "",
            returned_from=Application.State.SUBMITTED if returned else ""))
        applied.append(now.replace(year=2022, month=5, day=rng.randint(20, 26)))
    Application.objects.bulk_create(apps, batch_size=500)
    for app, at in zip(apps, applied, strict=True):
        app.applied_at = at
    Application.objects.bulk_update(apps, ["applied_at"], batch_size=500)
    rules.last_certificate_no = len(ordered)
    rules.save(update_fields=["last_certificate_no"])


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文海波宁燕鹏辉"


def _names(rng, count):
    return [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(count)]


def _answers(rng, e, workers):
    """The conditions' answers; the staff list names every one of the `workers` returning first."""
    _names(rng, rng.randint(4, 9))  # the draws of the short list the demo once had: the county's other figures stay
    staff = "\n".join(_names(random.Random(e.uscc), workers))
    return {"plan": f"{e.name}疫情防控方案：成立防控专班，实行厂区封闭、分区作业、每日两测。", "commitment": True,
            "staff": staff, "supplies": str(rng.randint(7, 30)), "health": True, "closed_loop": True,
            "testing": "签约镇卫生院上门采样"}


def _blockers(ctx, event, listed, first_day, unaffected):
    """Blockers of the enterprises not working on the target day; resolved for those that resumed later."""
    rng = ctx["rng"]
    rows = []
    categories, weights = list(BLOCKER_WEIGHTS), list(BLOCKER_WEIGHTS.values())
    for e in listed:
        day = first_day.get(e.id)
        if e.id in unaffected or (day is not None and day <= TARGET_DAY):
            continue
        for category in set(rng.choices(categories, weights=weights, k=rng.choice((1, 1, 2)))):
            resolved = day is not None
            rows.append(Blocker(event=event, enterprise=e, category=category,
                                description=rng.choice(BLOCKER_TEXT[category]),
                                state=Blocker.State.RESOLVED if resolved else Blocker.State.OPEN,
                                resolution="经协调已解决，企业已复工" if resolved else "",
                                resolved_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
                                if resolved else None))
    Blocker.objects.bulk_create(rows)
    for b in rows:  # reported in the days after the stop
        b.reported_at = timezone.make_aware(dt.datetime.combine(D(2022, 3, rng.randint(15, 31)), dt.time(10)))
    Blocker.objects.bulk_update(rows, ["reported_at"])


def _grid(ctx, event, listed, first_day, unaffected):
    """A daily feed for 14 enterprises: December 2021 and April 1-20, 2022; four of them disagree."""
    rng = ctx["rng"]
    april = [e for e in listed if (d := first_day.get(e.id)) and D(2022, 4, 4) <= d <= D(2022, 4, 8)]
    stopped = [e for e in listed if e.id not in first_day and e.id not in unaffected]
    sample = rng.sample(april, 11) + stopped[:1] + rng.sample([e for e in listed if e.id in unaffected], 2)
    low, high = set(e.id for e in sample[:3]), {sample[11].id}
    readings = []
    timelines = stats.timeline(event, D(2022, 4, 20), [e.id for e in sample])
    for e in sample:
        base = Decimal(rng.randint(8_000, 60_000))
        for day in _days(D(2021, 12, 1), D(2021, 12, 31)):
            readings.append(GridReading(enterprise=e, day=day, kwh=(base * Decimal(rng.uniform(0.9, 1.1))).quantize(
                Decimal("0.1")), source="国网滕州供电公司日用电数据"))
        for day in _days(D(2022, 4, 1), D(2022, 4, 20)):
            status = timelines.status_on(e.id, day)
            share = {Status.STOPPED: (0.05, 0.15), Status.PARTIAL: (0.4, 0.65)}.get(status, (0.8, 1.1))
            if e.id in low:
                share = (0.08, 0.2)
            if e.id in high:
                share = (0.6, 0.8)
            readings.append(GridReading(enterprise=e, day=day, kwh=(base * Decimal(rng.uniform(*share))).quantize(
                Decimal("0.1")), source="国网滕州供电公司日用电数据"))
    GridReading.objects.bulk_create(readings, batch_size=2000)
    services.scan(event, day=TARGET_DAY)
    # Two of April's monthly disagreements (the demo's returns do not know of the stoppage: all would flag).
    services.raise_flags(event, stats.month_disagreements(event, "2022-04")[:2])
