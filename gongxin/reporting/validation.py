"""Checks on a return's figures, driven by the `ValidationRule` rows of its form.

`validate_return` is the one entry point, used by the entry page's live check, by `submit_return`
and by the import, so a figure is judged the same way wherever it comes from. It returns
`Finding`s; errors block submission, warnings need a written explanation.

Periods: a period is open for entry from the day after its month ends until the bureau closes it
(a `ReportingPeriod` row with `closed_at`); January is no period of its own when the form merges
January and February.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from gongxin.lib import periods as P
from gongxin.lib.numeric import fmt_growth, growth_pct, pct

from . import reference
from .models import Form, ProductLine, ReportingPeriod, Return, ReturnValue, ValidationRule

COLUMNS = {"month": "本月", "ytd": "1-本月", "month_ly": "上年同月", "ytd_ly": "上年1-同月"}
PRODUCT_COLUMNS = {"qty_month": "本月产量", "qty_ytd": "1-本月产量", "qty_month_ly": "上年同月产量",
                   "qty_ytd_ly": "上年1-同月产量", "price": "本月平均出厂价格", "price_ly": "上年同月平均出厂价格"}
LY_SOURCE = {"month_ly": "month", "ytd_ly": "ytd"}  # last year's return column → this year's ly column
ERROR, WARNING = ValidationRule.Severity.ERROR, ValidationRule.Severity.WARNING
_UNSET = object()


@dataclass(frozen=True)
class Finding:
    field: str  # "output_value.ytd", or "" for the return as a whole
    severity: str
    message: str
    rule: str = ""

    @property
    def indicator(self):
        return self.field.split(".")[0]

    @property
    def is_error(self):
        return self.severity == ERROR


def columns_of(indicator):
    return ["month", "ytd", "month_ly", "ytd_ly"] if indicator.has_month else ["ytd", "ytd_ly"]


@dataclass
class RuleSet:
    """A form with its indicators and active rules, loaded once (imports check many rows with it)."""

    form: Form
    indicators: list
    rules: list

    def __post_init__(self):
        self.applicable = {rule.pk: [i for i in self.indicators if rule.applies_to(i.code)] for rule in self.rules}

    @classmethod
    def load(cls, form):
        return cls(form, reference.indicators(form.pk), reference.rules(form.pk))


def period_is_open(form, period, today=None):
    today = today or dt.date.today()
    year, month = P.split(P.shift(period, 1))
    if today < dt.date(year, month, 1) or not P.is_reported(period, form.merge_jan_feb):
        return False
    return not ReportingPeriod.objects.filter(form=form, period=period, closed_at__isnull=False).exists()


def values_of(ret):
    """{indicator code: {column: Decimal or None}} and {code: ly_note} of a saved return."""
    values, notes = {}, {}
    for v in ReturnValue.objects.filter(ret=ret).select_related("indicator"):
        values[v.indicator.code] = {c: getattr(v, c) for c in COLUMNS}
        notes[v.indicator.code] = v.ly_note
    return values, notes


def previous_ytd(enterprise_id, form, period):
    """1-本月 of the enterprise's previous return in the year: {code: ytd}; {} for the year's first
    period; None when the previous return has not been filed (the month check is then skipped)."""
    prev = P.previous_in_year(period, form.merge_jan_feb)
    if prev is None:
        return {}
    rows = ReturnValue.objects.filter(enterprise_id=enterprise_id, period=prev, ret__form=form)
    found = {code: ytd for code, ytd in rows.values_list("indicator__code", "ytd")}
    return found or None


def last_year_values(enterprise_id, form, period):
    """The enterprise's own return a year before, as this year's ly columns: {code: {month_ly, ytd_ly}}."""
    rows = ReturnValue.objects.filter(enterprise_id=enterprise_id, period=P.same_period_last_year(period),
                                      ret__form=form, ret__status__in=Return.COUNTED)
    return {code: {"month_ly": m, "ytd_ly": y} for code, m, y in rows.values_list("indicator__code", "month", "ytd")}


def entry_figures(enterprise_id, form, period):
    """(`previous_ytd`, `last_year_values`) of the enterprise's return for `period`, in one query."""
    prev, last = P.previous_in_year(period, form.merge_jan_feb), P.same_period_last_year(period)
    rows = ReturnValue.objects.filter(enterprise_id=enterprise_id, ret__form=form,
                                      period__in=[p for p in (prev, last) if p])
    previous, last_year = {}, {}
    for at, code, month, ytd, status in rows.values_list("period", "indicator__code", "month", "ytd", "ret__status"):
        if at == prev:
            previous[code] = ytd
        elif status in Return.COUNTED:
            last_year[code] = {"month_ly": month, "ytd_ly": ytd}
    return (previous or None) if prev else {}, last_year


def product_lines_of(ret):
    """{Product: {column: Decimal or None}} of a saved return's product lines."""
    return line_figures(ProductLine.objects.filter(ret=ret).select_related("product"))


def line_figures(lines):
    """{Product: {column: Decimal or None}} of product lines (read with their product)."""
    return {line.product: {c: getattr(line, c) for c in PRODUCT_COLUMNS} for line in lines}


def derived_month(ytd, previous, code):
    """本月 as 1-本月 minus the previous period's 1-本月 (the year's first period: 1-本月 itself)."""
    if ytd is None or previous is None:
        return None
    if not previous:
        return ytd
    prev = previous.get(code)
    return None if prev is None else ytd - prev


def validate_return(target, *, form=None, period=None, enterprise_id=None, notes=None, previous=_UNSET,
                    last_year=_UNSET, check_period=True, ruleset=None, today=None, products=None):
    """Findings for a return: `target` is a saved `Return` or a {code: {column: value}} dict.

    `previous` ({code: ytd}, {} for the first period, None unknown) and `last_year` ({code:
    {month_ly, ytd_ly}} or None) are looked up when not given; imports pass them in bulk.
    `products` ({Product: {column: value}}) are the product lines typed on the page; a saved
    return's lines are read from the database; a dict target without them has none (imports).
    """
    if isinstance(target, Return):
        form, period, enterprise_id = target.form, target.period, target.enterprise_id
        values, saved_notes = values_of(target)
        notes = saved_notes if notes is None else notes
        products = product_lines_of(target) if products is None else products
    else:
        values = target
    notes = notes or {}
    ruleset = ruleset or RuleSet.load(form)
    if enterprise_id and previous is _UNSET and last_year is _UNSET:
        previous, last_year = entry_figures(enterprise_id, form, period)
    if previous is _UNSET:
        previous = previous_ytd(enterprise_id, form, period) if enterprise_id else None
    if last_year is _UNSET:
        last_year = last_year_values(enterprise_id, form, period) if enterprise_id else None
    ctx = _Context(ruleset, values, notes, period, previous, last_year, check_period, today, products or {})
    findings = []
    for rule in ruleset.rules:
        findings.extend(CHECKS[rule.kind](ctx, rule))
    return findings


@dataclass
class _Context:
    ruleset: RuleSet
    values: dict
    notes: dict
    period: str
    previous: object
    last_year: object
    check_period: bool
    today: object
    products: dict

    def get(self, code, column):
        return (self.values.get(code) or {}).get(column)

    def indicators(self, rule):
        return self.ruleset.applicable[rule.pk]


class _Params(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _num(value):
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize():,f}"


def _finding(rule, field, **params):
    text = rule.message.format_map(_Params({k: _num(v) if isinstance(v, Decimal | int) and not isinstance(v, bool)
                                             else v for k, v in params.items()}))
    return Finding(field, rule.severity, text, rule.code)


def _required(ctx, rule):
    for ind in ctx.indicators(rule):
        if ind.required:
            for col in columns_of(ind):
                if ctx.get(ind.code, col) is None:
                    yield _finding(rule, f"{ind.code}.{col}", indicator=ind.name, column=COLUMNS[col])


def _negative(ctx, rule):
    for ind in ctx.indicators(rule):
        for col in columns_of(ind):
            value = ctx.get(ind.code, col)
            if value is not None and value < 0:
                yield _finding(rule, f"{ind.code}.{col}", indicator=ind.name, column=COLUMNS[col], value=value)


def _ytd_lt_month(ctx, rule):
    for ind in ctx.indicators(rule):
        if not ind.has_month:
            continue
        for month_col, ytd_col in (("month", "ytd"), ("month_ly", "ytd_ly")):
            month, ytd = ctx.get(ind.code, month_col), ctx.get(ind.code, ytd_col)
            if month is not None and ytd is not None and ytd < month:
                name = ind.name if month_col == "month" else f"{ind.name}（上年）"
                yield _finding(rule, f"{ind.code}.{ytd_col}", indicator=name, ytd=ytd, month=month)


def _sales_gt_output(ctx, rule):
    limit = rule.threshold or Decimal("1.5")
    for col in ("month", "ytd"):
        sales, output = ctx.get("sales_value", col), ctx.get("output_value", col)
        if sales is not None and output is not None and sales > output * limit:
            yield _finding(rule, f"sales_value.{col}", column=COLUMNS[col], sales=sales, output=output, limit=limit)


def _period_open(ctx, rule):
    if ctx.check_period and not period_is_open(ctx.ruleset.form, ctx.period, ctx.today):
        yield _finding(rule, "", period=P.label(ctx.period, ctx.ruleset.form.merge_jan_feb))


def _ly_note(ctx, rule):
    if not ctx.last_year:
        return
    for ind in ctx.indicators(rule):
        reported = ctx.last_year.get(ind.code)
        if not reported or (ctx.notes.get(ind.code) or "").strip():
            continue
        for col in ("month_ly", "ytd_ly"):
            if col not in columns_of(ind) or reported.get(col) is None:
                continue
            value = ctx.get(ind.code, col)
            if value is not None and value != reported[col]:
                yield _finding(rule, f"{ind.code}.{col}", indicator=ind.name, column=COLUMNS[col], value=value,
                               reported=reported[col])


def _yoy(ctx, rule):
    limit = rule.threshold if rule.threshold is not None else Decimal(50)
    for ind in ctx.indicators(rule):
        growth = growth_pct(ctx.get(ind.code, "ytd"), ctx.get(ind.code, "ytd_ly"))
        if growth is not None and abs(growth) > limit:
            yield _finding(rule, f"{ind.code}.ytd", indicator=ind.name, growth=fmt_growth(growth), limit=limit)


def _month_consistency(ctx, rule):
    tolerance = rule.threshold or Decimal(0)
    for ind in ctx.indicators(rule):
        if not ind.has_month:
            continue
        month = ctx.get(ind.code, "month")
        derived = derived_month(ctx.get(ind.code, "ytd"), ctx.previous, ind.code)
        if month is not None and derived is not None and abs(month - derived) > tolerance:
            yield _finding(rule, f"{ind.code}.month", indicator=ind.name, month=month, derived=derived)


def _sell_through(ctx, rule):
    low = rule.threshold if rule.threshold is not None else Decimal(70)
    high = rule.threshold2 if rule.threshold2 is not None else Decimal(130)
    ratio = pct(ctx.get("sales_value", "ytd"), ctx.get("output_value", "ytd"))
    if ratio is not None and not low <= ratio <= high:
        yield _finding(rule, "sales_value.ytd", ratio=ratio, low=low, high=high)


def _elec_vs_output(ctx, rule):
    limit = rule.threshold if rule.threshold is not None else Decimal(30)
    elec = growth_pct(ctx.get("electricity", "ytd"), ctx.get("electricity", "ytd_ly"))
    output = growth_pct(ctx.get("output_value", "ytd"), ctx.get("output_value", "ytd_ly"))
    if elec is None or output is None or elec * output >= 0:
        return
    gap = abs(elec - output)
    if gap > limit:
        yield _finding(rule, "electricity.ytd", elec_growth=fmt_growth(elec), output_growth=fmt_growth(output),
                       gap=gap)


def _product_field(product, column):
    return f"product:{product.code}.{column}"


def _product_lines(ctx):
    """The product lines that hold any figure, in catalogue order."""
    return [(p, cols) for p, cols in sorted(ctx.products.items(), key=lambda item: item[0].code)
            if any(v is not None for v in cols.values())]


def _product_ytd_lt_month(ctx, rule):
    for product, cols in _product_lines(ctx):
        for month_col, ytd_col in (("qty_month", "qty_ytd"), ("qty_month_ly", "qty_ytd_ly")):
            month, ytd = cols.get(month_col), cols.get(ytd_col)
            if month is not None and ytd is not None and ytd < month:
                name = product.name if month_col == "qty_month" else f"{product.name}（上年）"
                yield _finding(rule, _product_field(product, ytd_col), product=name, ytd=ytd, month=month,
                               unit=product.unit)


def _product_price_qty(ctx, rule):
    """A price with no output this month, or output this month with no price (blank counts as zero)."""
    for product, cols in _product_lines(ctx):
        qty, price = cols.get("qty_month"), cols.get("price")
        has_qty, has_price = bool(qty), bool(price)  # None and 0 are both "nothing"
        if has_qty != has_price:
            yield _finding(rule, _product_field(product, "price" if has_qty else "qty_month"), product=product.name,
                           qty=qty if qty is not None else Decimal(0),
                           price=f"{_num(price)}元" if price is not None else "未填",
                           unit=product.unit)


def _product_yoy(ctx, rule):
    limit = rule.threshold if rule.threshold is not None else Decimal(50)
    for product, cols in _product_lines(ctx):
        growth = growth_pct(cols.get("qty_ytd"), cols.get("qty_ytd_ly"))
        if growth is not None and abs(growth) > limit:
            yield _finding(rule, _product_field(product, "qty_ytd"), product=product.name,
                           growth=fmt_growth(growth), limit=limit)


CHECKS = {
    "required": _required, "negative": _negative, "ytd_lt_month": _ytd_lt_month,
    "sales_gt_output": _sales_gt_output, "period_open": _period_open, "ly_note": _ly_note, "yoy": _yoy,
    "month_consistency": _month_consistency, "sell_through": _sell_through, "elec_vs_output": _elec_vs_output,
    "product_ytd_lt_month": _product_ytd_lt_month, "product_price_qty": _product_price_qty,
    "product_yoy": _product_yoy,
}
