"""Permit pages: apply (enterprise, phone), review queue (town, bureau), permit and pass pages, the
checkpoint page (offline verification), dashboard, overstays, export.

Every view fetches through `Permit.objects.for_user` (out of scope → 404) and checks the named rule
for what it does (not allowed → 403).
"""

import datetime as dt
import json

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.emergencies.models import Event, current_event
from gongxin.lib import bounds
from gongxin.lib.export import xlsx_response
from gongxin.registry.models import Enterprise

from . import divisions, services, signing, stats
from .exports import PermitExporter
from .forms import PermitForm
from .models import Checkpoint, Inspection, Permit, PermitPerson, ScreeningRule, VehicleProfile

S = Permit.Status
PAGE_SIZE = 50


# ---------------------------------------------------------------- helpers


def _event(request):
    code = request.GET.get("event") or request.POST.get("event")
    if code:
        return get_object_or_404(Event, code=code)
    return current_event() or Event.objects.filter(closed_at__isnull=True).order_by("-started_on").first()


def _permit_for_user(request, pk):
    return get_object_or_404(Permit.objects.for_user(request.user).select_related(
        "enterprise", "town", "event", "entry_checkpoint", "exit_checkpoint", "transfer_point"), pk=pk)


def _require_any(request, allowed, message="您没有权限访问该页面"):
    if not allowed:
        raise PermissionDenied(message)


def _sees_permits(access):
    return access.sees_all or access.is_town_officer or access.is_enterprise


def qr_svg(token, scale=4):
    """The token as an inline SVG QR code (byte mode, level L: the token carries its own signature)."""
    return segno.make(token, error="l", boost_error=False).svg_inline(scale=scale, border=4, dark="#000",
                                                                      light="#fff")


# ---------------------------------------------------------------- lists


@login_required
def permit_list(request):
    access = get_access(request.user)
    _require_any(request, _sees_permits(access))
    event = _event(request)
    qs = Permit.objects.for_user(request.user).filter(event=event).select_related("enterprise", "town")
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(plate__icontains=text.upper()) | Q(number__icontains=text) | Q(enterprise__name__icontains=text))
    page = Paginator(qs.prefetch_related("people"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "permits/list.html", {
        "page_title": "车辆接驳证明", "page": page, "event": event,
        "status": status, "q": text, "statuses": S.choices, "can_apply": access.is_enterprise,
        "can_review": access.is_bureau or access.is_town_officer,
    })


@login_required
def review_queue(request):
    access = get_access(request.user)
    _require_any(request, access.is_bureau or access.is_town_officer, "只有镇街和工信局工作人员可以审批接驳证明")
    qs = (Permit.objects.for_user(request.user).reviewable_by(request.user).queue()
          .select_related("enterprise", "town").prefetch_related("people"))
    return render(request, "permits/review.html", {"page_title": "接驳证明审批", "permits": list(qs)})


@login_required
def overstay_list(request):
    access = get_access(request.user)
    _require_any(request, access.sees_all or access.is_town_officer)
    qs = Permit.objects.for_user(request.user).overstaying().select_related("enterprise", "town", "entry_checkpoint")
    return render(request, "permits/overstays.html", {"page_title": "超时滞留车辆", "permits": list(qs.order_by("window_end"))})


@login_required
def export(request):
    access = get_access(request.user)
    _require_any(request, _sees_permits(access))
    event = _event(request)
    qs = Permit.objects.for_user(request.user).filter(event=event).select_related("enterprise", "town")
    log_action(request.user, "permits.export", event, {"rows": qs.count()})
    return xlsx_response(PermitExporter(qs.prefetch_related("people")))


@login_required
def dashboard(request):
    access = get_access(request.user)
    _require_any(request, access.sees_all or access.is_town_officer)
    event = _event(request)
    permits = Permit.objects.for_user(request.user).filter(event=event)
    inspections = Inspection.objects.filter(event=event, permit__in=permits) if not access.sees_all else \
        Inspection.objects.filter(event=event)
    return render(request, "permits/dashboard.html", {"page_title": "车辆接驳概况", "event": event,
                                                       "d": stats.dashboard(permits, inspections)})


# ---------------------------------------------------------------- application


def _prefill(request, enterprise):
    """Initial values from a vehicle profile: `?vehicle=<plate>` or `?pass=<national pass number>`."""
    initial = {"dest_address": enterprise.address}
    plate, national = request.GET.get("vehicle", "").strip(), request.GET.get("pass", "").strip()
    profiles = VehicleProfile.objects.filter(enterprise=enterprise)
    profile = (profiles.filter(plate=plate).first() if plate else
               profiles.filter(national_pass_no=national).first() if national else None)
    if national and profile is None:
        messages.warning(request, f"未找到全国通行证编号“{national}”的车辆记录，请手工填写")
        initial["national_pass_no"] = national
    if profile is None:
        return initial
    initial.update(plate=profile.plate, vehicle_type=profile.vehicle_type, national_pass_no=profile.national_pass_no)
    last = (Permit.objects.filter(enterprise=enterprise, plate=profile.plate).prefetch_related("people")
            .order_by("-applied_at").first())
    if last:
        code = last.origin_code
        initial.update(origin_province=code[:2] + "0000", origin_city=divisions.parent(code), origin_county=code,
                       route=last.route, cargo=last.cargo, urgency=last.urgency)
        for i, person in enumerate(last.people.all()):
            if person.id_number:
                initial.update({f"p{i}_name": person.name, f"p{i}_id_number": person.id_number,
                                f"p{i}_phone": person.phone})
    return initial


@login_required
def apply(request):
    access = get_access(request.user)
    _require_any(request, access.is_enterprise and access.enterprise_ids, "只有企业填报人员可以申请接驳证明")
    chosen = request.GET.get("enterprise", "")
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user),
                                   pk=bounds.pk(chosen) if chosen else min(access.enterprise_ids))
    _require_any(request, services.can_apply(request.user, enterprise))
    event = _event(request)
    if event is None:
        messages.error(request, "当前没有进行中的应急事件，不能申请接驳证明")
        return redirect("/permits/")
    status = 200
    if request.method == "POST":
        form = PermitForm(request.POST, request.FILES, event=event, enterprise=enterprise)
        if form.is_valid():
            try:
                permit = services.apply(request.user, enterprise, event, form.permit_fields(), form.people_rows())
            except services.DomainError as e:
                messages.error(request, str(e))
                status = 400
            else:
                messages.success(request, "申请已提交，镇街审批后可在本页查看通行二维码")
                return redirect(permit.get_absolute_url())
        else:
            status = 400
    else:
        form = PermitForm(initial=_prefill(request, enterprise), event=event, enterprise=enterprise)
    people = [[form[f"p{i}_{f}"] for f in ("profile", "name", "id_number", "phone", "test_sampled_at", "certificate")]
              for i in range(3)]
    return render(request, "permits/apply.html", {
        "page_title": "申请车辆接驳证明", "form": form, "people": people, "enterprise": enterprise, "event": event,
        "vehicles": VehicleProfile.objects.filter(enterprise=enterprise)[:10],
    }, status=status)


@require_GET
@login_required
def divisions_json(request):
    parent = request.GET.get("parent", "")
    if parent and parent not in divisions.names():
        return JsonResponse({"items": []})
    items = divisions.below(parent) if parent else divisions.provinces()
    return JsonResponse({"items": [{"code": c, "name": n, "leaf": divisions.is_county(c)} for c, n in items]})


# ---------------------------------------------------------------- one permit


def _timeline(permit):
    steps = [(permit.applied_at, "申请", f"{permit.enterprise.name}提交申请（{permit.get_urgency_display()}）", "secondary")]
    if permit.decided_at:
        if permit.status == S.REFUSED:
            steps.append((permit.decided_at, "不予批准", f"用时{permit.approval_minutes}分钟；理由：{permit.refuse_reason}", "danger"))
        else:
            steps.append((permit.decided_at, "批准", f"编号{permit.number}，用时{permit.approval_minutes}分钟", "success"))
    if permit.prenotified_at:
        steps.append((permit.prenotified_at, "到达预告", f"已通知{permit.town.name}", "info"))
    for i in permit.inspections.select_related("checkpoint").order_by("scanned_at"):
        text = f"{i.checkpoint.name}{i.get_direction_display()}查验：{i.get_result_display()}"
        if i.reason:
            text += f"（{i.reason}）"
        steps.append((i.scanned_at, f"卡口{i.get_direction_display()}", text + ("（离线查验）" if i.offline else ""),
                      "success" if i.result == Inspection.Result.PASSED else "danger"))
    for moment, label, text, tone in ((permit.arrived_at, "到达企业", "企业确认车辆到达", "success"),
                                      (permit.unloaded_at, "卸货完成", "企业确认卸货完成", "success"),
                                      (permit.overstay_alerted_at, "超时提醒", "有效期已过仍未离境", "warning"),
                                      (permit.revoked_at, "撤销", permit.revoke_reason, "danger")):
        if moment:
            steps.append((moment, label, text, tone))
    return sorted(steps, key=lambda s: s[0])


@login_required
def detail(request, pk):
    permit = _permit_for_user(request, pk)
    user = request.user
    return render(request, "permits/detail.html", {
        "page_title": "接驳证明", "permit": permit,
        "people": list(permit.people.all()), "timeline": _timeline(permit),
        "can_review": services.can_review(user, permit) and permit.status == S.SUBMITTED,
        "can_revoke": services.can_review(user, permit) and permit.status == S.APPROVED,
        "can_reveal": services.can_reveal(user, permit) and not permit.purged_at,
        "can_arrive": services.can_confirm_trip(user, permit) and permit.entered_at and not permit.arrived_at,
        "can_unload": services.can_confirm_trip(user, permit) and permit.arrived_at and not permit.unloaded_at,
        "has_pass": permit.status in (S.APPROVED, S.REVOKED),
    })


def _transition(request, pk, action, ok_message):
    permit = _permit_for_user(request, pk)
    try:
        action(permit)
    except services.DomainError as e:
        messages.error(request, str(e))
        if request.POST.get("next") == "review":
            return redirect("/permits/review/")
        return redirect(permit.get_absolute_url())
    messages.success(request, ok_message(permit))
    if request.POST.get("next") == "review":
        return redirect("/permits/review/")
    return redirect(permit.get_absolute_url())


@require_POST
@login_required
def approve(request, pk):
    def act(permit):
        act.done = services.approve(request.user, permit, request.POST.get("version"))
    return _transition(request, pk, act, lambda p: f"已批准：{act.done.plate}，证明编号{act.done.number}")


@require_POST
@login_required
def refuse(request, pk):
    return _transition(request, pk, lambda p: services.refuse(request.user, p, request.POST.get("reason"),
                                                              request.POST.get("version")),
                       lambda p: f"已不予批准：{p.plate}")


@require_POST
@login_required
def revoke(request, pk):
    return _transition(request, pk, lambda p: services.revoke(request.user, p, request.POST.get("reason")),
                       lambda p: f"已撤销证明{p.number}，各卡口更新后即拒绝放行")


@require_POST
@login_required
def arrive(request, pk):
    return _transition(request, pk, lambda p: services.confirm_arrival(request.user, p), lambda p: "已确认车辆到达")


@require_POST
@login_required
def unload(request, pk):
    return _transition(request, pk, lambda p: services.confirm_unloading(request.user, p), lambda p: "已确认卸货完成")


def _pass_context(request, pk):
    permit = _permit_for_user(request, pk)
    if permit.status not in (S.APPROVED, S.REVOKED):
        raise Http404("证明尚未批准")
    token = services.token_for(permit)
    return {"permit": permit, "token": token, "qr": qr_svg(token), "people": list(permit.people.all()),
            "page_title": f"接驳证明 {permit.number}"}


@login_required
def print_permit(request, pk):
    return render(request, "permits/print.html", _pass_context(request, pk))


@login_required
def phone_pass(request, pk):
    return render(request, "permits/pass.html", _pass_context(request, pk))


@require_POST
@login_required
def reveal(request, pk):
    """The full ID number of one person (approver; checkpoint staff with the permit's token), audited."""
    person = get_object_or_404(PermitPerson.objects.select_related("permit"), pk=pk)
    token = request.POST.get("token", "")
    visible = Permit.objects.for_user(request.user).filter(pk=person.permit_id).exists()
    if not visible and not (get_access(request.user).staffs_checkpoint and token):
        raise Http404
    try:
        value = services.reveal(request.user, person, request.POST.get("field", "id_number")
                                if request.POST.get("field") in ("id_number", "phone") else "id_number", token)
    except services.DomainError as e:
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse({"value": value})


# ---------------------------------------------------------------- the checkpoint


def checkpoint_config(event):
    """What the checkpoint page caches to verify offline: keys, revocations, entries, rules."""
    permits = Permit.objects.filter(event=event)
    return {
        "event": event.code,
        "generated_at": timezone.now().isoformat(),
        "keys": signing.public_keys(),
        "revoked": list(permits.filter(status=S.REVOKED).values_list("number", flat=True)),
        "entered": list(permits.filter(entered_at__isnull=False).values_list("number", flat=True)),
        "departed": list(permits.filter(departed_at__isnull=False).values_list("number", flat=True)),
        "handed": list(permits.filter(handed_over_at__isnull=False).values_list("number", flat=True)),
        "checklist": ScreeningRule.for_event(event).checklist,
        "checkpoints": [{"id": c.id, "name": c.name, "transfer": c.is_transfer_point}
                        for c in Checkpoint.objects.filter(event=event)],
    }


def _require_checkpoint(request):
    _require_any(request, get_access(request.user).staffs_checkpoint, "只有卡口值守人员（镇街、工信局工作人员）可以使用卡口查验")


@login_required
def checkpoint(request):
    _require_checkpoint(request)
    event = _event(request)
    if event is None:
        raise Http404("没有应急事件")
    return render(request, "permits/checkpoint.html", {"page_title": "卡口查验", "event": event,
                                                        "config": checkpoint_config(event)})


@require_GET
@login_required
def checkpoint_config_json(request):
    _require_checkpoint(request)
    event = _event(request)
    if event is None:
        raise Http404
    return JsonResponse(checkpoint_config(event))


@require_POST
@login_required
def checkpoint_record(request):
    _require_checkpoint(request)
    try:
        data = json.loads(request.body or b"{}")
        checkpoint = Checkpoint.objects.get(pk=bounds.pk(data.get("checkpoint")))
    except (ValueError, TypeError, AttributeError, Checkpoint.DoesNotExist):  # not JSON, not an object, no such 卡口
        return JsonResponse({"error": "请选择卡口"}, status=400)
    try:
        scanned_at = parse_datetime(str(data.get("scanned_at") or "")) or timezone.now()
        bounds.date(scanned_at.date(), "扫码时间", earliest=dt.date(2000, 1, 1))
    except ValueError:  # malformed, or a year a clock cannot have been set to (the queue keeps real times)
        return JsonResponse({"error": "扫码时间无效"}, status=400)
    if timezone.is_naive(scanned_at):
        scanned_at = timezone.make_aware(scanned_at)
    try:
        inspection, created = services.record_inspection(
            request.user, token=str(data.get("token") or ""), checkpoint=checkpoint,
            direction=str(data.get("direction") or ""), people_results=data.get("people") or [],
            plate_seen=str(data.get("plate_seen") or "")[:10], scanned_at=scanned_at,
            client_id=str(data.get("client_id") or ""), offline=bool(data.get("offline")))
    except services.DomainError as e:
        return JsonResponse({"error": str(e)}, status=400)
    return JsonResponse({"id": inspection.id, "created": created, "result": inspection.result,
                         "result_label": inspection.get_result_display(), "reason": inspection.reason,
                         "permit": inspection.permit_number})


@login_required
def inspection_log(request):
    access = get_access(request.user)
    _require_any(request, access.sees_all or access.is_town_officer)
    event = _event(request)
    qs = Inspection.objects.filter(event=event).select_related("checkpoint", "inspector")
    if not access.sees_all:
        qs = qs.filter(Q(permit__in=Permit.objects.for_user(request.user)) | Q(inspector=request.user))
    result = request.GET.get("result", "")
    if result in Inspection.Result.values:
        qs = qs.filter(result=result)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "permits/inspections.html", {"page_title": "卡口查验记录", "page": page, "result": result})


@require_POST
@login_required
def checkpoint_reveal(request):
    """At the checkpoint: the full ID number of the person `order` of the permit whose token is held."""
    _require_checkpoint(request)
    token = request.POST.get("token", "")
    try:
        number = signing.verify(token).number
    except signing.TokenError as e:
        return JsonResponse({"error": str(e)}, status=400)
    person = get_object_or_404(PermitPerson, permit__number=number, order=request.POST.get("order") or -1)
    try:
        return JsonResponse({"value": services.reveal(request.user, person, "id_number", token)})
    except services.DomainError as e:
        return JsonResponse({"error": str(e)}, status=400)


def checkpoint_service_worker(request):
    """The checkpoint page's service worker (scope /permits/checkpoint/): static code, no data."""
    response = render(request, "permits/checkpoint-sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
