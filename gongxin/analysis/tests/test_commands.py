"""`gongxin indicators` and `gongxin products`: stable JSON keys and formats."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongxin.testing import make_enterprise

from .helpers import make_product, make_return

pytestmark = pytest.mark.django_db

FIGURE_KEYS = {"month", "ytd", "month_ly", "ytd_ly", "month_growth_pct", "ytd_growth_pct"}


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def returns():
    make_product("P1", "原煤", "万吨")
    make_product("P2", "焦炭", "万吨")
    a = make_enterprise(industry="06")
    b = make_enterprise(town_name="龙泉街道", industry="26", years=(2022,))
    make_return(a, "2022-03", "accepted", {"output_value": (7000, 18400, 6000, 14862.5),
                                           "electricity": ("1.25", "3.5", "1", "0")},
                lines={"P1": (10, 30, 8, 25, 500, 400)})
    make_return(b, "2022-03", "submitted", {"output_value": (1000, 1600, 1000, 1600)})


def test_indicators_json_keys_and_formats(returns):
    data = json.loads(run("indicators", "--period", "2022-03"))
    # The published keys stay; issue 11 added `coverage` and `units` beside them.
    assert set(data) == {"period", "by", "unit", "rows", "coverage", "units", "month_on_month_pct",
                         "two_year_average_pct"}
    assert data["coverage"] == {"expected": 2, "reported": 2, "counted": 2}
    assert data["units"]["electricity"] == "万千瓦时"
    assert (data["period"], data["by"], data["unit"]) == ("2022-03", "county", "千元")
    (row,) = data["rows"]
    assert set(row) == {"code", "name", "enterprises", "indicators", "coverage", "sell_through"}
    assert row["enterprises"] == 2
    assert set(row["indicators"]) == {"output_value", "sales_value", "export_value", "electricity"}
    out = row["indicators"]["output_value"]
    assert set(out) == FIGURE_KEYS
    assert out["ytd"] == "20000.0000" and out["ytd_ly"] == "16462.5000"
    assert out["ytd_growth_pct"] == "21.5"  # 20000 / 16462.5 − 1 = 21.49%
    assert out["month_growth_pct"] == "14.3"  # 8000 / 7000 − 1
    assert row["indicators"]["electricity"]["ytd_growth_pct"] is None  # zero base → null
    assert row["indicators"]["sales_value"]["ytd"] == "0.0000"


def test_indicators_by_town_sum_to_county(returns):
    county = json.loads(run("indicators", "--period", "2022-03"))["rows"][0]
    towns = json.loads(run("indicators", "--period", "2022-03", "--by", "town"))["rows"]
    assert [t["name"] for t in towns] == ["荆河街道", "龙泉街道"]
    total = sum(float(t["indicators"]["output_value"]["ytd"]) for t in towns)
    assert total == float(county["indicators"]["output_value"]["ytd"])
    tiers = json.loads(run("indicators", "--period", "2022-03", "--by", "tier"))["rows"]
    # Neither enterprise has a 2021-12 or 2022-12 return: both are 未分档 (issue 11), listed as a row.
    assert [t["code"] for t in tiers] == ["over_500m", "100m_500m", "under_100m", "untiered"]
    industries = json.loads(run("indicators", "--period", "2022-03", "--by", "industry"))["rows"]
    assert [t["code"] for t in industries] == ["06", "26"]


def test_products_json_keys_and_formats(returns):
    data = json.loads(run("products", "--period", "2022-03"))
    assert set(data) >= {"period", "products_total", "output_up", "output_up_share_pct", "price_up",
                         "price_up_share_pct", "rows"}  # issue 11 added keys beside these
    # P2 has no data this period: the shares are over the 1 product with data (issue 11), said beside them.
    assert (data["products_total"], data["products_with_data"], data["basis"]) == (2, 1, "ytd")
    assert (data["output_up"], data["output_up_share_pct"]) == (1, "100.0")
    assert (data["price_up"], data["price_up_share_pct"]) == (1, "100.0")
    p1, p2 = data["rows"]
    assert set(p1) >= {"code", "name", "unit", "ytd", "ytd_ly", "ytd_growth_pct", "price", "price_ly",
                       "price_growth_pct"}
    assert (p1["code"], p1["unit"], p1["ytd"], p1["price"], p1["price_growth_pct"]) == (
        "P1", "万吨", "30.0000", "500.0000", "25.0")
    assert p2["price"] is None and p2["ytd_growth_pct"] is None


def test_table_format_and_bad_period(returns):
    assert "滕州市" in run("indicators", "--period", "2022-03", "--format", "table")
    assert "原煤" in run("products", "--period", "2022-03", "--format", "table")
    with pytest.raises(CommandError):
        run("indicators", "--period", "2022-13")
