"""Small builders for analysis tests: a return with its values and product lines."""

from decimal import Decimal

from gongxin.reporting.models import (
    Form,
    Indicator,
    MonitoredProduct,
    Product,
    ProductLine,
    Return,
    ReturnValue,
)


def D(value):
    return None if value is None else Decimal(str(value))


def make_return(enterprise, period, status="accepted", values=None, lines=None, form="output"):
    """A return of `enterprise` for `period`.

    values: {indicator code: (month, ytd, month_ly, ytd_ly)};
    lines: {product code: (qty_month, qty_ytd, qty_month_ly, qty_ytd_ly, price, price_ly)}.
    """
    ret = Return.objects.create(enterprise=enterprise, form=Form.objects.get(code=form), period=period,
                                status=status)
    for code, cols in (values or {}).items():
        ReturnValue.objects.create(ret=ret, indicator=Indicator.objects.get(form__code=form, code=code),
                                   enterprise=enterprise, period=period,
                                   **dict(zip(("month", "ytd", "month_ly", "ytd_ly"), map(D, cols), strict=True)))
    for code, cols in (lines or {}).items():
        ProductLine.objects.create(ret=ret, product=Product.objects.get(code=code), enterprise=enterprise,
                                   period=period, **dict(zip(
                                       ("qty_month", "qty_ytd", "qty_month_ly", "qty_ytd_ly", "price", "price_ly"),
                                       map(D, cols), strict=True)))
    return ret


def output(month, ytd, month_ly, ytd_ly):
    return {"output_value": (month, ytd, month_ly, ytd_ly)}


def make_product(code, name=None, unit="吨", years=(2022,)):
    product = Product.objects.create(code=code, name=name or f"产品{code}", unit=unit)
    for year in years:
        MonitoredProduct.objects.create(year=year, product=product)
    return product
