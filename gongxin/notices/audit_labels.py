"""Chinese labels of the audit actions logged by notices (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "notices.read": "阅读通知",
}
FIELD_LABELS = {}
