"""Chinese labels of the audit codes the permits module logs (wired into accounts/audit.py by the lead)."""

AUDIT_LABELS = {
    "permits.apply": "申请接驳证明",
    "permits.approve": "批准接驳证明",
    "permits.refuse": "不予批准接驳证明",
    "permits.revoke": "撤销接驳证明",
    "permits.inspect": "卡口查验",
    "permits.arrive": "确认车辆到达",
    "permits.unload": "确认卸货完成",
    "permits.reveal": "查看完整个人信息",
    "permits.export": "导出接驳证明",
    "permits.purge": "清除接驳证明个人信息",
    "permits.overstay_alert": "车辆超时滞留提醒",
}
