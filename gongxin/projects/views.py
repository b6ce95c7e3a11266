import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, region_q, require_bureau
from gongxin.analysis import stats as engine
from gongxin.lib import bounds, periods
from gongxin.lib.export import xlsx_response
from gongxin.lib.forms import refusal
from gongxin.lib.numeric import wan_to_yi
from gongxin.lib.uploads import run_import
from gongxin.registry.models import Industry, Region

from . import services, stats
from .exporters import InvestmentTemplateExporter, ProjectExporter
from .forms import (
    DocumentForm,
    FundActionForm,
    FundApplicationForm,
    FundProgrammeForm,
    InvestmentForm,
    ProgrammeForm,
    ProjectForm,
    StageForm,
)
from .models import (
    LIFECYCLE,
    FundApplication,
    FundProgramme,
    InvestmentChange,
    Programme,
    Project,
    ProjectInvestment,
    Stage,
)


def bad_version(view):
    """A POST whose version is missing or malformed answers 400 (raised as bounds.BadVersion)."""
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except bounds.BadVersion as e:
            return HttpResponseBadRequest(str(e))
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


def _posted_version(request):
    return bounds.version(request.POST.get("version"))


def _get_project_for_user(request, code):
    """The project if `request.user` may see it, else 404."""
    qs = Project.objects.for_user(request.user).select_related("enterprise", "town", "industry")
    return get_object_or_404(qs, code=code.upper())


def _scope(user):
    """The user's projects for the stats functions (None = everything, no subquery)."""
    return None if get_access(user).sees_all else Project.objects.for_user(user)


def require_manager(user):
    """Bureau staff and town officers run projects (create, edit, move stages); others read."""
    if not get_access(user).manages_projects:
        raise PermissionDenied("仅工信局或镇街工作人员可以执行此操作")


def require_reporter(user):
    """Investment is entered by the enterprise, its town officer or bureau staff."""
    if get_access(user).read_only:
        raise PermissionDenied("您没有填报权限")


def _period(request):
    """The reference period from ?period=, defaulting to the latest with investment data."""
    text = request.GET.get("period", "").strip()
    if text:
        # Investment is reported for every month (January too), and for projects without returns.
        return periods.period_or_404(text, merge_jan_feb=False, require_reporting=False)
    return stats.latest_period()


def _filtered_projects(request):
    g = request.GET
    f = {k: g.get(k, "").strip() for k in ("q", "stage", "programme", "town", "industry", "overdue", "key")}
    period = _period(request)
    f["period"] = period
    qs = Project.objects.for_user(request.user).with_flags(stats.period_end(period))
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(enterprise__name__icontains=f["q"]))
    if f["stage"] in Stage.values:
        qs = qs.filter(stage=f["stage"])
    if bounds.pk(f["programme"]) is not None:
        qs = qs.filter(programmes__pk=bounds.pk(f["programme"]))
    if f["town"]:
        qs = qs.filter(town__code=f["town"])
    if f["industry"]:
        qs = qs.filter(industry__code=f["industry"])
    if f["key"] == "1":
        qs = qs.filter(is_key=True)
    overdue = {"start": Q(start_overdue=True), "completion": Q(completion_overdue=True), "stalled": Q(stalled=True),
               "any": Q(start_overdue=True) | Q(completion_overdue=True) | Q(stalled=True)}
    if f["overdue"] in overdue:
        qs = qs.filter(overdue[f["overdue"]])
    ytd = ProjectInvestment.objects.filter(project=OuterRef("pk"), period=period).values("ytd")
    qs = qs.annotate(ytd=Subquery(ytd[:1]))
    return qs.select_related("enterprise", "town", "industry").order_by("code"), f


@login_required
def project_list(request):
    qs, filters = _filtered_projects(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ctx = {
        "page_title": "技改项目",
        "page": page,
        "filters": filters,
        "totals": qs.order_by().aggregate(total=Sum("total_investment")),
        "ytd_total": ProjectInvestment.objects.filter(project__in=qs.values("pk"), period=filters["period"])
                     .aggregate(total=Sum("ytd"))["total"],
        "stages": Stage.choices,
        "programmes": Programme.objects.all(),
        "towns": Region.objects.towns().filter(region_q(request.user)),
        "industries": Industry.objects.filter(parent__isnull=True, projects__isnull=False).distinct(),
        "period_label": periods.label(filters["period"], merge_jan_feb=False),
        "ytd_label": periods.ytd_label(filters["period"]),
        "can_manage": _can_manage(request.user),
        "overdue_choices": [("any", "全部逾期"), ("start", "逾期未开工"), ("completion", "逾期未竣工"),
                            ("stalled", "连续两月无投资")],
    }
    return render(request, "projects/project_list.html", ctx)


def _can_manage(user):
    return get_access(user).manages_projects


@login_required
def project_export(request):
    qs, filters = _filtered_projects(request)
    exporter = ProjectExporter(qs, filters["period"])
    return xlsx_response(exporter)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require_manager(request.user)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        try:
            services.save_project(request.user, project, programmes=list(form.cleaned_data["programmes"]),
                                  officers=list(form.cleaned_data["officers"]))
        except services.ProjectError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已新建项目“{project.name}”")
            return redirect(f"/projects/{project.code}/")
    return render(request, "projects/project_form.html", {"page_title": "新建技改项目", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@bad_version
def project_edit(request, code):
    project = _get_project_for_user(request, code)
    require_manager(request.user)
    version = _posted_version(request) if request.method == "POST" else None
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        try:
            services.save_project(request.user, project, programmes=list(form.cleaned_data["programmes"]),
                                  officers=list(form.cleaned_data["officers"]), expected_version=version)
        except services.ProjectError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "项目信息已保存")
            return redirect(f"/projects/{project.code}/")
    ctx = {"page_title": f"编辑：{project.name}", "form": form, "project": project}
    return render(request, "projects/project_form.html", ctx)


@login_required
def project_detail(request, code):
    project = _get_project_for_user(request, code)
    access = get_access(request.user)
    period = stats.latest_period()
    series = stats.investment_series(project)
    by_period = {row["period"]: row for row in series}
    rows = [dict(row, ytd_ly=(by_period.get(periods.same_period_last_year(row["period"])) or {}).get("ytd"))
            for row in reversed(series)]
    applications = (FundApplication.objects.filter(project=project).select_related("fund")
                    .annotate(paid=Sum("disbursements__amount")))
    ctx = {
        "page_title": project.name,
        "p": project,
        "flags": project.flags(stats.period_end(period)),
        "flag_period": periods.label(period, merge_jan_feb=False),
        "timeline": project.stage_changes.all(),
        "lifecycle": [(s, s.label) for s in LIFECYCLE],
        "stage_index": _stage_index(project),
        "next_stage": services.next_stage(project.stage),
        "investments": rows,
        "chart": {"periods": [r["period"] for r in series], "month": [str(r["month"]) for r in series],
                  "ytd": [str(r["ytd"]) for r in series]},
        "history": InvestmentChange.objects.filter(investment__project=project)
                   .select_related("investment").order_by("-at", "-id")[:20],
        "applications": applications,
        "documents": project.documents.all(),
        "programmes": project.programmes.all(),
        "officers": project.officers.all(),
        "can_manage": _can_manage(request.user),
        "can_report": not access.read_only and project.stage not in services.NOT_REPORTING,
        "can_apply": not access.read_only and project.stage != Stage.TERMINATED,
        "stage_form": StageForm(initial={"version": project.version}),
        "investment_form": _investment_form(request, project, period),
        "document_form": DocumentForm(),
        "audit": entries_for(project)[:30] if access.is_bureau else [],
    }
    return render(request, "projects/project_detail.html", ctx)


def _investment_form(request, project, period):
    """The entry form for ?invest=<period> (a row's 修改 link) or the latest period, carrying that
    record's version (0: none yet) so that a stale or repeated save is refused."""
    try:
        period = periods.parse_period(request.GET["invest"])
    except (KeyError, periods.PeriodError):
        pass
    record = ProjectInvestment.objects.filter(project=project, period=period).first()
    initial = {"period": period, "version": record.version if record else 0}
    if record:
        initial |= {"month": record.month, "ytd": record.ytd}
    return InvestmentForm(initial=initial)


def _scope_label(user):
    access = get_access(user)
    if access.sees_all:
        return engine.scope_word(user)  # 全市 for 滕州市, as the brief says it
    if access.is_town_officer:
        return "、".join(Region.objects.towns().filter(region_q(user)).values_list("name", flat=True)) or "本镇街"
    return "本企业"


def _resolves(path):
    """Whether another app serves `path` yet (the plans fragment belongs to the analysis app)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _stage_index(project):
    stage = project.paused_from if project.stage == Stage.PAUSED else project.stage
    return LIFECYCLE.index(stage) if stage in LIFECYCLE else -1


@login_required
@require_POST
@bad_version
def project_stage(request, code):
    project = _get_project_for_user(request, code)
    require_manager(request.user)
    version = _posted_version(request)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/projects/{project.code}/")
    d = form.cleaned_data
    try:
        project = services.transition(request.user, project, d["action"], d["date"], note=d["note"],
                                      record_number=d["record_number"], expected_version=version)
    except services.ProjectError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"项目阶段已变更为“{project.get_stage_display()}”")
    return redirect(f"/projects/{project.code}/")


@login_required
@require_POST
@bad_version
def project_investment(request, code):
    project = _get_project_for_user(request, code)
    require_reporter(request.user)
    version = _posted_version(request)
    form = InvestmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"填报有误：{refusal(form)}")
        return redirect(f"/projects/{project.code}/#investment")
    d = form.cleaned_data
    try:
        outcome = services.report_investment(request.user, project, d["period"], d["month"], d["ytd"],
                                             expected_version=version)
    except services.ProjectError as e:
        messages.error(request, str(e))
    else:
        label = periods.label(d["period"], merge_jan_feb=False)
        messages.success(request, {"created": f"已填报{label}完成投资", "updated": f"已更新{label}完成投资",
                                   "unchanged": f"{label}完成投资未变化"}[outcome])
    return redirect(f"/projects/{project.code}/#investment")


@login_required
@require_POST
def document_upload(request, code):
    project = _get_project_for_user(request, code)
    require_reporter(request.user)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/projects/{project.code}/#documents")
    d = form.cleaned_data
    try:
        services.add_document(request.user, project, d["file"], title=d["title"], kind=d["kind"],
                              number=d["number"])
    except services.ProjectError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "文件已上传")
    return redirect(f"/projects/{project.code}/#documents")


@login_required
def document_download(request, code, pk):
    project = _get_project_for_user(request, code)
    doc = get_object_or_404(project.documents, pk=pk)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as e:
        raise Http404("文件不存在") from e
    name = doc.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name, content_type=doc.content_type or None)


@login_required
def dashboard(request):
    period = _period(request)
    year = periods.split(period)[0]
    scope = _scope(request.user)
    applications = None if get_access(request.user).sees_all else FundApplication.objects.for_user(request.user)
    county = stats.investment_rows(period, "county", scope)[0]
    end = stats.period_end(period)  # every figure of the page is as of the period's end
    key = stats.key_project_summary(year, scope, as_of=end)
    overdue = (Project.objects.for_user(request.user).overdue(end)
               .select_related("enterprise", "town").order_by("planned_completion", "code"))
    ctx = {
        "page_title": "技改项目监测",
        "scope_label": _scope_label(request.user),
        "period": period,
        "year": year,
        "period_label": periods.label(period, merge_jan_feb=False),
        "ytd_label": periods.ytd_label(period),
        "county": county,
        "towns": stats.investment_rows(period, "town", scope),
        "industries": stats.investment_rows(period, "industry", scope),
        "key": key,
        "stage_chart": {"labels": [s["label"] for s in key["by_stage"]],
                        "counts": [s["count"] for s in key["by_stage"]],
                        "totals": [str(wan_to_yi(s["total_investment"])) for s in key["by_stage"]]},
        "overdue": overdue,
        "programmes": stats.programme_rows(year, scope),
        "funds": stats.fund_summary(year, applications, as_of=end),
        "fund_rows": stats.fund_rows(year, "programme", applications, as_of=end),
        "periods": stats.available_periods(),
        "show_plans": not get_access(request.user).is_enterprise or get_access(request.user).sees_all,
        "plans_available": _resolves("/analysis/plans/"),
    }
    return render(request, "projects/dashboard.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def investment_import(request):
    require_bureau(request.user)
    report, error, status = run_import(
        request, lambda rows, upload: services.import_investment(rows, user=request.user))
    ctx = {"page_title": "导入项目完成投资", "report": report, "error": error, "headers": services.IMPORT_HEADERS}
    return render(request, "projects/investment_import.html", ctx, status=status)


@login_required
def fund_overview(request):
    access = get_access(request.user)
    years = list(FundProgramme.objects.order_by("-year").values_list("year", flat=True).distinct())
    year = bounds.whole(request.GET.get("year"), 4) or (years[0] if years else dt.date.today().year)
    apps = FundApplication.objects.for_user(request.user).filter(fund__year=year)
    scope = None if access.sees_all else apps
    ctx = {
        "page_title": f"{year}年技改扶持资金",
        "year": year,
        "years": years,
        "summary": stats.fund_summary(year, scope),
        "tables": [("资金项目", stats.fund_rows(year, "programme", scope)),
                   ("镇街", stats.fund_rows(year, "town", scope)),
                   ("企业", stats.fund_rows(year, "enterprise", scope))],
        "funds": FundProgramme.objects.filter(year=year),
        "applications": apps.select_related("fund", "enterprise", "project").annotate(
            paid=Sum("disbursements__amount")).order_by("fund", "status", "applied_on"),
        "can_act": access.is_bureau,
        "can_apply": not access.read_only,
        "action_form": FundActionForm(),
    }
    return render(request, "projects/fund_overview.html", ctx)


@login_required
@require_POST
@bad_version
def fund_application_action(request, pk):
    app = get_object_or_404(FundApplication.objects.for_user(request.user), pk=pk)
    require_bureau(request.user)
    version = _posted_version(request)
    form = FundActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/projects/funds/?year={app.fund.year}")
    d = form.cleaned_data
    try:
        if d["action"] == "review":
            services.review_application(request.user, app, d["date"], expected_version=version)
        elif d["action"] == "approve":
            services.approve_application(request.user, app, d["date"], d["amount"], expected_version=version)
        elif d["action"] == "reject":
            services.reject_application(request.user, app, d["date"], d["note"], expected_version=version)
        else:
            services.disburse(request.user, app, d["date"], d["amount"], voucher=d["note"], expected_version=version)
    except services.ProjectError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已保存")
    return redirect(f"/projects/funds/?year={app.fund.year}")


@login_required
def investment_template(request):
    require_bureau(request.user)
    period = _period(request)
    qs = Project.objects.exclude(stage__in=[*services.NOT_REPORTING, Stage.TERMINATED]).order_by("code")
    exporter = InvestmentTemplateExporter(qs, period)
    return xlsx_response(exporter)


# ---------------------------------------------------------------- 申报 and master data


@login_required
@require_http_methods(["GET", "POST"])
def fund_apply(request, code=None):
    """A support-fund application for a project: by its enterprise, its town officer or bureau staff."""
    project = _get_project_for_user(request, code) if code else None
    require_reporter(request.user)
    form = FundApplicationForm(request.POST or None, projects=Project.objects.for_user(request.user),
                               fixed_project=project, can_backdate=get_access(request.user).is_bureau)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = project or d["project"]
        try:
            app = services.apply_for_funds(request.user, d["fund"], target.enterprise, d["requested"],
                                           d.get("applied_on") or dt.date.today(), project=target,
                                           note=d["note"].strip())
        except services.ProjectError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已申报“{app.fund}”{app.requested}万元，等待工信局审核")
            return redirect(f"/projects/{target.code}/#funds")
    ctx = {"page_title": f"申报扶持资金：{project.name}" if project else "申报扶持资金", "form": form,
           "project": project, "cancel": f"/projects/{project.code}/" if project else "/projects/funds/"}
    return render(request, "projects/fund_apply.html", ctx, status=400 if form.errors else 200)


@login_required
def programme_list(request):
    require_bureau(request.user)
    ctx = {
        "page_title": "计划与扶持资金管理",
        "programmes": Programme.objects.annotate(project_count=Count("projects")).order_by("-year", "name"),
        "funds": FundProgramme.objects.annotate(
            application_count=Count("applications"),
            approved_total=Sum("applications__approved", filter=~Q(applications__status="rejected")),
        ).order_by("-year", "name"),
    }
    return render(request, "projects/programme_list.html", ctx)


def _edit_master(request, form_class, save, instance, what, pk):
    require_bureau(request.user)
    title = f"编辑{what}：{instance}" if pk else f"新增{what}"
    version = _posted_version(request) if request.method == "POST" and pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            save(request.user, obj, expected_version=version)
        except services.ProjectError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已保存{what}“{obj}”")
            return redirect("/projects/programmes/")
    ctx = {"page_title": title, "form": form}
    return render(request, "projects/programme_form.html", ctx, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@bad_version
def programme_edit(request, pk=None):
    require_bureau(request.user)
    programme = get_object_or_404(Programme, pk=pk) if pk else Programme()
    return _edit_master(request, ProgrammeForm, services.save_programme, programme, "项目计划", pk)


@login_required
@require_http_methods(["GET", "POST"])
@bad_version
def fund_programme_edit(request, pk=None):
    require_bureau(request.user)
    fund = get_object_or_404(FundProgramme, pk=pk) if pk else FundProgramme()
    return _edit_master(request, FundProgrammeForm, services.save_fund_programme, fund, "扶持资金", pk)
