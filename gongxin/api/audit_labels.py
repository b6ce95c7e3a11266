"""Chinese labels of the audit actions the API module logs."""

AUDIT_LABELS = {
    "api.client_create": "新建接口客户端",
    "api.client_deactivate": "停用接口客户端",
    "api.client_activate": "启用接口客户端",
    "api.token_issue": "生成接口令牌",
    "api.token_revoke": "吊销接口令牌",
}
