"""The month's routine in the browser: 催报 from 报送进度 (more routine pages join here)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from gongxin.accounts.scoping import get_access
from gongxin.lib import periods as P

from .models import Form
from .reminders import remind


def can_remind(user):
    """Town officers (for their town) and the bureau (for all) send 催报; leaders only read."""
    access = get_access(user)
    return (access.is_bureau or access.is_town_officer) and not access.read_only


@login_required
@require_POST
def completeness_remind(request):
    """催报: an in-app notice (and e-mail when configured) to every missing enterprise in scope."""
    if not can_remind(request.user):
        raise PermissionDenied("只有工信局和镇街工作人员可以催报")
    form = get_object_or_404(Form, code=request.POST.get("form") or "output", is_active=True)
    try:
        period = P.parse_period(request.POST.get("period", ""))
    except P.PeriodError as e:
        raise Http404("报告期无效") from e
    created, sent = remind(form, period, user=request.user)
    if created:
        messages.success(request, f"已向{created}家未报企业发送催报通知" + (f"，发送邮件{sent}封" if sent else ""))
    else:
        messages.info(request, "今天已向全部未报企业催报过，未重复发送")
    return redirect(f"/returns/completeness/?form={form.code}&period={period}")
