"""Chinese labels of the audit action codes the accounts app logs."""

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
}
