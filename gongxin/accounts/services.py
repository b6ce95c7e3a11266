"""People and roles (用户与授权): accounts, memberships, passwords — every change atomic and audited.

Contract: each function runs in one transaction, refuses bad input with `AccountError` (a Chinese
message, nothing written), takes a row lock on the user it changes and leaves an audit entry
(`accounts.<verb>`). Nothing is ever deleted: a user leaves by deactivation, so the audit trail
keeps the name. A new account and a reset get a one-time password, returned once to the caller
(never stored in clear) and flagged so that the user must choose their own at the next login.
Access is computed per request from the memberships (accounts/scoping.py), so a revoke takes
effect on the user's next request.
"""

import secrets

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_text, header_index
from gongxin.lib.uscc import normalize
from gongxin.registry.models import Enterprise, Region

from .audit import log_action
from .models import Membership, Profile, Role

User = get_user_model()

# No 0/O, 1/l/I: the password is read off a screen or a sheet and typed in.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 12
SCOPED_ROLES = {Role.TOWN_OFFICER: "region", Role.ENTERPRISE: "enterprise"}
ROLE_BY_LABEL = {label: value for value, label in Role.choices} | {value: value for value in Role.values}
USERNAME_MAX = 150


class AccountError(Exception):
    """A change the rules do not allow; the message is for the user."""


def one_time_password():
    """12 characters with letters and digits: passes every password validator."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def profile_of(user):
    return Profile.objects.get_or_create(user=user)[0]


def scope_label(membership):
    return str(membership.region or membership.enterprise or "全县")


def _locked_user(user):
    return User.objects.select_for_update().get(pk=user.pk)


def _clean_username(username):
    username = (username or "").strip()
    if not username:
        raise AccountError("用户名不能为空")
    if len(username) > USERNAME_MAX:
        raise AccountError(f"用户名不能超过{USERNAME_MAX}个字符")
    try:
        User.username_validator(username)
    except ValidationError as e:
        raise AccountError("用户名只能包含字母、数字和 @ . + - _") from e
    return username


def _clean_person(full_name, phone):
    full_name, phone = (full_name or "").strip(), (phone or "").strip()
    if len(full_name) > 150:
        raise AccountError("姓名不能超过150个字符")
    if phone and not (phone.replace("-", "").isascii() and phone.replace("-", "").isdigit() and 7 <= len(phone) <= 20):
        raise AccountError(f"手机号码“{phone}”格式不正确")
    return full_name, phone


def check_scope(role, region=None, enterprise=None):
    """(role, region, enterprise) as stored; AccountError if the role and its scope do not fit."""
    if role not in Role.values:
        raise AccountError("请选择角色")
    if role == Role.TOWN_OFFICER:
        if region is None:
            raise AccountError("镇街工业专干须指定所辖镇街")
        return role, region, None
    if role == Role.ENTERPRISE:
        if enterprise is None:
            raise AccountError("企业统计填报员须指定所属企业")
        return role, None, enterprise
    return role, None, None


# ---------------------------------------------------------------- accounts


@transaction.atomic
def create_user(actor, username, full_name="", phone="", memberships=()):
    """A new active user with a one-time password and the given (role, region, enterprise) grants.

    Returns (user, one-time password). A taken user name is refused, sequential or racing alike.
    """
    username = _clean_username(username)
    full_name, phone = _clean_person(full_name, phone)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"用户名“{username}”已被使用")
    password = one_time_password()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username, password=password, first_name=full_name)
    except IntegrityError as e:
        raise AccountError(f"用户名“{username}”已被使用") from e
    Profile.objects.create(user=user, phone=phone, must_change_password=True)
    log_action(actor, "accounts.create_user", user, {"username": username, "full_name": full_name, "phone": phone})
    for role, region, enterprise in memberships:
        grant(actor, user, role, region, enterprise)
    return user, password


@transaction.atomic
def update_user(actor, user, full_name, phone, expected_version=None):
    """Change the name and phone; refused when someone saved the user since the form was loaded."""
    full_name, phone = _clean_person(full_name, phone)
    user = _locked_user(user)
    profile = Profile.objects.select_for_update().get_or_create(user=user)[0]
    if expected_version is not None and profile.version != expected_version:
        raise AccountError("该用户信息已被他人修改，请刷新后重新编辑。")
    data = {}
    if user.first_name != full_name:
        data["full_name"] = [user.first_name, full_name]
        user.first_name = full_name
        user.save(update_fields=["first_name"])
    if profile.phone != phone:
        data["phone"] = [profile.phone, phone]
        profile.phone = phone
    if data:
        profile.version += 1
        profile.save(update_fields=["phone", "version"])
        log_action(actor, "accounts.update_user", user, data)
    return user


@transaction.atomic
def set_active(actor, user, active):
    """Deactivate (the user can no longer log in; their sessions end) or reactivate an account."""
    user = _locked_user(user)
    if actor is not None and user.pk == actor.pk and not active:
        raise AccountError("不能停用自己的账号")
    if user.is_active == active:
        raise AccountError("该账号已是启用状态" if active else "该账号已停用")
    user.is_active = active
    user.save(update_fields=["is_active"])
    log_action(actor, "accounts.activate" if active else "accounts.deactivate", user,
               {"is_active": [not active, active]})
    return user


@transaction.atomic
def reset_password(actor, user):
    """A new one-time password (returned once); the user must change it at the next login.

    Changing the hash ends every session the user had open.
    """
    user = _locked_user(user)
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = Profile.objects.select_for_update().get_or_create(user=user)[0]
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    log_action(actor, "accounts.reset_password", user, {})
    return password


@transaction.atomic
def change_password(request, user, old_password, new_password, new_password2):
    """The user's own change (修改密码): the old password, twice the new one, the four validators.

    Keeps the current session logged in (the others end); clears the forced-change flag.
    """
    from .middleware import MUST_CHANGE

    user = _locked_user(user)
    if not user.check_password(old_password or ""):
        raise AccountError("原密码不正确")
    if new_password != new_password2:
        raise AccountError("两次输入的新密码不一致")
    if new_password == old_password:
        raise AccountError("新密码不能与原密码相同")
    try:
        validate_password(new_password, user)
    except ValidationError as e:
        raise AccountError("；".join(e.messages)) from e
    user.set_password(new_password)
    user.save(update_fields=["password"])
    profile = Profile.objects.select_for_update().get_or_create(user=user)[0]
    profile.must_change_password, profile.password_changed_at = False, timezone.now()
    profile.save(update_fields=["must_change_password", "password_changed_at"])
    log_action(user, "accounts.password_change", user, {})
    if request is not None:
        update_session_auth_hash(request, user)
        request.session[MUST_CHANGE] = False
    return user


@transaction.atomic
def unlock(actor, user):
    """Clear the user's failed logins recorded by django-axes (every address)."""
    from axes.utils import reset

    removed = reset(username=user.get_username())
    log_action(actor, "accounts.unlock", user, {"reason": f"清除{removed}条失败记录"})
    return removed


# ---------------------------------------------------------------- memberships


@transaction.atomic
def grant(actor, user, role, region=None, enterprise=None):
    """Give `user` a role with its scope; granting what they already hold is refused clearly."""
    role, region, enterprise = check_scope(role, region, enterprise)
    _locked_user(user)
    if Membership.objects.filter(user=user, role=role, region=region, enterprise=enterprise).exists():
        raise AccountError("该用户已拥有此角色和范围")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, region=region, enterprise=enterprise)
    except IntegrityError as e:
        raise AccountError("该用户已拥有此角色和范围") from e
    log_action(actor, "accounts.grant", user, {"role": Role(role).label, "scope": scope_label(membership)})
    return membership


@transaction.atomic
def revoke(actor, membership):
    """Take a role away; the user's next request no longer has it."""
    user = _locked_user(membership.user)
    membership = Membership.objects.filter(pk=membership.pk, user=user).first()
    if membership is None:
        raise AccountError("该授权已被撤销")
    data = {"role": membership.get_role_display(), "scope": scope_label(membership)}
    membership.delete()
    log_action(actor, "accounts.revoke", user, data)


# ---------------------------------------------------------------- bulk onboarding (Excel)

IMPORT_HEADERS = ["用户名", "姓名", "手机", "角色", "镇街代码", "统一社会信用代码"]
REQUIRED_HEADERS = ["用户名", "角色"]


def _parse_user_row(cells, towns, enterprises):
    errors = []
    values = {"username": cell_text(cells.get("用户名")), "full_name": cell_text(cells.get("姓名")),
              "phone": cell_text(cells.get("手机"))}
    try:
        values["username"] = _clean_username(values["username"])
    except AccountError as e:
        errors.append(("用户名", str(e)))
    try:
        _clean_person(values["full_name"], values["phone"])
    except AccountError as e:
        errors.append(("手机" if "手机" in str(e) else "姓名", str(e)))
    role_text = cell_text(cells.get("角色"))
    role = ROLE_BY_LABEL.get(role_text)
    if role is None:
        errors.append(("角色", f"未知的角色“{role_text}”，应为{'、'.join(Role.labels)}之一" if role_text else "不能为空"))
    town_text, code_text = cell_text(cells.get("镇街代码")), normalize(cell_text(cells.get("统一社会信用代码")))
    region = enterprise = None
    if role == Role.TOWN_OFFICER:
        region = towns.get(town_text)
        if region is None:
            errors.append(("镇街代码", f"未知的镇街“{town_text}”" if town_text else "镇街工业专干须填写镇街代码"))
    elif role == Role.ENTERPRISE:
        enterprise = enterprises.get(code_text)
        if enterprise is None:
            errors.append(("统一社会信用代码", f"未知的统一社会信用代码“{code_text}”" if code_text
                           else "企业统计填报员须填写统一社会信用代码"))
    values["membership"] = (role, region, enterprise)
    return values, errors


def import_users(rows, actor=None, dry_run=False):
    """Create users from workbook rows, all or nothing. Returns an ImportReport whose `passwords`
    lists [(username, full name, role label, scope, one-time password)] of the new users."""
    report = ImportReport()
    report.passwords = []
    if not rows:
        raise WorkbookError("工作簿为空")
    index = header_index(rows[0], REQUIRED_HEADERS)
    for optional in IMPORT_HEADERS:
        if optional not in index:
            try:
                index.update(header_index(rows[0], [optional]))
            except WorkbookError:
                pass
    towns = {}
    for region in Region.objects.towns():
        for key in (region.name, region.code, region.code9):
            if key:
                towns[key] = region
    codes = {normalize(cell_text(r[index["统一社会信用代码"]])) for r in rows[1:]
             if "统一社会信用代码" in index and index["统一社会信用代码"] < len(r)}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes - {""})}
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        values, errors = _parse_user_row(cells, towns, enterprises)
        key = values["username"].lower()
        if key and key in seen:
            errors.append(("用户名", f"与第{seen[key]}行重复"))
        elif key and key in taken:
            errors.append(("用户名", f"用户名“{values['username']}”已被使用"))
        seen.setdefault(key, number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        parsed.append(values)
    if not parsed and not report.errors:
        raise WorkbookError("工作簿中没有用户数据")
    if report.errors or dry_run:
        return report
    try:
        _write_users(parsed, actor, report)
    except AccountError as e:
        raise WorkbookError(f"导入期间用户名被占用（{e}），未写入任何数据，请重新导入。") from e
    return report


@transaction.atomic
def _write_users(parsed, actor, report):
    for values in parsed:
        role, region, enterprise = values["membership"]
        user, password = create_user(actor, values["username"], values["full_name"], values["phone"],
                                     [(role, region, enterprise)])
        scope = region or enterprise or "全县"
        report.passwords.append((user.username, values["full_name"], Role(role).label, str(scope), password))
        report.created += 1
    if actor is not None or report.created:
        log_action(actor, "accounts.import_users", User(pk=0, username="用户批量导入"), {"users": report.created})
