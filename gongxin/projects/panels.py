"""The enterprise page's 技改项目 panel (registry calls `enterprise_panel`)."""

from django.db.models import Sum
from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access
from gongxin.lib.numeric import fmt_growth, wan_to_yi
from gongxin.lib.periods import label, ytd_label
from gongxin.lib.work import WorkItem

from . import stats
from .models import Disbursement, Project


def enterprise_panel(request, enterprise):
    # The enterprise page already checked access; filter by scope again all the same.
    projects = Project.objects.for_user(request.user).filter(enterprise=enterprise).order_by("code")
    if not projects.exists():
        return ""
    paid = Disbursement.objects.filter(application__enterprise=enterprise).aggregate(total=Sum("amount"))["total"]
    return render_to_string("projects/_enterprise_panel.html", {"projects": projects, "paid": paid},
                            request=request)


def work_items(request):
    """Bureau: projects overdue as of the latest investment period (→ the filtered project list);
    leaders: 工业技改投资 of the latest period (→ the projects dashboard)."""
    access = get_access(request.user)
    items = []
    if access.is_bureau:
        period = stats.latest_period()
        overdue = Project.objects.for_user(request.user).overdue(stats.period_end(period))
        count = overdue.count()
        if count:
            rows = [(f"{p.code} {p.name}", f"/projects/{p.code}/", p.enterprise.name)
                    for p in overdue.select_related("enterprise").order_by("planned_completion", "code")[:5]]
            items.append(WorkItem("逾期技改项目", f"/projects/?overdue=any&period={period}", count=count,
                                  level="warning", note=f"截至{label(period, merge_jan_feb=False)}：逾期未开工、未竣工或连续两月无投资",
                                  section="待办", rows=rows, order=40, unit="个"))
    if access.is_leader:
        period = stats.latest_period()
        county = stats.investment_rows(period, "county")[0]
        items.append(WorkItem(f"工业技改投资（{ytd_label(period)}）", f"/projects/dashboard/?period={period}",
                              value=f"{wan_to_yi(county['ytd'])}亿元",
                              note=f"同比{fmt_growth(county['ytd_growth_pct'])}，{label(period, merge_jan_feb=False)}",
                              section="运行概况", order=33))
    return items
