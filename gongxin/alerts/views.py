"""The early-warnings pages (under /analysis/warnings/): the list, a warning and its follow-ups, the rules."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, region_q
from gongxin.lib.periods import PeriodError, label, parse_period, period_or_404
from gongxin.registry.models import Region

from .forms import WarningRuleForm
from .models import EarlyWarning, Level, WarningRule
from .scan import scan
from .services import WarningError, can_follow_up, follow_up, update_rule

WARNING_FILTERS = ("period", "level", "town", "kind", "status")
ALL_PERIODS = "all"  # ?period=all lists every period's warnings


def _require_reader(request):
    """Bureau, leaders and town officers read the warnings; nobody else."""
    access = get_access(request.user)
    if not access.reads_analysis:
        raise PermissionDenied("只有工信局、局领导和镇街工作人员可以查看运行预警")
    return access


def _get_warning_for_user(request, warning_id):
    """The warning if `request.user` may see it, else 404."""
    return get_object_or_404(EarlyWarning.objects.for_user(request.user).select_related("rule", "enterprise__town", "town"),
                             pk=warning_id)


@login_required
def warning_list(request):
    access = _require_reader(request)
    f = {k: request.GET.get(k, "").strip() for k in WARNING_FILTERS}
    if f["period"] and f["period"] != ALL_PERIODS:
        f["period"] = period_or_404(f["period"], require_reporting=False)
    visible = EarlyWarning.objects.for_user(request.user)
    periods = visible.periods()
    if not f["period"] and periods:
        f["period"] = periods[0]
    qs = visible.listed(**f).select_related("rule", "enterprise__town", "town")
    # The level cards count every level under the other filters (a card is how one picks a level).
    counts = {lv: 0 for lv in Level.values}
    for level in visible.listed(**{**f, "level": ""}).values_list("level", flat=True):
        counts[level] += 1
    page = Paginator(qs.by_severity(), 50).get_page(request.GET.get("page"))
    return render(request, "alerts/list.html", {
        "page_title": "运行预警", "page": page, "filters": f, "periods": periods,
        "levels": Level.choices, "kinds": WarningRule.Kind.choices, "statuses": EarlyWarning.Status.choices,
        "towns": Region.objects.towns().filter(region_q(request.user)).order_by("code"),
        "level_counts": [(value, name, counts[value]) for value, name in Level.choices],
        "can_follow": access.follows_up_warnings, "period_label": _label(f["period"]),
        "can_rescan": access.is_bureau and not access.read_only,
    })


def _label(period):
    try:
        return label(period)
    except PeriodError:
        return "全部报告期"


@login_required
def warning_detail(request, warning_id):
    _require_reader(request)
    warning = _get_warning_for_user(request, warning_id)
    return render(request, "alerts/detail.html", {
        "page_title": f"预警：{warning.subject}", "warning": warning,
        "follow_ups": warning.follow_ups.select_related("user"), "history": entries_for(warning)[:50],
        "can_follow": can_follow_up(request.user, warning), "token": secrets.token_hex(16),
    })


@login_required
@require_POST
def warning_follow_up(request, warning_id):
    _require_reader(request)
    warning = _get_warning_for_user(request, warning_id)
    if not can_follow_up(request.user, warning):
        raise PermissionDenied("只有工信局工作人员和所在镇街可以跟进预警")
    token = request.POST.get("token", "")
    if not (8 <= len(token) <= 40 and token.isascii() and token.isalnum()):
        return HttpResponseBadRequest("缺少或无效的提交标识，请刷新页面后重新提交")
    try:
        follow_up(warning, request.user, request.POST.get("note", ""), token=token)
    except WarningError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "跟进情况已记录")
    return redirect(f"/analysis/warnings/{warning.pk}/")


@login_required
def warning_rules(request):
    access = get_access(request.user)
    if not access.sees_all:
        raise PermissionDenied("只有工信局工作人员可以查看预警规则")
    return render(request, "alerts/rules.html", {
        "page_title": "预警规则", "rules": WarningRule.objects.all(), "can_edit": access.is_admin})


@login_required
def warning_rule_edit(request, rule_id):
    if not get_access(request.user).is_admin:
        raise PermissionDenied("仅系统管理员可以修改预警规则")
    rule = get_object_or_404(WarningRule, pk=rule_id)
    form = WarningRuleForm(request.POST or None, instance=WarningRule.objects.get(pk=rule.pk),
                           initial={"version": rule.version})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            update_rule(rule, request.user, data, form.cleaned_data["version"])
        except WarningError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"预警规则“{data['name']}”已保存，下次扫描时生效")
            return redirect("/analysis/warnings/rules/")
    return render(request, "alerts/rule_form.html", {
        "page_title": f"修改预警规则：{rule.name}", "form": form, "rule": rule})


@login_required
@require_POST
def warning_rescan(request):
    """重新扫描: the bureau re-evaluates the rules for one period now (the scan is idempotent)."""
    access = get_access(request.user)
    if not access.is_bureau or access.read_only:
        raise PermissionDenied("只有工信局工作人员可以重新扫描预警")
    try:
        period = parse_period(request.POST.get("period", ""))
    except PeriodError:
        messages.error(request, "请选择要扫描的报告期")
        return redirect("/analysis/warnings/")
    counts = scan(period, actor=request.user.get_username())
    messages.success(request, f"{label(period)}预警已重新扫描：新增{counts['created']}条，更新{counts['updated']}条，"
                              f"解除{counts['cleared']}条，待跟进{counts['open']}条")
    # Back to the list as it was filtered (level, town, status…), on the period scanned, first page.
    back = QueryDict(request.POST.get("back", ""), mutable=True)
    back["period"] = period
    back.pop("page", None)
    return redirect(f"/analysis/warnings/?{back.urlencode()}")
