from gongxin.lib.export import Exporter
from gongxin.lib.masking import mask_id_number


class CohortWorkerExporter(Exporter):
    """重点人群 list: names and ID numbers masked (the unmasked view is one audited page)."""

    identifier = "cohort_workers"
    name = "重点人群检测名单"
    headers = ("企业", "检测制度", "姓名", "身份证号", "入职日期", "已检测（入职第几天）")

    def __init__(self, workers):
        self.workers = workers

    def rows(self):
        for w in self.workers:
            yield (w.enterprise.name, w.regime.name, mask_name(w.name), mask_id_number(w.id_number) or "（已清除）",
                   w.hired_on, w.tested_days)


def mask_name(name):
    """'张三丰' → '张**'; empty (purged) → '（已清除）'."""
    if not name:
        return "（已清除）"
    return name[0] + "*" * (len(name) - 1)
