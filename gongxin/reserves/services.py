"""Every change of the reserves: ledger postings, dispatch, call-offs, procurement.

The contract of the ledger:
- `post_movement` is the only writer of `Movement` and `Balance`. In one transaction it locks the
  warehouse × lot balance row (`select_for_update`), refuses a movement that would make the balance
  negative now *or at any later business date* (a back-dated outbound is checked against the running
  balance from its date on), refuses to take reserved stock except for the shipment it was reserved
  for, appends the ledger row with the warehouse's next document number and updates the balance.
- Lock order, everywhere: balance rows (ascending id) before warehouse rows (document serials).
  A function that touches several balances locks them all first.
- A correction is `reverse_movement` (a new row with the opposite quantity); rows never change.

Each transition runs in `transaction.atomic()`, locks its object, checks its state and raises
`ReservesError` with a Chinese message, and leaves an audit entry ("reserves.<verb>").
Who-may-act refusals raise `PermissionDenied` (→ 403).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.lib.numeric import fmt_decimal as grouped

from .models import (
    QTY_MAX,
    Balance,
    CallOff,
    CapacityContract,
    Dispatch,
    DispatchLine,
    Document,
    Lot,
    Movement,
    Payment,
    Pick,
    Purchase,
    PurchaseLine,
    Warehouse,
)

R = Movement.Reason
D = Dispatch.Status
FILING_DAYS = 30  # green-channel purchases are filed/published within 30 days of ordering
MONEY_MAX = Decimal("999999999999.99")
OBLIGATIONS_LIMIT = 2000  # a contract's 主要义务 (a TextField): the text of its clauses, not the contract itself


class ReservesError(Exception):
    """A change the data or the object's state does not allow; the message is for the user."""


class ConflictError(ReservesError):
    """Somebody changed the object since the user loaded it."""


def _fit(model, name, value, label=None):
    """What the user typed, whole, or a ReservesError when the column cannot hold it (lib/bounds.fit)."""
    return bounds.fit(model, name, value or "", ReservesError, label)


# ---------------------------------------------------------------- checks


def require_manager(user):
    if not get_access(user).is_bureau:
        raise PermissionDenied("仅工信局工作人员可以管理应急物资")


def quantity(value, label="数量", allow_zero=False):
    """A whole, positive quantity within the domain range, or ReservesError."""
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ReservesError(f"{label}应为整数") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ReservesError(f"{label}应为整数")
    if number < 0 or (number == 0 and not allow_zero):
        raise ReservesError(f"{label}应大于0")
    if number >= QTY_MAX:  # compared as a Decimal: int() of 1e999999 builds a million-digit number (~24 s)
        raise ReservesError(f"{label}超出允许范围")
    return int(number)


def money(value, label="金额"):
    text = str(value if value is not None else "").strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ReservesError(f"{label}应为数字") from None
    if not number.is_finite() or number <= 0 or number > MONEY_MAX or number.as_tuple().exponent < -2:
        raise ReservesError(f"{label}应为大于0、最多两位小数的数字")
    return number


def _not_future(day):
    if day > dt.date.today():
        raise ReservesError("业务日期不能晚于今天")


def _user(user):
    return user if getattr(user, "pk", None) else None


def _locked(model, pk, version=None, label="该单据"):
    expected = bounds.expected_version(version, ReservesError)
    current = model.objects.select_for_update().get(pk=pk)
    if expected is not None and current.version != expected:
        raise ConflictError(f"{label}已被他人处理（您打开的是第{version}版，当前为第{current.version}版），请刷新后再操作。")
    return current


def _bump(obj, *fields):
    obj.version += 1
    obj.save(update_fields=["version", *fields])


# ---------------------------------------------------------------- the ledger


def _lock_balance(warehouse, lot):
    balance, _ = Balance.objects.get_or_create(warehouse=warehouse, lot=lot, defaults={"material_id": lot.material_id})
    return Balance.objects.select_for_update().get(pk=balance.pk)


def _next_doc_no(warehouse):
    wh = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    serial = wh.next_serial
    Warehouse.objects.filter(pk=wh.pk).update(next_serial=serial + 1)
    return f"{wh.code}{serial:06d}"


def balance_on(warehouse, lot, day):
    """The ledger's balance of warehouse × lot at the end of `day`."""
    return Movement.objects.filter(warehouse=warehouse, lot=lot, business_date__lte=day).aggregate(
        s=Sum("quantity"))["s"] or 0


def _check_running_balance(balance, day, delta):
    """Refuse `delta` at `day` if the balance at the end of `day` or any later date would go negative."""
    if delta >= 0:
        return
    by_date = (Movement.objects.filter(warehouse_id=balance.warehouse_id, lot_id=balance.lot_id)
               .values("business_date").annotate(s=Sum("quantity")).order_by("business_date"))
    running = 0
    checked = [[day, 0]]  # the balance at the end of `day`, then at the end of every later date
    for row in by_date:
        running += row["s"]
        if row["business_date"] <= day:
            checked[0][1] = running
        else:
            checked.append([row["business_date"], running])
    for when, total in checked:
        if total + delta < 0:
            raise ReservesError(f"{balance.lot}在{when:%Y-%m-%d}的结存为{grouped(total)}，本次出库{grouped(-delta)}将使该日库存为负，已拒绝。")


def post_movement(user, *, warehouse, lot, reason, delta, day, note="", event=None, counted=None,
                  purchase_line=None, calloff=None, pick=None, reverses=None, locked=None, form_token=None):
    """Append one ledger row and update its balance (see the module docstring); returns the row."""
    if form_token and len(form_token) > Movement._meta.get_field("form_token").max_length:
        raise ReservesError("表单令牌无效，请刷新页面后重新提交")
    _not_future(day)
    balance = locked or _lock_balance(warehouse, lot)
    if delta < 0:
        if pick is not None:  # shipping stock reserved for this very pick
            if balance.on_hand + delta < 0 or balance.reserved < -delta:
                raise ReservesError(f"{lot}预留库存不足，无法出库")
        elif balance.available + delta < 0:
            raise ReservesError(f"{lot}在{warehouse}的可用库存为{grouped(balance.available)}"
                                f"（账面{grouped(balance.on_hand)}，已预留{grouped(balance.reserved)}），不足{grouped(-delta)}")
        _check_running_balance(balance, day, delta)
    if form_token and Movement.objects.filter(form_token=form_token).exists():
        raise ReservesError("该单据已提交，请勿重复提交")
    kind = Movement.KIND_OF.get(reason) or ("in" if delta > 0 else "out")
    movement = Movement.objects.create(
        doc_no=_next_doc_no(warehouse), event=event, warehouse=warehouse, material_id=lot.material_id, lot=lot,
        kind=kind, reason=reason, quantity=delta, counted=counted, business_date=day, user=_user(user),
        note=_fit(Movement, "note", note), purchase_line=purchase_line, calloff=calloff, pick=pick, reverses=reverses,
        form_token=form_token or None)
    balance.on_hand += delta
    if pick is not None:
        balance.reserved += delta
    balance.save(update_fields=["on_hand", "reserved", "updated_at"])
    return movement


def _lot(material, batch, expires_on=None, produced_on=None, owner=Lot.Owner.GOVERNMENT, source=""):
    batch = (batch or "").strip()
    if not batch:
        raise ReservesError("请填写批号")
    if expires_on and produced_on and expires_on < produced_on:
        raise ReservesError("有效期不能早于生产日期")
    lot, created = Lot.objects.get_or_create(material=material, batch=_fit(Lot, "batch", batch), defaults={
        "expires_on": expires_on, "produced_on": produced_on, "owner": owner, "source": _fit(Lot, "source", source)})
    if not created and expires_on and lot.expires_on != expires_on:
        raise ReservesError(f"批号{batch}已登记，有效期为{lot.expires_on or '无'}，与本次填写不一致")
    return lot


IN_REASONS = (R.PROCUREMENT, R.DONATION, R.TRANSFER_IN, R.CALLOFF)
OUT_REASONS = (R.TRANSFER_OUT, R.ROTATION, R.WRITE_OFF)
ISSUE_ACTIONS = {"transfer_out": "reserves.transfer_out", "rotation": "reserves.rotation",
                 "write_off": "reserves.write_off"}


@transaction.atomic
def receive(user, *, warehouse, material, batch, qty, day, expires_on=None, produced_on=None,
            owner=Lot.Owner.GOVERNMENT, source="", reason=R.PROCUREMENT, note="", event=None,
            purchase_line=None, calloff=None, form_token=None):
    """入库: stock into a warehouse (a new or known lot)."""
    if reason not in IN_REASONS:
        raise ReservesError("入库业务类型不正确")
    qty = quantity(qty, "入库数量")
    if expires_on and expires_on < day:
        raise ReservesError("该批次已过有效期，不能入库")
    lot = _lot(material, batch, expires_on, produced_on, owner, source)
    movement = post_movement(user, warehouse=warehouse, lot=lot, reason=reason, delta=qty, day=day, note=note,
                             event=event, purchase_line=purchase_line, calloff=calloff, form_token=form_token)
    log_action(user, "reserves.receive", movement, {"quantity": [None, qty], "reason": reason,
                                                    "business_date": str(day)})
    return movement


@transaction.atomic
def issue(user, *, balance, qty, day, reason, note, event=None, form_token=None):
    """出库 other than dispatch: write-off (报废核销), rotation (轮换), transfer out; a reason is required."""
    if reason not in OUT_REASONS:
        raise ReservesError("出库业务类型不正确")
    if not (note or "").strip():
        raise ReservesError("请填写出库原因")
    qty = quantity(qty, "出库数量")
    locked = _lock_balance(balance.warehouse, balance.lot)
    movement = post_movement(user, warehouse=balance.warehouse, lot=balance.lot, reason=reason, delta=-qty,
                             day=day, note=note.strip(), event=event, locked=locked, form_token=form_token)
    log_action(user, ISSUE_ACTIONS[reason], movement, {"quantity": [None, -qty], "reason": note.strip(),
                                                      "business_date": str(day)})
    return movement


@transaction.atomic
def count(user, *, balance, counted, day, note, form_token=None):
    """盘点: the counted quantity at the end of `day` sets the balance; the difference is the movement."""
    if not (note or "").strip():
        raise ReservesError("盘点调整必须填写原因")
    counted = quantity(counted, "实盘数量", allow_zero=True)
    locked = _lock_balance(balance.warehouse, balance.lot)
    book = balance_on(locked.warehouse, locked.lot, day)
    delta = counted - book
    if delta == 0:
        raise ReservesError(f"实盘数量与{day:%Y-%m-%d}账面数量（{grouped(book)}）一致，无需调整")
    if locked.on_hand + delta < locked.reserved:
        raise ReservesError(f"调整后账面数量将低于已预留的{grouped(locked.reserved)}，请先处理相关调度单")
    movement = post_movement(user, warehouse=locked.warehouse, lot=locked.lot, reason=R.COUNT, delta=delta,
                             day=day, note=note.strip(), counted=counted, locked=locked, form_token=form_token)
    log_action(user, "reserves.count", movement, {"on_hand": [book, counted], "reason": note.strip(),
                                                  "business_date": str(day)})
    return movement


@transaction.atomic
def reverse_movement(user, movement, note):
    """冲销: a new row with the opposite quantity on the original's business date."""
    if not (note or "").strip():
        raise ReservesError("冲销必须填写原因")
    original = Movement.objects.select_related("warehouse", "lot").get(pk=movement.pk)
    if original.reason == R.REVERSAL:
        raise ReservesError("冲销单不能再冲销，请重新录入正确的单据")
    if original.pick_id:
        raise ReservesError("调度出库不能冲销，请在调度单中处理")
    if Movement.objects.filter(reverses=original).exists():
        raise ReservesError(f"单据{original.doc_no}已冲销")
    prefix = f"冲销{original.doc_no}："  # the reversal's note: this, then the reason typed
    room = Movement._meta.get_field("note").max_length - len(prefix)
    if len(note.strip()) > room:
        raise ReservesError(f"冲销原因最多{room}个字，收到{len(note.strip())}个字")
    locked = _lock_balance(original.warehouse, original.lot)
    if original.purchase_line_id:
        line = PurchaseLine.objects.select_for_update().get(pk=original.purchase_line_id)
        line.delivered -= original.quantity
        line.save(update_fields=["delivered"])
    if original.calloff_id:
        calloff = CallOff.objects.select_for_update().get(pk=original.calloff_id)
        calloff.delivered -= original.quantity
        calloff.status = CallOff.Status.OPEN
        calloff.save(update_fields=["delivered", "status"])
    try:
        with transaction.atomic():
            reversal = post_movement(user, warehouse=original.warehouse, lot=original.lot, reason=R.REVERSAL,
                                     delta=-original.quantity, day=original.business_date, event=original.event,
                                     note=prefix + note.strip(), reverses=original, locked=locked,
                                     purchase_line=original.purchase_line, calloff=original.calloff)
    except IntegrityError:
        raise ReservesError(f"单据{original.doc_no}已冲销") from None
    log_action(user, "reserves.reverse", reversal, {"quantity": [original.quantity, 0], "reason": note.strip(),
                                                    "reverses": original.doc_no})
    return reversal


# ---------------------------------------------------------------- dispatch


def _notify(dispatch, title, user):
    """Tell the requester (in-app notice, once per dispatch and step)."""
    from gongxin.notices import services as notices

    if dispatch.requested_by_id and dispatch.requested_by_id != getattr(user, "pk", None):
        notices.send("task", title, to_user=dispatch.requested_by, url=f"/reserves/dispatches/{dispatch.number}/",
                     sender=user, source="reserves", key=f"reserves:{dispatch.number}:{dispatch.status}")


def _serial(model, prefix, day):
    stem = f"{prefix}{day:%Y%m%d}"
    taken = model.objects.filter(number__startswith=stem).count()
    return f"{stem}{taken + 1:03d}"


def _create_numbered(model, prefix, day, **fields):
    for _ in range(20):  # a concurrent request took the number: take the next one
        try:
            with transaction.atomic():
                return model.objects.create(number=_serial(model, prefix, day), **fields)
        except IntegrityError:
            continue
    raise ReservesError("单号生成冲突，请重试")


def can_request(user):
    access = get_access(user)
    return access.is_bureau or access.is_town_officer or access.is_enterprise


@transaction.atomic
def create_dispatch(user, *, event, unit_kind, unit_name, lines, day, town=None, enterprise=None, contact="",
                    purpose=""):
    """A unit's request; `lines` is {material: quantity}. Town officers ask for their town, enterprises for
    themselves."""
    access = get_access(user)
    if not can_request(user):
        raise PermissionDenied("您不能提交物资调度申请")
    if not access.is_bureau:
        if access.is_town_officer and town is not None and town.pk in access.region_ids:
            enterprise = None
        elif access.is_enterprise and enterprise is not None and enterprise.pk in access.enterprise_ids:
            town = enterprise.town
        else:
            raise PermissionDenied("只能为本镇街或本企业申请")
    if not (unit_name or "").strip():
        raise ReservesError("请填写申请单位")
    wanted = {m: quantity(q, f"{m.name}申请数量") for m, q in lines.items() if str(q or "").strip() not in ("", "0")}
    if not wanted:
        raise ReservesError("请至少填写一种物资的申请数量")
    dispatch = _create_numbered(Dispatch, "DD", day, event=event, unit_kind=unit_kind, unit_name=_fit(Dispatch, "unit_name", unit_name.strip()),
                                town=town, enterprise=enterprise, contact=_fit(Dispatch, "contact", contact),
                                requested_on=day, purpose=_fit(Dispatch, "purpose", purpose), requested_by=_user(user))
    DispatchLine.objects.bulk_create([DispatchLine(dispatch=dispatch, material=m, requested=q) for m, q in wanted.items()])
    log_action(user, "reserves.request", dispatch, {"lines": {m.name: q for m, q in wanted.items()}})
    return dispatch


def _fefo_locked(material, day):
    """The material's balances with stock usable on `day`, locked (ascending id), in FEFO order."""
    ids = list(Balance.objects.filter(material=material, on_hand__gt=0).usable(day)
               .order_by("id").values_list("id", flat=True))
    rows = list(Balance.objects.select_for_update().filter(id__in=ids).order_by("id"))
    lots = {lot.pk: lot for lot in Lot.objects.filter(pk__in=[b.lot_id for b in rows])}
    for b in rows:
        b.lot = lots[b.lot_id]
    return sorted(rows, key=lambda b: (b.lot.expires_on or dt.date.max, b.lot.batch, b.warehouse_id))


@transaction.atomic
def approve_dispatch(user, dispatch, *, day, version=None, quantities=None, allow_partial=False, note=""):
    """批准: reserve stock lot by lot, first expiry first (FEFO). Refused when stock is short, unless
    `allow_partial` (then what is available is approved and the rest can be called off from capacity)."""
    require_manager(user)
    current = _locked(Dispatch, dispatch.pk, version, "该调度单")
    if current.status != D.REQUESTED:
        raise ReservesError(f"该调度单当前状态为“{current.get_status_display()}”，不能审批")
    quantities = quantities or {}
    lines = list(current.lines.select_related("material").order_by("material_id"))
    shortages, total = [], 0
    for line in lines:
        wanted = quantity(quantities.get(line.pk, line.requested), f"{line.material.name}批准数量", allow_zero=True)
        if wanted > line.requested:
            raise ReservesError(f"{line.material.name}批准数量不能超过申请数量{grouped(line.requested)}")
        left = wanted
        for balance in _fefo_locked(line.material, day):
            take = min(left, balance.available)
            if take <= 0:
                continue
            Pick.objects.create(line=line, balance=balance, quantity=take)
            balance.reserved += take
            balance.save(update_fields=["reserved", "updated_at"])
            left -= take
            if left == 0:
                break
        if left:
            shortages.append(f"{line.material.name}缺{left}{line.material.unit}")
        line.approved = wanted - left
        line.save(update_fields=["approved"])
        total += line.approved
    if shortages and not allow_partial:
        raise ReservesError("可用库存不足：" + "、".join(shortages) + "。可部分批准并发起产能调用。")
    if total == 0:
        raise ReservesError("没有可调度的库存，不能批准")
    current.status, current.approved_by, current.approved_on = D.APPROVED, _user(user), day
    current.note = _fit(Dispatch, "note", note)
    _bump(current, "status", "approved_by", "approved_on", "note")
    _notify(current, f"物资调度申请{current.number}已批准", user)
    log_action(user, "reserves.approve", current, {"status": [D.REQUESTED, D.APPROVED],
                                                   "approved": {ln.material.name: ln.approved for ln in lines},
                                                   "shortages": shortages})
    return current


@transaction.atomic
def reject_dispatch(user, dispatch, *, reason, version=None):
    require_manager(user)
    if not (reason or "").strip():
        raise ReservesError("请填写不予批准的理由")
    current = _locked(Dispatch, dispatch.pk, version, "该调度单")
    if current.status != D.REQUESTED:
        raise ReservesError(f"该调度单当前状态为“{current.get_status_display()}”，不能审批")
    current.status, current.note = D.REJECTED, _fit(Dispatch, "note", reason.strip(), "不予批准的理由")
    _bump(current, "status", "note")
    _notify(current, f"物资调度申请{current.number}未获批准：{current.note}", user)
    log_action(user, "reserves.reject", current, {"status": [D.REQUESTED, D.REJECTED], "reason": current.note})
    return current


@transaction.atomic
def ship_dispatch(user, dispatch, *, day, vehicle="", version=None):
    """发运: every reserved pick leaves its warehouse through the ledger (调度出库)."""
    require_manager(user)
    current = _locked(Dispatch, dispatch.pk, version, "该调度单")
    if current.status != D.APPROVED:
        raise ReservesError(f"该调度单当前状态为“{current.get_status_display()}”，不能发运")
    if day < current.approved_on:
        raise ReservesError("发运日期不能早于批准日期")
    picks = list(Pick.objects.filter(line__dispatch=current, shipped=False).select_related("line")
                 .order_by("balance_id"))
    locked = {b.pk: b for b in Balance.objects.select_for_update().filter(pk__in=[p.balance_id for p in picks])
              .select_related("warehouse", "lot__material").order_by("id")}
    shipped = {}
    for pick in picks:
        balance = locked[pick.balance_id]
        if not balance.lot.usable_on(day):
            raise ReservesError(f"{balance.lot}已于{balance.lot.expires_on:%Y-%m-%d}过期，不能发运；请退回重新审批")
        post_movement(user, warehouse=balance.warehouse, lot=balance.lot, reason=R.DISPATCH, delta=-pick.quantity,
                      day=day, note=f"调度单{current.number}发往{current.unit_name}", event=current.event,
                      pick=pick, locked=balance)
        pick.shipped = True
        pick.save(update_fields=["shipped"])
        shipped[pick.line_id] = shipped.get(pick.line_id, 0) + pick.quantity
    for line in DispatchLine.objects.filter(pk__in=shipped):
        line.shipped += shipped[line.pk]
        line.save(update_fields=["shipped"])
    current.status, current.shipped_on, current.vehicle = D.SHIPPED, day, _fit(Dispatch, "vehicle", vehicle.strip())
    _bump(current, "status", "shipped_on", "vehicle")
    _notify(current, f"调度物资{current.number}已发运，请到货后确认签收", user)
    log_action(user, "reserves.ship", current, {"status": [D.APPROVED, D.SHIPPED],
                                                "shipped": sum(p.quantity for p in picks)})
    return current


def can_confirm_receipt(user, dispatch):
    access = get_access(user)
    return (access.is_bureau or (access.is_town_officer and dispatch.town_id in access.region_ids
                                 and dispatch.enterprise_id is None)
            or (dispatch.enterprise_id is not None and dispatch.enterprise_id in access.enterprise_ids))


@transaction.atomic
def confirm_receipt(user, dispatch, *, day, received, name, version=None):
    """签收: the receiving unit confirms what arrived ({line id: quantity}); differences are kept."""
    if not can_confirm_receipt(user, dispatch):
        raise PermissionDenied("只有申请单位或工信局可以确认签收")
    current = _locked(Dispatch, dispatch.pk, version, "该调度单")
    if current.status != D.SHIPPED:
        raise ReservesError(f"该调度单当前状态为“{current.get_status_display()}”，不能签收")
    if not (name or "").strip():
        raise ReservesError("请填写签收人")
    if day < current.shipped_on:
        raise ReservesError("签收日期不能早于发运日期")
    diffs = {}
    for line in current.lines.select_related("material"):
        got = quantity(received.get(line.pk, line.shipped), f"{line.material.name}签收数量", allow_zero=True)
        if got > line.shipped:
            raise ReservesError(f"{line.material.name}签收数量不能超过发运数量{line.shipped}")
        line.received = got
        line.save(update_fields=["received"])
        if got != line.shipped:
            diffs[line.material.name] = [line.shipped, got]
    current.status, current.received_on, current.received_by_name = D.RECEIVED, day, _fit(Dispatch, "received_by_name", name.strip())
    _bump(current, "status", "received_on", "received_by_name")
    log_action(user, "reserves.receipt", current, {"status": [D.SHIPPED, D.RECEIVED], "differences": diffs})
    return current


# ---------------------------------------------------------------- capacity contracts and call-offs


def _days(value, label, maximum=3650):
    n = quantity(value, label, allow_zero=True)
    if n > maximum:
        raise ReservesError(f"{label}不能超过{maximum}天")
    return n


@transaction.atomic
def create_contract(user, *, number, enterprise, material, daily_capacity, switch_days, guaranteed_qty,
                    guarantee_days, starts_on, ends_on, subsidy_wan="0", obligations=""):
    """A 保障供应合同 with an enterprise of the registry (bureau staff)."""
    require_manager(user)
    number = (number or "").strip()
    if not number:
        raise ReservesError("请填写合同编号")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ReservesError("请填写有效的合同期（结束不早于开始）")
    subsidy = Decimal(0) if str(subsidy_wan or "").strip() in ("", "0") else money(subsidy_wan, "补助资金")
    if subsidy > Decimal("99999999.99"):
        raise ReservesError("补助资金超出允许范围")
    if len(obligations or "") > OBLIGATIONS_LIMIT:
        raise ReservesError(f"主要义务最多{OBLIGATIONS_LIMIT}个字，收到{len(obligations)}个字")
    try:
        with transaction.atomic():
            contract = CapacityContract.objects.create(
                number=_fit(CapacityContract, "number", number), enterprise=enterprise, material=material,
                daily_capacity=quantity(daily_capacity, "日产能"), switch_days=_days(switch_days, "转产准备天数", 365),
                guaranteed_qty=quantity(guaranteed_qty, "保障供应数量"),
                guarantee_days=_days(guarantee_days, "保障期限", 365), starts_on=starts_on, ends_on=ends_on,
                subsidy_wan=subsidy, obligations=obligations or "")
    except IntegrityError:
        raise ReservesError(f"合同编号{number}已存在") from None
    log_action(user, "reserves.contract", contract, {"number": [None, contract.number],
                                                     "enterprise": [None, enterprise.name],
                                                     "daily_capacity": [None, contract.daily_capacity],
                                                     "subsidy_wan": [None, str(subsidy)]})
    return contract


@transaction.atomic
def set_standard(user, material, *, peak_monthly, months, min_months, warn_pct=80, window_days=30,
                 level="city"):
    """Set a material's reserve standard (peak monthly consumption × months; the band; the window)."""
    from .models import ReserveStandard

    require_manager(user)
    values = {"peak_monthly": quantity(peak_monthly, "高峰月消耗量"), "months": _days(months, "最大储备月数", 24),
              "min_months": _days(min_months, "最低储备月数", 24), "warn_pct": _days(warn_pct, "预警覆盖率", 100),
              "window_days": _days(window_days, "产能计入期限", 365)}
    if values["months"] == 0 or values["min_months"] > values["months"]:
        raise ReservesError("最大储备月数应大于0且不小于最低储备月数")
    standard = ReserveStandard.objects.select_for_update().filter(material=material, level=level).first()
    before = {k: getattr(standard, k) for k in values} if standard else {}
    changes = {k: [before.get(k), v] for k, v in values.items() if before.get(k) != v}
    if standard is not None and not changes:
        return standard  # saved again unchanged (a second click): nothing to write or audit
    if standard is None:
        standard = ReserveStandard(material=material, level=level)
    for k, v in values.items():
        setattr(standard, k, v)
    standard.save()
    log_action(user, "reserves.standard", standard, changes)
    return standard


# ---------------------------------------------------------------- capacity call-offs


@transaction.atomic
def create_calloff(user, contract, *, qty, day, warehouse, event=None, dispatch=None):
    """产能调用: order against a contract in force, within what it still guarantees."""
    require_manager(user)
    contract = CapacityContract.objects.select_for_update().get(pk=contract.pk)
    qty = quantity(qty, "调用数量")
    if contract.status != CapacityContract.Status.ACTIVE or not (contract.starts_on <= day <= contract.ends_on):
        raise ReservesError(f"合同{contract.number}在{day:%Y-%m-%d}不在履行期内")
    called = contract.calloffs.exclude(status=CallOff.Status.CANCELLED).aggregate(s=Sum("quantity"))["s"] or 0
    if called + qty > contract.guaranteed_qty:
        raise ReservesError(f"超出合同保障数量：保障{grouped(contract.guaranteed_qty)}，已调用{grouped(called)}，"
                            f"最多还可调用{grouped(contract.guaranteed_qty - called)}")
    calloff = _create_numbered(CallOff, "CN", day, contract=contract, event=event, warehouse=warehouse,
                               ordered_on=day, quantity=qty, dispatch=dispatch, created_by=_user(user))
    from gongxin.notices import services as notices

    notices.send("task", f"产能调用{calloff.number}：{contract.material.name}{grouped(qty)}{contract.material.unit}",
                 to_enterprise=contract.enterprise, url=f"/reserves/contracts/{contract.number}/", sender=user,
                 source="reserves", key=f"reserves:calloff:{calloff.number}")
    log_action(user, "reserves.calloff", calloff, {"quantity": [None, qty], "contract": contract.number})
    return calloff


def can_deliver(user, calloff):
    access = get_access(user)
    return access.is_bureau or calloff.contract.enterprise_id in access.enterprise_ids


@transaction.atomic
def deliver_calloff(user, calloff, *, qty, day, batch, expires_on=None, produced_on=None):
    """交付: the enterprise (or the bureau) records a delivery; it enters the warehouse through the ledger."""
    if not can_deliver(user, calloff):
        raise PermissionDenied("只有保障企业或工信局可以登记交付")
    current = CallOff.objects.select_for_update().select_related("contract__enterprise", "contract__material",
                                                                 "warehouse").get(pk=calloff.pk)
    if current.status != CallOff.Status.OPEN:
        raise ReservesError(f"该调用单当前状态为“{current.get_status_display()}”，不能登记交付")
    qty = quantity(qty, "交付数量")
    if qty > current.remaining:
        raise ReservesError(f"交付数量超过未交付数量{grouped(current.remaining)}")
    if day < current.ordered_on:
        raise ReservesError("交付日期不能早于下单日期")
    contract = current.contract
    movement = receive(user, warehouse=current.warehouse, material=contract.material, batch=batch, qty=qty, day=day,
                       expires_on=expires_on, produced_on=produced_on, owner=Lot.Owner.GOVERNMENT,
                       source=contract.enterprise.name, reason=R.CALLOFF, note=f"产能调用{current.number}",
                       event=current.event, calloff=current)
    current.delivered += qty
    if current.delivered == current.quantity:
        current.status = CallOff.Status.DONE
    current.save(update_fields=["delivered", "status"])
    log_action(user, "reserves.deliver", current, {"delivered": [current.delivered - qty, current.delivered],
                                                   "doc_no": movement.doc_no})
    return movement


# ---------------------------------------------------------------- green-channel procurement


@transaction.atomic
def create_purchase(user, *, event, supplier, day, lines, note="", filing_days=FILING_DAYS):
    """An urgent purchase; `lines` is [(material, quantity, unit price)]."""
    require_manager(user)
    if not (supplier or "").strip():
        raise ReservesError("请填写供应商")
    parsed = [(m, quantity(q, f"{m.name}采购数量"), money(p, f"{m.name}单价")) for m, q, p in lines
              if str(q or "").strip()]
    if not parsed:
        raise ReservesError("请至少填写一种物资")
    if len({m.pk for m, _, _ in parsed}) != len(parsed):
        raise ReservesError("同一物资请合并为一行")
    purchase = _create_numbered(Purchase, "CG", day, event=event, supplier=_fit(Purchase, "supplier", supplier.strip()),
                                ordered_on=day,
                                filing_deadline=day + dt.timedelta(days=filing_days), note=_fit(Purchase, "note", note),
                                created_by=_user(user))
    PurchaseLine.objects.bulk_create([PurchaseLine(purchase=purchase, material=m, quantity=q, unit_price=p)
                                      for m, q, p in parsed])
    log_action(user, "reserves.purchase", purchase, {"supplier": [None, purchase.supplier],
                                                     "lines": {m.name: [q, str(p)] for m, q, p in parsed}})
    return purchase


@transaction.atomic
def approve_purchase(user, purchase, *, version=None):
    """The one approval of a green-channel purchase, by another member of the bureau than its author."""
    require_manager(user)
    current = _locked(Purchase, purchase.pk, version, "该采购单")
    if current.status != Purchase.Status.DRAFT:
        raise ReservesError("该采购单已审批")
    if current.created_by_id and current.created_by_id == getattr(user, "pk", None):
        raise PermissionDenied("采购单须由经办人以外的人员审批")
    current.status, current.approver, current.approved_at = Purchase.Status.APPROVED, _user(user), timezone.now()
    _bump(current, "status", "approver", "approved_at")
    log_action(user, "reserves.purchase_approve", current, {"status": [Purchase.Status.DRAFT, current.status]})
    return current


@transaction.atomic
def deliver_purchase(user, line, *, qty, day, warehouse, batch, expires_on=None, produced_on=None):
    """到货: a (partial) delivery of a purchase line into a warehouse through the ledger."""
    require_manager(user)
    line = PurchaseLine.objects.select_for_update().select_related("purchase", "material").get(pk=line.pk)
    purchase = line.purchase
    if purchase.status == Purchase.Status.DRAFT:
        raise ReservesError("采购单未审批，不能入库")
    qty = quantity(qty, "到货数量")
    if qty > line.quantity - line.delivered:
        raise ReservesError(f"到货数量超过未到货数量{line.quantity - line.delivered}")
    if day < purchase.ordered_on:
        raise ReservesError("到货日期不能早于采购日期")
    movement = receive(user, warehouse=warehouse, material=line.material, batch=batch, qty=qty, day=day,
                       expires_on=expires_on, produced_on=produced_on, owner=Lot.Owner.PURCHASE,
                       source=purchase.supplier, reason=R.PROCUREMENT, note=f"采购单{purchase.number}",
                       event=purchase.event, purchase_line=line)
    line.delivered += qty
    line.save(update_fields=["delivered"])
    if line.delivered == line.quantity and not purchase.lines.exclude(pk=line.pk).filter(
            delivered__lt=F("quantity")).exists():
        Purchase.objects.filter(pk=purchase.pk).update(status=Purchase.Status.COMPLETED, version=purchase.version + 1)
    return movement


@transaction.atomic
def mark_filed(user, purchase, *, day):
    require_manager(user)
    current = Purchase.objects.select_for_update().get(pk=purchase.pk)
    if current.filed_on:
        raise ReservesError("该采购单已备案公示")
    if day < current.ordered_on:
        raise ReservesError("备案日期不能早于采购日期")
    current.filed_on = day
    _bump(current, "filed_on")
    log_action(user, "reserves.file", current, {"filed_on": [None, str(day)]})
    return current


@transaction.atomic
def record_payment(user, *, amount, day, voucher, purchase=None, contract=None):
    require_manager(user)
    if not (voucher or "").strip():
        raise ReservesError("请填写凭证号")
    payment = Payment.objects.create(purchase=purchase, contract=contract, paid_on=day, amount=money(amount),
                                     voucher=_fit(Payment, "voucher", voucher.strip()), user=_user(user))
    log_action(user, "reserves.pay", payment, {"amount": [None, str(payment.amount)], "voucher": payment.voucher})
    return payment


DOCUMENT_TYPES = {".pdf": ("application/pdf", [b"%PDF"]), ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
                  ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]), ".png": ("image/png", [b"\x89PNG"]),
                  ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
                  ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"])}


def check_document(upload):
    """The content type of an accepted upload (type by extension *and* content, size limit), else ReservesError."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        raise ReservesError("只接受 PDF、JPG、PNG、Word(.docx)、Excel(.xlsx) 文件")
    if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise ReservesError(f"文件超过{settings.MAX_UPLOAD_MB}MB上限")
    head = upload.read(8)
    upload.seek(0)
    content_type, signatures = DOCUMENT_TYPES[suffix]
    if not any(head.startswith(sig) for sig in signatures):
        raise ReservesError("文件内容与扩展名不符")
    return content_type


@transaction.atomic
def add_document(user, upload, *, kind, title="", purchase=None, contract=None):
    require_manager(user)
    content_type = check_document(upload)
    if kind not in Document.Kind.values:
        kind = Document.Kind.OTHER
    doc = Document(purchase=purchase, contract=contract, kind=kind, size=upload.size, content_type=content_type,
                   title=_fit(Document, "title", (title or "").strip() or Path(upload.name).stem, "标题（未填时取文件名）"),
                   uploaded_by=_user(user))
    doc.file.save(Path(upload.name).name, upload, save=False)
    doc.save()
    log_action(user, "reserves.document", purchase or contract, {"title": doc.title, "kind": kind, "size": doc.size})
    return doc
