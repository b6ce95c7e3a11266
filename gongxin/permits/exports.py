"""The permits workbook: personal data masked (ID numbers but the last 4, phones but 3 + 4)."""

from django.utils import timezone

from gongxin.lib.export import Exporter


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class PermitExporter(Exporter):
    identifier = "permits"
    name = "车辆接驳证明"
    headers = ("证明编号", "状态", "车牌号", "车辆类型", "通行方式", "物资类别", "运输货物", "目的地企业", "目的地镇街",
               "出发地", "有效期起", "有效期止", "申请时间", "审批用时（分钟）", "驾乘人员", "身份证号码", "手机号码",
               "入境时间", "入境卡口", "到达企业", "卸货完成", "离境时间")

    def __init__(self, permits):
        self.permits = permits

    def rows(self):
        for p in self.permits:
            people = list(p.people.all())
            yield (p.number or "", p.get_status_display(), p.plate, p.vehicle_type, p.get_kind_display(),
                   p.get_urgency_display(), p.cargo, p.enterprise.name, p.town.name, p.origin_name,
                   _local(p.window_start), _local(p.window_end), _local(p.applied_at), p.approval_minutes,
                   "、".join(x.name for x in people), "、".join(x.masked_id for x in people),
                   "、".join(x.masked_phone for x in people), _local(p.entered_at),
                   p.entry_checkpoint.name if p.entry_checkpoint_id else "", _local(p.arrived_at),
                   _local(p.unloaded_at), _local(p.departed_at))
