"""Product-line rules (data rows from migration 0005) on entry, live check and submit."""

import datetime as dt
from decimal import Decimal

import pytest

from gongxin.reporting.models import MonitoredProduct, Product, ProductLine, Return, ValidationRule
from gongxin.reporting.validation import validate_return
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, output_form, post_data, values

pytestmark = pytest.mark.django_db
S = Return.Status
TODAY = dt.date(2022, 5, 3)
GOOD_LINE = {"qty_month": 100, "qty_ytd": 300, "qty_month_ly": 90, "qty_ytd_ly": 250, "price": 420, "price_ly": 400}


@pytest.fixture
def cement():
    product = Product.objects.create(code="P005", name="水泥", unit="吨")
    MonitoredProduct.objects.create(year=2022, product=product)
    return product


def line(**changes):
    cols = dict(GOOD_LINE, **changes)
    return {c: None if v is None else Decimal(v) for c, v in cols.items()}


def check(product, cols):
    return validate_return(values(), form=output_form(), period="2022-03", previous=None, last_year=None,
                           today=TODAY, products={product: cols})


def found(findings):
    return {(f.rule, f.field, f.severity) for f in findings}


def test_the_three_product_rules_are_data_rows_of_the_output_form():
    rules = {r.code: r for r in ValidationRule.objects.filter(form=output_form(), code__startswith="product_")}
    assert {code: r.severity for code, r in rules.items()} == {
        "product_ytd_lt_month": "error", "product_price_qty": "warning", "product_yoy": "warning"}
    assert rules["product_yoy"].threshold == 50


def test_consistent_product_line_has_no_findings(cement):
    assert check(cement, line()) == []


def test_ytd_output_below_month_output_is_an_error(cement):
    findings = check(cement, line(qty_ytd=99, qty_ytd_ly=90))
    assert found(findings) == {("product_ytd_lt_month", "product:P005.qty_ytd", "error")}
    assert findings[0].message == "水泥1-本月产量（99吨）不能小于本月产量（100吨）"
    assert check(cement, line(qty_ytd=100, qty_ytd_ly=90)) == []


def test_last_years_ytd_output_below_last_years_month_is_an_error_too(cement):
    findings = check(cement, line(qty_ytd_ly=80))
    assert ("product_ytd_lt_month", "product:P005.qty_ytd_ly", "error") in found(findings)
    assert "水泥（上年）" in findings[0].message


def test_price_with_zero_output_is_a_warning(cement):
    for qty in (0, None):
        findings = check(cement, line(qty_month=qty, qty_ytd=200))
        assert found(findings) == {("product_price_qty", "product:P005.qty_month", "warning")}, qty
    assert "本月产量（0吨）与本月平均出厂价格（420元）不匹配" in findings[0].message


def test_output_with_no_price_is_a_warning(cement):
    for price in (None, 0):
        findings = check(cement, line(price=price))
        assert found(findings) == {("product_price_qty", "product:P005.price", "warning")}, price
    assert "本月平均出厂价格（未填）" in check(cement, line(price=None))[0].message


def test_no_output_and_no_price_is_fine(cement):
    assert check(cement, line(qty_month=0, price=None)) == []


def test_output_growth_over_fifty_percent_either_way_is_a_warning(cement):
    up = check(cement, line(qty_ytd=376, qty_ytd_ly=250))  # +50.4%
    assert found(up) == {("product_yoy", "product:P005.qty_ytd", "warning")}
    assert "水泥1-本月产量同比增长50.4%" in up[0].message
    down = check(cement, line(qty_ytd=124, qty_month=50, qty_ytd_ly=250))  # −50.4%
    assert found(down) == {("product_yoy", "product:P005.qty_ytd", "warning")} and "下降50.4%" in down[0].message
    assert check(cement, line(qty_ytd=375, qty_ytd_ly=250)) == []  # exactly +50%
    assert check(cement, line(qty_month_ly=0, qty_ytd_ly=0)) == []  # no base: no growth


def test_product_thresholds_and_switches_are_data(cement):
    ValidationRule.objects.filter(code="product_yoy").update(threshold=10)
    assert {f.rule for f in check(cement, line())} == {"product_yoy"}  # 300 vs 250: +20%
    ValidationRule.objects.filter(code="product_yoy").update(is_active=False)
    assert check(cement, line()) == []


def test_saved_return_is_checked_with_its_saved_product_lines(cement):
    e = make_enterprise()
    ret = make_return(e, "2022-03")
    ProductLine.objects.create(ret=ret, product=cement, enterprise=e, period="2022-03", **line(qty_ytd=50))
    assert ("product_ytd_lt_month", "product:P005.qty_ytd", "error") in found(validate_return(ret, today=TODAY))


def test_import_rows_carry_no_product_lines_so_only_indicator_rules_run(cement):
    # The import passes a values dict (no `products`): product rules find nothing to check.
    findings = validate_return(values(), form=output_form(), period="2022-03", previous=None, last_year=None,
                               check_period=False)
    assert findings == []


# ---------------------------------------------------------------- the entry page


@pytest.fixture
def cast(cement):
    e = make_enterprise(town_name="荆河街道")
    return e, cement, personas(e)


def url(e, tail=""):
    return f"/returns/{e.uscc}/output/2022-04/{tail}"


def product_post(product, cols, **extra):
    data = post_data(**extra)
    data.update({f"pnew.{c}": "" if v is None else str(v) for c, v in cols.items()})
    data["pnew"] = str(product.id)
    return data


def test_submit_with_a_product_error_is_refused_and_saves_nothing(client, cast):
    e, cement, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), product_post(cement, line(qty_ytd=50), action="submit"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "水泥1-本月产量（50吨）不能小于本月产量（100吨）" in html
    assert not Return.objects.exists() and not ProductLine.objects.exists()


def test_product_warning_needs_an_explanation_to_submit(client, cast):
    e, cement, p = cast
    client.force_login(p["reporter"])
    data = product_post(cement, line(price=None), action="submit")
    response = client.post(url(e), data)
    assert response.status_code == 400 and "有产量应填价格" in response.content.decode()
    assert not Return.objects.filter(status=S.SUBMITTED).exists()
    data["explanation"] = "新产品试生产，尚未定价"
    assert client.post(url(e), data).status_code == 302
    assert Return.objects.get(enterprise=e).status == S.SUBMITTED


def test_saved_draft_shows_the_product_warning_next_to_the_line(client, cast):
    e, cement, p = cast
    client.force_login(p["reporter"])
    assert client.post(url(e), product_post(cement, line(qty_ytd=400), action="save")).status_code == 302
    html = client.get(url(e)).content.decode()
    assert 'id="pmsg-P005"' in html and "水泥1-本月产量同比增长60.0%" in html
    assert "border-warning" in html


def test_live_check_reports_product_findings_next_to_the_line(client, cast):
    e, cement, p = cast
    client.force_login(p["reporter"])
    data = post_data()
    data.update({f"p{cement.id}.{c}": str(v) for c, v in line(qty_ytd=50).items()})
    html = client.post(url(e, "check/"), data).content.decode()
    assert 'id="pmsg-P005" hx-swap-oob="true"' in html
    assert "水泥1-本月产量（50吨）不能小于本月产量（100吨）" in html
    assert "1处错误" in html


@pytest.mark.parametrize("who,status", [("reporter", 200), ("town", 403), ("leader", 403), ("nobody", 404)])
def test_who_may_run_the_live_check_with_product_lines(client, cast, who, status):
    e, cement, p = cast
    client.force_login(p[who])
    data = post_data()
    data.update({f"p{cement.id}.{c}": str(v) for c, v in line().items()})
    assert client.post(url(e, "check/"), data).status_code == status
