"""What a reviewer (town officer, bureau) sees beside a return's figures: per indicator this period,
last year, growth, the month-from-ytd check and every rule finding; and which returns carry warnings.

Every figure comes from `validation.py` (the rules, the derived month) and `lib.numeric` (growth):
templates only show these rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from gongxin.lib import periods as P
from gongxin.lib.numeric import fmt_growth, growth_pct

from .models import Indicator, ProductLine, Return, ReturnValue
from .validation import (
    COLUMNS,
    PRODUCT_COLUMNS,
    RuleSet,
    derived_month,
    previous_ytd,
    validate_return,
    values_of,
)


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
    return {pk: [f for f in found if not f.is_error] for pk, found in findings_by_return(returns).items()}


def findings_by_return(returns):
    """{return id: [findings]}: `validate_return(ret, check_period=False)` per return, from a fixed
    number of queries: the returns' values and product lines, and per (form, period) the previous
    period's 1-本月 and last year's values of their enterprises, are read in bulk (a list of 312
    returns: 6 queries, not 4 per return).
    """
    returns = list(returns)
    ids = [r.pk for r in returns]
    values, notes, products = defaultdict(dict), defaultdict(dict), defaultdict(dict)
    for v in ReturnValue.objects.filter(ret_id__in=ids).select_related("indicator"):
        values[v.ret_id][v.indicator.code] = {c: getattr(v, c) for c in COLUMNS}
        notes[v.ret_id][v.indicator.code] = v.ly_note
    for line in ProductLine.objects.filter(ret_id__in=ids).select_related("product"):
        products[line.ret_id][line.product] = {c: getattr(line, c) for c in PRODUCT_COLUMNS}
    previous, last_year = _previous_and_last_year(returns)
    rulesets, result = {}, {}
    for ret in returns:
        ruleset = rulesets.get(ret.form_id) or rulesets.setdefault(ret.form_id, RuleSet.load(ret.form))
        findings = validate_return(values[ret.pk], form=ret.form, period=ret.period, enterprise_id=ret.enterprise_id,
                                   notes=notes[ret.pk], previous=previous[ret.pk], last_year=last_year[ret.pk],
                                   check_period=False, ruleset=ruleset, products=products[ret.pk])
        result[ret.pk] = findings
    return result


def _previous_and_last_year(returns):
    """Per return id: the previous period's 1-本月 ({} for the year's first period, None when not
    filed) and last year's counted values ({code: {month_ly, ytd_ly}}), as `validate_return` looks
    them up one return at a time (`previous_ytd`, `last_year_values`)."""
    by_form_period = defaultdict(list)
    for ret in returns:
        by_form_period[(ret.form, ret.period)].append(ret)
    previous, last_year = {}, {}
    for (form, period), rets in by_form_period.items():
        enterprises = [r.enterprise_id for r in rets]
        prev = P.previous_in_year(period, form.merge_jan_feb)
        found = defaultdict(dict)
        if prev is not None:
            rows = ReturnValue.objects.filter(enterprise_id__in=enterprises, period=prev, ret__form=form)
            for enterprise_id, code, ytd in rows.values_list("enterprise_id", "indicator__code", "ytd"):
                found[enterprise_id][code] = ytd
        ly = defaultdict(dict)
        rows = ReturnValue.objects.filter(enterprise_id__in=enterprises, period=P.same_period_last_year(period),
                                          ret__form=form, ret__status__in=Return.COUNTED)
        for enterprise_id, code, month, ytd in rows.values_list("enterprise_id", "indicator__code", "month", "ytd"):
            ly[enterprise_id][code] = {"month_ly": month, "ytd_ly": ytd}
        for r in rets:
            previous[r.pk] = {} if prev is None else (found.get(r.enterprise_id) or None)
            last_year[r.pk] = ly.get(r.enterprise_id, {})
    return previous, last_year


def unexplained(ret, warnings):
    """True when the return has warnings and the reporter wrote no explanation."""
    return bool(warnings) and not (ret.explanation or "").strip()
