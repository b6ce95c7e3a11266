import datetime as dt

import pytest

from gongxin.lib.periods import (
    PeriodError,
    check_period,
    current_period,
    deadline,
    label,
    months_in_period,
    parse_period,
    period_or_404,
    periods_of_year,
    previous_in_year,
    same_period_last_year,
    shift,
    time_progress_pct,
    ytd_label,
)


@pytest.mark.parametrize("value", [
    "2022-03", "2022/3", "2022年3月", "2022.03", " 2022-3 ", "2022-03-31",
    dt.date(2022, 3, 31), dt.datetime(2022, 3, 1, 8, 30), 44651,  # 44651 = 2022-03-31 in Excel
    44651.0,
])
def test_parse_period_accepts_the_usual_spellings(value):
    assert parse_period(value) == "2022-03"


@pytest.mark.parametrize("value", ["2022-13", "22-03", "三月", "", None, "2022-00", -5, True])
def test_parse_period_refuses_nonsense_in_chinese(value):
    with pytest.raises(PeriodError, match="报告期"):
        parse_period(value)


def test_shift_across_years():
    assert shift("2022-01", -1) == "2021-12"
    assert shift("2021-12", 1) == "2022-01"
    assert same_period_last_year("2022-03") == "2021-03"


def test_previous_in_year_with_merged_january_february():
    assert previous_in_year("2022-03") == "2022-02"
    assert previous_in_year("2022-02") is None
    assert previous_in_year("2022-02", merge_jan_feb=False) == "2022-01"
    assert previous_in_year("2022-01", merge_jan_feb=False) is None


def test_labels():
    assert label("2022-02") == "2022年1-2月"
    assert label("2022-02", merge_jan_feb=False) == "2022年2月"
    assert label("2022-03") == "2022年3月"
    assert ytd_label("2022-03") == "1-3月"
    assert ytd_label("2022-01") == "1月"


def test_year_structure():
    assert periods_of_year(2022, upto=4) == ["2022-02", "2022-03", "2022-04"]
    assert periods_of_year(2022, merge_jan_feb=False, upto=2) == ["2022-01", "2022-02"]
    assert months_in_period("2022-02") == 2
    assert months_in_period("2022-03") == 1


def test_deadline_and_progress():
    assert deadline("2022-12", day=5) == dt.date(2023, 1, 5)
    assert str(time_progress_pct("2022-03")) == "25.0"
    assert str(time_progress_pct("2022-01")) == "8.3"
    assert current_period(dt.date(2022, 4, 13)) == "2022-03"


# ---------------------------------------------------------------- check_period: the one check


TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("value, message", [
    ("2022-01", "报告期2022年1月不单独报送：1-2月合并为一个报告期，请选择2022-02（2022年1-2月）"),
    ("2026-12", "报告期2026年12月尚未结束"),  # the current month has not ended
    ("2030-05", "报告期2030年5月尚未结束，还没有数据（最近的报告期为2026年11月）"),
    ("2022-13", "不是有效的年月"),
    ("abc", "格式应为YYYY-MM"),
    ("", "报告期为空"),
])
def test_check_period_refuses_with_one_clear_message(value, message):
    with pytest.raises(PeriodError, match=message):
        check_period(value, today=TODAY, require_reporting=False)


def test_check_period_takes_quarters_and_years_only_where_asked():
    assert check_period("2022Q1", quarters=True, today=TODAY, require_reporting=False) == "2022-03"
    assert check_period("2022", quarters=True, today=TODAY, require_reporting=False) == "2022-12"
    with pytest.raises(PeriodError, match="也可填季度"):
        check_period("2022Q5", quarters=True, today=TODAY, require_reporting=False)
    with pytest.raises(PeriodError):
        check_period("2022Q1", today=TODAY, require_reporting=False)


def test_january_is_a_period_where_january_is_not_merged():
    assert check_period("2022-01", merge_jan_feb=False, today=TODAY, require_reporting=False) == "2022-01"


@pytest.mark.django_db
def test_a_month_without_returns_or_a_reporting_period_does_not_exist():
    from gongxin.reporting.models import Form, ReportingPeriod

    with pytest.raises(PeriodError, match="报告期2022年5月不存在"):
        check_period("2022-05", today=TODAY)
    ReportingPeriod.objects.create(form=Form.objects.get(code="output"), period="2022-05")
    assert check_period("2022-05", today=TODAY) == "2022-05"


def test_period_or_404_answers_404_with_the_message():
    from django.http import Http404

    with pytest.raises(Http404, match="请选择2022-02"):
        period_or_404("2022-01", require_reporting=False)
