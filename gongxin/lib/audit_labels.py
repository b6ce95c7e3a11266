"""Chinese labels of the audit codes lib and the hardening layer log (wired into accounts/audit.py)."""

AUDIT_LABELS = {
    "lib.export": "导出数据",
    "admin.create": "系统管理后台新建",
    "admin.update": "系统管理后台修改",
    "admin.delete": "系统管理后台删除",
}
