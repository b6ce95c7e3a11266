"""The audit log: `log_action` is called by every create/update/delete, in the same transaction."""

from .models import AuditEntry

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "login": "登录",
    "uscc_override": "代码校验豁免",
}


def log_action(user, action, obj, data=None, actor=None):
    """Record `action` on `obj` by `user` (None for commands; pass `actor` to name them)."""
    meta = obj._meta
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        actor=actor or (user.get_username() if getattr(user, "pk", None) else "系统命令"),
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        data=data or {},
    )


def changes(instance, before, fields):
    """{field: [old, new]} for the fields whose value differs from the `before` snapshot."""
    diff = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            diff[name] = [old, new]
    return diff


def snapshot(instance, fields):
    return {name: getattr(instance, name) for name in fields}


def entries_for(obj):
    meta = obj._meta
    return AuditEntry.objects.filter(object_type=f"{meta.app_label}.{meta.model_name}",
                                     object_id=str(obj.pk)).select_related("user")
