"""Chinese labels of the audit actions logged by alerts (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "alerts.raise": "产生预警",
    "alerts.rescan": "扫描更新预警",
    "alerts.clear": "预警解除",
    "alerts.follow_up": "预警跟进",
    "alerts.rule_update": "修改预警规则",
    "alerts.update": "更新预警",  # entries written before codes were namespaced (scan and follow-up alike)
}
FIELD_LABELS = {"follow_up": "跟进情况"}
