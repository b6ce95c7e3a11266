"""Demo county: prevention supervision under the 2022 epidemic (after emergencies.demo).

- 55 key enterprises (防疫物资生产企业 and 产值过亿元 by their 2021 December returns, through the
  analysis engine's tier function) in closed-loop production: 52 approved, 2 waiting for review,
  1 sent back to review by an edit after its approval.
- Inspections with the checklist template; 8 findings: 3 rectified (with a photo) and verified,
  2 rectified and waiting, 3 still open (overdue).
- Testing: a weekly whole-staff rule over four weeks (in the last week one round below the
  required set and one enterprise without a round) and a new-hire cohort rule (days 1, 3, 7).
- The two notices the article names, sent to all 312 enterprises, partly read.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from gongxin.accounts.models import Membership, Role
from gongxin.analysis import stats as analysis
from gongxin.notices.models import Notice, NoticeRead
from gongxin.registry.models import Enterprise, EnterpriseGroup

from . import services
from .models import (
    ChecklistItem,
    CohortWorker,
    InspectionTemplate,
    PolicyNotice,
    SamplingPoint,
    StatusReport,
    TemplateItem,
    TestingRegime,
    TestingRound,
)

KEY_ENTERPRISES = 55
CHECKLIST = ["封闭区域划定与出入管控", "人员闭环转运", "集中住宿安排", "分餐错峰就餐", "生活物资储备",
             "每日健康监测与登记", "环境消杀记录", "应急处置预案"]
TEMPLATE = [
    ("封闭管理", "厂区封闭、出入口专人值守、外来人员车辆登记"),
    ("封闭管理", "闭环内人员“两点一线”，不与外界接触"),
    ("人员生活保障", "住宿条件满足单人单间或分区管理"),
    ("人员生活保障", "餐饮、饮水、生活用品保障到位"),
    ("防护措施", "口罩、消毒用品储备满足需要"),
    ("防护措施", "每日体温检测和健康监测记录完整"),
    ("安全生产", "封闭期间安全生产责任落实，无超时疲劳作业"),
]
FINDINGS = [
    ("封闭管理", "北门值守人员未核验外来车辆通行证明", "major"),
    ("防护措施", "车间消杀记录缺少3月24日、25日两天", "minor"),
    ("人员生活保障", "宿舍部分房间超员，未做到分区管理", "major"),
    ("防护措施", "食堂未设置隔离挡板，未错峰就餐", "minor"),
    ("封闭管理", "闭环外送货人员进入厂区未登记", "severe"),
    ("安全生产", "夜班连续作业超过12小时", "major"),
    ("防护措施", "口罩储备不足3天用量", "minor"),
    ("人员生活保障", "饮用水检测报告过期", "minor"),
]
NOTICES = [
    ("关于从严从真从实从快做好工业企业疫情防控工作保障正常生产经营的紧急通知", "滕州市工业和信息化局",
     "滕工信发〔2022〕15号", dt.datetime(2022, 3, 14, 9, 0), 0.72),
    ("新冠肺炎疫情防控基本常识问答", "滕州市新冠肺炎疫情防控指挥部办公室", "", dt.datetime(2022, 3, 16, 15, 30), 0.48),
]


def _at(day, hour=9, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def key_enterprises(year=2022):
    """防疫物资生产企业 on the list first, then 产值5亿元以上, then 1亿-5亿元, by code, up to 55."""
    tiers = analysis.enterprise_tiers(year)
    listed = Enterprise.objects.on_list(year).select_related("town").order_by("uscc")
    group = EnterpriseGroup.objects.filter(name="防疫物资生产企业").first()
    members = set(group.enterprises.values_list("pk", flat=True)) if group else set()
    rank = {analysis.OVER_500M: 1, analysis.FROM_100M: 2}
    candidates = [e for e in listed if e.pk in members or e.pk in tiers]
    candidates.sort(key=lambda e: (0 if e.pk in members else rank[tiers[e.pk]], e.uscc))
    return candidates[:KEY_ENTERPRISES]


def _photo(rng, name):
    buf = io.BytesIO()
    image = Image.new("RGB", (320, 240), (rng.randrange(120, 200), rng.randrange(150, 220), rng.randrange(150, 230)))
    draw = ImageDraw.Draw(image)  # a "site photo": a building with a door and windows
    draw.rectangle((60, 80, 260, 220), fill=(235, 235, 225), outline=(90, 90, 90), width=3)
    draw.rectangle((140, 150, 180, 220), fill=(120, 80, 50))
    for x in (80, 200):
        draw.rectangle((x, 110, x + 40, 140), fill=(150, 200, 240))
    image.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def build(ctx):
    rng, event = ctx["rng"], ctx["event"]
    User = get_user_model()
    analyst = User.objects.get(username="analyst")
    town_user = User.objects.get(username="town")
    key = key_enterprises()
    ctx["key_enterprises"] = key

    def officer(enterprise):
        return town_user if enterprise.town_id == town_user.memberships.first().region_id else analyst

    items = ChecklistItem.objects.bulk_create([ChecklistItem(event=event, name=n, order=i)
                                               for i, n in enumerate(CHECKLIST)])
    registrations = _closed_loop(rng, event, key, items, officer)
    _inspections(rng, event, key, officer)
    _testing(rng, event, registrations, analyst)
    _notices(rng, event, analyst, ctx)


def _closed_loop(rng, event, key, items, officer):
    registrations = []
    for i, e in enumerate(key):
        day = dt.date(2022, 3, 17) + dt.timedelta(days=i % 4)
        workers = rng.randrange(60, 900)
        statuses = {item.pk: ("met" if rng.random() < 0.9 else "partly", "") for item in items}
        reg = services.register(officer(e), event, e, {
            "starts_on": day, "ends_on": dt.date(2022, 4, 17), "workers_inside": workers,
            "dormitory": rng.choice(["厂区职工宿舍集中住宿", "租用周边酒店闭环管理", "车间改造临时宿舍"]),
            "catering": rng.choice(["企业食堂分餐错峰", "集中配餐送至宿舍"]),
            "supplies_days": rng.choice([7, 10, 14, 21]),
            "testing_capability": rng.choice(["每7天全员核酸检测", "镇街上门定点采样", "企业自设采样点"]),
            "responsible_name": e.contact_name or "安全负责人", "responsible_phone": e.contact_phone or "0632-5512345",
        }, statuses, at=_at(day, 8))
        registrations.append(reg)
        if i in (53, 54):  # the last two still wait for review
            continue
        reg = services.approve_registration(officer(e), reg, reg.version, at=_at(day + dt.timedelta(days=1), 10))
        if i == 52:  # an edit after approval sends it back to review
            services.update_registration(officer(e), reg, reg.version, {"workers_inside": reg.workers_inside + 40})
    reports = []
    for reg in registrations[:40]:
        for d in range(3):
            day = dt.date(2022, 4, 1) + dt.timedelta(days=d)
            reports.append(StatusReport(registration=reg, kind=StatusReport.Kind.DAILY, day=day,
                                        workers_on_site=reg.workers_inside - rng.randrange(0, 15),
                                        capacity_pct=rng.randrange(55, 100), problems=rng.choice(
                                            ["", "", "原材料运输受阻", "部分产品发货困难"])))
    StatusReport.objects.bulk_create(reports)
    return registrations


def _inspections(rng, event, key, officer):
    template = InspectionTemplate.objects.create(name="工业企业封闭生产督导检查表")
    titems = TemplateItem.objects.bulk_create([TemplateItem(template=template, category=c, text=t, order=i)
                                               for i, (c, t) in enumerate(TEMPLATE)])
    visited = [e for e in key if e.town.name != "荆河街道"]
    for pos, e in zip((0, 3, 6), [e for e in key if e.town.name == "荆河街道"], strict=False):
        visited.insert(pos, e)  # the demo officer's town gets findings (every third visit has one)
    visited = visited[:24]
    found = []
    for i, e in enumerate(visited):
        day = dt.date(2022, 3, 24) + dt.timedelta(days=i % 10)
        problems = [FINDINGS[i // 3]] if i % 3 == 0 and i // 3 < len(FINDINGS) else []
        answers = {t.pk: "ok" for t in titems}
        for category, _, _ in problems:
            for t in titems:
                if t.category == category:
                    answers[t.pk] = "problem"
                    break
        inspection = services.record_inspection(
            officer(e), event, e, template, day=day, team=f"{e.town.name}督导检查组", at=_at(day, 14),
            note="现场检查封闭管理、生活保障和防护措施落实情况", answers=answers,
            findings=[{"category": c, "description": d, "severity": s, "deadline": day + dt.timedelta(days=3)}
                      for c, d, s in problems])
        found += list(inspection.findings.all())
    for n, finding in enumerate(_roles_order(found)):
        if n >= 5:
            continue  # still open
        day = finding.deadline - dt.timedelta(days=1)
        reporter = officer(finding.enterprise)
        finding = services.rectify(reporter, finding, finding.version, "已按要求整改到位，附现场照片",
                                   [_photo(rng, f"rectify-{finding.pk}.jpg")], at=_at(day, 16))
        if n < 3:
            services.verify(reporter, finding, finding.version, "现场复核，整改到位", at=_at(day + dt.timedelta(days=1), 10))


def _roles_order(found):
    """Findings in the order of their demo roles (3 verified, 2 waiting, 3 open), 荆河街道's first
    in each role, so the demo town officer has a rectification to verify and one still open."""
    home = [f for f in found if f.enterprise.town.name == "荆河街道"]
    rest = [f for f in found if f not in home]
    slots = [None] * len(found)
    for slot, f in zip((3, 5, 0), home, strict=False):
        slots[slot] = f
    fill = iter(rest + home[3:])
    return [s if s is not None else next(fill) for s in slots]


def _testing(rng, event, registrations, user):
    weekly = TestingRegime.objects.create(event=event, name="常态化全员核酸检测（每7天一次）", every_days=7,
                                          sample_pct=100, pool_size=10, starts_on=dt.date(2022, 3, 21),
                                          ends_on=dt.date(2022, 4, 17))
    cohort = TestingRegime.objects.create(event=event, name="新入职人员第1、3、7天核酸检测", every_days=7,
                                          sample_pct=100, pool_size=1, cohort=TestingRegime.Cohort.NEW_HIRES,
                                          cohort_days="1,3,7", starts_on=dt.date(2022, 3, 21),
                                          ends_on=dt.date(2022, 4, 17))
    by_town = {}
    for reg in registrations:
        by_town.setdefault(reg.enterprise.town, []).append(reg)
    points = {}
    for town, regs in by_town.items():
        if len(regs) >= 3:  # a joint sampling point serves the town's key enterprises
            points[town.pk] = SamplingPoint.objects.create(event=event, name=f"{town.name}工业企业联合采样点",
                                                           town=town, address=f"{town.name}工业园服务中心")
    rounds = []
    last_start = dt.date(2022, 4, 11)
    missed, below = registrations[-6], registrations[-5]
    for week in range(4):
        start = weekly.starts_on + dt.timedelta(days=7 * week)
        for reg in registrations:
            if start == last_start and reg is missed:
                continue
            headcount = reg.workers_inside
            tested = headcount - 12 if (start == last_start and reg is below) else headcount
            rounds.append(TestingRound(event=event, regime=weekly, enterprise=reg.enterprise,
                                       day=start + dt.timedelta(days=reg.pk % 3), period_start=start,
                                       headcount=headcount, required=headcount, tested=tested,
                                       tubes=-(-tested // weekly.pool_size), team=f"{reg.enterprise.town.name}采样队",
                                       sampling_point=points.get(reg.enterprise.town_id), user=user,
                                       created_at=_at(start + dt.timedelta(days=reg.pk % 3), 11)))
    TestingRound.objects.bulk_create(rounds)
    workers = []
    for reg in registrations[:2]:
        for k in range(3):
            hired = dt.date(2022, 4, 4) + dt.timedelta(days=k)
            workers.append(CohortWorker(event=event, regime=cohort, enterprise=reg.enterprise,
                                        name=_name(rng), id_number=_id_number(rng, hired), hired_on=hired,
                                        tested_days="1,3,7"))
    CohortWorker.objects.bulk_create(workers)
    for reg in registrations[:2]:
        for start in (dt.date(2022, 4, 4), dt.date(2022, 4, 11)):
            need = services.required_count(cohort, reg.enterprise, 0, start)
            TestingRound.objects.create(event=event, regime=cohort, enterprise=reg.enterprise, day=start + dt.timedelta(days=2),
                                        period_start=start, headcount=3, required=need, tested=need, tubes=need,
                                        team="企业自设采样点", user=user, created_at=_at(start + dt.timedelta(days=2), 11))


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng, hired):
    """A well-formed 居民身份证 number (GB 11643 check digit) of a fictional person from 370481."""
    birth = dt.date(rng.randint(1970, 2002), rng.randint(1, 12), rng.randint(1, 28))
    body = f"370481{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _notices(rng, event, analyst, ctx):
    User = get_user_model()
    readers = {}
    for title, issuer, number, at, share in NOTICES:
        notice = services.publish_notice(analyst, event, title=title, issuer=issuer, doc_number=number,
                                         body=f"各镇街、各工业企业：\n现将《{title}》转发给你们，请认真学习，抓好落实。",
                                         target=PolicyNotice.Target.ALL, at=timezone.make_aware(at))
        Notice.objects.filter(source=notice.source).update(created_at=timezone.make_aware(at))
        sent = list(Notice.objects.filter(source=notice.source).select_related("enterprise").order_by("enterprise__uscc"))
        reading = [n for n in sent if rng.random() < share and n.enterprise != ctx["demo_enterprise"]]
        for n in reading:
            readers.setdefault(n.enterprise_id, None)
        ctx.setdefault("_notice_reads", []).append((notice, reading, at))
    # Each reading enterprise's reporter (an account without a password: the demo logs in as `enterprise`).
    existing = dict(Membership.objects.filter(role=Role.ENTERPRISE, enterprise_id__in=readers)
                    .values_list("enterprise_id", "user_id"))
    new = [eid for eid in readers if eid not in existing]
    names = dict(Enterprise.objects.filter(pk__in=new).values_list("pk", "uscc"))
    unusable = make_password(None)
    users = User.objects.bulk_create([User(username=f"qy{names[eid]}", password=unusable, first_name="企业填报员")
                                      for eid in new])
    Membership.objects.bulk_create([Membership(user=u, role=Role.ENTERPRISE, enterprise_id=eid)
                                    for u, eid in zip(users, new, strict=True)])
    existing.update({eid: u.pk for u, eid in zip(users, new, strict=True)})
    for _, reading, at in ctx.pop("_notice_reads"):
        reads = NoticeRead.objects.bulk_create([NoticeRead(notice=n, user_id=existing[n.enterprise_id],
                                                           enterprise_id=n.enterprise_id) for n in reading])
        for k, r in enumerate(reads):
            r.read_at = timezone.make_aware(at) + dt.timedelta(hours=1 + k % 40)
        NoticeRead.objects.bulk_update(reads, ["read_at"])
