"""The engine against small hand-computed cases (figures worked out in the comments)."""

from decimal import Decimal

import pytest

from gongxin.accounts.models import Role
from gongxin.analysis import stats
from gongxin.analysis.models import AddedValueRate, OfficialAddedValue, PriceIndex, TownPlan
from gongxin.lib.numeric import fmt_growth, growth_pct, pct
from gongxin.registry.models import EnterpriseGroup
from gongxin.testing import division, make_enterprise, make_user, town

from .helpers import D, make_return, output

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """Two stayers, an entrant, a leaver, a draft and a returned return, for 2022-03."""
    jinghe = make_enterprise("荆河机械", industry="34")
    longquan = make_enterprise("龙泉化工", town_name="龙泉街道", industry="26")
    entrant = make_enterprise("新进化工", industry="26", years=(2022,))
    leaver = make_enterprise("退出企业", industry="34", years=(2021,))
    drafty = make_enterprise("草稿企业", industry="34")
    sent_back = make_enterprise("退回企业", industry="34")
    make_return(jinghe, "2022-03", "accepted", output(100, 300, 80, 240))
    make_return(longquan, "2022-03", "submitted", output(50, 150, 50, 160))
    make_return(entrant, "2022-03", "approved", output(30, 90, 20, 60))
    make_return(leaver, "2022-03", "accepted", output(1000, 3000, 1000, 3000))
    make_return(drafty, "2022-03", "draft", output(999, 999, 1, 1))
    make_return(sent_back, "2022-03", "returned", output(999, 999, 1, 1))
    return {"jinghe": jinghe, "longquan": longquan, "entrant": entrant, "leaver": leaver}


def test_county_counts_listed_counted_returns_with_entrants_own_last_year(county):
    # 100+50+30 / 300+150+90 ; last year 80+50+20 / 240+160+60 (the entrant's own 60)
    row = stats.county("2022-03")
    f = row.output
    assert (f.month, f.ytd, f.month_ly, f.ytd_ly) == (D(180), D(540), D(150), D(460))
    assert row.enterprises == 3
    assert f.month_growth_pct == Decimal("20.0")
    assert f.ytd_growth_pct == Decimal("17.4")  # 540/460 − 1 = 17.39%
    assert f.ytd_change == D(80)


def test_leaver_return_does_not_count(county):
    towns = {r.name: r for r in stats.totals("2022-03", "town")}
    assert towns["荆河街道"].output.ytd == D(390)  # 300 + 90, without the leaver's 3000
    assert towns["荆河街道"].enterprises == 2


def test_entrant_counts_with_its_reported_last_year_figures(county):
    industries = {r.code: r for r in stats.totals("2022-03", "industry")}
    assert industries["26"].output.ytd_ly == D(220)  # 160 + the entrant's 60
    assert industries["26"].output.ytd_growth_pct == Decimal("9.1")  # 240/220 − 1 = 9.09%


def test_town_and_industry_figures_sum_to_the_county(county):
    whole = stats.county("2022-03")
    for by in ("town", "industry", "tier"):
        rows = stats.totals("2022-03", by)
        for code in stats.INDICATORS:
            summed = stats.Figures()
            for r in rows:
                summed = summed.add(r.indicators[code])
            assert summed == whole.indicators[code], (by, code)
        assert sum(r.enterprises for r in rows) == whole.enterprises


def test_share_contribution_and_pull(county):
    whole = stats.county("2022-03")
    towns = {r.name: r for r in stats.totals("2022-03", "town")}
    jinghe, longquan = towns["荆河街道"].output, towns["龙泉街道"].output
    # 荆河: 390 of 540 = 72.2%; increase 90 of the county's 80 = 112.5%; 90/460 = 19.6 points
    assert stats.share_pct(jinghe, whole.output) == Decimal("72.2")
    assert stats.contribution_pct(jinghe, whole.output) == Decimal("112.5")
    assert stats.pull_pp(jinghe, whole.output) == Decimal("19.6")
    # 龙泉: −10 of 80 = −12.5%; −10/460 = −2.2 points
    assert stats.contribution_pct(longquan, whole.output) == Decimal("-12.5")
    assert stats.pull_pp(longquan, whole.output) == Decimal("-2.2")
    # month: 荆河 +20 +10(entrant) of +30 → 100%
    assert stats.contribution_pct(jinghe, whole.output, "month") == Decimal("100.0")


def test_contribution_is_none_when_the_whole_did_not_change():
    part = stats.Figures(D(10), D(10), D(5), D(5))
    whole = stats.Figures(D(10), D(10), D(10), D(10))
    assert stats.contribution_pct(part, whole) is None


def test_growth_rounds_half_up_and_null_base():
    assert growth_pct(D(10125), D(10000)) == Decimal("1.3")  # 1.25 → 1.3 (half-even would give 1.2)
    assert growth_pct(D(9875), D(10000)) == Decimal("-1.3")
    assert growth_pct(D(5), D(0)) is None
    assert growth_pct(D(5), None) is None
    assert pct(43, 71) == Decimal("60.6") and pct(46, 71) == Decimal("64.8")
    assert fmt_growth(growth_pct(D(350), D(100))) == "增长2.5倍"
    assert fmt_growth(growth_pct(D(100), D(100))) == "持平"
    assert stats.pct_text(Decimal("-0.04")) == "0.0"
    assert stats.amount_text(Decimal("7000000")) == "7000000.0000"


def test_group_base_zero_gives_no_growth():
    e = make_enterprise(years=(2022,))
    make_return(e, "2022-03", "accepted", output(10, 20, 0, 0))
    f = stats.county("2022-03").output
    assert f.ytd_growth_pct is None and f.month_growth_pct is None


def test_tiers_from_previous_december_counted_return():
    big = make_enterprise("五亿")
    middle = make_enterprise("亿元")
    edge = make_enterprise("刚过亿")
    small = make_enterprise("小")
    unknown = make_enterprise("新进", years=(2022,))
    drafted = make_enterprise("上年草稿")
    for e, dec in ((big, 500000), (middle, "499999.99"), (edge, 100000), (small, "99999.9999"),
                   (drafted, 900000)):
        make_return(e, "2021-12", "draft" if e is drafted else "accepted", output(1, dec, 1, 1))
    for i, e in enumerate((big, middle, edge, small, unknown, drafted), start=1):
        make_return(e, "2022-03", "accepted", output(i, i * 10, i, i * 5))
    tiers = {r.code: r for r in stats.totals("2022-03", "tier")}
    assert tiers["over_500m"].enterprises == 1 and tiers["over_500m"].output.ytd == D(10)
    assert tiers["100m_500m"].enterprises == 2 and tiers["100m_500m"].output.ytd == D(50)  # middle+edge
    assert tiers["under_100m"].enterprises == 1 and tiers["under_100m"].output.ytd == D(40)  # small
    # No counted 2021-12 return and no 2022-12 return (issue 11): 未分档, no longer silently 1亿元以下.
    assert tiers["untiered"].enterprises == 2 and tiers["untiered"].output.ytd == D(110)  # 50+60


def test_groups_count_each_member(county):
    group = EnterpriseGroup.objects.create(name="重点企业")
    group.enterprises.set([county["jinghe"], county["entrant"], county["leaver"]])
    rows = stats.totals("2022-03", "group")
    assert [(r.name, r.enterprises, r.output.ytd) for r in rows] == [("重点企业", 2, D(390))]


def test_town_officer_sees_only_own_town(county):
    officer = make_user("jh", Role.TOWN_OFFICER, region="荆河街道")
    row = stats.county("2022-03", user=officer)
    assert row.name == "荆河街道" and row.output.ytd == D(390)
    assert [r.name for r in stats.totals("2022-03", "town", officer)] == ["荆河街道"]


def test_series_this_year_against_last_year():
    e = make_enterprise()
    make_return(e, "2021-02", "accepted", output(20, 20, 10, 10))
    make_return(e, "2021-03", "accepted", output(15, 35, 10, 20))
    make_return(e, "2022-02", "accepted", output(30, 30, 20, 20))
    make_return(e, "2022-03", "draft", output(30, 60, 15, 35))
    points = stats.series("2022-03")
    assert [p["period"] for p in points] == ["2022-02", "2022-03"]
    assert points[0]["this"].ytd_growth_pct == Decimal("50.0")
    assert points[0]["last"].ytd_growth_pct == Decimal("100.0")
    assert points[1]["this"].ytd == 0  # the draft does not count
    assert points[1]["last"].ytd_growth_pct == Decimal("75.0")


def test_risers_and_fallers(county):
    risers = stats.enterprise_changes("2022-03")
    fallers = stats.enterprise_changes("2022-03", fallers=True)
    assert [r.name for r in risers] == ["荆河机械", "新进化工"]  # +60, +30; the leaver never shows
    assert [r.name for r in fallers] == ["龙泉化工"]


def test_completeness_counts_listed_enterprises(county):
    c = stats.completeness("2022-03")
    assert (c.counted, c.expected) == (3, 5)  # leaver off the list; draft and returned not counted
    assert c.pct == Decimal("60.0")


def rate(code, year, value):
    AddedValueRate.objects.update_or_create(division=division(code), year=year, defaults={"rate_pct": D(value)})


def test_added_value_on_the_single_deflation_method(county):
    # 单缩法: Σ output × this year's rate ÷ PPI  ÷  Σ last year's output × last year's rate − 1.
    rate("34", 2022, 25), rate("34", 2021, 20), rate("26", 2022, 20), rate("26", 2021, 20)
    PriceIndex.objects.create(division=division("34"), period="2022-03", month_index=D(125), ytd_index=D(120))
    PriceIndex.objects.create(division=division("26"), period="2022-03", month_index=D(100), ytd_index=D(100))
    av = stats.added_value("2022-03")
    # 1-本月: 34: 300 × 25% ÷ 1.20 = 62.5 (ly 240 × 20% = 48); 26: 240 × 20% ÷ 1 = 48 (ly 220 × 20% = 44)
    assert av.ytd_estimate_pct == growth_pct(D("110.5"), D(92)) == Decimal("20.1")
    # 本月: 34: 100 × 25% ÷ 1.25 = 20 (ly 16); 26: 80 × 20% = 16 (ly 14) → 36 / 30 − 1
    assert av.month_estimate_pct == Decimal("20.0")
    assert av.comparable and av.not_comparable_text == ""
    assert not av.is_official and av.ytd_pct == Decimal("20.1")
    OfficialAddedValue.objects.create(period="2022-03", ytd_growth_pct=D("8.1"))
    av = stats.added_value("2022-03")
    assert av.is_official and av.ytd_pct == Decimal("8.1") and av.month_pct == Decimal("20.0")


def test_added_value_without_a_division_ppi_is_not_comparable(county):
    # Division 26 has output but no PPI: no number, never the nominal growth labelled comparable.
    PriceIndex.objects.create(division=division("34"), period="2022-03", month_index=D(125), ytd_index=D(120))
    av = stats.added_value("2022-03")
    assert av.ytd_estimate_pct is None and av.month_estimate_pct is None and av.ytd_pct is None
    assert not av.comparable
    assert [r.code for r in av.missing_divisions] == ["26"]
    assert av.not_comparable_text == "不可比（缺少1个行业价格指数）"
    OfficialAddedValue.objects.create(period="2022-03", ytd_growth_pct=D("8.1"))
    assert stats.added_value("2022-03").ytd_pct == Decimal("8.1")  # the official figure still shows


def test_added_value_without_last_years_rate_is_not_comparable(county):
    for code in ("34", "26"):
        PriceIndex.objects.create(division=division(code), period="2022-03", month_index=D(100), ytd_index=D(100))
    AddedValueRate.objects.filter(division=division("34"), year=2021).delete()
    av = stats.added_value("2022-03")
    assert av.ytd_estimate_pct is None
    assert av.not_comparable_text == "不可比（缺少1个行业增加值率）"


def test_plan_completion_against_time_progress(county):
    TownPlan.objects.create(year=2022, town=town("荆河街道"), output_target=D(1560))
    TownPlan.objects.create(year=2022, town=town("龙泉街道"), output_target=D(1000))
    rows = {r.name: r for r in stats.plans("2022-03", "output")}
    jh, lq = rows["荆河街道"], rows["龙泉街道"]
    assert jh.time_progress_pct == Decimal("25.0")
    assert jh.completion_pct == Decimal("25.0") and jh.ahead and jh.rank == 1  # 390/1560
    assert lq.completion_pct == Decimal("15.0") and not lq.ahead and lq.rank == 2  # 150/1000
    assert lq.gap_pp == Decimal("-10.0")
    assert rows["北辛街道"].completion_pct is None and rows["北辛街道"].rank is None


def test_quarter_and_year_views_are_the_period_at_their_end():
    assert stats.resolve_period("2022Q1") == "2022-03"
    assert stats.resolve_period("2022-q4") == "2022-12"
    assert stats.resolve_period("2022") == "2022-12"
    assert stats.resolve_period("2022年3月") == "2022-03"


def test_plan_investment_uses_projects_figures(county, monkeypatch):
    TownPlan.objects.create(year=2022, town=town("荆河街道"), investment_target=D(4000))
    monkeypatch.setattr(stats, "investment_by_town", lambda period: {"荆河街道": (D(1000), D(800))})
    rows = {r.name: r for r in stats.plans("2022-03", "investment")}
    assert rows["荆河街道"].completion_pct == Decimal("25.0") and rows["荆河街道"].ytd_growth_pct == Decimal("25.0")


def test_dashboard_totals_equal_the_separate_groupings(county):
    make_return(make_enterprise("大企业"), "2021-12", "accepted", output(1, 600000, 1, 1))
    dash = stats.dashboard_totals("2022-03")
    assert dash["county"].output == stats.county("2022-03", indicators=("output_value",)).output
    assert dash["county"].enterprises == 3
    for by in ("town", "industry", "tier"):
        separate = stats.totals("2022-03", by, indicators=("output_value",))
        assert [(r.code, r.enterprises, r.output) for r in dash[by]] == [
            (r.code, r.enterprises, r.output) for r in separate], by


def test_dashboard_totals_of_a_town_officer_cover_their_town_only(county):
    officer = make_user("jh", Role.TOWN_OFFICER, region="荆河街道")
    dash = stats.dashboard_totals("2022-03", officer)
    # 荆河街道: 荆河机械 300 + 新进化工 90 (the leaver, the draft and the returned one never count)
    assert (dash["county"].name, dash["county"].output.ytd, dash["county"].enterprises) == ("荆河街道", D(390), 2)
    assert [(r.name, r.output.ytd) for r in dash["town"]] == [("荆河街道", D(390))]
    for by in ("town", "industry", "tier"):
        separate = stats.totals("2022-03", by, officer, ("output_value",))
        assert [(r.code, r.enterprises, r.output) for r in dash[by]] == [
            (r.code, r.enterprises, r.output) for r in separate], by


def test_dashboard_totals_of_a_period_without_returns_are_empty(county):
    dash = stats.dashboard_totals("2022-05")
    assert dash["county"].output == stats.Figures() and dash["county"].enterprises == 0
    assert dash["town"] == [] and dash["industry"] == []
    assert [r.output for r in dash["tier"]] == [stats.Figures()] * 3
