"""Unread notices on the workbench (listed in gongxin/panels.py)."""

from gongxin.lib.work import WorkItem

from .models import Notice


def work_items(request):
    unread = Notice.objects.unread_by(request.user)
    count = unread.count()
    if not count:
        return []
    rows = [(n.title, f"/notices/{n.pk}/", f"{n.created_at:%m-%d}") for n in unread[:5]]
    return [WorkItem("未读通知", "/notices/?unread=1", count=count, level="warning", section="提醒",
                     rows=rows, order=10)]
