AUDIT_LABELS = {
    "emergencies.create": "新建应急事件",
    "emergencies.update": "修改应急事件",
    "emergencies.close": "关闭应急事件",
    "emergencies.phase": "设置事件阶段",
}
