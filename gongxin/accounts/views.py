import datetime as dt
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gongxin import panels
from gongxin.lib import bounds
from gongxin.lib.export import xlsx_response
from gongxin.lib.uploads import run_import
from gongxin.lib.uscc import normalize
from gongxin.registry.models import Enterprise, ListYear, Region

from . import services
from .audit import action_choices, action_q, entries_for, object_type_label
from .exporters import PasswordSheetExporter, UserTemplateExporter
from .lockout import locked_usernames
from .models import AuditEntry, Membership, Profile, Role
from .scoping import get_access, region_q, require_admin

User = get_user_model()
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
CJK_SOFT_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")
PASSWORDS_KEY = "gx_import_passwords"


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
        "work_sections": _sections(panels.work_items(request), access.read_only),
    }
    return render(request, "accounts/home.html", ctx)


# Work first for those who act on it; figures first for those who read them (leaders).
SECTIONS_FOR_ACTORS = ("待办", "提醒", "运行概况")
SECTIONS_FOR_READERS = ("运行概况", "待办", "提醒")


def _sections(items, read_only=False):
    """Work items grouped by section: the known sections in their order, then others as they come."""
    sections = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    known = SECTIONS_FOR_READERS if read_only else SECTIONS_FOR_ACTORS
    ordered = [(name, sections.pop(name)) for name in known if name in sections]
    return ordered + list(sections.items())


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


# ---------------------------------------------------------------- people and roles (bureau admin)


def _get_user_for_admin(request, pk):
    """The user `pk` if the requester is a bureau admin (403 otherwise), else 404."""
    require_admin(request.user)
    return get_object_or_404(User.objects.select_related("profile"), pk=pk)


def _users_with_roles():
    memberships = Membership.objects.select_related("region", "enterprise").order_by("role", "id")
    return User.objects.select_related("profile").prefetch_related(Prefetch("memberships", queryset=memberships))


@login_required
def user_list(request):
    require_admin(request.user)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "role", "town", "active")}
    users = _users_with_roles()
    if f["q"]:
        users = users.filter(Q(username__icontains=f["q"]) | Q(first_name__icontains=f["q"])
                             | Q(profile__phone__icontains=f["q"]) | Q(memberships__enterprise__name__icontains=f["q"]))
    if f["role"] in Role.values:
        users = users.filter(memberships__role=f["role"])
    elif f["role"] == "none":
        users = users.filter(memberships__isnull=True)
    if f["town"]:
        users = users.filter(Q(memberships__region__code=f["town"]) | Q(memberships__enterprise__town__code=f["town"]))
    if f["active"] in ("1", "0"):
        users = users.filter(is_active=f["active"] == "1")
    users = users.distinct().order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    ctx = {"page_title": "用户与授权", "page": page, "filters": f, "roles": Role.choices,
           "towns": Region.objects.towns(), "locked": locked_usernames()}
    return render(request, "accounts/user_list.html", ctx)


def _membership_from_post(post):
    """(role, region, enterprise) from a grant form; AccountError naming what is wrong."""
    role = post.get("role", "")
    region = enterprise = None
    if role == Role.TOWN_OFFICER:
        region = Region.objects.towns().filter(code=post.get("town", "")).first()
        if region is None:
            raise services.AccountError("请选择所辖镇街")
    elif role == Role.ENTERPRISE:
        code = normalize(post.get("uscc", ""))
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise services.AccountError(f"未找到统一社会信用代码为“{code}”的企业" if code else "请填写所属企业的统一社会信用代码")
    return services.check_scope(role, region, enterprise)


def _one_time_page(request, user, password, title):
    ctx = {"page_title": title, "target": user, "password": password}
    response = render(request, "accounts/one_time_password.html", ctx)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_create(request):
    require_admin(request.user)
    values, error = {}, None
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("username", "full_name", "phone", "role", "town", "uscc")}
        try:
            grants = [_membership_from_post(request.POST)] if values["role"] else []
            user, password = services.create_user(request.user, values["username"], values["full_name"],
                                                  values["phone"], grants)
        except services.AccountError as e:
            error = str(e)
            if "已被使用" in error:
                error += "。如果刚才已创建成功但未看到初始密码，请在用户详情页“重置密码”。"
        else:
            return _one_time_page(request, user, password, "新用户已创建")
    ctx = {"page_title": "新建用户", "values": values, "error": error, "roles": Role.choices,
           "towns": Region.objects.towns()}
    return render(request, "accounts/user_form.html", ctx, status=400 if error else 200)


@login_required
def user_detail(request, pk):
    target = _get_user_for_admin(request, pk)
    profile = services.profile_of(target)
    ctx = {
        "page_title": f"用户：{target.username}", "target": target, "profile": profile,
        "memberships": target.memberships.select_related("region", "enterprise__town").order_by("role", "id"),
        "roles": Role.choices, "towns": Region.objects.towns(),
        "locked": target.username in locked_usernames(),
        "entries": entries_for(target)[:30],
        "error": None,
    }
    return render(request, "accounts/user_detail.html", ctx)


def _back(pk):
    return redirect(f"/accounts/users/{pk}/")


@login_required
@require_POST
def user_edit(request, pk):
    target = _get_user_for_admin(request, pk)
    version = bounds.whole(request.POST.get("version"), 9)
    if version is None:
        return HttpResponse("版本号缺失或无效，请刷新页面后重试。", status=400)
    try:
        services.update_user(request.user, target, request.POST.get("full_name", ""), request.POST.get("phone", ""),
                             expected_version=version)
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "用户信息已保存")
    return _back(pk)


@login_required
@require_POST
def user_grant(request, pk):
    target = _get_user_for_admin(request, pk)
    try:
        services.grant(request.user, target, *_membership_from_post(request.POST))
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已授予角色")
    return _back(pk)


@login_required
@require_POST
def user_revoke(request, pk, membership_pk):
    target = _get_user_for_admin(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=target)
    try:
        services.revoke(request.user, membership)
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已撤销该角色，用户的下一次操作即按新的权限执行")
    return _back(pk)


@login_required
@require_POST
def user_reset_password(request, pk):
    target = _get_user_for_admin(request, pk)
    password = services.reset_password(request.user, target)
    return _one_time_page(request, target, password, "密码已重置")


@login_required
@require_POST
def user_unlock(request, pk):
    target = _get_user_for_admin(request, pk)
    services.unlock(request.user, target)
    messages.success(request, f"已解除“{target.username}”的登录锁定")
    return _back(pk)


@login_required
@require_POST
def user_set_active(request, pk):
    target = _get_user_for_admin(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(request.user, target, active)
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "账号已启用" if active else "账号已停用，该用户不能再登录")
    return _back(pk)


@login_required
def user_import(request):
    require_admin(request.user)
    report, error, status = run_import(request, lambda rows, upload: services.import_users(rows, actor=request.user))
    if report is not None and report.ok:
        # Shown on this page and downloadable once: the download removes them from the session.
        request.session[PASSWORDS_KEY] = report.passwords
    ctx = {"page_title": "批量导入用户", "report": report, "error": error, "headers": services.IMPORT_HEADERS,
           "required": services.REQUIRED_HEADERS, "roles": Role.labels,
           "pending_passwords": bool(request.session.get(PASSWORDS_KEY))}
    response = render(request, "accounts/user_import.html", ctx, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_import_template(request):
    require_admin(request.user)
    return xlsx_response(UserTemplateExporter())


@login_required
def user_import_passwords(request):
    require_admin(request.user)
    rows = request.session.pop(PASSWORDS_KEY, None)
    if not rows:
        raise Http404("初始密码表只能下载一次，已下载或已过期")
    exporter = PasswordSheetExporter(rows)
    response = xlsx_response(exporter)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- every user


@login_required
def password_change(request):
    error = None
    forced = bool(Profile.objects.filter(user=request.user, must_change_password=True).exists())
    if request.method == "POST":
        try:
            services.change_password(request, request.user, request.POST.get("old_password", ""),
                                     request.POST.get("new_password1", ""), request.POST.get("new_password2", ""))
        except services.AccountError as e:
            error = str(e)
        else:
            messages.success(request, "密码已修改")
            return redirect("/")
    from django.contrib.auth.password_validation import password_validators_help_texts

    ctx = {"page_title": "修改密码", "error": error, "forced": forced,
           "rules": password_validators_help_texts()}
    return render(request, "accounts/password_change.html", ctx, status=400 if error else 200)


@login_required
def guide(request):
    """docs/guide.md rendered as HTML (使用手册)."""
    import markdown

    text = (settings.BASE_DIR / "docs" / "guide.md").read_text(encoding="utf-8")
    # A line broken between two Chinese characters is one sentence: no space where the source wraps.
    text = CJK_SOFT_BREAK.sub("", text)
    html = markdown.markdown(text, extensions=["tables", "toc", "fenced_code"], output_format="html")
    return render(request, "accounts/guide.html", {"page_title": "使用手册", "guide_html": html})
