import datetime as dt

import pytest

from gongxin.reporting.models import ReportingPeriod, ValidationRule
from gongxin.reporting.validation import validate_return

from .helpers import output_form, values

pytestmark = pytest.mark.django_db
TODAY = dt.date(2022, 5, 3)


def check(vals, period="2022-03", previous=None, last_year=None, notes=None, **kw):
    return validate_return(vals, form=output_form(), period=period, previous=previous, last_year=last_year,
                           notes=notes, today=kw.pop("today", TODAY), **kw)


def rules(findings):
    return {(f.rule, f.field) for f in findings}


def test_consistent_return_has_no_findings():
    assert check(values()) == []


def test_negative_value_is_an_error():
    findings = check(values(export_value__month=-1))
    assert ("negative", "export_value.month") in rules(findings)
    assert all(f.is_error for f in findings if f.rule == "negative")
    assert "不能为负数" in findings[0].message


def test_ytd_smaller_than_month_is_an_error():
    assert ("ytd_lt_month", "electricity.ytd") in rules(check(values(electricity__ytd=5)))
    assert "ytd_lt_month" not in {f.rule for f in check(values(electricity__ytd=10))}


def test_sales_over_one_and_a_half_times_output_is_an_error():
    findings = check(values(sales_value__month=1501))
    assert ("sales_gt_output", "sales_value.month") in rules(findings)
    assert "sales_gt_output" not in {f.rule for f in check(values(sales_value__month=1500))}


def test_required_field_missing_is_an_error_but_export_is_optional():
    assert ("required", "output_value.ytd") in rules(check(values(output_value__ytd=None)))
    assert "required" not in {f.rule for f in check(values(export_value__ytd=None))}


def test_period_not_open_is_an_error():
    assert ("period_open", "") in rules(check(values(), period="2022-05"))
    ReportingPeriod.objects.create(form=output_form(), period="2022-03", closed_at=dt.datetime(2022, 4, 20, tzinfo=dt.UTC))
    assert ("period_open", "") in rules(check(values()))
    assert "period_open" not in {f.rule for f in check(values(), check_period=False)}


def test_growth_over_fifty_percent_is_a_warning():
    findings = check(values(output_value__ytd=4100, sales_value__ytd=3900, output_value__month=1000))
    yoy = [f for f in findings if f.rule == "yoy" and f.field == "output_value.ytd"]
    assert yoy and yoy[0].severity == "warning" and "增长51.9%" in yoy[0].message
    assert "yoy" not in {f.rule for f in check(values(output_value__ytd=4050, sales_value__ytd=3900))}


def test_fall_over_fifty_percent_is_a_warning():
    findings = check(values(output_value__ytd=1300, output_value__month=1000, sales_value__ytd=1250,
                            sales_value__month=950))
    assert any(f.rule == "yoy" and "下降" in f.message for f in findings)


def test_month_not_matching_ytd_difference_is_a_warning():
    previous = {"output_value": 1990, "sales_value": 1950, "export_value": 0, "electricity": 20}
    findings = check(values(), previous=previous)
    assert ("month_consistency", "output_value.month") in rules(findings)
    assert ("month_consistency", "sales_value.month") not in rules(findings)  # 2900 − 1950 = 950


def test_first_period_month_must_equal_ytd():
    assert ("month_consistency", "output_value.month") in rules(check(values(), period="2022-02", previous={}))
    same = values(output_value__month=3000, sales_value__month=2900, electricity__month=30)
    assert "month_consistency" not in {f.rule for f in check(same, period="2022-02", previous={})}


def test_sell_through_outside_70_to_130_percent_is_a_warning():
    assert ("sell_through", "sales_value.ytd") in rules(check(values(sales_value__ytd=2000)))
    assert "sell_through" not in {f.rule for f in check(values(sales_value__ytd=2100))}  # exactly 70%


def test_electricity_and_output_growth_of_opposite_sign_is_a_warning():
    # output +11.1%, electricity −25.9%: gap 37 points
    assert ("elec_vs_output", "electricity.ytd") in rules(check(values(electricity__ytd=20, electricity__month=5)))
    # output +11.1%, electricity −11.1%: gap 22.2 points
    assert "elec_vs_output" not in {f.rule for f in check(values(electricity__ytd=24, electricity__month=5))}


def test_last_year_figures_differing_from_last_years_return_need_a_note():
    last_year = {"output_value": {"month_ly": 900, "ytd_ly": 2600}}
    assert ("ly_note", "output_value.ytd_ly") in rules(check(values(), last_year=last_year))
    assert "ly_note" not in {f.rule for f in check(values(), last_year=last_year, notes={"output_value": "核定调整"})}


def test_inactive_rule_does_not_fire_and_thresholds_are_data():
    ValidationRule.objects.filter(code="sell_through").update(threshold=80)
    assert "sell_through" in {f.rule for f in check(values(sales_value__ytd=2300))}
    ValidationRule.objects.filter(code="sell_through").update(is_active=False)
    assert "sell_through" not in {f.rule for f in check(values(sales_value__ytd=2300))}


def test_message_template_is_data():
    ValidationRule.objects.filter(code="negative").update(message="{indicator}{column}填了负数")
    findings = check(values(export_value__month=-1))
    assert findings[0].message == "其中:出口交货值本月填了负数"
