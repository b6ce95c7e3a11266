"""Pages of work resumption. Each view fetches through `for_user` (404 out of scope) and leaves the
who-may-act checks to services (403); figures come from stats.py."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import entries_for, log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.lib.export import Exporter, download_response, xlsx_response
from gongxin.lib.numeric import to_decimal
from gongxin.lib.uploads import run_import
from gongxin.registry.models import Enterprise

from . import services, stats
from .audit_labels import AUDIT_LABELS
from .models import Application, Blocker, Condition, Flag, Rules, Status, StatusEntry, list_lines

A = Application.State
PAGE_SIZE = 50


# ---------------------------------------------------------------- helpers


def _require_reader(user):
    """The dashboard, flags and export: the bureau, leaders and town officers (their town)."""
    access = get_access(user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("仅工信局、镇街和领导可以查看复工复产统计")


def _scope(user):
    return None if get_access(user).sees_all else user


def _event(request):
    event = stats.event_for(request.GET.get("event") or None, timezone.localdate())
    if event is None:
        raise Http404("尚无应急事件")
    return event


def _day(request, event):
    text = request.GET.get("date", "")
    try:
        day = dt.date.fromisoformat(text) if text else None
    except ValueError:
        day = None
    if day is None or not dt.date(2000, 1, 1) <= day <= dt.date(2999, 12, 31):
        today = timezone.localdate()
        day = min(today, event.ended_on) if event.ended_on else today
    return day


def _enterprise(request, uscc):
    return get_object_or_404(Enterprise.objects.for_user(request.user).select_related("town"), uscc=uscc.upper())


def _application(request, pk):
    qs = Application.objects.for_user(request.user).select_related("enterprise", "enterprise__town", "event", "phase")
    return get_object_or_404(qs, pk=pk)


FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _int(text, maximum=1_000_000):
    text = (text or "").strip().translate(FULL_WIDTH_DIGITS)  # a Chinese input method's １２ is 12
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)) or int(text) > maximum:
        raise services.DomainError(f"“{text}”应为0到{maximum}之间的整数。")
    return int(text)


def _dec(text, low, high, what):
    try:
        value = to_decimal(text)
    except ValueError:
        raise services.DomainError(f"{what}应为数字。") from None
    if value is not None and not low <= value <= high:
        raise services.DomainError(f"{what}应在{low}到{high}之间。")
    return None if value is None else value.quantize(to_decimal("0.1"))


def _date(text, what="日期"):
    try:
        return bounds.date(dt.date.fromisoformat((text or "").strip()), what)
    except bounds.OutOfRange as e:
        raise services.DomainError(f"{e}。") from None
    except ValueError:
        raise services.DomainError(f"请填写有效的{what}（YYYY-MM-DD）。") from None


# ---------------------------------------------------------------- dashboard


@login_required
def dashboard(request):
    _require_reader(request.user)
    event = _event(request)
    day = _day(request, event)
    by = request.GET.get("by") if request.GET.get("by") in stats.GROUPINGS[1:] else "town"
    user = _scope(request.user)
    first, last = stats.event_span(event, day)
    snap = stats.snapshot(event, max(day, last), user)
    trend = stats.trend(event, first, max(first, last), user, snap)
    towns = stats.as_of(event, day, "town", user, snap)
    certificates = (Application.objects.for_user(request.user).filter(event=event, state=A.APPROVED)
                    .select_related("enterprise", "enterprise__town").order_by("-approved_at", "-id"))
    ctx = {
        "page_title": "复工复产",
        "event": event, "day": day, "by": by,
        "events": stats.Event.objects.order_by("-started_on"),
        "whole": stats.county(event, day, user, snap),
        "rows": towns if by == "town" else stats.as_of(event, day, by, user, snap),
        "groupings": [("town", "镇街"), ("industry", "行业"), ("tier", "产值档次")],
        "not_resumed": stats.not_resumed(event, day, user, snap),
        "tally": stats.blocker_tally(event, day, user, snap),
        "certificates": certificates[:20], "certificate_count": certificates.count(),
        "flags": Flag.objects.for_user(request.user).filter(event=event, state=Flag.State.OPEN)
        .select_related("enterprise")[:20],
        "chart": {"days": [p["day"].strftime("%m-%d") for p in trend],
                  "rates": [None if p["rate_pct"] is None else float(p["rate_pct"]) for p in trend],
                  "resumed": [p["resumed"] for p in trend],
                  "towns": [r.name for r in towns],
                  "town_rates": [None if r.rate_pct is None else float(r.rate_pct) for r in towns]},
    }
    return render(request, "resumption/dashboard.html", ctx)


class AsOfExporter(Exporter):
    identifier = "resumption"
    headers = ("代码", "名称", "企业数", "已复工", "复工率（%）", "其中部分复工", "未复工", "人员到岗率（%）", "平均产能利用率（%）")

    def __init__(self, event, day, by, user):
        self.event, self.day, self.by, self.user = event, day, by, user
        self.name = f"复工复产{day:%Y%m%d}"

    def rows(self):
        for r in stats.as_of(self.event, self.day, self.by, self.user):
            yield [r.code, r.name, r.enterprises, r.resumed, r.rate_pct, r.partial, r.stopped, r.attendance_pct,
                   r.capacity_pct]


@login_required
def export(request):
    _require_reader(request.user)
    event = _event(request)
    day = _day(request, event)
    by = request.GET.get("by") if request.GET.get("by") in stats.GROUPINGS else "town"
    exporter = AsOfExporter(event, day, by, _scope(request.user))
    response = xlsx_response(exporter)
    log_action(request.user, "resumption.export", event, {"date": [None, day.isoformat()], "by": [None, by]})
    return response


# ---------------------------------------------------------------- applications


@login_required
def application_list(request):
    access = get_access(request.user)
    if not access.roles:
        raise PermissionDenied("您没有查看复工复产申请的权限")
    event = _event(request)
    apps = (Application.objects.for_user(request.user).filter(event=event)
            .select_related("enterprise", "enterprise__town"))
    state = request.GET.get("state", "")
    if state in A.values:
        apps = apps.filter(state=state)
    ctx = {"page_title": "复工复产申请", "event": event, "page": Paginator(apps, PAGE_SIZE).get_page(request.GET.get("page")),
           "states": A.choices, "state": state}
    return render(request, "resumption/application_list.html", ctx)


def _initial(post, app):
    """The application form's first fields: what was posted, else the application's own."""
    return {"planned_on": post.get("planned_on") or (app.planned_on.isoformat() if app else ""),
            "workers_planned": post.get("workers_planned") or (app.workers_planned if app else ""),
            "status_requested": post.get("status_requested") or (app.status_requested if app else Status.FULL)}


def _answers_from(post, conditions):
    return {c.code: post.get(f"c_{c.code}", "") for c in conditions}


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request, uscc):
    enterprise = _enterprise(request, uscc)
    if not services.can_apply(request.user, enterprise):
        raise PermissionDenied("您不能为该企业申请复工复产")
    event = _event(request)
    phase = event.phase_on(timezone.localdate())
    conditions = services.conditions_for(event, phase)
    status = 200
    if request.method == "POST":
        try:
            app = services.apply(request.user, event, enterprise,
                                 planned_on=_date(request.POST.get("planned_on"), "计划复工日期"),
                                 workers_planned=_int(request.POST.get("workers_planned")),
                                 status_requested=request.POST.get("status_requested", Status.FULL),
                                 answers=_answers_from(request.POST, conditions))
        except services.DomainError as e:
            messages.error(request, str(e))
            status = 400
        else:
            messages.success(request, "复工复产申请已提交，待镇街评估。")
            return redirect(f"/resumption/applications/{app.pk}/")
    ctx = {"page_title": "申请复工复产", "enterprise": enterprise, "event": event, "phase": phase,
           "conditions": conditions, "initial": _initial(request.POST, None)}
    return render(request, "resumption/application_form.html", ctx, status=status)


def _names(condition, value):
    """A list answer's lines (返岗人员名单), shown as one run of names with their count; else None."""
    if condition is None or condition.kind != Condition.Kind.LIST or not isinstance(value, str):
        return None
    return list_lines(value)


@login_required
def application_detail(request, pk):
    app = _application(request, pk)
    user = request.user
    rules = stats.rules_for(app.event)
    conditions = {c.code: c for c in Condition.objects.filter(event=app.event)}
    steps = {
        "evaluate": app.state == A.SUBMITTED and services.can_evaluate(user, app.enterprise),
        "co_review": app.state == A.EVALUATED and rules.co_review_required and services.can_review(user),
        "approve": services.can_review(user) and (app.state == A.CO_REVIEWED or (
            app.state == A.EVALUATED and not rules.co_review_required)),
        "return": (app.state == A.SUBMITTED and services.can_evaluate(user, app.enterprise)) or (
            app.state in (A.EVALUATED, A.CO_REVIEWED) and services.can_review(user)),
        "resubmit": app.state == A.RETURNED and services.can_apply(user, app.enterprise),
    }
    ctx = {"page_title": f"复工复产申请 · {app.enterprise.name}", "app": app, "rules": rules, "steps": steps,
           "answers": [(conditions.get(code), value, _names(conditions.get(code), value))
                       for code, value in app.answers.items()],
           "staff_listed": listed if (listed := len(app.staff)) and listed != app.workers_planned else None,
           "conditions": services.conditions_for(app.event, app.event.phase_on(timezone.localdate())),
           "phase": app.event.phase_on(timezone.localdate()), "initial": _initial({}, app),
           "history": [(h, AUDIT_LABELS.get(h.action) or h.action_label) for h in entries_for(app)]}
    return render(request, "resumption/application_detail.html", ctx)


ACTIONS = {"evaluate", "co_review", "approve", "return", "resubmit"}


@login_required
@require_POST
def application_action(request, pk, action):
    app = _application(request, pk)
    if action not in ACTIONS:
        raise Http404()
    version, note = request.POST.get("version"), request.POST.get("note", "")
    try:
        if action == "evaluate":
            services.evaluate(request.user, app, version, note)
            done = "已评估，报工信局审核。"
        elif action == "co_review":
            services.co_review(request.user, app, version, note)
            done = "会审意见已录入。"
        elif action == "approve":
            app = services.approve(request.user, app, version, note)
            done = f"已确认复工复产，确认书编号{app.certificate_no}。"
        elif action == "return":
            services.return_application(request.user, app, version, request.POST.get("reason", ""))
            done = "已退回申请人。"
        else:
            conditions = services.conditions_for(app.event, app.event.phase_on(timezone.localdate()))
            services.resubmit(request.user, app, version,
                              planned_on=_date(request.POST.get("planned_on"), "计划复工日期"),
                              workers_planned=_int(request.POST.get("workers_planned")),
                              status_requested=request.POST.get("status_requested", Status.FULL),
                              answers=_answers_from(request.POST, conditions))
            done = "已重新提交，待镇街评估。"
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done)
    return redirect(f"/resumption/applications/{app.pk}/")


@login_required
def certificate(request, pk):
    app = _application(request, pk)
    if app.state != A.APPROVED:
        raise Http404("该申请尚未确认复工复产")
    from .certificate import body_text, issuer

    rules = stats.rules_for(app.event)
    ctx = {"page_title": "复工复产确认书", "app": app, "rules": rules, "staff": app.staff,
           "paragraphs": body_text(app, rules.co_reviewer), "issuer": issuer()}
    return render(request, "resumption/certificate.html", ctx)


@login_required
def certificate_word(request, pk):
    from .certificate import DOCX_CONTENT_TYPE, certificate_docx

    app = _application(request, pk)
    if app.state != A.APPROVED:
        raise Http404("该申请尚未确认复工复产")
    return download_response(certificate_docx(app, stats.rules_for(app.event).co_reviewer), DOCX_CONTENT_TYPE,
                             f"复工复产确认书-{app.enterprise.name}.docx")


# ---------------------------------------------------------------- status, blockers, flags


@login_required
@require_POST
def record_status(request, uscc):
    enterprise = _enterprise(request, uscc)
    event = _event(request)
    p = request.POST
    try:
        _, created = services.record_status(
            request.user, event, enterprise, p.get("status", ""), _date(p.get("effective_on"), "生效日期"),
            workers_back=_int(p.get("workers_back")), workers_usual=_int(p.get("workers_usual")),
            capacity_pct=_dec(p.get("capacity_pct"), 0, 100, "产能利用率"),
            orders=_dec(p.get("orders"), 0, 10**11, "在手订单"), orders_ly=_dec(p.get("orders_ly"), 0, 10**11, "上年同期订单"),
            note=p.get("note", ""))
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "复工状态已登记。" if created else "该状态已登记过，未重复记录。")
    return redirect(f"/enterprises/{enterprise.uscc}/")


@login_required
@require_POST
def report_blocker(request, uscc):
    enterprise = _enterprise(request, uscc)
    try:
        services.report_blocker(request.user, _event(request), enterprise, request.POST.get("category", ""),
                                request.POST.get("description", ""))
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "困难已登记。")
    return redirect(request.POST.get("next") if request.POST.get("next") == "/resumption/blockers/"
                    else f"/enterprises/{enterprise.uscc}/")


@login_required
def blocker_list(request):
    _require_reader(request.user)
    event = _event(request)
    blockers = Blocker.objects.for_user(request.user).filter(event=event).select_related("enterprise", "enterprise__town")
    state = request.GET.get("state", Blocker.State.OPEN)
    if state in Blocker.State.values:
        blockers = blockers.filter(state=state)
    ctx = {"page_title": "复工困难", "event": event, "page": Paginator(blockers.order_by("state", "-reported_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page")),
           "state": state, "states": Blocker.State.choices,
           "can_resolve": get_access(request.user).is_bureau or get_access(request.user).is_town_officer}
    return render(request, "resumption/blocker_list.html", ctx)


@login_required
@require_POST
def resolve_blocker(request, pk):
    blocker = get_object_or_404(Blocker.objects.for_user(request.user).select_related("enterprise"), pk=pk)
    try:
        services.resolve_blocker(request.user, blocker, request.POST.get("version"), request.POST.get("resolution"))
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已办结。")
    return redirect("/resumption/blockers/")


@login_required
def flag_list(request):
    _require_reader(request.user)
    event = _event(request)
    flags = Flag.objects.for_user(request.user).filter(event=event).select_related("enterprise", "enterprise__town")
    state = request.GET.get("state", Flag.State.OPEN)
    if state in Flag.State.values:
        flags = flags.filter(state=state)
    access = get_access(request.user)
    ctx = {"page_title": "复工核查提示", "event": event, "page": Paginator(flags.order_by("state", "-key", "enterprise", "id"), PAGE_SIZE).get_page(
               request.GET.get("page")),
           "state": state, "states": Flag.State.choices, "can_resolve": access.is_bureau or access.is_town_officer,
           "rules": stats.rules_for(event)}
    return render(request, "resumption/flag_list.html", ctx)


@login_required
@require_POST
def resolve_flag(request, pk):
    flag = get_object_or_404(Flag.objects.for_user(request.user).select_related("enterprise"), pk=pk)
    try:
        services.resolve_flag(request.user, flag, request.POST.get("version"), request.POST.get("state"),
                              request.POST.get("note"))
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "核查结论已记录。")
    return redirect("/resumption/flags/")


# ---------------------------------------------------------------- conditions and the grid feed (bureau)


@login_required
@require_http_methods(["GET", "POST"])
def conditions(request):
    access = get_access(request.user)
    if not access.sees_all:
        raise PermissionDenied("仅工信局可以维护复工复产条件")
    event = _event(request)
    status = 200
    if request.method == "POST":
        p = request.POST
        instance = None
        if p.get("pk"):
            instance = get_object_or_404(Condition, pk=bounds.pk(p["pk"]), event=event)
        try:
            phase = event.phases.filter(pk=bounds.pk(p.get("phase"))).first() if p.get("phase") else None
            if p.get("phase") and phase is None:
                raise services.DomainError("所选阶段不属于该事件，请刷新后重新选择。")
            data = {"phase": phase, "code": p.get("code", "").strip(), "name": services.fit(Condition, "name", p.get("name", "").strip()),
                    "kind": p.get("kind", Condition.Kind.CHECK), "required": p.get("required") == "on",
                    "required_until": _date(p["required_until"], "必备截止日期") if p.get("required_until") else None,
                    "min_value": _dec(p.get("min_value"), 0, 1_000_000, "最低数值"), "unit": services.fit(Condition, "unit", p.get("unit", "").strip()),
                    "help_text": services.fit(Condition, "help_text", p.get("help_text", "")), "order": _int(p.get("order"), 999) or 0,
                    "active": p.get("active") == "on"}
            if not data["name"] or not data["code"] or data["kind"] not in Condition.Kind.values:
                raise services.DomainError("请填写条件名称、代码（字母数字）并选择类型。")
            import re

            if not re.fullmatch(r"[a-z0-9_-]{1,30}", data["code"]):
                raise services.DomainError("代码只能由小写字母、数字、下划线组成（不超过30位）。")
            services.save_condition(request.user, event, data, instance, p.get("version"))
        except services.DomainError as e:
            messages.error(request, str(e))
            status = 400
        else:
            messages.success(request, "已保存。")
            return redirect("/resumption/conditions/")
    ctx = {"page_title": "复工复产条件", "event": event, "items": Condition.objects.filter(event=event)
           .select_related("phase"), "kinds": Condition.Kind.choices, "phases": event.phases.all(),
           "can_edit": access.is_bureau, "rules": stats.rules_for(event), "statuses": Status.choices}
    return render(request, "resumption/conditions.html", ctx, status=status)


@login_required
@require_POST
def rules(request):
    if not get_access(request.user).is_bureau:
        raise PermissionDenied("仅工信局可以修改复工复产规则")
    event = _event(request)
    p = request.POST
    try:
        if p.get("no_entry_status") not in Status.values:
            raise services.DomainError("请选择无状态记录的企业计为何种状态。")
        data = {"no_entry_status": p["no_entry_status"],
                "unaffected_counts_as_resumed": p.get("unaffected_counts_as_resumed") == "on",
                "grid_threshold_pct": _dec(p.get("grid_threshold_pct"), 1, 100, "复工用电阈值"),
                "grid_days": _int(p.get("grid_days"), 31),
                "output_threshold_pct": _dec(p.get("output_threshold_pct"), 1, 100, "复工产值阈值"),
                "co_review_required": p.get("co_review_required") == "on",
                "co_reviewer": services.fit(Rules, "co_reviewer", p.get("co_reviewer", "").strip()),
                "certificate_prefix": services.fit(Rules, "certificate_prefix", p.get("certificate_prefix", "").strip())}
        if None in (data["grid_threshold_pct"], data["output_threshold_pct"]) or not data["grid_days"]:
            raise services.DomainError("请填写用电阈值、产值阈值和连续天数（1-31）。")
        if not data["certificate_prefix"] or (data["co_review_required"] and not data["co_reviewer"]):
            raise services.DomainError("请填写确认书编号前缀和会审部门。")
        services.save_rules(request.user, event, data, p.get("version"))
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "规则已保存。")
    return redirect(f"/resumption/conditions/?event={event.code}")


@login_required
@require_http_methods(["GET", "POST"])
def grid_import(request):
    if not get_access(request.user).is_bureau:
        raise PermissionDenied("仅工信局可以导入电网日用电数据")
    event = _event(request)
    report, error, status = run_import(
        request, lambda rows, upload: services.import_grid(request.user, rows, upload.name))
    if report is not None and report.ok and request.POST.get("scan_date"):
        try:
            found = services.scan(event, day=_date(request.POST["scan_date"]), user=request.user)
            messages.info(request, f"核查完成：新发现{len(found)}条提示。")
        except services.DomainError as e:
            messages.error(request, str(e))
    ctx = {"page_title": "导入电网日用电数据", "event": event, "report": report, "error": error}
    return render(request, "resumption/grid_import.html", ctx, status=status)


def latest_entries(enterprise, event):
    return StatusEntry.objects.filter(event=event, enterprise=enterprise).order_by("-effective_on", "-id")
