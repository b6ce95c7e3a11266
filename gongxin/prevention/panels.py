"""The prevention module's enterprise-page panel and workbench items (listed in gongxin/panels.py).

Counts equal what the linked pages list: the findings page and the closed-loop page show the
events not yet closed by default, as these counts do.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from gongxin.accounts.scoping import get_access
from gongxin.lib.work import WorkItem

from .models import Finding, Registration

OPEN_EVENTS = {"event__closed_at__isnull": True}


def enterprise_panel(request, enterprise):
    regs = (Registration.objects.for_user(request.user).filter(enterprise=enterprise)
            .select_related("event").order_by("-event__started_on"))
    findings = (Finding.objects.for_user(request.user).filter(enterprise=enterprise)
                .select_related("event").order_by("status", "deadline"))
    if not regs and not findings.exists():
        return ""
    return render_to_string("prevention/_enterprise_panel.html", {
        "regs": regs, "findings": findings[:10], "today": timezone.localdate()}, request=request)


def work_items(request):
    access = get_access(request.user)
    user, today, items = request.user, timezone.localdate(), []
    findings = Finding.objects.for_user(user).filter(**OPEN_EVENTS).select_related("enterprise")
    if access.is_enterprise and not (access.is_bureau or access.is_town_officer):
        open_ = findings.filter(status=Finding.Status.OPEN)
        if n := open_.count():
            items.append(WorkItem("待整改问题", "/prevention/findings/?status=open", count=n, level="danger",
                                  note="请按期整改并上传照片", rows=[(f.description[:24], f"/prevention/findings/{f.pk}/",
                                                              f"期限{f.deadline:%m-%d}") for f in open_[:3]],
                                  section="待办", order=20))
        returned = Registration.objects.for_user(user).filter(status=Registration.Status.RETURNED, **OPEN_EVENTS)
        if n := returned.count():
            items.append(WorkItem("封闭生产登记被退回", "/prevention/closed-loop/?status=returned", count=n,
                                  level="warning", section="待办", order=21))
        return items
    if access.is_bureau or access.is_town_officer:
        pending = Registration.objects.for_user(user).filter(status=Registration.Status.PENDING, **OPEN_EVENTS)
        if n := pending.count():
            items.append(WorkItem("待审核封闭生产", "/prevention/closed-loop/?status=pending", count=n,
                                  level="warning", section="待办", order=40))
        rectified = findings.filter(status=Finding.Status.RECTIFIED)
        if n := rectified.count():
            items.append(WorkItem("待核验整改", "/prevention/findings/?status=rectified", count=n, level="warning",
                                  section="待办", order=41))
    if access.is_bureau or access.is_town_officer or access.is_leader:
        overdue = findings.filter(status=Finding.Status.OPEN, deadline__lt=today)
        if n := overdue.count():
            items.append(WorkItem("逾期未整改问题", "/prevention/findings/?overdue=1", count=n, level="danger",
                                  rows=[(f"{f.enterprise.name}", f"/prevention/findings/{f.pk}/", f"期限{f.deadline:%m-%d}")
                                        for f in overdue.order_by("deadline")[:3]], section="提醒", order=42))
    return items
