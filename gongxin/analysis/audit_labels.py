"""Chinese labels of the audit actions logged by analysis (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "analysis.create": "新增",
    "analysis.update": "修改",
    "analysis.delete": "删除",
    "analysis.products_import": "导入重点产品数据",
}
FIELD_LABELS = {}
