"""Chinese labels of the audit actions logged by projects (gathered by accounts/audit.py)."""

AUDIT_LABELS = {
    "projects.create": "新建",
    "projects.update": "修改",
    "projects.stage": "项目阶段变更",
    "projects.investment": "填报完成投资",
    "projects.import": "导入完成投资",
    "projects.document": "上传文件",
    "projects.fund_apply": "申报扶持资金",
    "projects.fund_review": "资金审核",
    "projects.fund_approve": "资金批准",
    "projects.fund_reject": "资金驳回",
    "projects.fund_disburse": "资金拨付",
}
FIELD_LABELS = {"month": "本月完成投资（万元）", "ytd": "1-本月完成投资（万元）", "title": "文件标题", "kind": "文件类型",
                "number": "文号", "size": "文件大小（字节）", "fund": "资金项目", "amount": "金额（万元）",
                "voucher": "凭证号", "programmes": "所属专项"}
