"""Demo county, part 1: enterprises of a fictional county shaped like 滕州市, groups and demo users.

Names are fictional. The 2022 list holds 312 enterprises: 297 also on the 2021 list, 15 entrants;
10 more were on the 2021 list only (they left). Deterministic: the same data on every run.
"""

import datetime as dt

from django.contrib.auth import get_user_model

from gongxin.accounts.models import Membership, Role
from gongxin.lib.uscc import make_uscc

from .models import Enterprise, EnterpriseGroup, Industry, ListYear, Region

DEMO_PASSWORD = "gongxin-demo"
LIST_2022 = 312
ENTRANTS_2022 = 15
LEAVERS_2022 = 10

# Division code → weight, name stem: plausible for a coal/machinery/chemicals county.
INDUSTRY_MIX = [
    ("06", 10, ["矿业", "煤业", "能源"]), ("13", 18, ["粮油", "食品", "饲料"]), ("14", 10, ["食品", "乳业"]),
    ("15", 5, ["酒业", "饮品"]), ("17", 14, ["纺织", "棉业", "无纺布"]), ("18", 6, ["服饰", "制衣"]),
    ("20", 5, ["木业"]), ("21", 4, ["家具"]), ("22", 7, ["纸业", "包装"]), ("25", 5, ["焦化", "炭素"]),
    ("26", 24, ["化工", "化学", "新材料"]), ("27", 8, ["药业", "生物科技"]), ("29", 12, ["塑胶", "橡胶"]),
    ("30", 26, ["建材", "水泥", "玻璃", "混凝土"]), ("31", 4, ["钢铁", "特钢"]), ("32", 3, ["铝业"]),
    ("33", 16, ["金属制品", "五金"]), ("34", 40, ["机械", "机床", "重工", "精工"]),
    ("35", 24, ["专用设备", "矿山机械", "农机"]), ("36", 8, ["汽车部件", "车辆"]),
    ("38", 14, ["电气", "电缆", "电机"]), ("39", 6, ["电子", "光电"]), ("40", 3, ["仪器仪表"]),
    ("42", 2, ["再生资源"]), ("44", 6, ["热电", "电力"]), ("46", 3, ["水务"]),
]
BRANDS = ("恒泰 鑫源 华宇 瑞丰 金诺 宏达 正阳 东岳 泰和 盛昌 隆基 润华 远通 永盛 汇鑫 中科 卓越 天成 "
          "博远 同创 宏图 联合 伟业 佳美 明辉 华光 宇通 荣盛 德邦 开元 兴业 昌盛 巨能 金桥 通达 "
          "富源 海诺 新航 凯瑞 奥森 圣泉 鲁南 善国 墨子 薛城 龙腾 凤鸣 银光 金晟 鼎力 浩宇 安泰 "
          "立信 恒信 诚达 广源 蓝天 绿源 嘉禾 沃丰 力源 华能 大众 益康 春晖 秋实 晨光").split()
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志红建国文斌辉鹏宇浩凯"
# Towns: urban 街道 and industrial towns hold more enterprises.
TOWN_WEIGHTS = {"荆河街道": 22, "龙泉街道": 18, "北辛街道": 20, "善南街道": 16, "东沙河街道": 14, "洪绪镇": 18,
                "南沙河镇": 12, "大坞镇": 16, "滨湖镇": 10, "级索镇": 18, "西岗镇": 16, "姜屯镇": 14,
                "鲍沟镇": 15, "张汪镇": 12, "官桥镇": 20, "柴胡店镇": 12, "羊庄镇": 10, "木石镇": 16,
                "界河镇": 18, "龙阳镇": 12, "东郭镇": 10}


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build(ctx):
    rng = ctx["rng"]
    towns = list(Region.objects.towns())
    town_weights = [TOWN_WEIGHTS.get(t.name, 10) for t in towns]
    industries = {i.code: i for i in Industry.objects.filter(parent__isnull=True)}
    mix = [(industries[code], w, stems) for code, w, stems in INDUSTRY_MIX if code in industries]
    total = LIST_2022 + LEAVERS_2022
    names, serials, enterprises = set(), set(), []
    while len(enterprises) < total:
        industry, _, stems = rng.choices(mix, weights=[w for _, w, _ in mix])[0]
        name = f"滕州{rng.choice(BRANDS)}{rng.choice(stems)}有限公司"
        if name in names:
            name = name.replace("有限公司", "股份有限公司")
        serial = rng.randrange(10_000_000, 99_999_999)
        if name in names or serial in serials:
            continue
        names.add(name)
        serials.add(serial)
        town = rng.choices(towns, weights=town_weights)[0]
        contact = _person(rng)
        enterprises.append(Enterprise(
            uscc=make_uscc("370481", serial), name=name, town=town, industry=industry, division=industry,
            address=f"{town.name}{rng.choice(['工业园', '经济开发区', '创业园', ''])}{rng.randint(1, 299)}号",
            legal_rep=_person(rng), contact_name=contact,
            contact_phone=f"1{rng.choice('35789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            founded=dt.date(rng.randint(1985, 2019), rng.randint(1, 12), rng.randint(1, 28)),
        ))
    Enterprise.objects.bulk_create(enterprises)
    enterprises = list(Enterprise.objects.order_by("id"))
    rng.shuffle(enterprises)
    leavers = enterprises[:LEAVERS_2022]
    entrants = enterprises[LEAVERS_2022:LEAVERS_2022 + ENTRANTS_2022]
    stayers = enterprises[LEAVERS_2022 + ENTRANTS_2022:]
    years = [ListYear(enterprise=e, year=2021) for e in leavers + stayers]
    years += [ListYear(enterprise=e, year=2022) for e in entrants + stayers]
    ListYear.objects.bulk_create(years)
    for e in leavers[:4]:
        e.status = Enterprise.Status.SUSPENDED if e is not leavers[0] else Enterprise.Status.MOVED
        e.save()
    for e in entrants:
        e.founded = dt.date(rng.randint(2018, 2021), rng.randint(1, 12), 1)
        e.save()

    epidemic = EnterpriseGroup.objects.create(name="防疫物资生产企业", description="口罩、防护服、消杀用品等生产企业")
    export = EnterpriseGroup.objects.create(name="外贸出口重点企业", description="出口交货值较大的企业")
    stayers_by_industry = {}
    for e in stayers:
        stayers_by_industry.setdefault(e.division.code, []).append(e)
    epidemic.enterprises.set((stayers_by_industry.get("17", []) + stayers_by_industry.get("27", []))[:8]
                             + stayers_by_industry.get("26", [])[:4])
    export.enterprises.set(rng.sample(stayers, 24))

    ctx.update(leavers=leavers, entrants=entrants, stayers=stayers, list_2022=entrants + stayers)
    _make_users(ctx)


def _make_users(ctx):
    User = get_user_model()
    jinghe = Region.objects.get(name="荆河街道")
    own = (Enterprise.objects.filter(town=jinghe, list_years__year=2022).order_by("uscc").first())
    users = [
        ("bureau", "系统管理员", Role.BUREAU_ADMIN, {}),
        ("analyst", "运行科分析员", Role.BUREAU_STAFF, {}),
        ("town", "荆河街道工业专干", Role.TOWN_OFFICER, {"region": jinghe}),
        ("enterprise", f"{own.name}统计员", Role.ENTERPRISE, {"enterprise": own}),
        ("leader", "局领导", Role.LEADER, {}),
        ("town2", "龙泉街道工业专干", Role.TOWN_OFFICER, {"region": Region.objects.get(name="龙泉街道")}),
    ]
    for username, full_name, role, scope in users:
        user = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=full_name,
                                        is_staff=role == Role.BUREAU_ADMIN,
                                        is_superuser=role == Role.BUREAU_ADMIN)
        Membership.objects.create(user=user, role=role, **scope)
    ctx["demo_enterprise"] = own
