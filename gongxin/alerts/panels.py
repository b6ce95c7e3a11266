"""The alerts module's enterprise-page panel and workbench items (listed in gongxin/panels.py)."""

from django.db.models import Count
from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access
from gongxin.lib.periods import label
from gongxin.lib.work import WorkItem

from .models import EarlyWarning, Level

PANEL_ROWS = 10
ITEM_ROWS = 3


def enterprise_panel(request, enterprise):
    """The enterprise's warnings, newest period first (only for those who may read warnings)."""
    warnings = (EarlyWarning.objects.for_user(request.user).filter(enterprise=enterprise)
                .select_related("rule").order_by("-period", "id"))
    rows = list(warnings[:PANEL_ROWS + 1])
    if not rows:
        return ""
    return render_to_string("alerts/panel.html", {"warnings": rows[:PANEL_ROWS], "more": len(rows) > PANEL_ROWS,
                                                  "e": enterprise}, request=request)


def work_items(request):
    """Town officer: the town's warnings of the latest period still to follow up; bureau: the latest
    period's new (not yet followed up) warnings of the county. Each counts what its link lists."""
    access = get_access(request.user)
    if access.is_bureau:
        title = "新预警"
    elif access.is_town_officer:
        title = "待跟进预警"
    else:
        return []
    visible = EarlyWarning.objects.for_user(request.user)
    periods = visible.periods()
    if not periods:
        return []
    period = periods[0]
    open_ = visible.listed(period=period, status=EarlyWarning.Status.OPEN)
    counts = dict(open_.order_by().values_list("level").annotate(n=Count("id")))
    count = sum(counts.values())
    if not count:
        return []
    levels = dict(Level.choices)
    by_level = {lv: counts[lv] for lv in Level.values if counts.get(lv)}
    rows = [(w.subject, f"/analysis/warnings/{w.pk}/", f"{levels[w.level]}预警 · {w.rule.name}")
            for w in open_.select_related("rule", "enterprise", "town").by_severity()[:ITEM_ROWS]]
    return [WorkItem(
        title=title, url=f"/analysis/warnings/?period={period}&status=open", count=count,
        note=f"{label(period)}：" + "、".join(f"{levels[lv]}{n}条" for lv, n in by_level.items()),
        level="danger" if Level.RED in by_level else "warning", section="待办", rows=rows, order=40)]
