from gongxin.menu import menu_for

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
