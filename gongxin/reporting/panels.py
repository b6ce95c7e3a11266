"""The returns panel on the enterprise page (/enterprises/<uscc>/)."""

from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access
from gongxin.lib.work import WorkItem
from gongxin.registry.models import Enterprise

from .due import due_returns
from .models import Return


def enterprise_panel(request, enterprise):
    """The enterprise's 12 most recent returns with status and links (the page already checked scope)."""
    returns = Return.objects.for_user(request.user).filter(enterprise=enterprise).select_related("form")
    returns = returns.order_by("-period", "form__order")[:12]
    return render_to_string("reporting/panel.html", {"returns": returns, "e": enterprise}, request=request)


def work_items(request):
    """A reporter's 待报送报表: every form and period owed, with deadlines; each row opens the return."""
    access = get_access(request.user)
    if not access.enterprise_ids or access.is_bureau or access.is_town_officer:
        return []
    due = due_returns(Enterprise.objects.filter(pk__in=access.enterprise_ids).order_by("uscc"))
    if not due:
        return []
    rows = [(f"{d.form.name}表 · {d.label}", d.url, f"截止{d.deadline:%Y年%-m月%-d日}") for d in due[-8:]]
    return [WorkItem("待报送报表", "/returns/", count=len(due), note=f"最早一期截止{due[0].deadline:%Y年%-m月%-d日}",
                     level="danger" if due[0].overdue else "warning", rows=rows, order=10)]
