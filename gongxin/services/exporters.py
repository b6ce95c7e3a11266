from gongxin.lib.export import Exporter

BY_LABELS = {"category": "诉求类别", "town": "镇街", "department": "承办单位"}


def _pct(value):
    return None if value is None else value


class DemandStatsExporter(Exporter):
    identifier = "demand_stats"
    name = "企业诉求办理情况"

    def __init__(self, rows, start, end, by):
        self.data, self.start, self.end, self.by = rows, start, end, by
        self.headers = (BY_LABELS[by], "受理（件）", "办结（件）", "办结率（%）", "办结用时中位数（工作日）",
                        "超期（件）", "满意率（%）")
        self.number_formats = {"办结率（%）": "0.0", "满意率（%）": "0.0", "办结用时中位数（工作日）": "0.0"}

    def filename(self):
        return f"企业诉求办理情况_{self.start:%Y%m%d}-{self.end:%Y%m%d}.xlsx"

    def rows(self):
        for r in self.data:
            yield (r["name"], r["received"], r["resolved"], r["resolution_rate_pct"], r["median_working_days"],
                   r["overdue"], r["satisfaction_pct"])


class NotBenefitedExporter(Exporter):
    identifier = "not_benefited"
    name = "符合条件未享受企业"
    headers = ("统一社会信用代码", "企业名称", "镇街", "行业", "规模档次", "判断依据")

    def __init__(self, policy, rows):
        self.policy, self.data = policy, rows

    def filename(self):
        return f"符合条件未享受_{self.policy.title[:30]}.xlsx"

    def rows(self):
        for e, facts in self.data:
            basis = "；".join(f"{k}：{v}" for k, v in (("增速%", facts.get("growth")),
                                                      ("技改投资万元", facts.get("investment_wan"))) if v is not None)
            yield (e.uscc, e.name, e.town.name, e.industry.name if e.industry else "", facts["tier"], basis)
