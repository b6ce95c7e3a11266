from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from gongxin import panels
from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, region_q, require_bureau
from gongxin.lib import bounds
from gongxin.lib.export import xlsx_response
from gongxin.lib.masking import Masker
from gongxin.lib.uploads import run_import

from .exporters import EnterpriseExporter, EnterpriseTemplateExporter
from .forms import EnterpriseForm
from .models import Enterprise, EnterpriseGroup, Industry, ListYear, Region
from .services import IMPORT_HEADERS, REQUIRED_HEADERS, ConflictError, import_enterprises, save_enterprise

SORTS = {"uscc": "uscc", "name": "name", "town": "town__code", "industry": "industry__code",
         "status": "status", "-uscc": "-uscc", "-name": "-name", "-town": "-town__code",
         "-industry": "-industry__code", "-status": "-status"}


def _get_enterprise_for_user(request, uscc):
    """The enterprise if `request.user` may see it, else 404."""
    return get_object_or_404(Enterprise.objects.for_user(request.user).select_related("town", "industry"),
                             uscc=uscc.upper())


def _filtered_enterprises(request):
    """The user's enterprises filtered by the list page's query string; returns (queryset, filters)."""
    g = request.GET
    f = {k: g.get(k, "").strip() for k in ("q", "town", "industry", "group", "status", "year", "sort")}
    access = get_access(request.user)
    if not f["year"] and not access.sees_register:
        f["year"] = "all"  # a reporter sees its own enterprise even in a year it is off the list
    qs = Enterprise.objects.for_user(request.user)
    qs = qs.search(f["q"])
    if f["town"]:
        qs = qs.filter(town__code=f["town"])
    if f["industry"]:
        qs = qs.filter(Q(division__code=f["industry"]) | Q(industry__code=f["industry"]))
    if f["group"]:
        qs = qs.filter(groups__pk=bounds.pk(f["group"])) if bounds.pk(f["group"]) is not None else qs.none()
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["year"] != "all":
        year = f["year"] if bounds.whole(f["year"], 4) is not None else _default_year()
        f["year"] = str(year) if year else ""
        if year:
            qs = qs.filter(list_years__year=int(year))
    return qs.order_by(SORTS.get(f["sort"], "uscc"), "uscc"), f


def _default_year():
    return ListYear.objects.order_by("-year").values_list("year", flat=True).first()


@login_required
def enterprise_list(request):
    access = get_access(request.user)
    qs, filters = _filtered_enterprises(request)
    page = Paginator(qs.select_related("town", "industry"), 50).get_page(request.GET.get("page"))
    ctx = {
        "page_title": "规上工业企业名录" if access.sees_register else "本企业",
        "page": page,
        # A reporter with a single enterprise has nothing to search.
        "show_filters": access.sees_register or len(access.enterprise_ids) > 1,
        "filters": filters,
        "towns": Region.objects.towns().filter(region_q(request.user)),
        "industries": Industry.objects.filter(parent__isnull=True),
        "groups": EnterpriseGroup.objects.all(),
        "statuses": Enterprise.Status.choices,
        "years": ListYear.objects.order_by("-year").values_list("year", flat=True).distinct(),
        "sorts": [("uscc", "信用代码"), ("name", "企业名称"), ("town", "镇街"), ("industry", "行业"),
                  ("status", "经营状态")],
    }
    return render(request, "registry/enterprise_list.html", ctx)


@login_required
def enterprise_export(request):
    qs, _ = _filtered_enterprises(request)
    exporter = EnterpriseExporter(qs, Masker(get_access(request.user).sees_personal_data))
    return xlsx_response(exporter)


@login_required
def enterprise_template(request):
    require_bureau(request.user)
    return xlsx_response(EnterpriseTemplateExporter())


@login_required
def enterprise_detail(request, uscc):
    enterprise = _get_enterprise_for_user(request, uscc)
    access = get_access(request.user)
    years = enterprise.years_on_list
    ctx = {
        "page_title": enterprise.name,
        "e": enterprise,
        "years": years,
        "list_changes": _list_changes(years),
        "groups": enterprise.groups.all(),
        "can_edit": access.is_bureau,
        "contact_phone": Masker(access.sees_personal_data).phone(enterprise.contact_phone),
        "audit": entries_for(enterprise)[:20] if access.is_bureau else [],
        "extra_panels": panels.enterprise_panels(request, enterprise),
    }
    return render(request, "registry/enterprise_detail.html", ctx)


def _list_changes(years):
    """[(year, "进入"/"退出")] of one enterprise, judged within the years the system holds lists for
    (the first list year is no entry, and leaving after the latest list is not yet known)."""
    bounds = ListYear.objects.aggregate(first=Min("year"), last=Max("year"))
    changes = [(y, "进入") for y in years if y - 1 not in years and y > bounds["first"]]
    changes += [(y + 1, "退出") for y in years if y + 1 not in years and y < bounds["last"]]
    return sorted(changes)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    require_bureau(request.user)
    access = get_access(request.user)
    form = EnterpriseForm(request.POST or None, is_admin=access.is_admin)
    if request.method == "POST" and form.is_valid():
        enterprise = form.save(commit=False)
        try:
            save_enterprise(request.user, enterprise, list_years=form.cleaned_data["list_years"],
                            groups=form.cleaned_data["groups"])
        except ConflictError as e:
            form.add_error("uscc", str(e))
        else:
            messages.success(request, f"已新增企业“{enterprise.name}”")
            return redirect(f"/enterprises/{enterprise.uscc}/")
    return render(request, "registry/enterprise_form.html", {"page_title": "新增企业", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, uscc):
    enterprise = _get_enterprise_for_user(request, uscc)
    require_bureau(request.user)
    access = get_access(request.user)
    if request.method == "POST":
        try:
            version = bounds.version(request.POST.get("version"))
        except bounds.BadVersion as e:
            return HttpResponseBadRequest(str(e))
    form = EnterpriseForm(request.POST or None, instance=enterprise, is_admin=access.is_admin)
    if request.method == "POST" and form.is_valid():
        enterprise = form.save(commit=False)
        try:
            save_enterprise(request.user, enterprise, list_years=form.cleaned_data["list_years"],
                            groups=form.cleaned_data["groups"], expected_version=version)
        except ConflictError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "企业信息已保存")
            return redirect(f"/enterprises/{enterprise.uscc}/")
    ctx = {"page_title": f"编辑：{enterprise.name}", "form": form, "e": enterprise}
    return render(request, "registry/enterprise_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    require_bureau(request.user)
    report, error, status = run_import(request, lambda rows, upload: import_enterprises(rows, user=request.user))
    ctx = {"page_title": "导入企业名录", "report": report, "error": error, "headers": IMPORT_HEADERS,
           "required": REQUIRED_HEADERS}
    return render(request, "registry/enterprise_import.html", ctx, status=status)
