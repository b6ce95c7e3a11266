"""Audit entries for logins, failed logins and lock-outs (Django's and axes' own signals).

Connected once in apps.py. A failed login may name a user that does not exist: the entry then
records the typed name only. Only logins over HTTP are logged: a request without a client address
is a programmatic login (the test client's `force_login`), not a person at the login page.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .middleware import MUST_CHANGE
from .models import AuditEntry


def _ip(request):
    return (getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")) if request else ""


def _log_login_event(action, username, request, user=None):
    if request is None or not request.META.get("REMOTE_ADDR"):
        return
    User = get_user_model()
    if user is None and username:
        user = User.objects.filter(username=username).first()
    AuditEntry.objects.create(
        user=user if action in ("accounts.login", "accounts.logout") else None,
        actor=(username or "")[:150] or "（未填用户名）",
        action=action,
        object_type="auth.user",
        object_id=str(user.pk) if user else "",
        object_repr=(username or "")[:200],
        data={"ip": _ip(request)},
    )


def on_login(sender, request, user, **kwargs):
    from .models import Profile

    profile = Profile.objects.filter(user=user).first()
    if request is not None and hasattr(request, "session"):
        request.session[MUST_CHANGE] = bool(profile and profile.must_change_password)
    _log_login_event("accounts.login", user.get_username(), request, user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        _log_login_event("accounts.logout", user.get_username(), request, user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    _log_login_event("accounts.login_failed", credentials.get("username"), request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    _log_login_event("accounts.lockout", username, request)


def connect():
    user_logged_in.connect(on_login, dispatch_uid="gongxin_audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="gongxin_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="gongxin_audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="gongxin_audit_lockout")
