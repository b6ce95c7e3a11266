"""What a reviewer (town officer, bureau) sees beside a return's figures: per indicator this period,
last year, growth, the month-from-ytd check and every rule finding; and which returns carry warnings.

Every figure comes from `validation.py` (the rules, the derived month) and `lib.numeric` (growth):
templates only show these rows.
"""

from dataclasses import dataclass, field

from gongxin.lib.numeric import fmt_growth, growth_pct

from .models import Indicator
from .validation import RuleSet, derived_month, previous_ytd, validate_return, values_of


@dataclass
class ReviewRow:
    indicator: Indicator
    month: object = None
    ytd: object = None
    month_ly: object = None
    ytd_ly: object = None
    derived: object = None  # 本月 as 1-本月 − the previous period's 1-本月 (None when unknown)
    findings: list = field(default_factory=list)

    @property
    def month_growth(self):
        return growth_pct(self.month, self.month_ly)

    @property
    def ytd_growth(self):
        return growth_pct(self.ytd, self.ytd_ly)

    @property
    def month_growth_text(self):
        return fmt_growth(self.month_growth)

    @property
    def ytd_growth_text(self):
        return fmt_growth(self.ytd_growth)

    @property
    def month_check(self):
        """"ok", "differs" (本月 ≠ 1-本月 − previous) or None (cannot be checked)."""
        if not self.indicator.has_month or self.derived is None or self.month is None:
            return None
        return "ok" if self.derived == self.month else "differs"


def review_rows(ret, findings=None):
    """(rows per indicator, findings not tied to an indicator) of a saved return."""
    findings = validate_return(ret) if findings is None else findings
    values, _ = values_of(ret)
    previous = previous_ytd(ret.enterprise_id, ret.form, ret.period)
    rows = []
    for ind in Indicator.objects.filter(form_id=ret.form_id):
        vals = values.get(ind.code, {})
        rows.append(ReviewRow(ind, vals.get("month"), vals.get("ytd"), vals.get("month_ly"), vals.get("ytd_ly"),
                              derived_month(vals.get("ytd"), previous, ind.code) if ind.has_month else None,
                              [f for f in findings if f.indicator == ind.code]))
    codes = {r.indicator.code for r in rows}
    return rows, [f for f in findings if f.indicator not in codes]


def warnings_by_return(returns):
    """{return id: [warning findings]} for `returns` (one rule set per form; the period-open rule is
    not a warning about the figures and is left out)."""
    rulesets, result = {}, {}
    for ret in returns:
        ruleset = rulesets.get(ret.form_id) or rulesets.setdefault(ret.form_id, RuleSet.load(ret.form))
        result[ret.pk] = [f for f in validate_return(ret, ruleset=ruleset, check_period=False) if not f.is_error]
    return result


def unexplained(ret, warnings):
    """True when the return has warnings and the reporter wrote no explanation."""
    return bool(warnings) and not (ret.explanation or "").strip()
