"""Prevention supervision pages. Every view fetches through a `for_user` scope first (404 out of
scope), then checks who may act (403); changes go through services.py."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, region_q, require_bureau
from gongxin.emergencies.models import Event, current_event
from gongxin.lib import bounds
from gongxin.lib.export import xlsx_response
from gongxin.lib.forms import refusal
from gongxin.lib.masking import mask_id_number
from gongxin.notices.models import Notice, NoticeRead
from gongxin.notices.services import mark_read
from gongxin.registry.models import Enterprise

from . import services, stats
from .exporters import CohortWorkerExporter, mask_name
from .forms import (
    InspectionForm,
    NoticeForm,
    ReasonForm,
    RectifyForm,
    RegimeForm,
    RegistrationForm,
    RoundForm,
    StatusReportForm,
    new_token,
)
from .models import (
    ChecklistItem,
    CohortWorker,
    Evidence,
    Finding,
    Inspection,
    InspectionTemplate,
    NoticeAttachment,
    PolicyNotice,
    Registration,
    SamplingPoint,
    TestingRegime,
    TestingRound,
)

RS = Registration.Status


# ---------------------------------------------------------------- helpers


def _require_overview(user):
    """Dashboards and summaries: the bureau, leaders and town officers (their town's figures)."""
    access = get_access(user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("您无权查看防控督导汇总")


def _require_role(user):
    if not get_access(user).roles:
        raise PermissionDenied("您的账号尚未分配角色")


def _scope_user(user):
    """None for those who see everything (whole-county figures), else the user (scoped figures)."""
    return None if get_access(user).sees_all else user


def _event(request):
    """The event from ?event=, else the one in force today, else the latest."""
    code = request.GET.get("event", "").strip()
    if code:
        return get_object_or_404(Event, code=code)
    event = current_event() or Event.objects.order_by("-started_on").first()
    if event is None:
        raise Http404("尚未设立应急事件")
    return event


def _day(request):
    """The day asked for (?date=), today when blank, malformed or outside 1900–2100."""
    try:
        return bounds.date(dt.date.fromisoformat(request.GET.get("date", "").strip()), "日期")
    except ValueError:
        return timezone.localdate()


def _supervised(user):
    """Enterprises the user may supervise (bureau: all listed; town officer: their town's)."""
    access = get_access(user)
    if not (access.is_bureau or access.is_town_officer):
        return Enterprise.objects.none()
    qs = Enterprise.objects.for_user(user)
    return qs if not access.is_bureau else qs.filter(list_years__isnull=False).distinct()


def _error_redirect(request, message, url):
    messages.error(request, message)
    return redirect(url)


def _download(field_file, name, content_type):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as e:
        raise Http404("文件不存在") from e
    return FileResponse(handle, as_attachment=not content_type.startswith("image/"), filename=name,
                        content_type=content_type or None)


# ---------------------------------------------------------------- dashboard and daily summary


@login_required
def dashboard(request):
    _require_overview(request.user)
    event, day, scope = _event(request), _day(request), _scope_user(request.user)
    return render(request, "prevention/dashboard.html", {
        "page_title": "企业防控督导", "event": event, "day": day, "events": Event.objects.all(),
        "loop": stats.closed_loop(event, day, scope), "found": stats.findings(event, day, scope),
        "testing": stats.testing(event, day, scope), "notices": stats.notice_rows(event, day, scope),
    })


@login_required
def summary(request):
    _require_overview(request.user)
    event, day = _event(request), _day(request)
    try:
        cutoff = dt.time.fromisoformat(request.GET.get("cutoff", "17:00"))
    except ValueError:
        cutoff = dt.time(17, 0)
    return render(request, "prevention/summary.html", {
        "page_title": "防控督导日报", "event": event, "day": day, "cutoff": cutoff,
        "s": stats.daily_summary(event, day, cutoff, _scope_user(request.user)),
    })


# ---------------------------------------------------------------- notices


def _get_notice(request, pk):
    return get_object_or_404(PolicyNotice.objects.for_user(request.user).select_related("event"), pk=pk)


def _own_notice_row(user, notice):
    """The enterprise reporter's copy of the notice (their enterprise's `Notice`), or None."""
    ids = get_access(user).enterprise_ids
    return Notice.objects.filter(source=notice.source, enterprise_id__in=ids).order_by("pk").first() if ids else None


@login_required
def notice_list(request):
    _require_role(request.user)
    notices = PolicyNotice.objects.for_user(request.user).filter(published_at__isnull=False).select_related("event")
    access = get_access(request.user)
    rows = []
    if access.sees_all or access.is_town_officer:
        scope = _scope_user(request.user)
        for n in notices:
            sent = Notice.objects.filter(source=n.source, enterprise__isnull=False)
            read = NoticeRead.objects.filter(notice__source=n.source, enterprise__isnull=False)
            if scope is not None:
                sent, read = sent.filter(enterprise__in=Enterprise.objects.for_user(scope)), read.filter(
                    enterprise__in=Enterprise.objects.for_user(scope))
            targets, done = sent.count(), read.values("enterprise_id").distinct().count()
            rows.append((n, targets, done, targets - done))
    else:
        read = set(NoticeRead.objects.filter(user=request.user, notice__source__startswith=PolicyNotice.SOURCE_PREFIX)
                   .values_list("notice__source", flat=True))
        rows = [(n, None, n.source in read, None) for n in notices]
    return render(request, "prevention/notice_list.html", {
        "page_title": "政策文件转发", "rows": rows, "can_publish": access.is_bureau, "overview": access.sees_all
        or access.is_town_officer})


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request):
    require_bureau(request.user)
    event = _event(request)
    form = NoticeForm(request.POST or None, request.FILES or None, initial={"token": new_token()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.publish_notice(
                request.user, event, title=d["title"], issuer=d["issuer"], doc_number=d["doc_number"], body=d["body"],
                target=d["target"], groups=d["groups"], towns=d["towns"], tiers=d["tiers"],
                enterprises=d.get("enterprise_list", []), files=d["files"], token=d["token"] or None)
        except (services.DomainError, services.UploadRefused) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已转发{notice}")
            return redirect(f"/prevention/notices/{notice.pk}/")
    return render(request, "prevention/notice_form.html", {"page_title": "转发政策文件", "form": form, "event": event},
                  status=400 if request.method == "POST" else 200)


@login_required
def notice_detail(request, pk):
    notice = _get_notice(request, pk)
    access = get_access(request.user)
    own = _own_notice_row(request.user, notice)
    ctx = {"page_title": notice.title, "notice": notice, "own": own,
           "read": NoticeRead.objects.filter(notice=own, user=request.user).first() if own else None,
           "attachments": notice.attachments.all(), "can_remind": access.is_bureau}
    if access.sees_all or access.is_town_officer:
        by_town = stats.notice_by_town(notice, _scope_user(request.user))
        ctx.update(by_town=by_town, unread_total=sum(len(r[3]) for r in by_town),
                   audit=entries_for(notice)[:10] if access.is_bureau else [])
    return render(request, "prevention/notice_detail.html", ctx)


@login_required
@require_POST
def notice_confirm(request, pk):
    notice = _get_notice(request, pk)
    own = _own_notice_row(request.user, notice)
    if own is None:
        raise PermissionDenied("只有收文企业可以确认阅读")
    if mark_read(own, request.user):
        messages.success(request, "已确认阅读")
    return redirect(f"/prevention/notices/{notice.pk}/")


@login_required
@require_POST
def notice_remind(request, pk):
    notice = _get_notice(request, pk)
    sent = services.remind_unread(request.user, notice)
    if sent:
        messages.success(request, f"已向{sent}家未读企业发送阅读提醒")
    else:
        messages.info(request, "今天已提醒过全部未读企业（每家每天一次）")
    return redirect(f"/prevention/notices/{notice.pk}/")


@login_required
def notice_attachment(request, pk, att_id):
    notice = _get_notice(request, pk)
    att = get_object_or_404(NoticeAttachment, pk=att_id, notice=notice)
    return _download(att.file, att.name, att.content_type)


# ---------------------------------------------------------------- closed-loop production


def _get_registration(request, pk):
    qs = Registration.objects.for_user(request.user).select_related("event", "enterprise", "enterprise__town")
    return get_object_or_404(qs, pk=pk)


@login_required
def registration_list(request):
    _require_role(request.user)
    regs = Registration.objects.for_user(request.user).select_related("event", "enterprise", "enterprise__town")
    status = request.GET.get("status", "")
    if status in RS.values:
        regs = regs.filter(status=status)
    if bounds.pk(request.GET.get("town")) is not None:
        regs = regs.filter(enterprise__town_id=bounds.pk(request.GET["town"]))
    if request.GET.get("event"):
        regs = regs.filter(event__code=request.GET["event"])
    else:
        regs = regs.filter(event__closed_at__isnull=True)
    page = Paginator(regs, 50).get_page(request.GET.get("page"))
    access = get_access(request.user)
    return render(request, "prevention/registration_list.html", {
        "page_title": "封闭生产", "page": page, "status": status, "statuses": RS.choices, "total": regs.count(),
        "can_register": access.is_enterprise or access.is_bureau or access.is_town_officer})


@login_required
@require_http_methods(["GET", "POST"])
def registration_create(request):
    access = get_access(request.user)
    if access.read_only:
        raise PermissionDenied("您没有登记权限")
    event = _event(request)
    if access.is_bureau or access.is_town_officer:
        enterprises = _supervised(request.user)
    else:
        enterprises = Enterprise.objects.filter(pk__in=access.enterprise_ids)
    enterprises = enterprises.exclude(closed_loop__event=event).order_by("name")
    items = [(i, None) for i in ChecklistItem.objects.filter(event=event, active=True)]
    form = RegistrationForm(request.POST or None, enterprises=enterprises, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            reg = services.register(request.user, event, form.cleaned_data["enterprise"], form.data_fields(),
                                    form.item_statuses())
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已登记，等待镇街审核")
            return redirect(f"/prevention/closed-loop/{reg.pk}/")
    return render(request, "prevention/registration_form.html", {
        "page_title": "封闭生产登记", "form": form, "event": event}, status=400 if request.method == "POST" else 200)


@login_required
def registration_detail(request, pk):
    reg = _get_registration(request, pk)
    user = request.user
    return render(request, "prevention/registration_detail.html", {
        "page_title": f"{reg.enterprise.name} · 封闭生产", "reg": reg, "items": reg.items.select_related("item"),
        "history": reg.history.all(), "reports": reg.reports.all()[:30],
        "can_edit": services.can_answer(user, reg.enterprise) and reg.status != RS.REVOKED,
        "can_review": services.can_supervise(user, reg.enterprise),
        "reason_form": ReasonForm(initial={"version": reg.version}),
        "report_form": StatusReportForm() if services.can_answer(user, reg.enterprise) else None,
        "hash_ok": reg.status != RS.APPROVED or reg.data_hash() == reg.approved_hash,
        "audit": entries_for(reg)[:20] if get_access(user).is_bureau else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def registration_edit(request, pk):
    reg = _get_registration(request, pk)
    if not services.can_answer(request.user, reg.enterprise):
        raise PermissionDenied("您不能修改该登记")
    current = {i.item_id: i for i in reg.items.all()}
    items = [(i, current.get(i.pk)) for i in ChecklistItem.objects.filter(event=reg.event)
             if i.active or i.pk in current]
    form = RegistrationForm(request.POST or None, instance=reg if request.method == "GET" else None, editing=True,
                            items=items, initial={"version": reg.version})
    if request.method == "POST" and form.is_valid():
        try:
            was = reg.status
            reg = services.update_registration(request.user, reg, form.cleaned_data.get("version"), form.data_fields(),
                                               form.item_statuses())
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            if was == RS.APPROVED and reg.status == RS.PENDING:
                messages.warning(request, "已保存。批准后的登记内容发生变更，已退回待审核，请等待镇街重新审核。")
            else:
                messages.success(request, "已保存")
            return redirect(f"/prevention/closed-loop/{reg.pk}/")
    return render(request, "prevention/registration_form.html", {
        "page_title": f"修改封闭生产登记：{reg.enterprise.name}", "form": form, "reg": reg, "event": reg.event},
        status=400 if request.method == "POST" else 200)


REG_ACTIONS = {
    "approve": (lambda u, r, v, reason: services.approve_registration(u, r, v), "已批准"),
    "return": (services.return_registration, "已退回"),
    "suspend": (services.suspend_registration, "已暂停"),
    "revoke": (services.revoke_registration, "已撤销"),
}


@login_required
@require_POST
def registration_action(request, pk, action):
    reg = _get_registration(request, pk)
    if action not in REG_ACTIONS:
        raise Http404()
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _error_redirect(request, refusal(form), f"/prevention/closed-loop/{reg.pk}/")
    run, done = REG_ACTIONS[action]
    try:
        run(request.user, reg, form.cleaned_data["version"], form.cleaned_data["reason"])
    except services.DomainError as e:
        return _error_redirect(request, str(e), f"/prevention/closed-loop/{reg.pk}/")
    messages.success(request, done)
    return redirect(f"/prevention/closed-loop/{reg.pk}/")


@login_required
@require_POST
def registration_report(request, pk):
    reg = _get_registration(request, pk)
    form = StatusReportForm(request.POST)
    if not form.is_valid():
        return _error_redirect(request, f"情况报告未保存：{refusal(form)}",
                               f"/prevention/closed-loop/{reg.pk}/")
    try:
        services.add_status_report(request.user, reg, **form.cleaned_data)
    except services.DomainError as e:
        return _error_redirect(request, str(e), f"/prevention/closed-loop/{reg.pk}/")
    messages.success(request, "已报告")
    return redirect(f"/prevention/closed-loop/{reg.pk}/")


# ---------------------------------------------------------------- inspections and findings


def _get_inspection(request, pk):
    qs = Inspection.objects.for_user(request.user).select_related("event", "enterprise", "template", "inspector")
    return get_object_or_404(qs, pk=pk)


def _get_finding(request, pk):
    qs = Finding.objects.for_user(request.user).select_related("event", "enterprise", "enterprise__town", "inspection")
    return get_object_or_404(qs, pk=pk)


@login_required
def inspection_list(request):
    _require_role(request.user)
    qs = Inspection.objects.for_user(request.user).select_related("enterprise", "enterprise__town", "event")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    access = get_access(request.user)
    return render(request, "prevention/inspection_list.html", {
        "page_title": "督导检查", "page": page, "can_inspect": access.is_bureau or access.is_town_officer})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    access = get_access(request.user)
    if not (access.is_bureau or access.is_town_officer):
        raise PermissionDenied("仅镇街或工信局工作人员可以录入督导检查")
    event = _event(request)
    template = InspectionTemplate.objects.filter(active=True).first()
    if template is None:
        return _error_redirect(request, "尚未设置督导检查表", "/prevention/inspections/")
    enterprises = _supervised(request.user).filter(closed_loop__event=event).order_by("name")
    initial = {"token": new_token()}
    if request.GET.get("enterprise"):
        initial["enterprise"] = enterprises.filter(uscc=request.GET["enterprise"]).first()
    form = InspectionForm(request.POST or None, enterprises=enterprises, template=template, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        findings = [{"description": d["finding"], "severity": d["severity"], "deadline": d["deadline"]}] \
            if d["finding"].strip() else []
        try:
            inspection = services.record_inspection(request.user, event, d["enterprise"], template, day=d["day"],
                                                    team=d["team"], note=d["note"], answers=form.answers(),
                                                    findings=findings, token=d["token"])
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已录入督导检查" + ("，问题已交企业整改" if findings else ""))
            return redirect(f"/prevention/inspections/{inspection.pk}/")
    return render(request, "prevention/inspection_form.html", {
        "page_title": "录入督导检查", "form": form, "event": event, "template": template},
        status=400 if request.method == "POST" else 200)


@login_required
def inspection_detail(request, pk):
    inspection = _get_inspection(request, pk)
    return render(request, "prevention/inspection_detail.html", {
        "page_title": str(inspection), "inspection": inspection,
        "answers": inspection.answers.select_related("item"), "findings": inspection.findings.all()})


@login_required
def finding_list(request):
    _require_role(request.user)
    qs = Finding.objects.for_user(request.user).select_related("enterprise", "enterprise__town", "event")
    if request.GET.get("event"):
        qs = qs.filter(event__code=request.GET["event"])
    else:
        qs = qs.filter(event__closed_at__isnull=True)
    status = request.GET.get("status", "")
    overdue = bool(request.GET.get("overdue"))
    if overdue:
        qs = qs.filter(status=Finding.Status.OPEN, deadline__lt=timezone.localdate())
    elif status in Finding.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "prevention/finding_list.html", {
        "page_title": "检查发现问题与整改", "page": page, "status": status, "overdue": overdue,
        "statuses": Finding.Status.choices, "total": qs.count(), "today": timezone.localdate()})


@login_required
def finding_detail(request, pk):
    finding = _get_finding(request, pk)
    user = request.user
    steps = finding.steps.prefetch_related("evidence")
    return render(request, "prevention/finding_detail.html", {
        "page_title": "问题整改", "finding": finding, "steps": steps, "today": timezone.localdate(),
        "can_rectify": finding.status == Finding.Status.OPEN and services.can_answer(user, finding.enterprise),
        "can_verify": finding.status == Finding.Status.RECTIFIED and services.can_supervise(user, finding.enterprise),
        "rectify_form": RectifyForm(initial={"version": finding.version}),
        "reason_form": ReasonForm(initial={"version": finding.version}),
        "audit": entries_for(finding)[:20] if get_access(user).is_bureau else [],
    })


@login_required
@require_POST
def finding_rectify(request, pk):
    finding = _get_finding(request, pk)
    if not services.can_answer(request.user, finding.enterprise):
        raise PermissionDenied("您不能为该企业报告整改")
    form = RectifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _error_redirect(request, f"整改情况未保存：{refusal(form)}", f"/prevention/findings/{pk}/")
    try:
        services.rectify(request.user, finding, form.cleaned_data["version"], form.cleaned_data["note"],
                         form.cleaned_data["files"])
    except (services.DomainError, services.UploadRefused) as e:
        messages.error(request, str(e))
        return render(request, "prevention/finding_refused.html", {"page_title": "整改材料未通过检查",
                                                                   "finding": finding, "message": str(e)}, status=400)
    messages.success(request, "已报告整改，等待核验")
    return redirect(f"/prevention/findings/{pk}/")


@login_required
@require_POST
def finding_review(request, pk, action):
    finding = _get_finding(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _error_redirect(request, refusal(form), f"/prevention/findings/{pk}/")
    try:
        if action == "verify":
            services.verify(request.user, finding, form.cleaned_data["version"], form.cleaned_data["reason"])
            messages.success(request, "已核验销号")
        elif action == "reject":
            services.reject(request.user, finding, form.cleaned_data["version"], form.cleaned_data["reason"])
            messages.success(request, "已退回企业继续整改")
        else:
            raise Http404()
    except services.DomainError as e:
        messages.error(request, str(e))
    return redirect(f"/prevention/findings/{pk}/")


@login_required
def evidence_download(request, pk):
    ev = get_object_or_404(Evidence.objects.select_related("step__finding"), pk=pk)
    _get_finding(request, ev.step.finding_id)  # scope
    return _download(ev.file, ev.name, ev.content_type)


# ---------------------------------------------------------------- testing


@login_required
def testing(request):
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer or access.is_enterprise):
        raise PermissionDenied("您无权查看核酸检测")
    event, day = _event(request), _day(request)
    if access.sees_all or access.is_town_officer:
        scope = _scope_user(request.user)
        return render(request, "prevention/testing.html", {
            "page_title": "常态化核酸检测", "event": event, "day": day, "t": stats.testing(event, day, scope),
            "periods": stats.testing_periods(event, day, scope),
            "regimes": TestingRegime.objects.filter(event=event),
            "points": _sampling_points(event, request.user),
            "can_record": access.is_bureau or access.is_town_officer, "can_manage": access.is_bureau})
    rounds = TestingRound.objects.for_user(request.user).filter(event=event).select_related(
        "regime", "enterprise", "sampling_point")
    return render(request, "prevention/testing_own.html", {"page_title": "核酸检测记录", "event": event,
                                                           "rounds": rounds})


def _sampling_points(event, user):
    """Sampling points with the enterprises they served (a joint point serves several)."""
    points = SamplingPoint.objects.filter(event=event).select_related("town")
    if not get_access(user).sees_all:
        points = points.filter(region_q(user, "town__"))
    served = {}
    for pid, name in (TestingRound.objects.filter(sampling_point__in=points).values_list("sampling_point_id",
                                                                                      "enterprise__name")
                      .distinct().order_by("enterprise__name")):
        served.setdefault(pid, []).append(name)
    return [(p, served.get(p.pk, [])) for p in points]


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    access = get_access(request.user)
    if not (access.is_bureau or access.is_town_officer):
        raise PermissionDenied("仅镇街或工信局工作人员可以录入检测轮次")
    event = _event(request)
    enterprises = _supervised(request.user).filter(closed_loop__event=event).order_by("name")
    form = RoundForm(request.POST or None, event=event, enterprises=enterprises,
                     initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rnd = services.record_round(request.user, d["regime"], d["enterprise"], day=d["day"],
                                        headcount=d["headcount"], tested=d["tested"], tubes=d["tubes"], team=d["team"],
                                        sampling_point=d["sampling_point"])
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            if rnd.below_required:
                messages.warning(request, f"已录入。实检{rnd.tested}人，低于应检{rnd.required}人，存在漏检")
            else:
                messages.success(request, "已录入检测轮次")
            return redirect(f"/prevention/testing/?event={event.code}")
    return render(request, "prevention/round_form.html", {"page_title": "录入核酸检测", "form": form, "event": event},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def regime_create(request):
    require_bureau(request.user)
    event = _event(request)
    form = RegimeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_regime(request.user, event, form.cleaned_data)
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已设置检测制度")
            return redirect(f"/prevention/testing/?event={event.code}")
    return render(request, "prevention/regime_form.html", {"page_title": "设置检测制度", "form": form, "event": event},
                  status=400 if request.method == "POST" else 200)


def _workers(request):
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer or access.is_enterprise):
        raise PermissionDenied("您无权查看重点人群")
    return CohortWorker.objects.for_user(request.user).select_related("enterprise", "regime", "event")


@login_required
def worker_list(request):
    rows = [(w, mask_name(w.name), mask_id_number(w.id_number) or "（已清除）") for w in _workers(request)]
    return render(request, "prevention/worker_list.html", {"page_title": "重点人群（新入职人员）检测", "rows": rows})


@login_required
def worker_export(request):
    return xlsx_response(CohortWorkerExporter(_workers(request)))


@login_required
@require_POST
def worker_unmask(request, pk):
    worker = get_object_or_404(_workers(request), pk=pk)
    name, number = services.unmask_worker(request.user, worker)
    return render(request, "prevention/worker_unmasked.html", {"page_title": "人员身份信息", "worker": worker,
                                                               "name": name, "number": number})


# ---------------------------------------------------------------- settings (checklists as data)


@login_required
@require_http_methods(["GET", "POST"])
def checklist(request):
    require_bureau(request.user)
    event = _event(request)
    if request.method == "POST":
        try:
            if request.POST.get("toggle"):
                item = get_object_or_404(ChecklistItem, pk=request.POST["toggle"], event=event)
                services.toggle_checklist_item(request.user, item)
            else:
                services.add_checklist_item(request.user, event, request.POST.get("name", ""))
        except services.DomainError as e:
            messages.error(request, str(e))
        return redirect(f"/prevention/checklist/?event={event.code}")
    return render(request, "prevention/checklist.html", {
        "page_title": "封闭生产检查项", "event": event, "items": ChecklistItem.objects.filter(event=event),
        "templates": InspectionTemplate.objects.prefetch_related("items")})
