"""The enterprise page's 技改项目 panel (registry calls `enterprise_panel`)."""

from django.db.models import Sum
from django.template.loader import render_to_string

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
    return []
