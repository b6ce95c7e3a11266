"""Chinese labels of the audit codes the resumption module logs (wired into accounts/audit.py by the lead)."""

AUDIT_LABELS = {
    "resumption.record_status": "登记复工状态",
    "resumption.apply": "申请复工复产",
    "resumption.resubmit": "重新提交复工申请",
    "resumption.evaluate": "镇街评估复工申请",
    "resumption.co_review": "录入会审意见",
    "resumption.approve": "确认复工复产（发确认书）",
    "resumption.return": "退回复工申请",
    "resumption.report_blocker": "登记复工困难",
    "resumption.resolve_blocker": "办结复工困难",
    "resumption.flag": "复工核查提示",
    "resumption.resolve_flag": "核查复工提示",
    "resumption.add_condition": "新增复工条件",
    "resumption.change_condition": "修改复工条件",
    "resumption.change_rules": "修改复工复产规则",
    "resumption.import_grid": "导入电网日用电数据",
    "resumption.export": "导出复工复产统计",
}
