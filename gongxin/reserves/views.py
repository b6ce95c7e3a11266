"""Pages of the reserves: dashboard, stock and stock cards, movements, dispatch, contracts, purchases,
reconciliation. Each view fetches through a `for_user` scope first (404 outside it), then checks the
role for changes (403). Figures come from stats.py."""

import datetime as dt
import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongxin.accounts.audit import action_label, entries_for, log_action
from gongxin.accounts.scoping import get_access
from gongxin.emergencies.models import Event, current_event
from gongxin.lib import bounds
from gongxin.lib.export import Exporter, download_response, xlsx_response
from gongxin.registry.models import Region

from . import services, stats
from .audit_labels import AUDIT_LABELS
from .models import (
    Balance,
    CallOff,
    CapacityContract,
    Dispatch,
    Document,
    Lot,
    Material,
    Movement,
    Purchase,
    PurchaseLine,
    Warehouse,
)
from .services import ReservesError


def _require_reader(user):
    """Bureau staff and leaders read the reserves' books; others only their own requests and contracts."""
    if not get_access(user).sees_all:
        raise PermissionDenied("仅工信局及领导可以查看储备台账")


def _day(text, default=None):
    """A filter's date (GET): `default` when blank, malformed or outside 1900–2100."""
    try:
        return bounds.date(dt.date.fromisoformat((text or "").strip()), "日期")
    except ValueError:
        return default


def _post_day(request, field="day", label="日期", required=True):
    """A posted date: refused with a message when malformed or outside 1900–2100 (never taken as blank);
    blank is refused when `required`, else None."""
    text = (request.POST.get(field) or "").strip()
    if not text:
        if required:
            raise ReservesError(f"请填写{label}（YYYY-MM-DD）")
        return None
    try:
        return bounds.date(dt.date.fromisoformat(text), label)
    except bounds.OutOfRange as e:
        raise ReservesError(str(e)) from None
    except ValueError:
        raise ReservesError(f"{label}“{text[:20]}”不是有效日期（YYYY-MM-DD）") from None


def _default_day():
    return stats.default_day()


def _event():
    return current_event() or Event.objects.order_by("-started_on").first()


def _done(request, url, action):
    """Run `action()`; flash its refusal or success; redirect to `url`."""
    try:
        message = action()
    except ReservesError as e:
        messages.error(request, str(e))
    except IntegrityError:
        messages.error(request, "该操作已处理或与他人的操作冲突，请刷新后查看")
    else:
        messages.success(request, message)
    return redirect(url)


def _history(obj):
    return [(e, AUDIT_LABELS.get(e.action) or action_label(e.action)) for e in entries_for(obj).order_by("at", "id")]


# ---------------------------------------------------------------- dashboard


@login_required
def dashboard(request):
    _require_reader(request.user)
    day = _day(request.GET.get("date"), None) or _default_day()
    by = _day(request.GET.get("by"), None) or day + dt.timedelta(days=15)
    rows = stats.materials(day)
    chart = {"names": [r.material.name for r in rows],
             "coverage": [None if r.coverage_pct is None else float(r.coverage_pct) for r in rows],
             "physical": [None if not r.standard else float(stats.pct(r.available, r.standard) or 0) for r in rows],
             "gap": [bool(r.gap) for r in rows]}
    month_start = day.replace(day=1)
    return render(request, "reserves/dashboard.html", {
        "page_title": "应急物资储备", "day": day, "by": by, "rows": rows, "chart": chart,
        "contracts": stats.contract_rows(day, by), "summary": stats.contracts_summary(day),
        "month_procurement": stats.procurement(month_start, day), "ytd_procurement": stats.procurement(
            day.replace(month=1, day=1), day),
        "month_dispatch": stats.dispatch_month(day), "expiring": stats.expiring(day),
        "price_flags": stats.price_flags(), "can_manage": get_access(request.user).is_bureau,
    })


class CoverageExporter(Exporter):
    identifier = "reserves_coverage"
    name = "应急物资储备覆盖情况"
    headers = ["物资编码", "物资名称", "类别", "单位", "账面数量", "已预留", "可用数量", "窗口内可交付产能", "储备标准",
               "覆盖率（%）", "缺口", "建议采购", "建议签约产能"]

    def __init__(self, day):
        self.day = day

    def filename(self):
        return f"应急物资储备覆盖情况_{self.day:%Y%m%d}.xlsx"

    def rows(self):
        return stats.export_rows(self.day)


@login_required
def coverage_export(request):
    _require_reader(request.user)
    day = _day(request.GET.get("date")) or _default_day()
    log_action(request.user, "reserves.export", request.user, {"export": "储备覆盖情况", "date": str(day)})
    return xlsx_response(CoverageExporter(day))


# ---------------------------------------------------------------- stock, cards, movements


@login_required
def stock(request):
    _require_reader(request.user)
    day = _default_day()
    qs = Balance.objects.filter(on_hand__gt=0).select_related("warehouse", "material", "lot").order_by(
        "material__order", "material__code", "warehouse__code", "lot__expires_on")
    if request.GET.get("warehouse"):
        qs = qs.filter(warehouse__code=request.GET["warehouse"])
    if request.GET.get("material"):
        qs = qs.filter(material__code=request.GET["material"])
    qs = list(qs)
    for b in qs:
        b.expired = not b.lot.usable_on(day)
    return render(request, "reserves/stock.html", {
        "page_title": "库存台账", "balances": qs, "day": day, "warehouses": Warehouse.objects.all(),
        "materials": Material.objects.all(), "can_manage": get_access(request.user).is_bureau,
        "token": uuid.uuid4().hex, "in_reasons": [(r.value, r.label) for r in services.IN_REASONS if r != "calloff"
                                                 and r != "procurement"] + [("procurement", "采购入库（非绿色通道）")],
        "out_reasons": [(r.value, r.label) for r in services.OUT_REASONS], "owners": Lot.Owner.choices,
    })


@login_required
def stock_card(request, material, warehouse):
    _require_reader(request.user)
    material = get_object_or_404(Material, code=material)
    warehouse = get_object_or_404(Warehouse, code=warehouse)
    start, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    card = stats.stock_card(material, warehouse, start, end)
    balances = Balance.objects.filter(material=material, warehouse=warehouse).select_related("lot").order_by(
        "lot__expires_on")
    return render(request, "reserves/stock_card.html", {
        "page_title": f"库存卡片：{material.name}·{warehouse.name}", "material": material, "warehouse": warehouse,
        "card": card, "start": start, "end": end, "balances": balances, "day": _default_day(),
        "can_manage": get_access(request.user).is_bureau, "token": uuid.uuid4().hex,
    })


@login_required
@require_POST
def receive(request):
    services.require_manager(request.user)
    warehouse = get_object_or_404(Warehouse, code=request.POST.get("warehouse", ""))
    material = get_object_or_404(Material, code=request.POST.get("material", ""))
    p = request.POST

    def act():
        reason = p.get("reason", "")
        if reason not in ("procurement", "donation", "transfer_in"):
            raise ReservesError("请选择入库业务类型")
        owner = p.get("owner") if p.get("owner") in Lot.Owner.values else Lot.Owner.GOVERNMENT
        m = services.receive(request.user, warehouse=warehouse, material=material, batch=p.get("batch"),
                             qty=p.get("qty"), day=_post_day(request), expires_on=_post_day(request, "expires_on", "有效期至", required=False),
                             produced_on=_post_day(request, "produced_on", "生产日期", required=False), owner=owner, source=p.get("source", ""),
                             reason=reason, note=p.get("note", ""), event=_event(), form_token=p.get("token"))
        return f"已入库，单据号{m.doc_no}"
    return _done(request, f"/reserves/stock/card/{material.code}/{warehouse.code}/", act)


@login_required
@require_POST
def balance_action(request, pk):
    """Write-off / rotation / transfer out (kind=issue) or a count (kind=count) of one warehouse × lot."""
    services.require_manager(request.user)
    balance = get_object_or_404(Balance.objects.select_related("warehouse", "lot", "material"), pk=pk)
    p = request.POST

    def act():
        if p.get("kind") == "count":
            m = services.count(request.user, balance=balance, counted=p.get("counted"), day=_post_day(request),
                               note=p.get("note", ""), form_token=p.get("token"))
            return f"已盘点调整{m.quantity:+d}，单据号{m.doc_no}"
        m = services.issue(request.user, balance=balance, qty=p.get("qty"), day=_post_day(request),
                           reason=p.get("reason", ""), note=p.get("note", ""), event=_event(),
                           form_token=p.get("token"))
        return f"已出库，单据号{m.doc_no}"
    return _done(request, f"/reserves/stock/card/{balance.material.code}/{balance.warehouse.code}/", act)


@login_required
@require_POST
def reverse(request, doc_no):
    services.require_manager(request.user)
    movement = get_object_or_404(Movement.objects.select_related("material", "warehouse"), doc_no=doc_no)

    def act():
        r = services.reverse_movement(request.user, movement, request.POST.get("note", ""))
        return f"已冲销{movement.doc_no}，冲销单号{r.doc_no}"
    return _done(request, f"/reserves/stock/card/{movement.material.code}/{movement.warehouse.code}/", act)


# ---------------------------------------------------------------- dispatch


def _get_dispatch_for_user(request, number):
    return get_object_or_404(Dispatch.objects.for_user(request.user).select_related("town", "enterprise", "event"),
                             number=number)


@login_required
def dispatch_list(request):
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer or access.is_enterprise):
        raise PermissionDenied("您无权查看物资调度")
    qs = Dispatch.objects.for_user(request.user).select_related("town").prefetch_related("lines__material")
    status = request.GET.get("status", "")
    if status in Dispatch.Status.values:
        qs = qs.filter(status=status)
    return render(request, "reserves/dispatch_list.html", {
        "page_title": "物资调度", "dispatches": qs, "status": status, "statuses": Dispatch.Status.choices,
        "can_request": services.can_request(request.user)})


@login_required
def dispatch_new(request):
    if not services.can_request(request.user):
        raise PermissionDenied("您不能提交物资调度申请")
    access = get_access(request.user)
    towns = Region.objects.towns()
    if not access.is_bureau:
        towns = towns.filter(pk__in=access.region_ids)
    from gongxin.registry.models import Enterprise
    enterprises = Enterprise.objects.filter(pk__in=access.enterprise_ids) if not access.is_bureau else []
    mats = list(Material.objects.all())
    if request.method == "POST":
        p = request.POST
        town = towns.filter(pk=bounds.pk(p.get("town"))).first()
        if town is None and access.is_town_officer and not access.is_bureau:
            town = towns.first()  # an officer asks for their own town
        enterprise = Enterprise.objects.filter(pk__in=access.enterprise_ids, pk=bounds.pk(p.get("enterprise"))).first()
        kind = p.get("unit_kind") if p.get("unit_kind") in Dispatch.Unit.values else Dispatch.Unit.OTHER
        if access.is_enterprise and not access.is_bureau and not access.is_town_officer:
            kind = Dispatch.Unit.ENTERPRISE
        event = _event()
        try:
            if event is None:
                raise ReservesError("当前没有应急事件，不能申请调度")
            d = services.create_dispatch(request.user, event=event, unit_kind=kind, unit_name=p.get("unit_name", ""),
                                         town=town, enterprise=enterprise, day=dt.date.today(),
                                         lines={m: p.get(f"qty_{m.code}", "") for m in mats},
                                         contact=p.get("contact", ""), purpose=p.get("purpose", ""))
        except ReservesError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, f"调度申请已提交，单号{d.number}")
            return redirect(f"/reserves/dispatches/{d.number}/")
        status = 400
    else:
        status = 200
    return render(request, "reserves/dispatch_new.html", {
        "page_title": "申请调度物资", "materials": mats, "towns": towns, "enterprises": enterprises,
        "units": Dispatch.Unit.choices, "post": request.POST}, status=status)


@login_required
def dispatch_detail(request, number):
    d = _get_dispatch_for_user(request, number)
    lines = list(d.lines.select_related("material").prefetch_related("picks__balance__lot", "picks__balance__warehouse"))
    day = dt.date.today()
    for line in lines:
        line.fefo, line.stock = [], 0
    if d.status == Dispatch.Status.REQUESTED:
        for line in lines:
            line.fefo = [(b, b.available) for b in Balance.objects.filter(material=line.material, on_hand__gt=0)
                         .usable(day).select_related("lot", "warehouse").fefo() if b.available > 0][:5]
            line.stock = sum(a for _, a in line.fefo)
    return render(request, "reserves/dispatch_detail.html", {
        "page_title": f"调度单 {d.number}", "d": d, "lines": lines, "today": day,
        "can_manage": get_access(request.user).is_bureau,
        "can_receive": services.can_confirm_receipt(request.user, d),
        "contracts": CapacityContract.objects.active_on(day).filter(
            material__in=[ln.material for ln in lines]).select_related("enterprise", "material"),
        "warehouses": Warehouse.objects.all(), "history": _history(d)})


@login_required
@require_POST
def dispatch_action(request, number):
    d = _get_dispatch_for_user(request, number)
    p = request.POST
    action = p.get("action")
    version = p.get("version")

    def act():
        if action == "approve":
            quantities = {line.pk: p.get(f"approved_{line.pk}", line.requested) for line in d.lines.all()}
            services.approve_dispatch(request.user, d, day=dt.date.today(), version=version, quantities=quantities,
                                      allow_partial=p.get("partial") == "1", note=p.get("note", ""))
            return "已批准，库存已按近效期先出（FEFO）预留"
        if action == "reject":
            services.reject_dispatch(request.user, d, reason=p.get("note", ""), version=version)
            return "已不予批准"
        if action == "ship":
            services.ship_dispatch(request.user, d, day=dt.date.today(), vehicle=p.get("vehicle", ""), version=version)
            return "已发运出库"
        if action == "receive":
            received = {line.pk: p.get(f"received_{line.pk}", line.shipped) for line in d.lines.all()}
            services.confirm_receipt(request.user, d, day=dt.date.today(), received=received,
                                     name=p.get("name", ""), version=version)
            return "已确认签收"
        raise ReservesError("未知操作")
    return _done(request, f"/reserves/dispatches/{d.number}/", act)


@login_required
def dispatch_note(request, number):
    """The printable dispatch note (调拨单) as .docx."""
    d = _get_dispatch_for_user(request, number)
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading("应急物资调拨单", level=1)
    doc.add_paragraph(f"单号：{d.number}    事件：{d.event.name}")
    doc.add_paragraph(f"申请单位：{d.unit_name}（{d.get_unit_kind_display()}）    联系人：{d.contact}")
    doc.add_paragraph(f"申请日期：{d.requested_on:%Y-%m-%d}    批准日期：{d.approved_on or '—'}    "
                      f"发运日期：{d.shipped_on or '—'}    车辆：{d.vehicle or '—'}")
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["物资", "单位", "申请", "批准", "发运", "签收", "批号（仓库）"], strict=True):
        cell.text = text
    for line in d.lines.select_related("material").prefetch_related("picks__balance__lot", "picks__balance__warehouse"):
        cells = table.add_row().cells
        lots = "；".join(f"{p.balance.lot.batch}×{p.quantity}（{p.balance.warehouse.code}）" for p in line.picks.all())
        for cell, text in zip(cells, [line.material.name, line.material.unit, line.requested, line.approved,
                                      line.shipped, line.received, lots], strict=True):
            cell.text = str(text)
    doc.add_paragraph("")
    doc.add_paragraph(f"签收人：{d.received_by_name or '________'}    签收日期：{d.received_on or '________'}")
    buf = io.BytesIO()
    doc.save(buf)
    return download_response(buf.getvalue(), services.DOCUMENT_TYPES[".docx"][0], f"调拨单_{d.number}.docx")


# ---------------------------------------------------------------- contracts and call-offs


def _get_contract_for_user(request, number):
    return get_object_or_404(CapacityContract.objects.for_user(request.user).select_related("enterprise", "material"),
                             number=number)


@login_required
def contract_list(request):
    access = get_access(request.user)
    if not (access.sees_all or access.is_enterprise):
        raise PermissionDenied("您无权查看产能储备合同")
    day = _day(request.GET.get("date")) or _default_day()
    by = _day(request.GET.get("by")) or day + dt.timedelta(days=15)
    rows = stats.contract_rows(day, by, CapacityContract.objects.for_user(request.user))
    return render(request, "reserves/contract_list.html", {
        "page_title": "产能储备合同", "rows": rows, "day": day, "by": by, "can_manage": access.is_bureau,
        "materials": Material.objects.all(),
        "summary": stats.contracts_summary(day) if access.sees_all else None})


@login_required
@require_POST
def contract_new(request):
    services.require_manager(request.user)
    from gongxin.registry.models import Enterprise

    p = request.POST

    def act():
        enterprise = Enterprise.objects.filter(uscc=p.get("uscc", "").strip().upper()).first()
        if enterprise is None:
            raise ReservesError("未找到该统一社会信用代码的企业")
        material = Material.objects.filter(code=p.get("material", "")).first()
        if material is None:
            raise ReservesError("请选择物资")
        c = services.create_contract(request.user, number=p.get("number"), enterprise=enterprise, material=material,
                                     daily_capacity=p.get("daily_capacity"), switch_days=p.get("switch_days"),
                                     guaranteed_qty=p.get("guaranteed_qty"), guarantee_days=p.get("guarantee_days"),
                                     starts_on=_post_day(request, "starts_on", "开始日期", required=False), ends_on=_post_day(request, "ends_on", "结束日期", required=False),
                                     subsidy_wan=p.get("subsidy_wan"), obligations=p.get("obligations", ""))
        return f"已登记保障供应合同{c.number}"
    return _done(request, "/reserves/contracts/", act)


@login_required
def materials(request):
    """The catalogue with each material's reserve standard; bureau staff set the standards."""
    _require_reader(request.user)
    if request.method == "POST":
        services.require_manager(request.user)
        material = get_object_or_404(Material, code=request.POST.get("material", ""))
        p = request.POST

        def act():
            services.set_standard(request.user, material, peak_monthly=p.get("peak_monthly"), months=p.get("months"),
                                  min_months=p.get("min_months"), window_days=p.get("window_days", 30))
            return f"已设定{material.name}的储备标准"
        return _done(request, "/reserves/materials/", act)
    from .models import ReserveStandard

    standards = {s.material_id: s for s in ReserveStandard.objects.filter(level="city")}
    mats = list(Material.objects.all())
    for m in mats:
        m.standard = standards.get(m.pk)
    return render(request, "reserves/materials.html", {
        "page_title": "物资目录与储备标准", "materials": mats, "can_manage": get_access(request.user).is_bureau})


@login_required
def contract_detail(request, number):
    c = _get_contract_for_user(request, number)
    day = _default_day()
    row = stats.contract_rows(day, day + dt.timedelta(days=c.guarantee_days),
                              CapacityContract.objects.filter(pk=c.pk))[0]
    return render(request, "reserves/contract_detail.html", {
        "page_title": f"保障供应合同 {c.number}", "c": c, "row": row, "day": day,
        "calloffs": c.calloffs.select_related("warehouse").order_by("-ordered_on"),
        "documents": c.documents.all(), "payments": c.payments.all(),
        "can_manage": get_access(request.user).is_bureau, "warehouses": Warehouse.objects.all(),
        "doc_kinds": Document.Kind.choices, "today": dt.date.today()})


@login_required
@require_POST
def calloff_new(request, number):
    c = _get_contract_for_user(request, number)
    services.require_manager(request.user)
    p = request.POST

    def act():
        warehouse = Warehouse.objects.filter(code=p.get("warehouse", "")).first()
        if warehouse is None:
            raise ReservesError("请选择交付仓库")
        dispatch = Dispatch.objects.filter(number=p.get("dispatch", "")).first()
        co = services.create_calloff(request.user, c, qty=p.get("qty"), day=dt.date.today(), warehouse=warehouse,
                                     event=_event(), dispatch=dispatch)
        return f"已下达产能调用{co.number}"
    return _done(request, f"/reserves/contracts/{c.number}/", act)


@login_required
@require_POST
def calloff_deliver(request, pk):
    calloff = get_object_or_404(CallOff.objects.for_user(request.user).select_related("contract"), pk=pk)
    p = request.POST

    def act():
        m = services.deliver_calloff(request.user, calloff, qty=p.get("qty"), day=_post_day(request),
                                     batch=p.get("batch", ""), expires_on=_post_day(request, "expires_on", "有效期至", required=False),
                                     produced_on=_post_day(request, "produced_on", "生产日期", required=False))
        return f"已登记交付并入库，单据号{m.doc_no}"
    return _done(request, f"/reserves/contracts/{calloff.contract.number}/", act)


@login_required
@require_POST
def contract_document(request, number):
    c = _get_contract_for_user(request, number)
    services.require_manager(request.user)

    def act():
        upload = request.FILES.get("file")
        if not upload:
            raise ReservesError("请选择要上传的文件")
        services.add_document(request.user, upload, kind=request.POST.get("kind", ""),
                              title=request.POST.get("title", ""), contract=c)
        return "文件已上传"
    return _done(request, f"/reserves/contracts/{c.number}/", act)


@login_required
def document_download(request, pk):
    doc = get_object_or_404(Document.objects.select_related("purchase", "contract"), pk=pk)
    if doc.contract_id:
        _get_contract_for_user(request, doc.contract.number)
    else:
        _require_reader(request.user)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=doc.file.name.rsplit("/", 1)[-1],
                        content_type=doc.content_type or "application/octet-stream")


# ---------------------------------------------------------------- green-channel purchases


@login_required
def purchase_list(request):
    _require_reader(request.user)
    purchases = Purchase.objects.prefetch_related("lines__material").select_related("approver")
    flags = {f["line"].pk: f for f in stats.price_flags()}
    return render(request, "reserves/purchase_list.html", {
        "page_title": "应急采购（绿色通道）", "purchases": purchases, "flags": flags, "today": dt.date.today(),
        "can_manage": get_access(request.user).is_bureau, "materials": Material.objects.all()})


@login_required
@require_POST
def purchase_new(request):
    services.require_manager(request.user)
    p = request.POST
    mats = {m.code: m for m in Material.objects.all()}

    def act():
        event = _event()
        if event is None:
            raise ReservesError("当前没有应急事件")
        lines = []
        for i in range(1, 6):
            code = p.get(f"material_{i}", "")
            if code in mats and p.get(f"qty_{i}", "").strip():
                lines.append((mats[code], p.get(f"qty_{i}"), p.get(f"price_{i}")))
        pu = services.create_purchase(request.user, event=event, supplier=p.get("supplier", ""),
                                      day=_post_day(request), lines=lines, note=p.get("note", ""))
        return f"已登记采购单{pu.number}，待审批"
    return _done(request, "/reserves/purchases/", act)


@login_required
def purchase_detail(request, number):
    _require_reader(request.user)
    pu = get_object_or_404(Purchase, number=number)
    lines = list(pu.lines.select_related("material"))
    flags = {f["line"].pk: f for f in stats.price_flags(PurchaseLine.objects.filter(purchase=pu))}
    return render(request, "reserves/purchase_detail.html", {
        "page_title": f"应急采购 {pu.number}", "pu": pu, "lines": lines, "flags": flags,
        "total": sum(ln.amount for ln in lines), "documents": pu.documents.all(), "payments": pu.payments.all(),
        "movements": Movement.objects.filter(purchase_line__purchase=pu).select_related("material", "warehouse", "lot"),
        "paid": pu.payments.aggregate(s=Sum("amount"))["s"], "can_manage": get_access(request.user).is_bureau,
        "warehouses": Warehouse.objects.all(), "doc_kinds": Document.Kind.choices, "today": dt.date.today(),
        "history": _history(pu)})


@login_required
@require_POST
def purchase_action(request, number):
    services.require_manager(request.user)
    pu = get_object_or_404(Purchase, number=number)
    p = request.POST
    action = p.get("action")

    def act():
        if action == "approve":
            services.approve_purchase(request.user, pu, version=p.get("version"))
            return "采购单已审批"
        if action == "deliver":
            line = get_object_or_404(PurchaseLine, purchase=pu, pk=p.get("line") or 0)
            warehouse = Warehouse.objects.filter(code=p.get("warehouse", "")).first()
            if warehouse is None:
                raise ReservesError("请选择入库仓库")
            m = services.deliver_purchase(request.user, line, qty=p.get("qty"), day=_post_day(request),
                                          warehouse=warehouse, batch=p.get("batch", ""),
                                          expires_on=_post_day(request, "expires_on", "有效期至", required=False), produced_on=_post_day(request, "produced_on", "生产日期", required=False))
            return f"已到货入库，单据号{m.doc_no}"
        if action == "file":
            services.mark_filed(request.user, pu, day=_post_day(request))
            return "已登记备案公示"
        if action == "pay":
            services.record_payment(request.user, purchase=pu, amount=p.get("amount"), day=_post_day(request),
                                    voucher=p.get("voucher", ""))
            return "已登记付款"
        if action == "document":
            upload = request.FILES.get("file")
            if not upload:
                raise ReservesError("请选择要上传的文件")
            services.add_document(request.user, upload, kind=p.get("kind", ""), title=p.get("title", ""), purchase=pu)
            return "文件已上传"
        raise ReservesError("未知操作")
    return _done(request, f"/reserves/purchases/{pu.number}/", act)


# ---------------------------------------------------------------- reconciliation


@login_required
def reconciliation(request):
    _require_reader(request.user)
    from gongxin.lib import periods as P

    default = f"{_default_day():%Y-%m}"
    try:
        period = P.parse_period(request.GET.get("period", "") or default)
    except P.PeriodError:
        period = default
    year, month = P.split(period)
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rows = stats.reconciliation(start, end)
    return render(request, "reserves/reconciliation.html", {
        "page_title": "采购对账（账实、账账相符）", "rows": rows, "period": period,
        "ledger_problems": stats.check_balances(), "issues": sum(1 for r in rows if r["issues"]),
        "contracts": stats.contract_reconciliation(end)})
