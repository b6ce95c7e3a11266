"""The brief's content: the 总体情况 sentence, growth phrasing, period labels."""

from decimal import Decimal

import pytest
import time_machine

from gongxin.analysis.models import AddedValueRate, PriceIndex
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs import brief
from gongxin.testing import division, make_enterprise

from .helpers import article_county

pytestmark = pytest.mark.django_db


def comparable_prices(period="2022-03", divisions=("34", "26"), rate="25"):
    """PPI 100 and the same 增加值率 both years: added-value growth then equals output growth."""
    for code in divisions:
        PriceIndex.objects.create(division=division(code), period=period, month_index=100, ytd_index=100)
        for year in (2021, 2022):
            AddedValueRate.objects.update_or_create(division=division(code), year=year,
                                                    defaults={"rate_pct": Decimal(rate)})


def test_overview_sentence_in_the_articles_style_on_hand_computed_figures():
    article_county()
    comparable_prices()
    text = brief.build("2022-03").sections[0].paragraphs[0]
    # Products are counted in 种 both times ("43种…46种"), never "个产品".
    assert text == (
        "1-3月，全市规上工业总产值3月当月完成70.0亿元，累计完成184.0亿元，同比增长22.7%；"
        "规上工业增加值同比增长22.7%；工业技改投资1至3月累计完成19.2亿元，同比增长20.0%；"
        "2种重点监测工业产品中，1种产品产量同比增长，1种产品价格同比增长，分别占重点监测产品总数的50.0%、50.0%。")


def test_added_value_without_a_ppi_is_said_not_comparable():
    article_county()
    comparable_prices(divisions=("34",))  # 26 (乙化工) has output but no PPI
    text = brief.build("2022-03").sections[0].paragraphs[0]
    assert "规上工业增加值增速不可比（缺少1个行业价格指数）" in text
    assert "增加值同比" not in text


def test_an_incomplete_period_says_its_coverage_in_the_headline():
    a, b = article_county()
    make_enterprise("丙未报企业")  # on the 2022 list, no 2022-03 return
    overview = brief.build("2022-03").sections[0].paragraphs[0]
    assert overview == "2022年3月规上工业企业已报送2家，占应报3家的66.7%，以下数据仅含已报送企业（未计入1家）。"


def test_a_complete_period_has_no_coverage_sentence():
    article_county()
    assert brief.build("2022-03").sections[0].paragraphs[0].startswith("1-3月，")


def test_tier_counts_are_members_with_how_many_reported():
    big = make_enterprise("甲大企业")
    quiet = make_enterprise("乙大企业")
    for e in (big, quiet):
        make_return(e, "2021-12", values=output(1, 200_000, 1, 1))  # 2亿元 in 2021: 产值过亿元
    make_return(big, "2022-03", values=output(10, 30, 8, 24))
    text = brief.build("2022-03").sections[3].paragraphs[0]
    assert text.startswith("产值过亿元企业2家（已报送1家）")


def test_tiers_of_a_2021_period_come_from_the_2021_december_last_year_column():
    e = make_enterprise("甲五亿企业")
    make_return(e, "2021-12", values=output(1, 700_000, 1, 600_000))  # 上年1-12月 = 2020: 6亿元
    make_return(e, "2021-03", values=output(10, 30, 8, 24))
    text = brief.build("2021-03").sections[3].paragraphs[0]
    assert "产值过亿元企业1家" in text and "其中产值过5亿元企业1家" in text


def test_a_falling_town_and_a_more_than_doubling_town_are_phrased_right():
    falling = make_enterprise(town_name="荆河街道")
    doubling = make_enterprise(town_name="龙泉街道")
    make_return(falling, "2022-04", values=output(100, 400, 150, 500))  # 400/500 − 1 = −20.0%
    make_return(doubling, "2022-04", values=output(300, 1250, 100, 500))  # 1250/500 − 1 = +150% = 1.5倍
    towns = brief.build("2022-04").sections[1].paragraphs[0]
    assert "龙泉街道增速最快，同比增长1.5倍" in towns
    assert "荆河街道增速最慢，同比下降20.0%" in towns
    overview = brief.build("2022-04").sections[0].paragraphs[0]
    assert overview.startswith("1-4月，全市规上工业总产值4月当月完成0.0亿元，累计完成0.0亿元，同比增长65.0%")


def test_a_zero_base_reads_as_a_dash_never_a_number():
    entrant = make_enterprise()
    make_return(entrant, "2022-03", values=output(100_000, 300_000, 0, 0))
    text = brief.build("2022-03").sections[0].paragraphs[0]
    assert "累计完成3.0亿元，同比增速—；" in text


def test_growth_phrases():
    assert brief.yoy(Decimal("23.8")) == "同比增长23.8%"
    assert brief.yoy(Decimal("-5.3")) == "同比下降5.3%"
    assert brief.yoy(Decimal("0")) == "同比持平"
    assert brief.yoy(Decimal("150")) == "同比增长1.5倍"
    assert brief.yoy(None) == "同比增速—"


@pytest.mark.parametrize("period, span", [("2022-02", "1-2月"), ("2022-03", "一季度"), ("2022-04", "1-4月"),
                                          ("2022-06", "上半年"), ("2022-09", "前三季度"), ("2022-12", "全年")])
def test_quarter_half_and_year_ends_are_named(period, span):
    assert brief.span_label(period) == span


def test_brief_has_every_section_and_its_tables():
    article_county()
    b = brief.build("2022-03")
    assert b.title == "2022年一季度全市工业经济运行情况分析"
    assert [s.title for s in b.sections] == ["总体情况", "分镇街情况", "分行业情况", "重点企业", "重点产品", "技改项目",
                                             "运行预警", "报送情况"]
    towns = next(t for t in b.tables if t.key == "towns")
    assert {r[0] for r in towns.rows} >= {"荆河街道", "龙泉街道"}
    reporting = b.sections[-1].paragraphs[0]
    assert "应报2家，已报2家，报送率100.0%" in reporting


@time_machine.travel("2022-05-20")
def test_warnings_section_lists_enterprises_to_visit():
    a = make_enterprise("丙水泥有限公司")
    make_return(a, "2022-03", values=output(100, 400, 300, 1000))  # ytd −60% → red
    section = brief.build("2022-03").sections[6]
    assert "红色1条" in section.paragraphs[0]
    assert "丙水泥有限公司" in section.paragraphs[0]
    assert section.tables[0].links == [f"/enterprises/{a.uscc}/"]


def test_text_output_has_numbered_headings():
    article_county()
    text = brief.build("2022-03").text()
    assert text.startswith("2022年一季度全市工业经济运行情况分析\n")
    assert "\n一、总体情况\n" in text and "\n八、报送情况\n" in text


def test_outline_and_chart_sections_match_the_built_brief():
    article_county()
    whole = brief.build("2022-03")
    assert [brief.OUTLINE[s.key] for s in whole.sections] == [s.title for s in whole.sections]
    for name, key in brief.CHART_SECTIONS.items():
        assert name in [c.name for c in brief.build_section("2022-03", None, key).charts]
    assert set(whole.charts) == set(brief.CHART_SECTIONS)
    assert brief.outline("2022-03").title == whole.title
