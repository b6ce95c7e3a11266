"""The reserves module's enterprise-page panel and workbench items (listed in gongxin/panels.py)."""

from django.db.models import Count, Q
from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access
from gongxin.lib.numeric import fmt_decimal
from gongxin.lib.work import WorkItem

from . import stats
from .models import CallOff, CapacityContract, Dispatch


def enterprise_panel(request, enterprise):
    """The enterprise's supply contracts (scoped: the bureau, leaders, the enterprise itself)."""
    contracts = (CapacityContract.objects.for_user(request.user).filter(enterprise=enterprise)
                 .select_related("material").annotate(open_calloffs=Count("calloffs", filter=Q(
                     calloffs__status=CallOff.Status.OPEN))))
    if not contracts:
        return ""
    return render_to_string("reserves/_enterprise_panel.html", {"contracts": contracts}, request=request)


def work_items(request):
    access = get_access(request.user)
    items = []
    if access.is_bureau:
        waiting = Dispatch.objects.filter(status=Dispatch.Status.REQUESTED).order_by("requested_on")
        n = waiting.count()
        if n:
            items.append(WorkItem("待审批物资调度", "/reserves/dispatches/?status=requested", count=n, level="warning",
                                  rows=[(f"{d.unit_name} {d.number}", f"/reserves/dispatches/{d.number}/", "")
                                        for d in waiting[:3]], order=60))
        to_ship = Dispatch.objects.filter(status=Dispatch.Status.APPROVED).count()
        if to_ship:
            items.append(WorkItem("待发运物资调度", "/reserves/dispatches/?status=approved", count=to_ship, order=61))
        day = stats.default_day()
        expiring = stats.expiring(day)
        if expiring:
            items.append(WorkItem("近效期/过期储备物资", "/reserves/", count=len(expiring), level="warning",
                                  section="提醒", note="请及时轮换或报废核销", order=62))
        gaps = [r for r in stats.materials(day) if r.gap]
        if gaps:
            items.append(WorkItem("储备缺口物资", "/reserves/", count=len(gaps), level="danger", section="提醒",
                                  note="、".join(r.material.name for r in gaps[:4]), order=63))
    if (access.is_town_officer or access.is_enterprise) and not access.sees_all:
        arrived = Dispatch.objects.for_user(request.user).filter(status=Dispatch.Status.SHIPPED)
        n = arrived.count()
        if n:
            items.append(WorkItem("待签收调度物资", "/reserves/dispatches/?status=shipped", count=n, level="warning",
                                  note="物资到达后请核对数量并确认签收", order=61))
    if access.is_enterprise and access.enterprise_ids:
        open_calloffs = CallOff.objects.for_user(request.user).filter(status=CallOff.Status.OPEN).select_related(
            "contract")
        n = open_calloffs.count()
        if n:
            first = open_calloffs.first()
            items.append(WorkItem("待交付产能调用", f"/reserves/contracts/{first.contract.number}/" if n == 1
                                  else "/reserves/contracts/", count=n, level="warning",
                                  rows=[(f"{c.number} 未交付{fmt_decimal(c.remaining)}", f"/reserves/contracts/{c.contract.number}/", "")
                                        for c in open_calloffs[:3]], order=60))
    return items
