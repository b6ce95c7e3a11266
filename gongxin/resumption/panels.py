"""The resumption module's enterprise-page panel and workbench items (listed in gongxin/panels.py)."""

from django.template.loader import render_to_string
from django.utils import timezone

from gongxin.accounts.scoping import get_access
from gongxin.lib.work import WorkItem

from . import services, stats
from .models import Application, Blocker, Flag, Status, StatusEntry

A = Application.State


def enterprise_panel(request, enterprise):
    """Status timeline, the application and its certificate, blockers — of the current (or latest) event."""
    event = stats.event_for(None, timezone.localdate())
    if event is None:
        return ""
    entries = list(StatusEntry.objects.for_user(request.user).filter(event=event, enterprise=enterprise)
                   .order_by("-effective_on", "-id"))
    apps = list(Application.objects.for_user(request.user).filter(event=event, enterprise=enterprise)[:5])
    can_record = services.can_record(request.user, enterprise) and not event.is_closed
    if not entries and not apps and not can_record:
        return ""
    open_app = next((a for a in apps if a.is_open), None)
    return render_to_string("resumption/_enterprise_panel.html", {
        "enterprise": enterprise, "event": event, "entries": entries[:12], "apps": apps, "open_app": open_app,
        "blockers": Blocker.objects.for_user(request.user).filter(event=event, enterprise=enterprise)[:10],
        "can_record": can_record, "can_apply": can_record and open_app is None and event.is_active_on(
            timezone.localdate()),
        "statuses": Status.choices, "categories": Blocker.Category.choices, "today": timezone.localdate(),
    }, request=request)


def _count(qs, state):
    return qs.filter(state=state).count()


def work_items(request):
    access = get_access(request.user)
    if not access.roles:
        return []
    event = stats.event_for(None, timezone.localdate())
    if event is None:
        return []
    apps = Application.objects.for_user(request.user).filter(event=event)
    base = f"/resumption/applications/?event={event.code}&state="
    items = []
    if access.is_town_officer and not access.is_bureau:
        n = _count(apps, A.SUBMITTED)
        if n:
            items.append(WorkItem("待评估复工申请", base + A.SUBMITTED, count=n, level="warning",
                                  note=event.name, order=40))
        flags = Flag.objects.for_user(request.user).filter(event=event, state=Flag.State.OPEN).count()
        if flags:
            items.append(WorkItem("复工核查提示", f"/resumption/flags/?event={event.code}", count=flags,
                                  level="danger", note="自报复工与用电、产值不一致", order=41))
    if access.is_bureau:
        rules = stats.rules_for(event)
        waiting = [(A.EVALUATED, "待会审复工申请" if rules.co_review_required else "待审核复工申请")]
        if rules.co_review_required:
            waiting.append((A.CO_REVIEWED, "待审核确认复工申请"))
        for state, title in waiting:
            n = _count(apps, state)
            if n:
                items.append(WorkItem(title, base + state, count=n, level="warning", note=event.name, order=40))
    if access.is_enterprise:
        for app in apps.filter(enterprise_id__in=access.enterprise_ids).select_related("enterprise")[:3]:
            note = f"退回理由：{app.return_reason}" if app.state == A.RETURNED else (app.certificate_no or "")
            items.append(WorkItem("复工复产申请", f"/resumption/applications/{app.pk}/", value=app.get_state_display(),
                                  note=note, level="danger" if app.state == A.RETURNED else "info", order=40))
    return items
