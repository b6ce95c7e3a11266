"""Chinese labels of the audit actions logged by reporting (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "returns.create": "创建报表",
    "returns.save": "保存草稿",
    "returns.submit": "报送",
    "returns.approve": "镇街审核通过",
    "returns.return": "退回企业",
    "returns.accept": "工信局受理",
    "returns.reopen": "重新开放报表",
    "returns.import": "导入报表数据",
    "returns.remind": "催报",
    "returns.close_period": "关闭报告期",
    "returns.reopen_period": "重新开放报告期",
    "returns.delete": "删除未报送的草稿",
}
FIELD_LABELS = {"warnings": "预警", "count": "通知数", "products": "重点产品", "key": "报表", "values": "填报数据"}
