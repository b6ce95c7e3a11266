"""The changes feed: every create, revision and deletion of returns, enterprises and projects, in a
stable order, so a partner can mirror exactly.

The feed is the audit log itself (every change is audited in the same transaction as the change —
accounts/audit.py), read from a cursor (the entry's id). An entry whose object still exists is an
`upsert` carrying the object's current state; a deletion (always audited with the object's key) is a
`delete` tombstone. Earlier entries of a deleted object are left out: its tombstone follows them. Scoped like the pages: a town client sees its town's.
"""

from gongxin.accounts.models import AuditEntry
from gongxin.accounts.scoping import get_access

RESOURCES = {"reporting.return": "returns", "registry.enterprise": "enterprises", "projects.project": "projects",
             "projects.projectinvestment": "investment"}
PAGE = 500


def _objects(object_type, ids, user):
    from gongxin.projects.models import Project, ProjectInvestment
    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import Return

    if object_type == "reporting.return":
        return {str(r.pk): r for r in Return.objects.for_user(user).filter(pk__in=ids).select_related("enterprise",
                                                                                                      "form")}
    if object_type == "registry.enterprise":
        return {str(e.pk): e for e in Enterprise.objects.for_user(user).filter(pk__in=ids).select_related("town")}
    if object_type == "projects.project":
        return {str(p.pk): p for p in Project.objects.for_user(user).filter(pk__in=ids).select_related("enterprise")}
    return {str(i.pk): i for i in ProjectInvestment.objects.filter(
        pk__in=ids, project__in=Project.objects.for_user(user)).select_related("project")}


def _state(object_type, obj):
    from .views import return_json

    if object_type == "reporting.return":
        return ({"uscc": obj.enterprise.uscc, "form": obj.form.code, "period": obj.period}, return_json(obj))
    if object_type == "registry.enterprise":
        return {"uscc": obj.uscc}, {"uscc": obj.uscc, "name": obj.name, "town": obj.town.code}
    if object_type == "projects.project":
        return {"code": obj.code}, {"code": obj.code, "name": obj.name, "stage": obj.stage,
                                    "uscc": obj.enterprise.uscc, "total_investment_wan": str(obj.total_investment)}
    return ({"project": obj.project.code, "period": obj.period},
            {"project": obj.project.code, "period": obj.period, "month": str(obj.month), "ytd": str(obj.ytd)})


def _is_deletion(action):
    return action == "delete" or action.endswith(".delete") or action.endswith("_delete")


def changes_since(cursor, user, limit=PAGE):
    """(next cursor, [change]) after `cursor`."""
    entries = list(AuditEntry.objects.filter(id__gt=cursor, object_type__in=RESOURCES).order_by("id")[:limit])
    by_type = {}
    for e in entries:
        by_type.setdefault(e.object_type, set()).add(e.object_id)
    live = {t: _objects(t, ids, user) for t, ids in by_type.items()}
    sees_all = get_access(user).sees_all
    scope_usccs = None if sees_all else _scope_usccs(user)
    out = []
    for e in entries:
        obj = live[e.object_type].get(e.object_id)
        if obj is not None and not _is_deletion(e.action):
            key, data = _state(e.object_type, obj)
            out.append(_change(e, "upsert", key, data))
            continue
        if not _is_deletion(e.action):
            continue  # gone or out of scope: a later deletion entry is its tombstone
        key = (e.data or {}).get("key") or {"id": e.object_id}
        if scope_usccs is not None and key.get("uscc") not in scope_usccs:
            continue
        out.append(_change(e, "delete", key, None))
    return (entries[-1].id if entries else cursor), out


def _scope_usccs(user):
    from gongxin.registry.models import Enterprise

    return set(Enterprise.objects.for_user(user).values_list("uscc", flat=True))


def _change(entry, kind, key, data):
    return {"cursor": entry.id, "at": entry.at, "resource": RESOURCES[entry.object_type], "action": entry.action,
            "kind": kind, "key": key, "data": data}

