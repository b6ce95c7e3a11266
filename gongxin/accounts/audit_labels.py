"""Chinese labels of the audit actions logged by accounts (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "accounts.login": "登录",
    "accounts.restore": "恢复备份",
}
FIELD_LABELS = {"reason": "理由", "created": "新增", "updated": "更新", "unchanged": "未变化", "file": "文件",
                "date": "日期", "note": "说明", "period": "报告期", "changed": "修改项数", "source": "来源"}
