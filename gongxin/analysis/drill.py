"""Drill-down: the enterprises of one town, industry, tier or group for a period (all of them),
sortable by output, growth or contribution, and exportable. Figures from stats.enterprise_rows."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from gongxin.lib.export import xlsx_response
from gongxin.lib.periods import label, ytd_label
from gongxin.replica import analysis_reads
from gongxin.reporting.models import Product

from . import stats
from .exporters import DrillExporter
from .views import _period, require_analysis

SORT_LABELS = {"output": "累计产值", "growth": "累计增速", "contribution": "贡献率"}


def drill_args(request):
    by, code = request.GET.get("by", ""), request.GET.get("code", "").strip()
    if by not in stats.DRILL_BYS or not code or stats.drill_name(by, code) is None:
        raise Http404("没有这个分组")
    sort = request.GET.get("sort") if request.GET.get("sort") in SORT_LABELS else "output"
    return by, code, sort, request.GET.get("dir") != "asc"


@login_required
@analysis_reads
def enterprises(request):
    require_analysis(request.user)
    period = _period(request)
    by, code, sort, descending = drill_args(request)
    group, rows = stats.enterprise_rows(period, by, code, request.user, sort, descending)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(DrillExporter(period, by, group, rows))
    missing = stats.missing_in_group(period, by, code, request.user)
    base = f"/analysis/enterprises/?period={period}&by={by}&code={code}"
    return render(request, "analysis/enterprises.html", {
        "page_title": f"{group.name} · 规上工业企业（{label(period)}）", "period": period, "period_label": label(period),
        "ytd_label": ytd_label(period), "by": by, "by_label": stats.DRILL_BYS[by], "group": group, "rows": rows,
        "missing": missing, "sort": sort, "descending": descending, "base": base,
        "sorts": [(key, name, f"{base}&sort={key}" + ("&dir=asc" if key == sort and descending else ""))
                  for key, name in SORT_LABELS.items()],
    })


@login_required
@analysis_reads
def product_enterprises(request, code):
    """The enterprises that make one key product, with their quantities and prices."""
    require_analysis(request.user)
    period = _period(request)
    product = get_object_or_404(Product, code=code)
    return render(request, "analysis/product_enterprises.html", {
        "page_title": f"{product.name} · 生产企业（{label(period)}）", "period": period, "product": product,
        "period_label": label(period), "ytd_label": ytd_label(period),
        "makers": stats.product_makers(period, product, request.user)})
