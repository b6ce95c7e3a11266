"""Chinese labels of the audit actions logged by accounts (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "accounts.login": "登录",
    "accounts.login_failed": "登录失败",
    "accounts.lockout": "登录锁定",
    "accounts.logout": "退出登录",
    "accounts.password_change": "修改密码",
    "accounts.reset_password": "重置密码",
    "accounts.create_user": "新建用户",
    "accounts.update_user": "修改用户信息",
    "accounts.deactivate": "停用账号",
    "accounts.activate": "启用账号",
    "accounts.grant": "授予角色",
    "accounts.revoke": "撤销角色",
    "accounts.unlock": "解除登录锁定",
    "accounts.import_users": "批量导入用户",
    "accounts.restore": "恢复备份",
}
FIELD_LABELS = {"reason": "理由", "created": "新增", "updated": "更新", "unchanged": "未变化", "file": "文件",
                "date": "日期", "note": "说明", "period": "报告期", "changed": "修改项数", "source": "来源",
                "username": "用户名", "full_name": "姓名", "phone": "手机", "role": "角色", "scope": "范围",
                "ip": "IP地址", "is_active": "启用", "users": "用户数"}
