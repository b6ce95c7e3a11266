"""Key products: totals, weighted prices (plain mean at zero weights), counts and shares."""

from decimal import Decimal

import pytest

from gongxin.analysis import stats
from gongxin.testing import make_enterprise

from .helpers import D, make_product, make_return, output

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    for code in ("P1", "P2", "P3"):
        make_product(code)
    make_product("P9", years=(2021,))  # not monitored in 2022
    a, b = make_enterprise(), make_enterprise(town_name="龙泉街道")
    leaver = make_enterprise(years=(2021,))
    drafty = make_enterprise()
    make_return(a, "2022-03", "accepted", output(1, 1, 1, 1), lines={
        "P1": (10, 30, 8, 25, 100, 90), "P2": (0, 10, 0, 12, 50, 60), "P9": (1, 1, 1, 1, 1, 1)})
    make_return(b, "2022-03", "submitted", output(1, 1, 1, 1), lines={
        "P1": (30, 60, 12, 30, 200, 100), "P2": (0, 5, 0, 5, 70, 40)})
    make_return(leaver, "2022-03", "accepted", lines={"P3": (100, 100, 1, 1, 9, 1)})
    make_return(drafty, "2022-03", "draft", lines={"P3": (100, 100, 1, 1, 9, 1)})
    return a, b


def test_totals_and_weighted_prices(lines):
    result = stats.products("2022-03")
    rows = {r.code: r for r in result.rows}
    assert list(rows) == ["P1", "P2", "P3"]
    p1 = rows["P1"]
    assert (p1.ytd, p1.ytd_ly) == (D(90), D(55))
    assert p1.ytd_growth_pct == Decimal("63.6")  # 90/55 − 1
    assert p1.price == D(175)  # (100×10 + 200×30) ÷ 40
    assert p1.price_ly == D(96)  # (90×8 + 100×12) ÷ 20
    # Price growth on the same weights for both years (issue 11): this month's quantities weigh both
    # prices — (100×10 + 200×30) ÷ (90×10 + 100×30) − 1 = 7000 / 3900 − 1 (not 175 / 96 − 1 = 82.3%).
    assert p1.price_growth_pct == Decimal("79.5")
    assert p1.output_up and p1.price_up


def test_zero_weights_fall_back_to_the_plain_mean(lines):
    p2 = {r.code: r for r in stats.products("2022-03").rows}["P2"]
    assert p2.price == D(60) and p2.price_ly == D(50)  # means of 50,70 and 60,40
    assert p2.price_up and not p2.output_up  # 15 < 17


def test_counts_and_shares_of_the_monitored_list(lines):
    result = stats.products("2022-03")
    p3 = {r.code: r for r in result.rows}["P3"]
    assert p3.ytd == 0 and p3.price is None  # leaver and draft lines do not count
    assert result.total == 3
    # Shares are over the products with data (issue 11): P3 has none this period → denominator 2.
    assert result.with_data == 2
    assert (result.output_up, result.output_up_share_pct) == (1, Decimal("50.0"))
    assert (result.price_up, result.price_up_share_pct) == (2, Decimal("100.0"))


def test_price_only_weighs_lines_with_a_price():
    make_product("P1")
    a, b = make_enterprise(), make_enterprise()
    make_return(a, "2022-03", lines={"P1": (10, 10, 10, 10, 100, 80)})
    make_return(b, "2022-03", lines={"P1": (30, 30, 10, 10, None, 120)})
    p1 = stats.products("2022-03").rows[0]
    assert p1.price == D(100)  # b has no price: 100×10 ÷ 10
    assert p1.price_ly == D(100)  # (80×10 + 120×10) ÷ 20
    # Growth on the same weights compares like with like: only a is priced both years, 100 vs 80.
    assert p1.price_growth_pct == Decimal("25.0") and p1.price_up


def test_month_basis_compares_this_month(settings):
    make_product("P1")
    make_return(make_enterprise(), "2022-03", lines={"P1": (5, 30, 10, 20, 1, 1)})  # month down, ytd up
    assert stats.products("2022-03").output_up == 1  # default: 1-本月
    settings.PRODUCTS_BASIS = "month"
    result = stats.products("2022-03")
    assert (result.basis_label, result.output_up) == ("本月", 0)


def test_town_officer_products_cover_own_town(lines):
    from gongxin.accounts.models import Role
    from gongxin.testing import make_user

    officer = make_user("jh", Role.TOWN_OFFICER, region="荆河街道")
    result = stats.products("2022-03", officer)
    p1 = {r.code: r for r in result.rows}["P1"]
    assert p1.ytd == D(30) and p1.price == D(100)
    assert result.total == 2  # the monitored products made in the town (P1, P2), not P3
