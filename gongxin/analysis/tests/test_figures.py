"""Issue 11's rules on small hand-computed cases: coverage, tiers without last December, plans on
unrounded values, 产销率, 环比, 两年平均, the edges of growth (zero base, 倍, exact 持平), the period
check of the JSON commands."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from gongxin.analysis import stats
from gongxin.analysis.models import TownPlan
from gongxin.lib.numeric import fmt_growth
from gongxin.testing import make_enterprise, town

from .helpers import D, make_return, output

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- coverage


def test_coverage_says_expected_reported_and_counted():
    a, b, c = make_enterprise(), make_enterprise(town_name="龙泉街道"), make_enterprise(town_name="龙泉街道")
    make_enterprise(years=(2021,))  # off the 2022 list: owes nothing
    make_return(a, "2022-04", values=output(10, 40, 8, 30))
    make_return(b, "2022-04", values=output(5, 20, 5, 20))
    make_return(c, "2022-04", "draft", values=output(5, 20, 5, 20))
    cov = stats.coverage("2022-04")
    assert (cov.expected, cov.reported, cov.counted) == (3, 2, 2)
    assert cov.reported_pct == Decimal("66.7") and not cov.complete and cov.missing == 1
    by_town = {town_id: c.as_json() for town_id, c in stats.coverage("2022-04", by="town").items()}
    assert by_town == {town("荆河街道").pk: {"expected": 1, "reported": 1, "counted": 1},
                       town("龙泉街道").pk: {"expected": 2, "reported": 1, "counted": 1}}


def test_a_return_without_an_output_value_is_reported_but_not_counted():
    a, b = make_enterprise(), make_enterprise()
    make_return(a, "2022-04", values=output(10, 40, 8, 30))
    make_return(b, "2022-04", values={"electricity": (1, 2, 1, 2)})
    cov = stats.coverage("2022-04")
    assert (cov.expected, cov.reported, cov.counted) == (2, 2, 1)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_indicators_json_has_coverage_beside_the_published_keys():
    a, b = make_enterprise(), make_enterprise(town_name="龙泉街道")
    make_return(a, "2022-04", values=output(10, 40, 8, 30))
    make_return(b, "2022-04", "returned", values=output(10, 40, 8, 30))
    data = json.loads(run("indicators", "--period", "2022-04"))
    assert data["coverage"] == {"expected": 2, "reported": 1, "counted": 1}
    assert data["rows"][0]["coverage"] == data["coverage"]
    towns = json.loads(run("indicators", "--period", "2022-04", "--by", "town"))["rows"]
    assert [(t["name"], t["coverage"]) for t in towns] == [("荆河街道", {"expected": 1, "reported": 1, "counted": 1})]
    products = json.loads(run("products", "--period", "2022-04"))
    assert products["coverage"] == {"expected": 2, "reported": 1, "counted": 1}


@pytest.mark.parametrize("period, message", [
    ("2022-01", "1-2月"),  # January is merged: the message points to 2022-02
    ("2030-05", "尚未结束"),
    ("2021-07", "不存在"),  # no return and no reporting period
    ("2022/13", "不是有效的年月"),
    ("三月", "格式应为YYYY-MM"),
])
def test_a_period_that_cannot_be_asked_for_exits_2_with_a_chinese_message(period, message):
    make_return(make_enterprise(), "2022-03", values=output(1, 1, 1, 1))
    for command in ("indicators", "products", "brief"):
        with pytest.raises(CommandError, match=message) as raised:
            run(command, "--period", period, *(["--format", "text"] if command == "brief" else []))
        assert raised.value.returncode == 2


# ---------------------------------------------------------------- tiers


def test_tiers_without_last_december_use_the_years_own_december_last_year_column():
    big, mid, small, unknown = (make_enterprise(n, years=(2021,)) for n in ("五亿", "一亿", "小", "不明"))
    for e, annual_2020 in ((big, 500_000), (mid, 100_000), (small, "99999.99")):
        make_return(e, "2021-12", values=output(1, 1, 1, annual_2020))  # 上年1-12月 = 2020's annual output
    for e in (big, mid, small, unknown):
        make_return(e, "2021-03", values=output(1, 10, 1, 8))
    tiers = {r.code: r.enterprises for r in stats.totals("2021-03", "tier")}
    assert tiers == {stats.OVER_500M: 1, stats.FROM_100M: 1, stats.UNDER_100M: 1, stats.UNTIERED: 1}
    assert stats.tier_members("2021-03") == {stats.OVER_500M: 1, stats.FROM_100M: 1, stats.UNDER_100M: 1,
                                             stats.UNTIERED: 1}


def test_last_december_takes_precedence_over_the_own_december():
    e = make_enterprise(years=(2021, 2022))
    make_return(e, "2021-12", values=output(1, 600_000, 1, 1))  # 2021 annual: 6亿元
    make_return(e, "2022-12", values=output(1, 1, 1, 50_000))  # its 上年1-12月 claims 0.5亿元
    make_return(e, "2022-03", values=output(1, 10, 1, 8))
    assert [r.code for r in stats.totals("2022-03", "tier") if r.enterprises] == [stats.OVER_500M]


def test_tier_members_count_those_who_have_not_reported():
    a, b = make_enterprise(), make_enterprise()
    for e in (a, b):
        make_return(e, "2021-12", values=output(1, 200_000, 1, 1))
    make_return(a, "2022-03", values=output(1, 10, 1, 8))
    cov = stats.coverage("2022-03", by="tier")[stats.FROM_100M]
    assert (cov.expected, cov.reported) == (2, 1)


def test_dashboard_totals_and_totals_agree_on_the_untiered():
    e = make_enterprise(years=(2022,))
    make_return(e, "2022-03", values=output(1, 10, 1, 8))
    dash = stats.dashboard_totals("2022-03")
    assert [(r.code, r.enterprises) for r in dash["tier"]] == [
        (r.code, r.enterprises) for r in stats.totals("2022-03", "tier", indicators=("output_value",))]
    assert dash["tier"][-1].code == stats.UNTIERED


# ---------------------------------------------------------------- plans


def plan(town_name, target, ytd, ytd_ly=1):
    e = make_enterprise(town_name=town_name)
    make_return(e, "2022-04", values=output(1, ytd, 1, ytd_ly))
    TownPlan.objects.create(year=2022, town=town(town_name), output_target=D(target))


def test_ahead_or_behind_is_decided_on_unrounded_values():
    # 4 months of 12 = 33.333…%. 荆河: 3330 ÷ 10000 = 33.30% → behind, although both round to 33.3%.
    plan("荆河街道", 10000, 3330)
    plan("龙泉街道", 3000, 1000)  # exactly 1/3: on schedule
    plan("北辛街道", 1000, 334)  # 33.4%: ahead
    rows = {r.name: r for r in stats.plans("2022-04")}
    assert rows["荆河街道"].completion_pct == rows["荆河街道"].time_progress_pct == Decimal("33.3")
    assert rows["荆河街道"].position == stats.BEHIND and rows["荆河街道"].ahead is False
    assert rows["荆河街道"].gap_pp == Decimal("0.0")  # never "-0.0"
    assert rows["龙泉街道"].position == stats.ON_SCHEDULE and rows["龙泉街道"].position_name == "持平于时间进度"
    assert rows["北辛街道"].position == stats.AHEAD
    assert [r.name for r in stats.plans("2022-04") if r.rank] == ["北辛街道", "龙泉街道", "荆河街道"]


def test_the_furthest_behind_and_ahead_come_first():
    plan("荆河街道", 1000, 300)  # 30.0%: 3.3 behind
    plan("龙泉街道", 1000, 200)  # 20.0%: 13.3 behind
    plan("北辛街道", 1000, 330)  # 33.0%: 0.3 behind
    plan("善南街道", 1000, 500)  # 50%: ahead
    plan("东沙河街道", 1000, 400)  # 40%: ahead
    rows = stats.plans("2022-04")
    assert [r.name for r in stats.furthest_behind_first(rows)] == ["龙泉街道", "荆河街道", "北辛街道"]
    assert [r.name for r in stats.furthest_ahead_first(rows)] == ["善南街道", "东沙河街道"]


# ---------------------------------------------------------------- beside output


def test_sell_through_and_its_change_in_points():
    e = make_enterprise()
    make_return(e, "2022-03", values={**output(100, 300, 80, 200), "sales_value": (90, 291, 76, 190)})
    row = stats.county("2022-03")
    assert stats.sell_through_pct(row) == Decimal("97.0")  # 291 / 300
    assert stats.sell_through_pct(row, "ytd_ly") == Decimal("95.0")  # 190 / 200
    assert stats.sell_through_change_pp(row) == Decimal("2.0")
    assert stats.sell_through_pct(row, "month") == Decimal("90.0")


def test_month_on_month_over_the_enterprises_of_both_periods_and_the_merged_february():
    a, b, entrant = make_enterprise(), make_enterprise(), make_enterprise()
    make_return(a, "2022-02", values=output(200, 200, 1, 1))  # 1-2月: 100 a month
    make_return(b, "2022-02", values=output(100, 100, 1, 1))  # 50 a month
    make_return(a, "2022-03", values=output(120, 320, 1, 1))
    make_return(b, "2022-03", values=output(45, 145, 1, 1))
    make_return(entrant, "2022-03", values=output(500, 500, 1, 1))  # not in February: not compared
    mom = stats.month_on_month("2022-03")
    assert mom["output_value"] == Decimal("10.0")  # 165 ÷ (300 ÷ 2) − 1
    assert stats.month_on_month("2022-02")["output_value"] is None  # the year's first period


def test_two_year_average_is_geometric():
    e = make_enterprise()
    make_return(e, "2021-03", values=output(1, 80, 1, 100))  # 2021: −20%
    make_return(e, "2022-03", values=output(1, 120, 1, 80))  # 2022: +50%
    # √(0.8 × 1.5) − 1 = √1.2 − 1 = 9.54%
    assert stats.two_year_average("2022-03")["output_value"]["ytd"] == Decimal("9.5")
    assert stats.two_year_average_pct((1, 0), (1, 1)) is None  # a zero base


# ---------------------------------------------------------------- the edges of growth


def test_zero_base_more_than_double_and_exactly_flat():
    zero, double, flat = make_enterprise(), make_enterprise(town_name="龙泉街道"), make_enterprise(town_name="北辛街道")
    make_return(zero, "2022-03", values=output(10, 30, 0, 0))
    make_return(double, "2022-03", values=output(10, 220, 1, 100))
    make_return(flat, "2022-03", values=output(10, 50, 10, 50))
    towns = {r.name: r.output for r in stats.totals("2022-03", "town")}
    assert towns["荆河街道"].ytd_growth_pct is None and fmt_growth(towns["荆河街道"].ytd_growth_pct) == "—"
    assert fmt_growth(towns["龙泉街道"].ytd_growth_pct) == "增长1.2倍"  # 220 / 100 − 1 = 120%
    assert fmt_growth(towns["北辛街道"].ytd_growth_pct) == "持平"
    data = json.loads(run("indicators", "--period", "2022-03", "--by", "town"))
    assert {r["name"]: r["indicators"]["output_value"]["ytd_growth_pct"] for r in data["rows"]} == {
        "荆河街道": None, "龙泉街道": "120.0", "北辛街道": "0.0"}


def test_a_town_officer_sees_the_coverage_of_their_town():
    from gongxin.accounts.models import Role
    from gongxin.testing import make_user

    a, b = make_enterprise(), make_enterprise()
    other = make_enterprise(town_name="龙泉街道")
    make_return(a, "2022-04", values=output(10, 40, 8, 30))
    make_return(other, "2022-04", values=output(10, 40, 8, 30))
    officer = make_user("jh", Role.TOWN_OFFICER, region="荆河街道")
    assert stats.coverage("2022-04", officer).as_json() == {"expected": 2, "reported": 1, "counted": 1}
    assert b.pk  # 荆河街道's enterprise without a return is the one missing


def test_the_tiers_partition_the_list_so_their_coverage_sums_to_the_whole():
    big, small, new = make_enterprise(), make_enterprise(), make_enterprise(years=(2022,))
    make_return(big, "2021-12", values=output(1, 200_000, 1, 1))
    make_return(big, "2022-03", values=output(1, 10, 1, 8))
    make_return(new, "2022-03", "draft", values=output(1, 10, 1, 8))
    assert small.pk and stats.total_coverage(stats.coverage("2022-03", by="tier")) == stats.coverage("2022-03")
