from gongxin.lib import periods
from gongxin.lib.export import Exporter

from .services import IMPORT_HEADERS


def _overdue_text(p):
    flags = [label for flag, label in (("start_overdue", "逾期未开工"), ("completion_overdue", "逾期未竣工"),
                                       ("stalled", "连续两月无投资")) if getattr(p, flag, False)]
    return "、".join(flags)


class ProjectExporter(Exporter):
    """The filtered project list with the reference period's 1-本月 investment and overdue flags."""

    identifier = "projects"
    name = "技改项目清单"
    number_formats = {"计划开工日期": "yyyy-mm-dd", "计划竣工日期": "yyyy-mm-dd", "计划总投资（万元）": "#,##0.00",
                      "其中设备投资（万元）": "#,##0.00"}

    def __init__(self, queryset, period):
        self.queryset = queryset
        self.period = period

    @property
    def headers(self):
        return ["项目编号", "项目名称", "项目单位", "统一社会信用代码", "所在镇街", "行业大类", "项目类型",
                "计划总投资（万元）", "其中设备投资（万元）", "计划开工日期", "计划竣工日期", "阶段", "重点项目年度",
                "所属计划", "备案号", f"{periods.label(self.period, merge_jan_feb=False)}1-本月完成投资（万元）",
                "逾期情况"]

    def rows(self):
        for p in self.queryset.prefetch_related("programmes"):
            yield [p.code, p.name, p.enterprise.name, p.enterprise.uscc, p.town.name,
                   f"{p.industry.code} {p.industry.name}", p.get_type_display(), p.total_investment,
                   p.equipment_investment, p.planned_start, p.planned_completion, p.get_stage_display(),
                   p.key_year if p.is_key else "", "；".join(g.name for g in p.programmes.all()),
                   p.record_number, getattr(p, "ytd", None), _overdue_text(p)]


class InvestmentTemplateExporter(Exporter):
    """The import template of monthly investment: exactly the four headers, one row per project."""

    identifier = "investment_template"
    name = "项目完成投资导入模板"
    headers = IMPORT_HEADERS

    def __init__(self, queryset, period):
        self.queryset = queryset
        self.period = period

    def rows(self):
        for code in self.queryset.values_list("code", flat=True):
            yield [code, self.period, None, None]
