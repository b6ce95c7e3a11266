"""Plain helpers for the reporting tests."""

from decimal import Decimal

from gongxin.reporting.models import Form, Return, ReturnValue

# A consistent first-quarter return: no rule fires on it.
GOOD = {
    "output_value": {"month": 1000, "ytd": 3000, "month_ly": 900, "ytd_ly": 2700},
    "sales_value": {"month": 950, "ytd": 2900, "month_ly": 850, "ytd_ly": 2600},
    "export_value": {"month": 0, "ytd": 0, "month_ly": 0, "ytd_ly": 0},
    "electricity": {"month": 10, "ytd": 30, "month_ly": 9, "ytd_ly": 27},
}


def output_form():
    return Form.objects.get(code="output")


def values(**changes):
    """GOOD with some cells changed: values(output_value__ytd=5000)."""
    result = {code: {c: Decimal(v) for c, v in cols.items()} for code, cols in GOOD.items()}
    for key, value in changes.items():
        code, col = key.split("__")
        result[code][col] = None if value is None else Decimal(value)
    return result


def make_return(enterprise, period="2022-03", status=Return.Status.DRAFT, vals=None, form=None, **fields):
    ret = Return.objects.create(enterprise=enterprise, form=form or output_form(), period=period, status=status,
                                **fields)
    indicators = {i.code: i for i in ret.form.indicators.all()}
    for code, cols in (vals or values()).items():
        ReturnValue.objects.create(ret=ret, indicator=indicators[code], enterprise=enterprise, period=period,
                                   **cols)
    return ret


def post_data(vals=None, **extra):
    """The entry form's fields for `vals` (default GOOD); version "0" (a new return) unless given."""
    data = {"version": "0"}
    for code, cols in (vals or values()).items():
        for col, value in cols.items():
            data[f"{code}.{col}"] = "" if value is None else str(value)
    data.update(extra)
    return data
