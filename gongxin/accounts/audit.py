"""The audit log: `log_action` is called by every create/update/delete, in the same transaction.

Action codes are namespaced, `<app>.<verb>` ("returns.submit"); each app registers their Chinese
labels in its `audit_labels.py`, listed in APP_LABELS below. Every page that shows audit entries
uses `action_label` and `describe` from here.
"""

from gongxin.accounts import audit_labels as accounts_labels
from gongxin.alerts import audit_labels as alerts_labels
from gongxin.analysis import audit_labels as analysis_labels
from gongxin.api import audit_labels as api_labels
from gongxin.emergencies import audit_labels as emergencies_labels
from gongxin.lib import audit_labels as lib_labels
from gongxin.notices import audit_labels as notices_labels
from gongxin.permits import audit_labels as permits_labels
from gongxin.prevention import audit_labels as prevention_labels
from gongxin.projects import audit_labels as projects_labels
from gongxin.registry import audit_labels as registry_labels
from gongxin.reporting import audit_labels as reporting_labels
from gongxin.reserves import audit_labels as reserves_labels
from gongxin.resumption import audit_labels as resumption_labels
from gongxin.services import audit_labels as services_labels

from .models import AuditEntry

# Every app's labels, gathered here from one explicit list (a new app adds its module below).
# AUDIT_LABELS: {"<app>.<verb>": "中文"} for every code the app logs; FIELD_LABELS: {data key: "中文"}
# for keys of `data` that are not fields of the logged model (optional).
APP_LABELS = [accounts_labels, registry_labels, reporting_labels, analysis_labels, alerts_labels,
              projects_labels, notices_labels, emergencies_labels, prevention_labels, resumption_labels, permits_labels,
              reserves_labels,
              services_labels, api_labels, lib_labels]
ACTION_LABELS = {code: text for module in APP_LABELS for code, text in module.AUDIT_LABELS.items()}
DATA_LABELS = {key: text for module in APP_LABELS for key, text in getattr(module, "FIELD_LABELS", {}).items()}

# Entries written before codes were namespaced (existing databases): (object type or its app, old code)
# → the code it means now. The full object type is tried first.
LEGACY_CODES = {
    **{("reporting", c): f"returns.{c}" for c in ("create", "save", "submit", "approve", "return", "accept",
                                                  "reopen", "import", "remind", "close_period", "reopen_period")},
    **{("registry", c): f"registry.{c}" for c in ("create", "update", "uscc_override", "import")},
    **{("projects", c): f"projects.{c}" for c in ("create", "update", "stage", "investment", "import", "document",
                                                  "fund_review", "fund_approve", "fund_reject", "fund_disburse")},
    ("projects.fundapplication", "create"): "projects.fund_apply",
    **{("analysis", c): f"analysis.{c}" for c in ("create", "update", "delete")},
    ("alerts", "create"): "alerts.raise",
    ("alerts", "update"): "alerts.update",
    ("alerts.warningrule", "update"): "alerts.rule_update",
    ("accounts", "login"): "accounts.login",
    ("database", "restore"): "accounts.restore",
}
# Any other old code still reads in Chinese.
LEGACY_LABELS = {"create": "新建", "update": "修改", "delete": "删除", "import": "导入", "login": "登录",
                 "submit": "提交", "approve": "审核通过", "return": "退回", "accept": "确认受理", "reopen": "重新打开",
                 "restore": "恢复备份", "remind": "催报", "follow_up": "预警跟进", "stage": "项目阶段变更"}


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


def canonical_action(action, object_type=""):
    """The namespaced code of an entry's action (an old un-namespaced code mapped by its object type)."""
    if "." in action:
        return action
    app = object_type.split(".")[0]
    return LEGACY_CODES.get((object_type, action)) or LEGACY_CODES.get((app, action)) or action


def action_label(action, object_type=""):
    code = canonical_action(action, object_type)
    return ACTION_LABELS.get(code) or LEGACY_LABELS.get(action) or "其他操作"


def action_q(code):
    """Entries of action `code`, old un-namespaced entries that mean it included."""
    from django.db.models import Q

    q = Q(action=code)
    for (key, old), new in LEGACY_CODES.items():
        if new != code:
            continue
        if "." in key or key == "database":
            q |= Q(action=old, object_type=key)
        else:  # the whole app, but for its object types with a mapping of their own
            own = [k for k, o in LEGACY_CODES if o == old and k.startswith(f"{key}.")]
            q |= Q(action=old, object_type__startswith=f"{key}.") & ~Q(object_type__in=own)
    return q


def action_choices():
    """(code, label) of every action in the log, old codes merged into the codes they mean now."""
    pairs = AuditEntry.objects.order_by().values_list("action", "object_type").distinct()
    codes = {canonical_action(action, object_type) for action, object_type in pairs}
    return sorted(((c, action_label(c)) for c in codes), key=lambda pair: pair[0])


def object_type_label(object_type):
    from django.apps import apps

    if object_type == "database":
        return "数据库"
    try:
        return apps.get_model(object_type)._meta.verbose_name
    except (LookupError, ValueError):
        return "其他对象"


# Keys whose value is a list of items, never an [old, new] pair.
LIST_KEYS = {"warnings"}


def _model(object_type):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, key):
    if model is None:
        return None
    from django.core.exceptions import FieldDoesNotExist

    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def describe(entry):
    """The entry's data as short Chinese lines: "企业名称：旧 → 新", "理由：…"; nested values readable.

    Keys are named by the logged model's field (verbose_name) or the apps' FIELD_LABELS; a value of
    a field with choices shows its choice label, of a foreign key the object it names.
    """
    model = _model(entry.object_type)

    def label(key):
        field = _field(model, key)
        if key in DATA_LABELS:
            return DATA_LABELS[key]
        if field is not None and hasattr(field, "verbose_name"):
            return str(field.verbose_name)
        return "其他"

    def text(value, key=None):
        if value in (None, "", [], {}):
            return "（空）"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dict):
            return "；".join(f"{label(k) if _known(k) else k}：{text(v, k)}" for k, v in value.items())
        if isinstance(value, list | tuple):
            return "、".join(text(v, key) for v in value)
        return _value_text(_field(model, key) if key else None, value)

    def _known(key):
        return key in DATA_LABELS or _field(model, key) is not None

    lines = []
    for key, value in (entry.data or {}).items():
        if key == "changes" and isinstance(value, dict):  # {label: [old, new]} of cells (returns, admin)
            lines.extend(f"{k}：{text(v[0])} → {text(v[1])}" for k, v in value.items()
                         if isinstance(v, list) and len(v) == 2)
        elif isinstance(value, list) and len(value) == 2 and key not in LIST_KEYS:
            lines.append(f"{label(key)}：{text(value[0], key)} → {text(value[1], key)}")
        else:
            lines.append(f"{label(key)}：{text(value, key)}")
    return lines


def _value_text(field, value):
    """A stored value as the page would show it: a choice's label, the object a key names."""
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and field.related_model is not None and not field.many_to_many:
        related = field.related_model
        lookups = [{"pk": value}] if str(value).isdigit() else []
        if any(f.name == "code" for f in related._meta.concrete_fields):
            lookups.insert(0, {"code": value})
        for lookup in lookups:
            obj = related._default_manager.filter(**lookup).first()
            if obj is not None:
                return str(obj)
    return str(value)
