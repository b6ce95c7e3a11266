"""The one way figures are said: growth across 倍/下降/持平, points, coverage, measure words."""

from decimal import Decimal

import pytest

from gongxin.analysis.stats import Coverage
from gongxin.lib import phrasing


@pytest.mark.parametrize("value, text", [
    (Decimal("23.8"), "同比增长23.8%"), (Decimal("100"), "同比增长100.0%"), (Decimal("100.1"), "同比增长1.0倍"),
    (Decimal("150"), "同比增长1.5倍"), (Decimal("-5.3"), "同比下降5.3%"), (Decimal("0"), "同比持平"),
    (Decimal("0.0"), "同比持平"), (None, "同比增速—"),
])
def test_year_on_year_crosses_times_falls_and_flat(value, text):
    assert phrasing.yoy(value) == text


def test_month_on_month_and_points():
    assert phrasing.mom(Decimal("-2.6")) == "环比下降2.6%"
    assert phrasing.mom(None) == "环比增速—"
    assert phrasing.pp_change(Decimal("1.24")) == "提高1.2个百分点"
    assert phrasing.pp_change(Decimal("-0.45")) == "下降0.5个百分点"
    assert phrasing.pp_change(Decimal("0.04")) == "持平"
    assert phrasing.pp_change(None) == "—"


def test_coverage_in_a_headline():
    assert phrasing.coverage(Coverage(312, 271, 271)) == "已报送271家，占应报312家的86.9%"
    assert phrasing.coverage(Coverage(312, 271, 270)) == "已报送271家，占应报312家的86.9%，计入270家"
    assert phrasing.coverage(Coverage(0, 0, 0)) == "应报0家"


def test_measure_words_and_names():
    assert (phrasing.count(43, phrasing.UNIT_PRODUCT), phrasing.count(312, phrasing.UNIT_ENTERPRISE)) == ("43种", "312家")
    assert phrasing.share(43, 71) == "60.6%" and phrasing.share(46, 71) == "64.8%"
    assert phrasing.names(["甲", "乙", "丙"], 2) == "甲、乙等"
    assert phrasing.money_wan(Decimal("4500.00")) == "4500万元"
