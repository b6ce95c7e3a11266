"""Chinese labels of the audit actions logged by registry (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "registry.create": "新增企业",
    "registry.update": "修改企业信息",
    "registry.uscc_override": "代码校验豁免",
    "registry.import": "导入企业名录",
}
FIELD_LABELS = {"list_years": "规上名录年份", "groups": "企业分组"}
