"""The reserves' figures: one module feeding the dashboard, `gongxin reserves`, the export and panels.

Rules (point in time `day`, everything "as at the end of `day`"):
- on hand = Σ ledger through `day` of lots usable on `day` (THE expiry rule: usable through the end of
  the expiry day; expired stock is shown apart and never counts as reserve).
- reserved = picks of dispatches approved on or before `day` and not shipped by then.
- available = on hand − reserved.
- capacity within the window = Σ over contracts in force on `day` of what an order placed on `day`
  can deliver within the standard's window: min(guaranteed − delivered so far,
  daily capacity × (days to the window's end or the contract's end − switch-over days)), never < 0.
- standard = peak monthly consumption × months (市级 3 months); coverage = (available + capacity) ÷
  standard, half-up to 0.1%; gap = standard − available − capacity when positive.
- replenishment: buy up to the minimum band (min months of physical stock), contract the rest.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from gongxin.lib.numeric import fmt_decimal, pct, round_half_up

from .models import (
    Balance,
    CallOff,
    CapacityContract,
    Category,
    Dispatch,
    DispatchLine,
    Document,
    Material,
    Movement,
    Payment,
    Pick,
    Purchase,
    PurchaseLine,
    ReserveStandard,
    usable_q,
)

PRICE_FLAG_PCT = 30  # a unit price more than 30% above the average of earlier purchases is flagged
PLAUSIBLE_CAPACITY_FACTOR = 2  # contracted daily capacity above 2× the best reported daily output is flagged
OUTPUT_MONTHS = 12  # reported output looked at: the last 12 periods up to the day


def default_day():
    """The day pages and work items are "as at": today, unless nothing moved in the past year (a quiet
    time, or the demo county): then the last business date of the ledger."""
    today = dt.date.today()
    last = Movement.objects.order_by("-business_date").values_list("business_date", flat=True).first()
    if last and (today - last).days > 365:
        return last
    return today


# ---------------------------------------------------------------- capacity


def deliverable(contract, order_on, by, delivered=0):
    """What `contract` can deliver by `by` on an order placed on `order_on` (0 outside its window)."""
    if not (contract.starts_on <= order_on <= contract.ends_on) or contract.status != CapacityContract.Status.ACTIVE:
        return 0
    end = min(by, contract.ends_on)
    days = (end - order_on).days - contract.switch_days
    if days <= 0:
        return 0
    return max(0, min(contract.guaranteed_qty - delivered, contract.daily_capacity * days))


def _delivered_through(day):
    """{contract id: quantity delivered into the ledger through `day`}."""
    rows = (Movement.objects.filter(calloff__isnull=False, business_date__lte=day)
            .values("calloff__contract_id").annotate(s=Sum("quantity")))
    return {r["calloff__contract_id"]: r["s"] for r in rows}


# ---------------------------------------------------------------- coverage per material


@dataclass
class MaterialRow:
    material: Material
    on_hand: int = 0
    expired: int = 0
    reserved: int = 0
    capacity: int = 0
    standard: int | None = None
    minimum: int | None = None
    months: int | None = None
    window_days: int | None = None

    @property
    def available(self):
        return self.on_hand - self.reserved

    @property
    def coverage_pct(self):
        return pct(self.available + self.capacity, self.standard)

    @property
    def gap(self):
        if self.standard is None:
            return None
        return max(0, self.standard - self.available - self.capacity)

    @property
    def buy(self):
        """Physical stock to buy to reach the minimum band."""
        if self.minimum is None:
            return 0
        return min(self.gap or 0, max(0, self.minimum - self.available))

    @property
    def contract(self):
        """Capacity to contract for the rest of the gap."""
        return (self.gap or 0) - self.buy

    @property
    def level(self):
        if self.standard is None:
            return "secondary"
        return "danger" if self.gap else "success"

    def as_json(self):
        m = self.material
        cov = self.coverage_pct
        return {"code": m.code, "name": m.name, "unit": m.unit, "category": m.get_category_display(),
                "on_hand": self.on_hand, "reserved": self.reserved, "available": self.available,
                "capacity_within_window": self.capacity, "standard": self.standard,
                "coverage_pct": None if cov is None else str(cov), "gap": self.gap}


def materials(day):
    """One MaterialRow per material, as at the end of `day`."""
    mats = list(Material.objects.all())
    rows = {m.pk: MaterialRow(m) for m in mats}
    ledger = (Movement.objects.filter(business_date__lte=day).values("material_id")
              .annotate(usable=Sum("quantity", filter=usable_q(day)),
                        total=Sum("quantity")))
    for r in ledger:
        rows[r["material_id"]].on_hand = r["usable"] or 0
        rows[r["material_id"]].expired = (r["total"] or 0) - (r["usable"] or 0)
    held = (Pick.objects.filter(line__dispatch__approved_on__lte=day, balance__lot__in=_usable_lots(day))
            .filter(Q(line__dispatch__shipped_on__isnull=True) | Q(line__dispatch__shipped_on__gt=day))
            .exclude(line__dispatch__status=Dispatch.Status.REJECTED)
            .values("line__material_id").annotate(s=Sum("quantity")))
    for r in held:
        rows[r["line__material_id"]].reserved = r["s"]
    standards = {}
    for s in ReserveStandard.objects.filter(active=True).order_by("level"):  # "city" before "county"
        standards.setdefault(s.material_id, s)
    delivered = _delivered_through(day)
    for c in CapacityContract.objects.active_on(day):
        s = standards.get(c.material_id)
        window = s.window_days if s else 30
        rows[c.material_id].capacity += deliverable(c, day, day + dt.timedelta(days=window), delivered.get(c.pk, 0))
    for mid, s in standards.items():
        row = rows[mid]
        row.standard, row.minimum, row.months, row.window_days = s.quantity, s.minimum, s.months, s.window_days
    return [rows[m.pk] for m in mats]


def _usable_lots(day):
    from .models import Lot

    return Lot.objects.filter(usable_q(day, path=""))


# ---------------------------------------------------------------- procurement, contracts, dispatch


def procurement(start, end):
    """[{category, unit, quantity}] received into the ledger against purchases between the dates."""
    rows = (Movement.objects.filter(purchase_line__isnull=False, business_date__gte=start, business_date__lte=end)
            .values("material__category", "material__unit").annotate(q=Sum("quantity"))
            .order_by("material__category", "material__unit"))
    labels = dict(Category.choices)
    return [{"category": labels[r["material__category"]], "unit": r["material__unit"], "quantity": r["q"]}
            for r in rows if r["q"]]


def contracts_summary(day):
    qs = CapacityContract.objects.active_on(day)
    agg = qs.aggregate(n=Count("enterprise", distinct=True), s=Sum("subsidy_wan"))
    return {"enterprises": agg["n"] or 0, "subsidy_wan": str(round_half_up(agg["s"] or 0, Decimal("0.01")))}


@dataclass
class ContractRow:
    contract: CapacityContract
    called: int
    delivered: int
    deliverable: int
    reported_daily: Decimal | None
    flags: list = field(default_factory=list)


def contract_rows(day, by, queryset=None):
    """Contracts with call-offs and what an order placed on `day` can deliver by `by`; capacity flags."""
    qs = (queryset if queryset is not None else CapacityContract.objects.all()).select_related(
        "enterprise", "material__product")
    called = dict(CallOff.objects.exclude(status=CallOff.Status.CANCELLED).values("contract_id")
                  .annotate(s=Sum("quantity")).values_list("contract_id", "s"))
    delivered = _delivered_through(day)
    output = reported_daily_output(qs, day)
    rows = []
    for c in qs:
        reported = output.get(c.pk)
        row = ContractRow(c, called.get(c.pk, 0), delivered.get(c.pk, 0),
                          deliverable(c, day, by, delivered.get(c.pk, 0)), reported)
        row.flags = capacity_flags(c, reported)
        rows.append(row)
    return rows


def reported_daily_output(contracts, day):
    """{contract id: best daily output (in the material's unit) the enterprise reported for the
    material's product over the last OUTPUT_MONTHS periods}, from its own monthly 产值 returns."""
    from gongxin.lib import periods as P
    from gongxin.reporting.models import ProductLine, Return

    last = f"{day:%Y-%m}"
    first = P.shift(last, -(OUTPUT_MONTHS - 1))
    result = {}
    wanted = [c for c in contracts if c.material.product_id]
    if not wanted:
        return result
    lines = (ProductLine.objects.filter(enterprise_id__in={c.enterprise_id for c in wanted},
                                        product_id__in={c.material.product_id for c in wanted},
                                        period__gte=first, period__lte=last, ret__status__in=Return.COUNTED,
                                        qty_month__isnull=False)
             .values_list("enterprise_id", "product_id", "period", "qty_month"))
    best = defaultdict(lambda: None)
    for enterprise_id, product_id, period, qty in lines:
        daily = qty / (30 * P.months_in_period(period))  # 本月 of 2月 holds 1–2月
        key = (enterprise_id, product_id)
        if best[key] is None or daily > best[key]:
            best[key] = daily
    for c in wanted:
        value = best[(c.enterprise_id, c.material.product_id)]
        result[c.pk] = None if value is None else round_half_up(value * c.material.units_per_product_unit, Decimal(1))
    return result


def capacity_flags(contract, reported_daily):
    if not contract.material.product_id:
        return []
    if reported_daily is None:
        return ["企业近12个月未填报该产品产量，无法核实产能"]
    if contract.daily_capacity > reported_daily * PLAUSIBLE_CAPACITY_FACTOR:
        return [f"合同日产能{fmt_decimal(contract.daily_capacity)}{contract.material.unit}，超过企业填报日均最高产量"
                f"{fmt_decimal(reported_daily)}{contract.material.unit}的{PLAUSIBLE_CAPACITY_FACTOR}倍"]
    return []


def price_flags(queryset=None):
    """Purchase lines whose unit price is more than PRICE_FLAG_PCT above earlier purchases of the material."""
    lines = list((queryset if queryset is not None else PurchaseLine.objects.all())
                 .select_related("purchase", "material").order_by("purchase__ordered_on", "id"))
    history = defaultdict(list)
    for line in PurchaseLine.objects.select_related("purchase").order_by("purchase__ordered_on", "id"):
        history[line.material_id].append((line.purchase.ordered_on, line.unit_price))
    flags = []
    for line in lines:
        earlier = [p for d, p in history[line.material_id] if d < line.purchase.ordered_on]
        if not earlier:
            continue
        average = sum(earlier) / len(earlier)
        above = round_half_up((line.unit_price / average - 1) * 100)
        if above > PRICE_FLAG_PCT:
            flags.append({"line": line, "average": round_half_up(average, Decimal("0.01")), "above_pct": above})
    return flags


def dispatch_month(day):
    """This month's dispatch (shipped through `day`) per material."""
    start = day.replace(day=1)
    rows = (Movement.objects.filter(pick__isnull=False, business_date__gte=start, business_date__lte=day)
            .values("material__name", "material__unit").annotate(q=Sum("quantity")).order_by("material__name"))
    return [{"name": r["material__name"], "unit": r["material__unit"], "quantity": -r["q"]} for r in rows]


def expiring(day, queryset=None):
    """Balances with stock whose lot is expired or within the material's near-expiry days, soonest first."""
    qs = (queryset if queryset is not None else Balance.objects.all()).filter(on_hand__gt=0, lot__expires_on__isnull=False)
    rows = []
    for b in qs.select_related("warehouse", "material", "lot").fefo():
        left = b.lot.days_left(day)
        if left <= b.material.near_expiry_days:
            rows.append({"balance": b, "days_left": left, "expired": left < 0})
    return rows


# ---------------------------------------------------------------- stock card and checks


def stock_card(material, warehouse, start=None, end=None):
    """(opening, rows [(movement, running balance)], closing, balance-table on hand, reconciles)."""
    qs = Movement.objects.filter(material=material, warehouse=warehouse).select_related("lot").order_by(
        "business_date", "id")
    opening = 0
    if start:
        opening = qs.filter(business_date__lt=start).aggregate(s=Sum("quantity"))["s"] or 0
        qs = qs.filter(business_date__gte=start)
    if end:
        qs = qs.filter(business_date__lte=end)
    running, rows = opening, []
    for m in qs:
        running += m.quantity
        rows.append((m, max(m.quantity, 0), max(-m.quantity, 0), running))
    book = Balance.objects.filter(material=material, warehouse=warehouse).aggregate(s=Sum("on_hand"))["s"] or 0
    ledger = Movement.objects.filter(material=material, warehouse=warehouse).aggregate(s=Sum("quantity"))["s"] or 0
    return {"opening": opening, "rows": rows, "closing": running, "book": book, "ledger": ledger,
            "reconciles": book == ledger and (end is not None or running == book)}


def check_balances():
    """Every difference between the balance table and the ledger (empty when they agree)."""
    problems = []
    ledger = {(r["warehouse_id"], r["lot_id"]): r["s"] for r in
              Movement.objects.values("warehouse_id", "lot_id").annotate(s=Sum("quantity"))}
    held = {r["balance_id"]: r["s"] for r in
            Pick.objects.filter(shipped=False).values("balance_id").annotate(s=Sum("quantity"))}
    seen = set()
    for b in Balance.objects.select_related("warehouse", "lot__material"):
        key = (b.warehouse_id, b.lot_id)
        seen.add(key)
        if b.on_hand != ledger.get(key, 0):
            problems.append(f"{b.warehouse.code} {b.lot}：余额{b.on_hand}，台账合计{ledger.get(key, 0)}")
        if b.reserved != held.get(b.pk, 0):
            problems.append(f"{b.warehouse.code} {b.lot}：已预留{b.reserved}，未发运拣货合计{held.get(b.pk, 0)}")
        if b.material_id != b.lot.material_id:
            problems.append(f"{b.warehouse.code} {b.lot}：余额物资与批次物资不一致")
    for key, total in ledger.items():
        if key not in seen:
            problems.append(f"仓库{key[0]} 批次{key[1]}：台账合计{total}，无余额记录")
    for line in PurchaseLine.objects.annotate(s=Sum("movements__quantity")):
        if (line.s or 0) != line.delivered:
            problems.append(f"采购明细{line.pk}：已到货{line.delivered}，台账合计{line.s or 0}")
    for c in CallOff.objects.annotate(s=Sum("movements__quantity")):
        if (c.s or 0) != c.delivered:
            problems.append(f"产能调用{c.number}：已交付{c.delivered}，台账合计{c.s or 0}")
    for line in DispatchLine.objects.annotate(s=Sum("picks__movements__quantity")):
        if -(line.s or 0) != line.shipped:
            problems.append(f"调度明细{line.pk}：已发运{line.shipped}，台账合计{-(line.s or 0)}")
    return problems


# ---------------------------------------------------------------- reconciliation


def reconciliation(start, end):
    """Per purchase ordered in the period: 合同金额 ↔ 入库金额 (ledger) ↔ 付款 ↔ documents; differences."""
    rows = []
    purchases = (Purchase.objects.filter(ordered_on__gte=start, ordered_on__lte=end)
                 .prefetch_related("lines__material").order_by("ordered_on", "number"))
    received = defaultdict(lambda: Decimal("0"))
    for line_id, price, qty in (Movement.objects.filter(purchase_line__purchase__in=purchases, business_date__lte=end)
                                .values_list("purchase_line_id", "purchase_line__unit_price", "quantity")):
        received[line_id] += price * qty
    paid = dict(Payment.objects.filter(purchase__in=purchases, paid_on__lte=end).values("purchase_id")
                .annotate(s=Sum("amount")).values_list("purchase_id", "s"))
    docs = defaultdict(set)
    for pid, kind in Document.objects.filter(purchase__in=purchases).values_list("purchase_id", "kind"):
        docs[pid].add(kind)
    for p in purchases:
        lines = list(p.lines.all())
        amount = sum((ln.amount for ln in lines), Decimal("0"))
        value = sum((received[ln.pk] for ln in lines), Decimal("0"))
        money_paid = paid.get(p.pk, Decimal("0"))
        issues = []
        if value < amount:
            issues.append(f"入库金额比合同金额少{fmt_decimal(amount - value)}元（未到货）")
        elif value > amount:
            issues.append(f"入库金额超过合同金额{fmt_decimal(value - amount)}元")
        if money_paid < value:
            issues.append(f"付款比入库金额少{fmt_decimal(value - money_paid)}元")
        elif money_paid > value:
            issues.append(f"付款超过入库金额{fmt_decimal(money_paid - value)}元")
        for kind, label in ((Document.Kind.CONTRACT, "合同"), (Document.Kind.VOUCHER, "付款凭证")):
            if kind not in docs[p.pk]:
                issues.append(f"缺少{label}")
        if p.filing_overdue(end):
            issues.append(f"逾期未备案公示（期限{p.filing_deadline:%Y-%m-%d}）")
        rows.append({"purchase": p, "amount": amount, "received": value, "paid": money_paid,
                     "documents": len(docs[p.pk]), "issues": issues})
    return rows


def contract_reconciliation(end):
    """Per supply contract signed by `end`: 补助资金 ↔ payments through `end` ↔ the contract document."""
    rows = []
    contracts = CapacityContract.objects.filter(starts_on__lte=end).select_related("enterprise").order_by("number")
    paid = dict(Payment.objects.filter(contract__in=contracts, paid_on__lte=end).values("contract_id")
                .annotate(s=Sum("amount")).values_list("contract_id", "s"))
    with_doc = set(Document.objects.filter(contract__in=contracts, kind=Document.Kind.CONTRACT)
                   .values_list("contract_id", flat=True))
    for c in contracts:
        subsidy = c.subsidy_wan * 10_000
        money_paid = paid.get(c.pk, Decimal("0"))
        issues = []
        if money_paid > subsidy:
            issues.append(f"已拨付超过补助资金{fmt_decimal(money_paid - subsidy)}元")
        elif money_paid < subsidy:
            issues.append(f"补助资金未拨付{fmt_decimal(subsidy - money_paid)}元")
        if c.pk not in with_doc:
            issues.append("缺少合同文本")
        rows.append({"contract": c, "subsidy": subsidy, "paid": money_paid, "issues": issues})
    return rows


def export_rows(day):
    """Rows of the coverage export (same figures as the page and the command)."""
    for r in materials(day):
        yield [r.material.code, r.material.name, r.material.get_category_display(), r.material.unit, r.on_hand,
               r.reserved, r.available, r.capacity, r.standard, r.coverage_pct, r.gap, r.buy, r.contract]
