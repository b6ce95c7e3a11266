"""The analysis panel on the enterprise page (/enterprises/<uscc>/): this year's output series;
and the headline figures of the latest period on the workbench (town officers: their town;
leaders: the county), read from the engine (analysis/stats.py), linked to the dashboard."""

from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access
from gongxin.lib import phrasing
from gongxin.lib.numeric import fmt_growth, qian_to_yi
from gongxin.lib.periods import label, ytd_label
from gongxin.lib.work import WorkItem

from . import stats


def enterprise_panel(request, enterprise):
    access = get_access(request.user)
    if not access.reads_analysis:
        return ""
    latest = enterprise.returns.filter(form__code=stats.OUTPUT_FORM).order_by("-period").values_list(
        "period", flat=True).first()
    if latest is None:
        return ""
    rows = stats.enterprise_series(enterprise, int(latest[:4]))
    return render_to_string("analysis/panel.html", {"e": enterprise, "rows": rows, "period": latest,
                                                    "year": latest[:4]}, request=request)


def work_items(request):
    access = get_access(request.user)
    if not (access.is_leader or (access.is_town_officer and not access.sees_all)):
        return []
    period = stats.latest_period()
    if period is None:
        return []
    url = f"/analysis/?period={period}"
    whole = stats.county(period, request.user).output
    name = stats.county_label(request.user)[1]
    when = f"{label(period)}"
    # The figures hold the returns counted so far: while some are missing, the tiles say so.
    cov = stats.coverage(period, request.user)
    partial = "" if cov.complete else f"；{phrasing.coverage(cov)}"
    items = [
        WorkItem(f"{name}规上工业总产值（{ytd_label(period)}）", url, value=f"{qian_to_yi(whole.ytd)}亿元",
                 note=f"{when}，本月{qian_to_yi(whole.month)}亿元{partial}", section="运行概况", order=30),
        WorkItem(f"{name}总产值同比（{ytd_label(period)}）", url, value=fmt_growth(whole.ytd_growth_pct),
                 note=f"本月{fmt_growth(whole.month_growth_pct)}" + (
                     "" if cov.complete else f"；仅含已计入的{cov.counted}家"), section="运行概况", order=31,
                 level="success" if (whole.ytd_growth_pct or 0) >= 0 else "danger"),
    ]
    if access.is_leader:
        added = stats.added_value(period, request.user)
        items.append(WorkItem(f"规上工业增加值同比（{ytd_label(period)}）", url, value=fmt_growth(added.ytd_pct),
                              note=("统计局发布数" if added.is_official else "按可比价测算") + f"，{when}",
                              section="运行概况", order=32))
    return items
