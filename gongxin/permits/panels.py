"""The permits module's enterprise-page panel and workbench items (listed in gongxin/panels.py)."""

from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone

from gongxin.accounts.scoping import get_access
from gongxin.lib.work import WorkItem

from .models import Permit, waited_text

PANEL_ROWS = 8


def enterprise_panel(request, enterprise):
    """The enterprise's latest permits (the page already checked scope; fetched through for_user)."""
    permits = Permit.objects.for_user(request.user).filter(enterprise=enterprise).select_related("event")
    total = permits.count()
    if not total:
        return ""
    return render_to_string("permits/panel.html", {"permits": permits[:PANEL_ROWS], "total": total, "e": enterprise,
                                                   "can_apply": enterprise.id in get_access(request.user).enterprise_ids},
                            request=request)


def work_items(request):
    access = get_access(request.user)
    items = []
    if access.is_bureau or access.is_town_officer:
        queue = Permit.objects.for_user(request.user).reviewable_by(request.user)
        figures = queue.aggregate(oldest=Min("applied_at"))
        count = queue.count()
        if count:
            waited = int((timezone.now() - figures["oldest"]).total_seconds() // 60)
            items.append(WorkItem("待审批接驳证明", "/permits/review/", count=count,
                                  note=f"最长已等待{waited_text(waited)}", level="danger" if waited > 30 else "warning",
                                  rows=[(f"{p.plate} {p.get_urgency_display()}", p.get_absolute_url(), p.enterprise.name)
                                        for p in queue.queue().select_related("enterprise")[:3]],
                                  order=20))
    if access.is_bureau:
        late = Permit.objects.for_user(request.user).overstaying().count()
        if late:
            items.append(WorkItem("超时滞留车辆", "/permits/overstays/", count=late, section="提醒",
                                  note="有效期已过仍未离境", level="danger", order=30))
    return items
