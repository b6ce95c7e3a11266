from .models import Role
from .scoping import get_access

ROLE_LABELS = dict(Role.choices)

# (label, url, who sees it). Plain list: the menu is the same everywhere, filtered by role.
NAV = [
    ("首页", "/", lambda a: True),
    ("企业名录", "/enterprises/", lambda a: True),
    ("月度报表", "/returns/", lambda a: not a.is_leader or a.is_bureau),
    ("报送进度", "/returns/completeness/", lambda a: a.is_bureau or a.is_town_officer or a.is_leader),
    ("运行分析", "/analysis/", lambda a: not a.is_enterprise or a.sees_all or a.is_town_officer),
    ("运行预警", "/analysis/warnings/", lambda a: a.sees_all or a.is_town_officer),
    ("分析材料", "/analysis/brief/", lambda a: a.sees_all or a.is_town_officer),
    ("技改项目", "/projects/", lambda a: True),
    ("操作日志", "/accounts/audit/", lambda a: a.is_admin),
    ("系统管理", "/admin/", lambda a: a.is_admin),
]


def access(request):
    acc = get_access(request.user)
    path = request.path
    items = [(label, url) for label, url, visible in NAV if acc.roles and visible(acc)]
    # The active entry is the one whose URL is the longest prefix of the current path.
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    labels = [ROLE_LABELS[r] for r in Role.values if r in acc.roles]
    return {"access": acc, "nav": nav, "access_label": "、".join(labels) or "未授权"}
