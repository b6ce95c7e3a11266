"""The brief (HTML, .docx, meeting-pack workbook, charts) and the early-warnings pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, region_q
from gongxin.lib.export import XLSX_CONTENT_TYPE, Exporter, render_many
from gongxin.lib.periods import PeriodError, label, parse_period
from gongxin.registry.models import Region

from . import brief as brief_data
from . import brief_charts, stats
from . import brief_docx as docx
from .forms_warnings import WarningRuleForm
from .models_warnings import Level, Warning, WarningRule
from .warnings import WarningError, can_follow_up, follow_up, update_rule


def _require_reader(request):
    """Bureau, leaders and town officers read the brief and the warnings; nobody else."""
    access = get_access(request.user)
    if not (access.sees_all or access.is_town_officer):
        raise PermissionDenied("只有工信局、局领导和镇街工作人员可以查看运行分析材料")
    return access


def _period(request):
    raw = request.GET.get("period", "").strip()
    if not raw:
        return stats.latest_period()
    return parse_period(raw)


def _build(request):
    _require_reader(request)
    period = _period(request)
    if period is None:
        return None
    return brief_data.build(period, request.user)


def _bad_period(error):
    return HttpResponseBadRequest(f"报告期有误：{error}", content_type="text/plain; charset=utf-8")


@login_required
def brief_page(request):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    return render(request, "analysis/brief/brief.html", {
        "page_title": brief.title if brief else "运行分析材料", "brief": brief,
        "sections": [_section_view(i, s) for i, s in enumerate(brief.sections)] if brief else [],
    })


def _section_view(index, section):
    return {"number": brief_data.CN_NUMBERS[index], "section": section,
            "tables": [{"table": t, "rows": list(zip(t.display_rows(), t.links or [None] * len(t.rows), strict=True)),
                        "numeric": [c.kind in docx.NUMERIC for c in t.columns]} for t in section.tables]}


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def brief_docx(request):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    if brief is None:
        raise Http404("暂无报表数据")
    return _download(docx.render(brief), docx.DOCX_CONTENT_TYPE, f"{brief.title}.docx")


class TableExporter(Exporter):
    """One table of the brief as one sheet of the meeting pack."""

    def __init__(self, table, index):
        self.identifier = table.key
        self.name = f"{index}.{table.title}"[:31]
        self.headers = table.headers
        self.table = table

    def rows(self):
        return self.table.rows


@login_required
def brief_pack(request):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    if brief is None:
        raise Http404("暂无报表数据")
    exporters = [TableExporter(t, i) for i, t in enumerate(brief.tables, start=1)]
    return _download(render_many(exporters), XLSX_CONTENT_TYPE, f"{brief.title}（会议资料表格）.xlsx")


@login_required
def brief_chart(request, name):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    chart = brief.charts.get(name) if brief else None
    if chart is None:
        raise Http404("没有这个图表")
    response = HttpResponse(brief_charts.render(chart), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------- warnings

WARNING_FILTERS = ("period", "level", "town", "kind", "status")


def _get_warning_for_user(request, warning_id):
    """The warning if `request.user` may see it, else 404."""
    return get_object_or_404(Warning.objects.for_user(request.user).select_related("rule", "enterprise", "town"),
                             pk=warning_id)


@login_required
def warning_list(request):
    access = _require_reader(request)
    f = {k: request.GET.get(k, "").strip() for k in WARNING_FILTERS}
    qs = Warning.objects.for_user(request.user).select_related("rule", "enterprise", "town")
    periods = list(qs.order_by("-period").values_list("period", flat=True).distinct())
    if not f["period"] and periods:
        f["period"] = periods[0]
    if f["period"] != "all":
        qs = qs.filter(period=f["period"])
    if f["level"]:
        qs = qs.filter(level=f["level"])
    if f["town"]:
        qs = qs.filter(town__code=f["town"])
    if f["kind"]:
        qs = qs.filter(rule__kind=f["kind"])
    qs = qs.filter(status=f["status"]) if f["status"] else qs.exclude(status=Warning.Status.CLEARED)
    counts = {lv: 0 for lv in Level.values}
    for level in qs.values_list("level", flat=True):
        counts[level] += 1
    page = Paginator(qs.by_severity(), 50).get_page(request.GET.get("page"))
    return render(request, "analysis/warnings/list.html", {
        "page_title": "运行预警", "page": page, "filters": f, "periods": periods,
        "levels": Level.choices, "kinds": WarningRule.Kind.choices, "statuses": Warning.Status.choices,
        "towns": Region.objects.towns().filter(region_q(request.user)).order_by("code"),
        "level_counts": [(value, name, counts[value]) for value, name in Level.choices],
        "can_follow": access.is_bureau or access.is_town_officer, "period_label": _label(f["period"]),
    })


def _label(period):
    try:
        return label(period)
    except PeriodError:
        return "全部报告期"


@login_required
def warning_detail(request, warning_id):
    _require_reader(request)
    warning = _get_warning_for_user(request, warning_id)
    return render(request, "analysis/warnings/detail.html", {
        "page_title": f"预警：{warning.subject}", "warning": warning,
        "follow_ups": warning.follow_ups.select_related("user"), "history": entries_for(warning)[:50],
        "can_follow": can_follow_up(request.user, warning),
    })


@login_required
@require_POST
def warning_follow_up(request, warning_id):
    _require_reader(request)
    warning = _get_warning_for_user(request, warning_id)
    try:
        follow_up(warning, request.user, request.POST.get("note", ""))
    except WarningError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "跟进情况已记录")
    return redirect(f"/analysis/warnings/{warning.pk}/")


@login_required
def warning_rules(request):
    access = get_access(request.user)
    if not (access.is_bureau or access.is_leader):
        raise PermissionDenied("只有工信局工作人员可以查看预警规则")
    return render(request, "analysis/warnings/rules.html", {
        "page_title": "预警规则", "rules": WarningRule.objects.all(), "can_edit": access.is_admin})


@login_required
def warning_rule_edit(request, rule_id):
    if not get_access(request.user).is_admin:
        raise PermissionDenied("仅系统管理员可以修改预警规则")
    rule = get_object_or_404(WarningRule, pk=rule_id)
    form = WarningRuleForm(request.POST or None, instance=WarningRule.objects.get(pk=rule.pk),
                           initial={"version": rule.version})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            update_rule(rule, request.user, data, form.cleaned_data["version"])
        except WarningError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"预警规则“{data['name']}”已保存，下次扫描时生效")
            return redirect("/analysis/warnings/rules/")
    return render(request, "analysis/warnings/rule_form.html", {
        "page_title": f"修改预警规则：{rule.name}", "form": form, "rule": rule})
