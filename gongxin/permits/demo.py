"""Demo county: the permits module's part (called from gongxin/demo.py, after emergencies.demo).

The week 2022-04-07 … 2022-04-13 under the 2022 event: ~45 applications a day from 80 enterprises,
most approved within minutes, a few refused; entries, arrivals, unloading and exits at five
checkpoints; 接驳 hand-overs at the logistics park; refusals at checkpoints (one driver at 37.5℃,
yellow health codes, a stale 核酸 result, an expired permit, a second entry, the one revoked permit);
some permits never used and expired; a few vehicles still in the county after their window.
Own seeded random (other builders' data do not move); bulk_create throughout.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from gongxin.lib.idcard import make_id_number
from gongxin.registry.models import Region

from . import divisions
from .models import (
    DEFAULT_CHECKLIST,
    Checkpoint,
    Inspection,
    Permit,
    PermitPerson,
    PermitSerial,
    PersonProfile,
    ScreeningRule,
    Urgency,
    VehicleProfile,
)
from .services import county_code

TZ = ZoneInfo("Asia/Shanghai")
FIRST_DAY, DAYS, PER_DAY = dt.date(2022, 4, 7), 7, 45
CHECKPOINTS = [
    ("jt-north", "京台高速滕州北收费站", "荆河街道", False),
    ("jt-south", "京台高速滕州南收费站", "官桥镇", False),
    ("g104-jiehe", "G104界河卡口", "界河镇", False),
    ("s245-dongsha", "S245东沙河卡口", "东沙河街道", False),
    ("logistics-park", "滕州物流园接驳点", "洪绪镇", True),
]
ORIGIN_PROVINCES = ["370000", "320000", "410000", "130000", "340000", "120000"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志文辉力鹏飞宇浩凯健俊"
CARGO = {
    Urgency.EPIDEMIC_SUPPLIES: ["医用口罩", "消毒液", "防护服", "核酸检测试剂"],
    Urgency.RAW_MATERIALS: ["钢材", "煤炭", "聚丙烯颗粒", "纸浆", "化工原料", "玉米"],
    Urgency.PRODUCTS_OUT: ["机床成品", "水泥", "纸制品", "玻璃制品", "化肥"],
    Urgency.DAILY_NEEDS: ["蔬菜", "粮油"],
    Urgency.OTHER: ["设备配件"],
}
ROUTES = ["京台高速—滕州北收费站—G104—企业", "京台高速—滕州南收费站—S245—企业", "G104—界河卡口—企业",
          "S245—东沙河卡口—企业"]
VEHICLES = ["重型货车", "厢式货车", "中型货车", "冷藏车", "轻型货车"]
PROVINCE_LETTER = {"370000": ("鲁", "ABCDEFGHJKLMNPQRSUV"), "320000": ("苏", "ABCDEFGHJKLMN"),
                   "410000": ("豫", "ABCDEFGHJKLMNPQRSU"), "130000": ("冀", "ABCDEFGHJRT"),
                   "340000": ("皖", "ABCDEFGHJKLMNPRS"), "120000": ("津", "ABCDEFGH")}
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _counties(province):
    found = []
    for city, _ in divisions.below(province):
        found += [c for c, _ in divisions.below(city)] or [city]
    return [c for c in found if divisions.is_county(c)]


class _Builder:
    def __init__(self, ctx):
        self.rng = random.Random(160407)
        self.event = ctx["event"]
        towns = {t.name: t for t in Region.objects.towns()}
        self.town_names = {t.id: t.name for t in towns.values()}
        self.county = county_code()
        self.checkpoints = Checkpoint.objects.bulk_create([
            Checkpoint(event=self.event, code=code, name=name, town=towns.get(town), is_transfer_point=transfer)
            for code, name, town, transfer in CHECKPOINTS])
        self.gates = [c for c in self.checkpoints if not c.is_transfer_point]
        self.transfer_point = next(c for c in self.checkpoints if c.is_transfer_point)
        enterprises = sorted(ctx["list_2022"], key=lambda e: e.uscc)
        demo = ctx.get("demo_enterprise")
        self.enterprises = ([demo] if demo else []) + self.rng.sample([e for e in enterprises if e != demo], 79)
        self.origins = {p: _counties(p) for p in ORIGIN_PROVINCES}
        self.permits, self.people, self.inspections = [], [], []
        self.vehicles, self.profiles = {}, {}
        self.serials = {}
        self.id_serial = 0

    def plate(self, province):
        abbr, letters = PROVINCE_LETTER[province]
        if self.rng.random() < 0.08:  # new-energy truck
            return abbr + self.rng.choice(letters) + "".join(self.rng.choice("0123456789") for _ in range(5)) + "D"
        return abbr + self.rng.choice(letters) + "".join(self.rng.choice(PLATE_CHARS) for _ in range(5))

    def person(self, origin):
        self.id_serial += 1
        born = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 365 * 35))
        return {"name": self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))),
                "id_number": make_id_number(origin, born.strftime("%Y%m%d"), self.id_serial % 999 + 1),
                "phone": "1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9))}

    def number(self, day):
        self.serials[day] = self.serials.get(day, 0) + 1
        return f"{self.county}{day:%Y%m%d}{self.serials[day]:04d}"

    def build(self):
        rng = self.rng
        last_day = FIRST_DAY + dt.timedelta(days=DAYS - 1)
        for offset in range(DAYS):
            day = FIRST_DAY + dt.timedelta(days=offset)
            for i in range(PER_DAY):
                enterprise = self.enterprises[(offset * PER_DAY + i) % len(self.enterprises)] if i < 10 \
                    else rng.choice(self.enterprises)
                province = rng.choices(ORIGIN_PROVINCES, weights=[6, 3, 3, 2, 2, 1])[0]
                origin = rng.choice(self.origins[province])
                urgency = rng.choices(list(CARGO), weights=[2, 5, 3, 1, 1])[0]
                applied = _at(day, 7) + dt.timedelta(minutes=rng.randrange(0, 13 * 60))
                key = (enterprise.id, rng.randrange(3))  # an enterprise reuses a few vehicles
                vehicle = self.vehicles.get(key) or {"plate": self.plate(province), "type": rng.choice(VEHICLES),
                                                     "origin": origin}
                self.vehicles[key] = vehicle
                start = applied + dt.timedelta(hours=rng.randrange(1, 6))
                kind = Permit.Kind.TRANSFER if rng.random() < 0.1 else Permit.Kind.DIRECT
                permit = Permit(
                    event=self.event, enterprise=enterprise, town_id=enterprise.town_id, kind=kind,
                    plate=vehicle["plate"], vehicle_type=vehicle["type"], origin_code=vehicle["origin"],
                    origin_name=divisions.full_name(vehicle["origin"])[:60],
                    dest_address=enterprise.address or f"{self.town_names.get(enterprise.town_id, '')}工业园", cargo=rng.choice(CARGO[urgency]),
                    urgency=urgency, purpose="保障企业生产" if urgency != Urgency.PRODUCTS_OUT else "产品外运",
                    window_start=start, window_end=start + dt.timedelta(hours=rng.choice((12, 24, 24, 36))),
                    route=rng.choice(ROUTES), transfer_point=self.transfer_point if kind == Permit.Kind.TRANSFER else None,
                    applied_at=applied, version=2,
                    national_pass_no=f"TX2022{enterprise.id % 1000:03d}{key[1]}" if key[1] == 0 else "")
                late_waiting = day == last_day and i >= PER_DAY - 4
                roll = rng.random()
                if late_waiting:
                    permit.status = Permit.Status.SUBMITTED
                    permit.applied_at = _at(day, 20) + dt.timedelta(minutes=10 * (i - PER_DAY + 4))
                    permit.version = 1
                elif roll < 0.05:
                    self.decide(permit, Permit.Status.REFUSED)
                    permit.refuse_reason = rng.choice(["出发地为中高风险地区，暂缓通行", "货物不属于保供范围", "驾驶员信息不完整"])
                else:
                    self.decide(permit, Permit.Status.APPROVED)
                people = [self.person(vehicle["origin"])] + ([self.person(vehicle["origin"])] if rng.random() < 0.35 else [])
                self.permits.append((permit, people))
        self.trips()  # in memory: the permits are inserted with their trips, then the inspections
        Permit.objects.bulk_create([p for p, _ in self.permits])
        for permit, people in self.permits:
            for order, person in enumerate(people):
                sampled = permit.window_start - dt.timedelta(hours=rng.randrange(6, 40))
                self.people.append(PermitPerson(permit=permit, order=order,
                                                role="driver" if order == 0 else "passenger",
                                                test_sampled_at=sampled, **person))
                self.profiles[(permit.enterprise_id, person["id_number"])] = PersonProfile(
                    enterprise_id=permit.enterprise_id, last_used=permit.applied_at, **person)
        PermitPerson.objects.bulk_create(self.people)
        PersonProfile.objects.bulk_create(self.profiles.values())
        plates = {}
        for permit, _ in self.permits:
            plates[(permit.enterprise_id, permit.plate)] = VehicleProfile(
                enterprise_id=permit.enterprise_id, plate=permit.plate, vehicle_type=permit.vehicle_type,
                last_used=permit.applied_at, national_pass_no=permit.national_pass_no)
        VehicleProfile.objects.bulk_create(plates.values())
        PermitSerial.objects.bulk_create([PermitSerial(county_code=self.county, day=d, last=n)
                                          for d, n in self.serials.items()])
        Inspection.objects.bulk_create(self.inspections)

    def decide(self, permit, status):
        minutes = int(self.rng.lognormvariate(2.6, 0.7)) + 2  # median ≈ 15 minutes, a tail past an hour
        permit.status = status
        permit.decided_at = permit.applied_at + dt.timedelta(minutes=minutes)
        permit.approval_minutes = minutes
        if status == Permit.Status.APPROVED:
            permit.number = self.number(permit.decided_at.astimezone(TZ).date())
            permit.prenotified_at = permit.decided_at

    def inspect(self, permit, people, checkpoint, direction, at, failures=None, code="", reason=""):
        checks = []
        if direction != Inspection.Direction.EXIT:
            for order in range(len(people)):
                results = {"health_code": "绿码", "trip_code": "未途经中高风险地区", "contact_code": "无风险",
                           "nat": (permit.window_start - dt.timedelta(hours=20)).isoformat(),
                           "temperature": f"36.{self.rng.randrange(1, 9)}"}
                fails = []
                if failures and order == 0:
                    results.update(failures[0])
                    fails = [failures[1]]
                checks.append({"order": order, "role": "驾驶员" if order == 0 else "随车人员", "results": results,
                               "failures": fails})
        self.inspections.append(Inspection(
            event=self.event, permit=permit, permit_number=permit.number or "", plate=permit.plate,
            checkpoint=checkpoint, direction=direction,
            result=Inspection.Result.REFUSED if code else Inspection.Result.PASSED, reason=reason, reason_code=code,
            checks=checks, scanned_at=at, client_id=f"demo-{len(self.inspections) + 1}"))

    def trips(self):
        rng = self.rng
        approved = [(p, people) for p, people in self.permits if p.status == Permit.Status.APPROVED]
        refusals = {0: ("temperature", {"temperature": "37.5"}, "体温37.5℃（≥37.3℃）"),
                    1: ("health_code", {"health_code": "黄码"}, "健康码：黄码"),
                    2: ("nat", {"nat": None}, "核酸阴性证明超过48小时"),
                    3: ("health_code", {"health_code": "黄码"}, "健康码：黄码"),
                    4: ("trip_code", {"trip_code": "途经中高风险地区（带*）"}, "行程码：途经中高风险地区（带*）"),
                    5: ("temperature", {"temperature": "37.8"}, "体温37.8℃（≥37.3℃）")}
        revoked_done = False
        for index, (permit, people) in enumerate(approved):
            gate = rng.choice(self.gates)
            at = permit.window_start + dt.timedelta(minutes=rng.randrange(10, 180))
            if index % 40 in refusals:  # refused at the checkpoint, never entered
                code, update, text = refusals[index % 40]
                if code == "nat":
                    update = {"nat": (at - dt.timedelta(hours=55)).isoformat()}
                driver = people[0]["name"]
                self.inspect(permit, people, gate, Inspection.Direction.ENTRY, at, failures=(update, text),
                             code=code, reason=f"驾驶员{driver}：{text}")
                continue
            if not revoked_done and index > 100 and permit.kind == Permit.Kind.DIRECT:
                revoked_done = True
                permit.status, permit.revoked_at = Permit.Status.REVOKED, permit.decided_at + dt.timedelta(hours=1)
                permit.revoke_reason = "驾驶员所在地升级为中风险地区"
                self.inspect(permit, people, gate, Inspection.Direction.ENTRY, permit.revoked_at + dt.timedelta(hours=1),
                             code="revoked", reason=f"证明已撤销：{permit.revoke_reason}")
                continue
            if rng.random() < 0.08:  # never used: expires; one tried after its window
                if index % 3 == 0:
                    late = permit.window_end + dt.timedelta(hours=2)
                    self.inspect(permit, people, gate, Inspection.Direction.ENTRY, late, code="expired",
                                 reason=f"证明已过期（有效期至{permit.window_end.astimezone(TZ):%m月%d日%H:%M}）")
                continue
            if permit.kind == Permit.Kind.TRANSFER:
                self.inspect(permit, people, self.transfer_point, Inspection.Direction.TRANSFER, at)
                permit.handed_over_at, permit.entry_checkpoint = at, self.transfer_point
                continue
            self.inspect(permit, people, gate, Inspection.Direction.ENTRY, at)
            permit.entered_at, permit.entry_checkpoint = at, gate
            permit.arrived_at = at + dt.timedelta(minutes=rng.randrange(15, 60))
            permit.unloaded_at = permit.arrived_at + dt.timedelta(minutes=rng.randrange(40, 180))
            if index % 37 == 5:  # a second entry attempt on the same permit
                self.inspect(permit, people, rng.choice(self.gates), Inspection.Direction.ENTRY,
                             permit.unloaded_at + dt.timedelta(minutes=30), code="second_entry",
                             reason="该车已入境，一车一证一次有效，不能再次入境")
            if index % 29 == 7:  # still in the county after its window
                continue
            exit_at = min(permit.unloaded_at + dt.timedelta(minutes=rng.randrange(20, 120)),
                          permit.window_end - dt.timedelta(minutes=5))
            exit_at = max(exit_at, permit.unloaded_at + dt.timedelta(minutes=5))
            exit_gate = rng.choice(self.gates)
            self.inspect(permit, people, exit_gate, Inspection.Direction.EXIT, exit_at)
            permit.departed_at, permit.exit_checkpoint = exit_at, exit_gate


def build(ctx):
    ScreeningRule.objects.update_or_create(event=ctx["event"], defaults={"checklist": DEFAULT_CHECKLIST})
    builder = _Builder(ctx)
    builder.build()
    ctx["permits"] = [p for p, _ in builder.permits]
