"""Demo county: the reserves module's part (called from gongxin/demo.py, after emergencies.demo).

2022 Q1 under the epidemic event: a government reserve left from 2021, green-channel purchases of
more than 200,000件 of protective equipment and more than 60,000瓶(桶) of disinfectant (one still
being delivered), 6 supply contracts with enterprises of the 防疫物资生产企业 group (divisions 17,
26, 27) with 补助资金, a call-off, the 市级 3-month standards (a few materials short), and dispatches
in every state. Everything goes through services.py, so the ledger, balances and audit agree.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongxin.accounts.models import Membership, Role
from gongxin.notices.models import Notice
from gongxin.registry.models import EnterpriseGroup, Region
from gongxin.reporting.models import Product

from . import services, stats
from .models import CapacityContract, Dispatch, Lot, Material, ReserveStandard, Warehouse

D = dt.date
# code, name, category, unit, spec, product code, units per product unit, peak monthly use, unit price (元)
MATERIALS = [
    ("FH01", "一次性医用防护服", "protective", "件", "GB 19082-2009 170/L", "P019", 1, 40_000, "38.00"),
    ("FH02", "隔离衣", "protective", "件", "一次性 无纺布", None, 1, 20_000, "16.00"),
    ("FH03", "医用外科口罩", "protective", "只", "YY 0469-2011 17.5×9.5cm", "P018", 10_000, 300_000, "0.60"),
    ("FH04", "KN95/N95口罩", "protective", "只", "GB 19083-2010", None, 1, 80_000, "2.50"),
    ("FH05", "护目镜", "protective", "件", "防雾 可重复使用", None, 1, 3_000, "12.00"),
    ("FH06", "医用防护面屏", "protective", "件", "一次性", None, 1, 6_000, "6.50"),
    ("XS01", "84消毒液", "disinfectant", "瓶(桶)", "500ml/瓶", "P020", 2_000, 14_000, "5.00"),
    ("XS02", "75%酒精消毒液", "disinfectant", "瓶(桶)", "500ml/瓶", "P020", 2_000, 10_000, "9.00"),
    ("XS03", "过氧乙酸消毒剂", "disinfectant", "瓶(桶)", "5L/桶", "P020", 200, 2_000, "45.00"),
    ("JC01", "红外测温枪", "testing", "件", "额温枪", None, 1, 300, "120.00"),
    ("JC02", "新冠抗原检测试剂", "testing", "盒", "20人份/盒", None, 1, 6_000, "200.00"),
]
NEAR_EXPIRY = {"XS01": 60, "XS02": 60, "JC02": 60}

# The 2021 government reserve (material, quantity, batch, expiry)
OPENING = [
    ("FH01", 6_000, "FH-2021-07", D(2023, 7, 31)), ("FH03", 150_000, "KZ-2021-05", D(2022, 5, 10)),
    ("FH04", 40_000, "N95-2021-06", D(2024, 6, 30)), ("XS01", 4_000, "84-2021-04", D(2022, 4, 20)),
    ("JC01", 200, "CW-2021-01", None), ("FH02", 3_000, "GL-2021-09", D(2023, 9, 30)),
    ("XS03", 800, "GY-2021-03", D(2022, 4, 30)), ("FH06", 2_000, "MP-2021-02", D(2022, 5, 20)),
    ("XS02", 600, "JJ-2021-03", D(2022, 3, 25)),  # expires before the quarter's end
]

# Green-channel purchases: (day, supplier, [(material, quantity, unit price or None for the standard price)],
# [(delivery day, material, quantity)])
PURCHASES = [
    (D(2022, 3, 13), "山东鲁南医疗用品有限公司", [("FH01", 60_000, None), ("FH05", 12_000, None)],
     [(D(2022, 3, 14), "FH01", 30_000), (D(2022, 3, 16), "FH01", 30_000), (D(2022, 3, 15), "FH05", 12_000)]),
    (D(2022, 3, 14), "济宁华康卫材有限公司", [("FH02", 60_000, None), ("FH06", 18_000, None)],
     [(D(2022, 3, 16), "FH02", 30_000), (D(2022, 3, 25), "FH02", 20_000), (D(2022, 3, 17), "FH06", 18_000)]),
    (D(2022, 3, 15), "枣庄安康消毒用品有限公司", [("XS01", 36_000, None), ("XS03", 5_000, None)],
     [(D(2022, 3, 16), "XS01", 36_000), (D(2022, 3, 18), "XS03", 5_000)]),
    (D(2022, 3, 17), "临沂医药物流有限公司", [("FH03", 800_000, None), ("FH04", 200_000, None),
                                         ("JC02", 10_000, None), ("JC01", 1_000, None)],
     [(D(2022, 3, 18), "FH03", 800_000), (D(2022, 3, 19), "FH04", 200_000), (D(2022, 3, 19), "JC02", 10_000),
      (D(2022, 3, 18), "JC01", 1_000)]),
    (D(2022, 3, 20), "山东鲁南医疗用品有限公司", [("FH01", 65_000, "52.00"), ("XS02", 22_000, None)],
     [(D(2022, 3, 22), "FH01", 65_000), (D(2022, 3, 23), "XS02", 22_000)]),
]
EXPIRY_YEARS = {"FH01": 3, "FH02": 3, "FH03": 2, "FH04": 3, "FH05": None, "FH06": 2, "XS01": 1, "XS02": 2,
                "XS03": 1, "JC01": None, "JC02": 1}

# (unit kind, name, town, day, {material: quantity}, state)
DISPATCHES = [
    ("hospital", "县人民医院", "荆河街道", D(2022, 3, 14), {"FH01": 8_000, "FH03": 100_000, "XS01": 2_000}, "received"),
    ("hospital", "县中医院", "北辛街道", D(2022, 3, 15), {"FH01": 5_000, "FH05": 1_000}, "received"),
    ("town", "荆河街道办事处", "荆河街道", D(2022, 3, 16), {"FH03": 60_000, "XS01": 3_000, "JC01": 100}, "received"),
    ("town", "龙泉街道办事处", "龙泉街道", D(2022, 3, 18), {"FH02": 6_000, "FH03": 80_000}, "received"),
    ("hospital", "县妇幼保健院", "善南街道", D(2022, 3, 21), {"FH01": 4_000, "JC02": 2_000}, "shipped"),
    ("town", "官桥镇人民政府", "官桥镇", D(2022, 3, 28), {"FH04": 20_000, "XS02": 3_000}, "approved"),
    ("town", "荆河街道办事处", "荆河街道", D(2022, 3, 30), {"FH01": 3_000, "XS03": 500}, "requested"),
    ("other", "某物流园区", "洪绪镇", D(2022, 3, 24), {"FH06": 20_000}, "rejected"),
]

# (material, division, product of the enterprise's returns) of the six supply contracts
CONTRACT_SPECS = [("FH01", "17", "P019"), ("FH03", "17", "P018"), ("FH02", "17", None), ("XS01", "26", "P020"),
                  ("XS02", "26", "P020"), ("FH01", "17", "P019")]
SUBSIDIES = [Decimal(v) for v in ("80", "60", "45", "70", "40", "55")]
GUARANTEE = {"FH01": 60_000, "FH03": 600_000, "FH02": 30_000, "XS01": 30_000, "XS02": 20_000, "JC02": 10_000}


def build(ctx):
    event = ctx["event"]
    User = get_user_model()
    admin, analyst = User.objects.get(username="bureau"), User.objects.get(username="analyst")
    products = {p.code: p for p in Product.objects.filter(code__in=["P018", "P019", "P020"])}
    mats = {}
    for order, (code, name, cat, unit, spec, product, factor, _, _) in enumerate(MATERIALS):
        mats[code] = Material.objects.create(code=code, name=name, category=cat, unit=unit, spec=spec, order=order,
                                             product=products.get(product), units_per_product_unit=factor,
                                             near_expiry_days=NEAR_EXPIRY.get(code, 90))
    ReserveStandard.objects.bulk_create([
        ReserveStandard(material=mats[code], level=ReserveStandard.Level.CITY, peak_monthly=peak, months=3,
                        min_months=1, window_days=30) for code, *_, peak, _ in MATERIALS])
    enterprises = _contracted_enterprises()
    main = Warehouse.objects.create(code="ZB", name="县应急物资储备库", address="荆河街道工业园应急物资仓库",
                                    keeper="王建国")
    agreement = Warehouse.objects.create(code="XD", name=f"{enterprises[3][0].name}协议代储库",
                                         kind=Warehouse.Kind.AGREEMENT, enterprise=enterprises[3][0])  # 消毒液

    for code, qty, batch, expires in OPENING:
        services.receive(admin, warehouse=main, material=mats[code], batch=batch, qty=qty, day=D(2021, 10, 15),
                         expires_on=expires, produced_on=D(2021, 6, 1), owner=Lot.Owner.GOVERNMENT,
                         source="2021年市级下拨", reason="transfer_in", note="2021年政府储备调入")
    prices = {code: Decimal(price) for code, *_, price in MATERIALS}
    contracts = _contracts(enterprises, mats)
    actions = []  # (day, order, step): run in business-date order, as the bureau lived them
    for n, (day, supplier, lines, deliveries) in enumerate(PURCHASES, start=1):
        purchase = services.create_purchase(analyst, event=event, supplier=supplier, day=day,
                                            lines=[(mats[c], q, p or prices[c]) for c, q, p in lines],
                                            note="疫情防控应急采购（绿色通道）")
        services.approve_purchase(admin, purchase)
        by_material = {line.material.code: line for line in purchase.lines.all()}
        for k, (when, code, qty) in enumerate(deliveries, start=1):
            years = EXPIRY_YEARS[code]
            warehouse = agreement if code.startswith("XS") and k % 2 == 0 else main
            actions.append((when, 0, lambda line=by_material[code], qty=qty, when=when, wh=warehouse, n=n, k=k,
                            code=code, years=years: services.deliver_purchase(
                                analyst, line, qty=qty, day=when, warehouse=wh, batch=f"{code}-22{n:02d}{k:02d}",
                                produced_on=when - dt.timedelta(days=10),
                                expires_on=None if years is None else when.replace(year=when.year + years))))
        if n != 2:  # the second purchase is still being delivered: not filed, not fully paid
            total = sum(line.amount for line in purchase.lines.all())
            actions.append((day + dt.timedelta(days=12), 2, lambda p=purchase, d=day: services.mark_filed(
                analyst, p, day=d + dt.timedelta(days=12))))
            actions.append((day + dt.timedelta(days=20), 2, lambda p=purchase, d=day, t=total, n=n:
                            services.record_payment(analyst, purchase=p, amount=t, day=d + dt.timedelta(days=20),
                                                    voucher=f"PZ2022-03{n:02d}")))
    for i, c in enumerate(contracts[:4], start=1):  # four subsidies paid by the quarter's end, two still owed
        actions.append((D(2022, 3, 28), 2, lambda c=c, i=i: services.record_payment(
            analyst, contract=c, amount=c.subsidy_wan * 10_000, day=D(2022, 3, 28), voucher=f"BZ2022-03{i:02d}")))
    calloff = services.create_calloff(admin, contracts[0], qty=20_000, day=D(2022, 3, 15), warehouse=main, event=event)
    Notice.objects.filter(key=f"reserves:calloff:{calloff.number}").update(  # sent that day, not when the demo loads
        created_at=timezone.make_aware(dt.datetime(2022, 3, 15, 10, 0)))
    actions.append((D(2022, 3, 25), 0, lambda: services.deliver_calloff(
        admin, calloff, qty=15_000, day=D(2022, 3, 25), batch="FH01-CN2203", produced_on=D(2022, 3, 24),
        expires_on=D(2025, 3, 24))))
    actions += _dispatches(admin, event, mats)
    for _, _, step in sorted(actions, key=lambda a: (a[0], a[1])):
        step()
    assert Dispatch.objects.filter(status=Dispatch.Status.REQUESTED).exists()
    _supplier_user(enterprises[0][0])
    ctx["reserves_contracts"] = contracts


def _contracted_enterprises():
    """Six enterprises of the 防疫物资生产企业 group, each for a material it makes: those reporting the
    material's product on their monthly returns first (so capacity can be checked against output)."""
    from gongxin.reporting.models import ProductLine

    group = EnterpriseGroup.objects.get(name="防疫物资生产企业")
    members = list(group.enterprises.select_related("division").order_by("uscc"))
    makes = set(ProductLine.objects.filter(enterprise__in=members).values_list("enterprise_id", "product__code"))
    chosen = []
    for code, division, product in CONTRACT_SPECS:
        free = [e for e in members if e not in [c for c, _ in chosen]]
        fits = ([e for e in free if (e.pk, product) in makes] + [e for e in free if e.division.code == division]
                + free)
        chosen.append((fits[0], code))
    return chosen


def _contracts(enterprises, mats):
    contracts = []
    for i, (enterprise, code) in enumerate(enterprises):
        contracts.append(CapacityContract.objects.create(
            number=f"BZHT2022-{i + 1:03d}", enterprise=enterprise, material=mats[code], daily_capacity=1,
            switch_days=2 + i % 3, guaranteed_qty=GUARANTEE[code], guarantee_days=15, starts_on=D(2022, 3, 1),
            ends_on=D(2024, 12, 31), subsidy_wan=SUBSIDIES[i],
            obligations="合同期内保持生产能力，接到调用通知后按约定期限保质保量供应；每月报送产能与库存情况。"))
    reported = stats.reported_daily_output(contracts, D(2022, 3, 31))
    for i, c in enumerate(contracts):
        base = reported.get(c.pk) or Decimal(c.guaranteed_qty) / 20
        # The last contract's capacity is implausible against what the enterprise reports it makes.
        c.daily_capacity = int(base * (5 if i == len(contracts) - 1 and reported.get(c.pk) else 1))
        c.save(update_fields=["daily_capacity"])
    return contracts


def _dispatches(admin, event, mats):
    towns = {t.name: t for t in Region.objects.towns()}
    actions = []
    for kind, name, town, day, lines, state in DISPATCHES:
        dispatch = services.create_dispatch(admin, event=event, unit_kind=kind, unit_name=name, town=towns.get(town),
                                            lines={mats[c]: q for c, q in lines.items()}, day=day,
                                            contact="张主任 0632-5512345", purpose="疫情防控一线使用")
        actions.append((day, 1, lambda d=dispatch, day=day, state=state, kind=kind: _advance(admin, d, day, state, kind)))
    return actions


def _advance(admin, dispatch, day, state, kind):
    if state == "requested":
        return
    if state == "rejected":
        services.reject_dispatch(admin, dispatch, reason="非防控一线单位，请通过市场采购解决")
        return
    dispatch = services.approve_dispatch(admin, dispatch, day=day, allow_partial=True)
    if state == "approved":
        return
    # Shipped and received the same day (the warehouse is in town): the ledger stays in date order.
    dispatch = services.ship_dispatch(admin, dispatch, day=day, vehicle="鲁D·A1234")
    if state == "received":
        received = {line.pk: line.shipped for line in dispatch.lines.all()}
        services.confirm_receipt(admin, dispatch, day=day, received=received,
                                 name="李医生" if kind == "hospital" else "赵干事")


def _supplier_user(enterprise):
    """`supplier`: the reporter of the first contracted enterprise (sees its contracts and call-offs)."""
    from gongxin.registry.demo import DEMO_PASSWORD

    user = get_user_model().objects.create_user("supplier", password=DEMO_PASSWORD, first_name=f"{enterprise.name}联系人")
    Membership.objects.create(user=user, role=Role.ENTERPRISE, enterprise=enterprise)
