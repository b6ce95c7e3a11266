"""Chinese labels of the audit codes the reporting app logs under its namespace."""

AUDIT_LABELS = {
    "returns.remind": "催报",
    "returns.delete": "删除草稿",
}
