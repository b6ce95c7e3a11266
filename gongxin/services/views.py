"""Enterprise services pages: the demand pool and its handling, visits, policies, figures, calendar."""

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.scoping import get_access, require_admin, require_bureau
from gongxin.lib import bounds
from gongxin.lib.export import download_response, xlsx_response
from gongxin.lib.forms import refusal
from gongxin.lib.uploads import run_import
from gongxin.registry.models import Enterprise, Region

from . import eligibility, services, stats
from .exporters import DemandStatsExporter, NotBenefitedExporter
from .forms import AssignForm, BenefitForm, DemandForm, OverrideForm, PolicyForm, VisitForm
from .models import Benefit, Category, Demand, Policy, Visit, VisitPlan, WorkdayOverride
from .workdays import Calendar

S = Demand.Status


def _get_demand_for_user(request, pk):
    qs = Demand.objects.for_user(request.user).select_related("enterprise__town", "enterprise__industry", "tier",
                                                              "lead")
    return get_object_or_404(qs, pk=pk)


def _require_reader(user):
    access = get_access(user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("仅工信局、镇街和领导可以查看诉求统计")


def _window(request):
    """The [from, to] dates of a statistics page (default: this calendar year to today, or the year
    of the latest demand when there is none this year); a bad date is a 404 with a message."""
    today = timezone.localdate()
    latest = Demand.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    year = today.year if latest is None or timezone.localtime(latest).year == today.year else \
        timezone.localtime(latest).year
    try:
        start = dt.date.fromisoformat(request.GET.get("from") or f"{year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("to") or (today.isoformat() if year == today.year
                                                               else f"{year}-12-31"))
    except ValueError as e:
        raise Http404("日期格式应为 YYYY-MM-DD") from e
    if end < start or start.year < 2000 or end.year > 2100:
        raise Http404("起止日期不正确")
    return start, end


def _display_enterprise(demand, user):
    """An anonymous demand shows no enterprise to anyone but the enterprise itself."""
    if demand.anonymous and demand.enterprise_id not in get_access(user).enterprise_ids:
        return None
    return demand.enterprise


# ---------------------------------------------------------------- dashboard and figures


@login_required
def dashboard(request):
    _require_reader(request.user)
    start, end = _window(request)
    by = request.GET.get("by", "category")
    if by not in stats.BY:
        raise Http404("分组方式不正确")
    scoped = Demand.objects.for_user(request.user)
    rows = stats.demand_rows(start, end, by, scoped)
    ctx = {
        "page_title": "企业服务", "rows": rows, "total": stats.totals(rows), "by": by, "from": start, "to": end,
        "by_choices": [("category", "按类别"), ("town", "按镇街"), ("department", "按承办单位")],
        "overdue": [d for d in scoped.open().filter(status=S.ASSIGNED, due_at__lt=timezone.now())
                    .select_related("enterprise", "lead")[:20]],
        "escalated": scoped.open().filter(escalated_at__isnull=False).count(),
        "clusters": stats.clusters(scoped)[:5],
        "bulletin_month": _bulletin_month(scoped, end),
    }
    return render(request, "services/dashboard.html", ctx)


def _bulletin_month(scoped, end):
    """The month the page's 通报 button offers: the window's last month, or an earlier one when no demand
    was received after it (the window ends in December, the last demand came in April: April's)."""
    latest = scoped.filter(received_at__date__lte=end).order_by("-received_at").values_list("received_at", flat=True).first()
    return timezone.localtime(latest).date() if latest else end


@login_required
def stats_export(request):
    _require_reader(request.user)
    start, end = _window(request)
    by = request.GET.get("by", "category")
    if by not in stats.BY:
        raise Http404("分组方式不正确")
    rows = stats.demand_rows(start, end, by, Demand.objects.for_user(request.user))
    return xlsx_response(DemandStatsExporter(rows, start, end, by))


@login_required
def bulletin(request):
    """The monthly ranked bulletin (诉求办理情况通报, .docx)."""
    _require_reader(request.user)
    from .bulletin import bulletin_docx

    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        start = dt.date.fromisoformat(f"{month}-01")
    except ValueError as e:
        raise Http404("月份格式应为 YYYY-MM") from e
    if not 2000 <= start.year <= 2100:
        raise Http404("月份应在2000年至2100年之间")
    content, filename = bulletin_docx(start, Demand.objects.for_user(request.user))
    return download_response(content, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                             filename)


@login_required
def clusters(request):
    _require_reader(request.user)
    return render(request, "services/clusters.html", {
        "page_title": "同类诉求（举一反三）", "clusters": stats.clusters(Demand.objects.for_user(request.user))})


# ---------------------------------------------------------------- the pool


@login_required
def demand_list(request):
    access = get_access(request.user)
    if not access.roles:
        raise PermissionDenied("您的账号尚未分配角色")
    qs = Demand.objects.for_user(request.user).select_related("enterprise__town", "tier", "lead")
    f = {k: request.GET.get(k, "") for k in ("status", "category", "town", "flag", "q")}
    if f["status"] in S.values:
        qs = qs.filter(status=f["status"])
    if f["category"] in Category.values:
        qs = qs.filter(category=f["category"])
    if f["town"]:
        qs = qs.filter(enterprise__town__code=f["town"])
    if f["flag"] == "overdue":
        qs = qs.filter(status=S.ASSIGNED, due_at__lt=timezone.now())
    elif f["flag"] == "escalated":
        qs = qs.open().filter(escalated_at__isnull=False)
    elif f["flag"] == "confirm":
        qs = qs.filter(status=S.RESOLVED)
    elif f["flag"] == "new":
        qs = qs.filter(status=S.NEW)
    if f["q"]:
        qs = qs.filter(title__icontains=f["q"])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for demand in page:
        demand.shown_enterprise = _display_enterprise(demand, request.user)
    return render(request, "services/demand_list.html", {
        "page_title": "企业诉求", "page": page, "f": f, "statuses": S.choices, "categories": Category.choices,
        "towns": Region.objects.towns() if access.sees_all else Region.objects.towns().filter(
            pk__in=access.region_ids),
        "can_raise": access.is_bureau or access.is_town_officer or access.is_enterprise,
    })


@login_required
@require_http_methods(["GET", "POST"])
def demand_new(request):
    access = get_access(request.user)
    own = list(Enterprise.objects.filter(pk__in=access.enterprise_ids))
    if not (access.is_bureau or access.is_town_officer or own):
        raise PermissionDenied("您无权登记企业诉求")
    for_enterprise = bool(own) and not (access.is_bureau or access.is_town_officer)
    # A warning follow-up, a visit or a resumption blocker opens this page with its own facts filled in.
    prefill = {k: request.GET.get(k, "")[:100] for k in ("source", "title", "category", "channel") if request.GET.get(k)}
    form = DemandForm(request.POST or None, for_enterprise=for_enterprise,
                      initial={"token": uuid.uuid4().hex, **prefill})
    enterprise = None
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise") or (own[0].uscc if own else "")
    if uscc:
        enterprise = Enterprise.objects.for_user(request.user).filter(uscc=uscc.upper()).first()
    if request.method == "POST":
        if enterprise is None:
            form.add_error(None, "请填写本人可登记的企业统一社会信用代码。")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.raise_demand(
                    request.user, enterprise, category=data["category"], title=data["title"],
                    description=data["description"], tier=data["tier"], contact=data["contact"],
                    channel=data.get("channel") or "enterprise", anonymous=data.get("anonymous", False),
                    source=data.get("source", ""), token=data["token"])
            except services.DomainError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, f"诉求已提交（编号{demand.code}），工信局将尽快交办。")
                return redirect(f"/services/demands/{demand.pk}/")
    return render(request, "services/demand_form.html", {
        "page_title": "反映困难和问题", "form": form, "enterprise": enterprise, "own": own,
        "for_enterprise": for_enterprise})


@login_required
def demand_detail(request, pk):
    demand = _get_demand_for_user(request, pk)
    access = get_access(request.user)
    ctx = {
        "page_title": f"诉求 {demand.code}", "d": demand,
        "shown_enterprise": _display_enterprise(demand, request.user),
        "steps": stats.step_durations(demand),
        "elapsed": stats.elapsed_days(demand),
        "assignments": demand.assignments.filter(active=True).select_related("department"),
        "can_handle": services.can_handle(request.user, demand),
        "is_reporter": services.is_reporter_of(request.user, demand),
        "is_bureau": access.is_bureau, "is_admin": access.is_admin,
        "my_assist": demand.assignments.filter(active=True, role="assist", answered_at__isnull=True,
                                               department__in=services.user_departments(request.user)).exists(),
        "is_lead_unit": demand.lead_id is not None and services.user_departments(request.user).filter(
            pk=demand.lead_id).exists(),
        "assign_form": AssignForm() if access.is_bureau and demand.status == S.NEW else None,
        "extension_pending": services._extension_pending(demand),
        "now": timezone.now(),
    }
    if _display_enterprise(demand, request.user) is not None and (access.sees_all or access.is_town_officer):
        from gongxin.alerts.models import EarlyWarning
        from gongxin.analysis.stats import enterprise_series

        year = timezone.localtime(demand.received_at).year
        ctx["series"] = enterprise_series(demand.enterprise, year)
        ctx["warnings"] = (EarlyWarning.objects.for_user(request.user).filter(enterprise=demand.enterprise)
                           .select_related("rule").order_by("-period", "id")[:5])
    return render(request, "services/demand_detail.html", ctx)


ACTIONS = {
    "object": lambda d, u, p: services.object_to_assignment(d, u, p.get("reason", ""), p.get("version")),
    "note": lambda d, u, p: services.add_note(d, u, p.get("note", ""), p.get("version")),
    "answer": lambda d, u, p: services.answer_assist(d, u, p.get("answer", ""), p.get("version")),
    "pause": lambda d, u, p: services.pause(d, u, p.get("reason", ""), p.get("version")),
    "resume": lambda d, u, p: services.resume(d, u, p.get("note", ""), p.get("version")),
    "extend": lambda d, u, p: services.request_extension(d, u, _int(p.get("days")), p.get("reason", ""),
                                                         p.get("version")),
    "extension-approve": lambda d, u, p: services.decide_extension(d, u, True, p.get("note", ""), p.get("version")),
    "extension-refuse": lambda d, u, p: services.decide_extension(d, u, False, p.get("note", ""), p.get("version")),
    "resolve": lambda d, u, p: services.resolve(d, u, p.get("resolution", ""), p.get("version")),
    "confirm": lambda d, u, p: services.confirm(d, u, _int(p.get("rating")), p.get("note", ""), p.get("version")),
    "reject": lambda d, u, p: services.reject(d, u, p.get("reason", ""), p.get("version")),
    "revisit": lambda d, u, p: services.revisit(d, u, p.get("note", ""), p.get("version")),
    "reopen": lambda d, u, p: services.reopen(d, u, p.get("reason", ""), p.get("version")),
}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError) as e:
        raise services.DomainError("请填写整数。") from e


def _version(request):
    value = request.POST.get("version", "")
    if not value.isdecimal() or len(value) > 9:
        raise services.DomainError("页面已过期，请刷新后再操作。")
    return value


@login_required
@require_POST
def demand_action(request, pk, action):
    demand = _get_demand_for_user(request, pk)
    if action not in ACTIONS and action not in ("assign", "reveal"):
        raise Http404("没有这个操作")
    try:
        if action == "reveal":
            enterprise = services.reveal(demand, request.user)
            messages.info(request, f"匿名诉求企业：{enterprise.name}（{enterprise.uscc}，{enterprise.town.name}），"
                                   "本次查看已记录。")
        elif action == "assign":
            form = AssignForm(request.POST)
            if not form.is_valid():
                raise services.DomainError("请选择主办单位。")
            services.assign(demand, request.user, form.cleaned_data["lead"], form.cleaned_data["assists"],
                            form.cleaned_data["note"], _version(request))
        else:
            _version(request)
            ACTIONS[action](demand, request.user, request.POST)
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        if action != "reveal":
            messages.success(request, "已保存。")
    return redirect(f"/services/demands/{demand.pk}/")


# ---------------------------------------------------------------- visits


@login_required
def visit_list(request):
    access = get_access(request.user)
    if not access.roles:
        raise PermissionDenied("您的账号尚未分配角色")
    visits = Visit.objects.for_user(request.user).select_related("enterprise__town", "plan", "department")
    page = Paginator(visits, 30).get_page(request.GET.get("page"))
    plans = VisitPlan.objects.all() if (access.sees_all or access.is_town_officer) else VisitPlan.objects.none()
    return render(request, "services/visit_list.html", {
        "page_title": "调研走访", "page": page, "plans": [_plan_progress(p, request.user) for p in plans],
        "can_record": access.is_bureau or access.is_town_officer})


def _plan_progress(plan, user):
    enterprises = plan.enterprises.filter(pk__in=Enterprise.objects.for_user(user).values("pk"))
    visited = enterprises.filter(visits__plan=plan).distinct().count()
    total = enterprises.count()
    from gongxin.lib.numeric import pct

    return {"plan": plan, "total": total, "visited": visited, "pct": pct(visited, total)}


@login_required
def plan_detail(request, pk):
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("仅工信局、镇街和领导可以查看走访计划")
    plan = get_object_or_404(VisitPlan, pk=pk)
    enterprises = plan.enterprises.filter(pk__in=Enterprise.objects.for_user(request.user).values("pk")) \
        .select_related("town").order_by("town__code", "uscc")
    visited = {v.enterprise_id: v for v in plan.visits.filter(enterprise__in=enterprises).order_by("visited_on")}
    return render(request, "services/plan_detail.html", {
        "page_title": plan.name, "plan": plan, "rows": [(e, visited.get(e.id)) for e in enterprises],
        "progress": _plan_progress(plan, request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request):
    access = get_access(request.user)
    if not (access.is_bureau or access.is_town_officer):
        raise PermissionDenied("仅工信局或镇街可以登记走访")
    form = VisitForm(request.POST or None, request.FILES or None,
                     initial={"token": uuid.uuid4().hex, "enterprise": request.GET.get("enterprise", ""),
                              "visited_on": timezone.localdate()})
    plan = VisitPlan.objects.filter(pk=bounds.pk(request.GET.get("plan") or request.POST.get("plan"))).first()
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.for_user(request.user).filter(
            uscc=form.cleaned_data["enterprise"].upper()).first()
        if enterprise is None:
            form.add_error("enterprise", "找不到该企业，或不在您的管辖范围内。")
        else:
            visit = services.record_visit(
                request.user, enterprise, visited_on=form.cleaned_data["visited_on"],
                visitors=form.cleaned_data["visitors"], findings=form.cleaned_data["findings"], plan=plan,
                department=services.user_departments(request.user).first(), photo=form.cleaned_data.get("photo"),
                source=request.GET.get("source", ""), token=form.cleaned_data["token"])
            messages.success(request, f"已登记对{visit.enterprise.name}的走访。发现的困难可直接登记为企业诉求。")
            return redirect(f"/services/demands/new/?enterprise={enterprise.uscc}")
    return render(request, "services/visit_form.html", {"page_title": "登记走访", "form": form, "plan": plan})


# ---------------------------------------------------------------- policies


@login_required
def policy_list(request):
    access = get_access(request.user)
    if not access.roles:
        raise PermissionDenied("您的账号尚未分配角色")
    policies = Policy.objects.filter(is_active=True) if not access.is_bureau else Policy.objects.all()
    own = Enterprise.objects.filter(pk__in=access.enterprise_ids)
    applies = {p.pk for e in own for p in eligibility.policies_for(e)} if own and not access.sees_all else set()
    benefits = Benefit.objects.for_user(request.user)
    return render(request, "services/policy_list.html", {
        "page_title": "惠企政策", "policies": policies, "applies": applies, "is_enterprise_view": bool(own)
        and not access.sees_all, "totals": _benefit_totals(benefits), "can_manage": access.is_bureau,
        "my_benefits": benefits.select_related("policy")[:20] if own and not access.sees_all else []})


def _benefit_totals(benefits):
    from django.db.models import Count, Sum

    by_policy = benefits.values("policy__title").annotate(n=Count("enterprise", distinct=True),
                                                          total=Sum("amount_wan")).order_by("-total")
    by_town = benefits.values("enterprise__town__name").annotate(n=Count("enterprise", distinct=True),
                                                                 total=Sum("amount_wan")).order_by("-total")
    return {"by_policy": by_policy, "by_town": by_town, "total": benefits.aggregate(t=Sum("amount_wan"))["t"]}


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request, pk=None):
    require_bureau(request.user)
    policy = get_object_or_404(Policy, pk=pk) if pk else None
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        from gongxin.accounts.audit import changes, log_action, snapshot

        fields = list(form.fields)
        before = snapshot(policy, fields) if policy else {}
        if policy and str(policy.version) != request.POST.get("version"):
            form.add_error(None, "该政策已被他人修改，请刷新后再保存。")
        else:
            saved = form.save(commit=False)
            saved.version = (policy.version + 1) if policy else 1
            saved.save()
            log_action(request.user, "services.policy_update" if policy else "services.policy_create", saved,
                       changes(saved, before, fields) if policy else {"title": saved.title})
            return redirect(f"/services/policies/{saved.pk}/")
    return render(request, "services/policy_form.html", {"page_title": "编辑政策" if policy else "新增政策",
                                                         "form": form, "policy": policy})


@login_required
def policy_detail(request, pk):
    access = get_access(request.user)
    if not access.roles:
        raise PermissionDenied("您的账号尚未分配角色")
    policy = get_object_or_404(Policy, pk=pk)
    ctx = {"page_title": policy.title, "policy": policy, "can_manage": access.is_bureau}
    if access.sees_all or access.is_town_officer:
        ctx["benefits"] = Benefit.objects.for_user(request.user).filter(policy=policy).select_related("enterprise")
        ctx["eligible_count"] = len(eligibility.eligible(policy, request.user))
        ctx["not_benefited"] = eligibility.not_benefited(policy, request.user)
        ctx["benefit_form"] = BenefitForm() if access.is_bureau else None
    else:
        ctx["benefits"] = Benefit.objects.for_user(request.user).filter(policy=policy)
    return render(request, "services/policy_detail.html", ctx)


@login_required
def policy_not_benefited_export(request, pk):
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("仅工信局、镇街和领导可以导出")
    policy = get_object_or_404(Policy, pk=pk)
    return xlsx_response(NotBenefitedExporter(policy, eligibility.not_benefited(policy, request.user)))


@login_required
@require_POST
def benefit_add(request, pk):
    require_bureau(request.user)
    policy = get_object_or_404(Policy, pk=pk)
    form = BenefitForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/services/policies/{policy.pk}/")
    enterprise = Enterprise.objects.filter(uscc=form.cleaned_data["enterprise"].upper()).first()
    if enterprise is None:
        messages.error(request, "找不到该统一社会信用代码的企业。")
        return redirect(f"/services/policies/{policy.pk}/")
    from django.db import IntegrityError, transaction

    from gongxin.accounts.audit import log_action

    try:
        with transaction.atomic():
            benefit = Benefit.objects.create(policy=policy, enterprise=enterprise,
                                             amount_wan=form.cleaned_data["amount_wan"],
                                             granted_on=form.cleaned_data["granted_on"],
                                             note=form.cleaned_data["note"])
            log_action(request.user, "services.benefit", benefit, {"amount_wan": benefit.amount_wan,
                                                                   "enterprise": enterprise.name})
    except IntegrityError:
        messages.error(request, "该企业同一日期的兑现记录已存在。")
    else:
        messages.success(request, f"已登记{enterprise.name}兑现{benefit.amount_wan}万元。")
    return redirect(f"/services/policies/{policy.pk}/")


# ---------------------------------------------------------------- working-day calendar


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    require_bureau(request.user)
    access = get_access(request.user)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        require_admin(request.user)
        from gongxin.accounts.audit import log_action

        if request.POST.get("delete"):
            row = get_object_or_404(WorkdayOverride, pk=request.POST["delete"])
            log_action(request.user, "services.calendar_delete", row, {
                "date": str(row.date), "is_working": [row.is_working, None], "name": [row.name, None]})
            row.delete()
            messages.success(request, "已删除。")
            return redirect("/services/calendar/")
        if form.is_valid():
            row = services.set_workday(request.user, form.cleaned_data["date"],
                                       is_working=form.cleaned_data["is_working"], name=form.cleaned_data["name"])
            messages.success(request, f"已设置{row.date}为{'调休上班' if row.is_working else '休息日'}。")
            return redirect(f"/services/calendar/?year={row.date.year}")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError as e:
        raise Http404("年份不正确") from e
    if not 1900 <= year <= 2100:
        raise Http404("年份应在1900至2100之间")
    rows = WorkdayOverride.objects.filter(date__year=year)
    cal = Calendar.load()
    working = sum(1 for d in range(366) if (day := dt.date(year, 1, 1) + dt.timedelta(days=d)).year == year
                  and cal.is_working(day))
    return render(request, "services/calendar.html", {
        "page_title": "工作日历", "rows": rows, "year": year, "form": form, "working": working,
        "years": sorted({d.year for d in WorkdayOverride.objects.dates("date", "year")} | {year}),
        "can_edit": access.is_admin})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_import(request):
    require_admin(request.user)
    from .importing import HEADERS, import_calendar

    report, error, status = run_import(request, lambda rows, upload: import_calendar(rows, user=request.user))
    return render(request, "services/calendar_import.html", {"page_title": "导入工作日历", "report": report,
                                                             "error": error, "headers": HEADERS}, status=status)

