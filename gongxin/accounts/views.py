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
    if filters["date_from"]:
        entries = entries.filter(at__date__gte=filters["date_from"])
    if filters["date_to"]:
        entries = entries.filter(at__date__lte=filters["date_to"])
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
