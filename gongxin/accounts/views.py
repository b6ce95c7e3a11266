import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.shortcuts import render

from gongxin import panels
from gongxin.registry.models import Enterprise, ListYear, Region

from .audit import action_choices, action_q, object_type_label
from .models import AuditEntry
from .scoping import get_access, region_q, require_admin


@login_required
def home(request):
    access = get_access(request.user)
    enterprises = Enterprise.objects.for_user(request.user)
    year = ListYear.objects.aggregate(latest=Max("year"))["latest"]
    ctx = {
        "page_title": "工作台",
        "enterprise_count": enterprises.count(),
        "list_year": year,
        "list_count": enterprises.on_list(year).count() if year else 0,
        "entrants": enterprises.entrants(year).count() if year else 0,
        "leavers": enterprises.leavers(year).count() if year else 0,
        "towns": Region.objects.towns().filter(region_q(request.user)),
        "my_enterprises": enterprises[:5] if access.files_returns else [],
        "work_sections": _sections(panels.work_items(request)),
    }
    return render(request, "accounts/home.html", ctx)


def _sections(items):
    """Work items grouped by section, sections in the order their first item comes."""
    sections = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return list(sections.items())


@login_required
def audit_list(request):
    require_admin(request.user)
    entries = AuditEntry.objects.select_related("user")
    filters = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_type", "q", "date_from", "date_to")}
    if filters["actor"]:
        entries = entries.filter(actor__icontains=filters["actor"])
    if filters["action"]:
        entries = entries.filter(action_q(filters["action"]))
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    if filters["q"]:
        entries = entries.filter(object_repr__icontains=filters["q"])
    for key, lookup, label in (("date_from", "at__date__gte", "起始日期"), ("date_to", "at__date__lte", "截止日期")):
        if filters[key]:
            try:
                entries = entries.filter(**{lookup: dt.date.fromisoformat(filters[key])})
            except ValueError:
                messages.warning(request, f"{label}“{filters[key]}”不是有效日期（应为YYYY-MM-DD），已忽略")
                filters[key] = ""
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    ctx = {
        "page_title": "操作日志",
        "page": page,
        "filters": filters,
        "actions": action_choices(),
        "object_types": [(t, object_type_label(t)) for t in
                         AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()],
    }
    return render(request, "accounts/audit_list.html", ctx)
