from django.conf import settings
from django.shortcuts import resolve_url

from gongxin.menu import menu_for

from .middleware import PASSWORD_CHANGE_URL
from .models import Role
from .scoping import get_access

ROLE_LABELS = dict(Role.choices)


def access(request):
    acc = get_access(request.user)
    labels = [ROLE_LABELS[r] for r in Role.values if r in acc.roles]
    ctx = {"access": acc, "menu": menu_for(acc, request.path), "access_label": "、".join(labels) or "未授权"}
    if acc.roles:
        from gongxin.notices.services import unread_count

        ctx["unread_notices"] = unread_count(request.user)
    return ctx


def script_settings(request):
    """The settings gongxin.js reads from <body>: the log-in page and the forced password change (told
    from an answer, never swapped in) and the CSRF cookie (the current token, renewed by a log-in in
    another tab)."""
    return {"login_url": resolve_url(settings.LOGIN_URL), "password_url": PASSWORD_CHANGE_URL,
            "csrf_cookie": settings.CSRF_COOKIE_NAME}
