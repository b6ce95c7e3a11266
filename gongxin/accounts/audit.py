"""The audit log: `log_action` is called by every create/update/delete, in the same transaction."""

from .models import AuditEntry

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "login": "登录",
    "uscc_override": "代码校验豁免",
    "submit": "提交",
    "approve": "审核通过",
    "return": "退回",
    "accept": "确认受理",
    "reopen": "重新打开",
    "restore": "恢复备份",
    "remind": "催报",
    "close_period": "关闭报告期",
    "reopen_period": "重新开放报告期",
    "stage": "项目阶段变更",
    "follow_up": "预警跟进",
}
# Keys of `data` that are not model fields.
DATA_LABELS = {"list_years": "规上名录年份", "groups": "企业分组", "reason": "理由", "created": "新增",
               "updated": "更新", "unchanged": "未变化"}


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


def action_label(action):
    return ACTION_LABELS.get(action, action)


def object_type_label(object_type):
    from django.apps import apps

    if object_type == "database":
        return "数据库"
    try:
        return apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        return object_type


def describe(entry):
    """The entry's data as short Chinese lines: "企业名称：旧 → 新", "理由：…"."""
    from django.apps import apps

    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None

    def label(key):
        if key in DATA_LABELS:
            return DATA_LABELS[key]
        if model is not None:
            try:
                return model._meta.get_field(key.removesuffix("_id")).verbose_name
            except Exception:  # FieldDoesNotExist: keep the key
                pass
        return key

    def text(value):
        if value in (None, "", []):
            return "（空）"
        if isinstance(value, list):
            return "、".join(map(str, value))
        return str(value)

    lines = []
    for key, value in (entry.data or {}).items():
        if key == "changes" and isinstance(value, dict):  # {label: [old, new]} of cells (returns, admin)
            lines.extend(f"{k}：{text(v[0])} → {text(v[1])}" for k, v in value.items()
                         if isinstance(v, list) and len(v) == 2)
        elif isinstance(value, list) and len(value) == 2 and entry.action == "update":
            lines.append(f"{label(key)}：{text(value[0])} → {text(value[1])}")
        else:
            lines.append(f"{label(key)}：{text(value)}")
    return lines
