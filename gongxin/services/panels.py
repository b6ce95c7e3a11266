"""Enterprise services on the enterprise page and the workbench (listed in gongxin/panels.py)."""

from django.template.loader import render_to_string
from django.utils import timezone

from gongxin.accounts.scoping import get_access
from gongxin.lib.work import WorkItem

from .models import Demand, Visit


def enterprise_panel(request, enterprise):
    demands = Demand.objects.for_user(request.user).filter(enterprise=enterprise).select_related("tier")
    access = get_access(request.user)
    if enterprise.id not in access.enterprise_ids:
        demands = demands.filter(anonymous=False)  # an anonymous demand never names its enterprise
    visits = Visit.objects.for_user(request.user).filter(enterprise=enterprise)
    if not demands.exists() and not visits.exists():
        return ""
    return render_to_string("services/_enterprise_panel.html", {
        "demands": demands[:10], "visits": visits[:5], "e": enterprise}, request=request)


def work_items(request):
    access = get_access(request.user)
    mine = Demand.objects.for_user(request.user)
    now = timezone.now()
    items = []
    if access.is_enterprise and not access.sees_all:
        to_confirm = mine.filter(status=Demand.Status.RESOLVED, enterprise_id__in=access.enterprise_ids)
        if n := to_confirm.count():
            items.append(WorkItem("待确认的诉求办理结果", "/services/demands/?flag=confirm", count=n, level="warning",
                                  rows=[(d.title, f"/services/demands/{d.pk}/", d.code) for d in to_confirm[:3]]))
        open_count = mine.open().filter(enterprise_id__in=access.enterprise_ids).count()
        items.append(WorkItem("我的诉求（办理中）", "/services/demands/", count=open_count, section="企业服务",
                              note="遇到原材料、物流、用工等困难，可随时反映", order=120,
                              action=("反映困难诉求", "/services/demands/new/")))
    if access.is_bureau:
        if n := mine.filter(status=Demand.Status.NEW).count():
            items.append(WorkItem("待交办的企业诉求", "/services/demands/?flag=new", count=n, level="warning"))
    if access.is_bureau or access.is_town_officer or access.is_leader:
        overdue = mine.filter(status=Demand.Status.ASSIGNED, due_at__lt=now)
        if n := overdue.count():
            items.append(WorkItem("超期未办结诉求", "/services/demands/?flag=overdue", count=n, level="danger"))
    if access.is_leader or access.is_bureau:
        escalated = mine.open().filter(escalated_at__isnull=False)
        if n := escalated.count():
            items.append(WorkItem("升级督办的诉求", "/services/demands/?flag=escalated", count=n, level="danger",
                                  rows=[(d.title, f"/services/demands/{d.pk}/", d.code) for d in escalated[:3]]))
    return items
