"""The brief: its page, the .docx, the meeting-pack workbook and the charts (under /analysis/brief/)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from gongxin.accounts.scoping import get_access
from gongxin.analysis import stats
from gongxin.lib.export import XLSX_CONTENT_TYPE, Exporter, download_response, render_many
from gongxin.lib.periods import PeriodError, period_or_404
from gongxin.replica import analysis_reads

from . import brief as brief_data
from . import charts as brief_charts
from . import word as docx


def _require_reader(request):
    """Bureau, leaders and town officers read the brief; nobody else."""
    access = get_access(request.user)
    if not access.reads_analysis:
        raise PermissionDenied("只有工信局、局领导和镇街工作人员可以查看运行分析材料")
    return access


def _period(request):
    raw = request.GET.get("period", "").strip()
    if not raw:
        return stats.latest_period()
    return period_or_404(raw, quarters=True)


def _build(request):
    _require_reader(request)
    period = _period(request)
    if period is None:
        return None
    return brief_data.build(period, request.user)


def _bad_period(error):
    return HttpResponseBadRequest(f"报告期有误：{error}", content_type="text/plain; charset=utf-8")


@login_required
@analysis_reads
def brief_page(request):
    """The brief's outline at once; each section then loads as its own fragment (brief_section), so
    the reader sees the sections arrive instead of waiting for the whole brief."""
    _require_reader(request)
    try:
        period = _period(request)
    except PeriodError as e:
        return _bad_period(e)
    brief = brief_data.outline(period, request.user) if period else None
    sections = [{"key": key, "number": brief_data.CN_NUMBERS[i], "title": brief_data.OUTLINE[key]}
                for i, key in enumerate(brief_data.section_keys(period))] if period else []
    return render(request, "briefs/brief.html", {
        "page_title": brief.title if brief else "运行分析材料", "brief": brief, "sections": sections})


@login_required
@analysis_reads
def brief_section(request, key):
    """One section of the brief page (an htmx fragment), numbered as in the whole brief."""
    _require_reader(request)
    try:
        period = _period(request)
    except PeriodError as e:
        return _bad_period(e)
    if key not in brief_data.SECTIONS:
        raise Http404("没有这个部分")
    keys = brief_data.section_keys(period) if period else []
    section = brief_data.build_section(period, request.user, key) if key in keys else None
    if section is None:
        return HttpResponse("")
    return render(request, "briefs/_section.html", {
        "period": period, "s": _section_view(keys.index(key), section)})


def _section_view(index, section):
    return {"number": brief_data.CN_NUMBERS[index], "section": section,
            "tables": [{"table": t, "rows": list(zip(t.display_rows(), t.links or [None] * len(t.rows), strict=True)),
                        "numeric": [c.kind in docx.NUMERIC for c in t.columns]} for t in section.tables]}


@login_required
@analysis_reads
def brief_docx(request):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    if brief is None:
        raise Http404("暂无报表数据")
    return download_response(docx.render(brief), docx.DOCX_CONTENT_TYPE, f"{brief.title}.docx")


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
@analysis_reads
def brief_pack(request):
    try:
        brief = _build(request)
    except PeriodError as e:
        return _bad_period(e)
    if brief is None:
        raise Http404("暂无报表数据")
    exporters = [TableExporter(t, i) for i, t in enumerate(brief.tables, start=1)]
    return download_response(render_many(exporters), XLSX_CONTENT_TYPE, f"{brief.title}（会议资料表格）.xlsx")


@login_required
def brief_chart(request, name):
    """One chart of the brief as PNG, from the section that holds it (only that section is built)."""
    _require_reader(request)
    try:
        period = _period(request)
    except PeriodError as e:
        return _bad_period(e)
    key = brief_data.CHART_SECTIONS.get(name)
    section = brief_data.build_section(period, request.user, key) if period and key else None
    chart = next((c for c in section.charts if c.name == name), None) if section else None
    if chart is None:
        raise Http404("没有这个图表")
    response = HttpResponse(brief_charts.render(chart), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response
