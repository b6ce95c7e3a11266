"""Chinese labels of the audit action codes the reserves module logs (wired into accounts/audit.py)."""

AUDIT_LABELS = {
    "reserves.receive": "物资入库",
    "reserves.write_off": "报废核销",
    "reserves.rotation": "轮换出库",
    "reserves.transfer_out": "调拨出库",
    "reserves.count": "盘点调整",
    "reserves.reverse": "冲销",
    "reserves.request": "物资调度申请",
    "reserves.approve": "批准调度",
    "reserves.reject": "不予批准调度",
    "reserves.ship": "调度发运",
    "reserves.receipt": "调度签收",
    "reserves.calloff": "产能调用",
    "reserves.deliver": "产能交付",
    "reserves.purchase": "应急采购登记",
    "reserves.purchase_approve": "应急采购审批",
    "reserves.file": "采购备案公示",
    "reserves.pay": "付款登记",
    "reserves.document": "上传文件",
    "reserves.export": "导出储备覆盖情况",
}
AUDIT_LABELS.update({
    "reserves.admin_create": "新建储备基础数据",
    "reserves.contract": "签订保障供应合同",
    "reserves.standard": "设定储备标准",
    "reserves.admin_change": "修改储备基础数据",
    "reserves.admin_delete": "删除储备基础数据",
})
