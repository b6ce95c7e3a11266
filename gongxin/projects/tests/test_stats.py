import datetime as dt
from decimal import Decimal

import pytest

from gongxin.accounts.models import Role
from gongxin.projects import services, stats
from gongxin.projects.models import FundProgramme, Project, Stage
from gongxin.testing import make_enterprise, make_user

from .utils import invest, make_programme, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    jh = make_enterprise(town_name="荆河街道", industry="34")
    lq = make_enterprise(town_name="龙泉街道", industry="26")
    a = make_project(jh, Stage.BUILDING, total="5000", is_key=True, key_year=2022)
    b = make_project(jh, Stage.BUILDING, total="3000", is_key=True, key_year=2022)
    c = make_project(lq, Stage.BUILDING, total="2000", is_key=True, key_year=2022)
    d = make_project(lq, Stage.IDEA, total="700")
    invest(a, "2021-03", "40", "100.00")
    invest(a, "2022-03", "60", "130.50")
    invest(b, "2021-03", "20", "60.00")
    invest(b, "2022-03", "10", "49.50")
    invest(c, "2022-03", "25", "80.00")  # a new project: no base last year
    invest(a, "2022-02", "30", "70.50")  # another period: must not count
    return {"a": a, "b": b, "c": c, "d": d}


def test_county_total_and_growth_hand_computed(setup):
    [row] = stats.investment_rows("2022-03")
    # 130.50 + 49.50 + 80.00 = 260.00 against 100.00 + 60.00 = 160.00 → 62.5%
    assert (row["projects"], row["ytd"], row["ytd_ly"], row["ytd_growth_pct"]) == (
        3, Decimal("260.00"), Decimal("160.00"), Decimal("62.5"))
    assert row["code"] == "370481000000"


def test_by_town_and_null_base(setup):
    rows = {r["name"]: r for r in stats.investment_rows("2022-03", by="town")}
    assert rows["荆河街道"]["ytd"] == Decimal("180.00")
    assert rows["荆河街道"]["ytd_ly"] == Decimal("160.00")
    assert rows["荆河街道"]["ytd_growth_pct"] == Decimal("12.5")
    assert rows["龙泉街道"]["ytd_ly"] == Decimal("0.00")
    assert rows["龙泉街道"]["ytd_growth_pct"] is None


def test_by_industry_groups_by_division(setup):
    rows = {r["code"]: r for r in stats.investment_rows("2022-03", by="industry")}
    assert rows["34"]["ytd"] == Decimal("180.00") and rows["26"]["ytd"] == Decimal("80.00")


def test_growth_rounds_half_up(setup):
    # 100.05 / 100 − 1 = 0.05% → 0.1 (half up), where round-half-even would give 0.0
    invest(setup["c"], "2021-04", "1", "100.00")
    invest(setup["c"], "2022-04", "1", "100.05")
    [row] = stats.investment_rows("2022-04")
    assert row["ytd_growth_pct"] == Decimal("0.1")


def test_projects_argument_narrows_the_set(setup):
    town = make_user("t", Role.TOWN_OFFICER, region="龙泉街道")
    [row] = stats.investment_rows("2022-03", projects=Project.objects.for_user(town))
    assert (row["ytd"], row["ytd_ly"], row["ytd_growth_pct"]) == (Decimal("80.00"), Decimal("0.00"), None)


def test_empty_period_has_a_zero_county_row():
    [row] = stats.investment_rows("2030-01")
    assert (row["projects"], row["ytd"], row["ytd_growth_pct"]) == (0, Decimal("0.00"), None)


def test_key_project_summary_counts_by_stage(setup):
    summary = stats.key_project_summary(2022)
    assert summary["count"] == 3 and summary["total_investment"] == Decimal("10000.00")
    building = next(s for s in summary["by_stage"] if s["stage"] == "building")
    assert (building["label"], building["count"], building["total_investment"]) == ("在建", 3, Decimal("10000.00"))
    assert len(summary["by_stage"]) == 9


def test_programme_rows(setup):
    prog = make_programme()
    prog.projects.set([setup["a"], setup["c"]])
    [row] = stats.programme_rows(2022)
    assert (row["name"], row["level_label"], row["projects"], row["total_investment"]) == (
        "省企业技术改造重点导向项目", "省级", 2, Decimal("7000.00"))
    assert stats.programme_rows(2021) == []


def test_fund_summary_counts_only_disbursed_money(setup):
    user = make_user("a", Role.BUREAU_STAFF)
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    day = dt.date(2022, 3, 1)
    paid = services.apply_for_funds(user, fund, setup["a"].enterprise, "3000", day, project=setup["a"])
    services.review_application(user, paid, day)
    services.approve_application(user, paid, day, "2500")
    services.disburse(user, paid, day, "1500")
    services.disburse(user, paid, day, "1000")
    other = services.apply_for_funds(user, fund, setup["c"].enterprise, "2000", day, project=setup["c"])
    services.review_application(user, other, day)
    services.approve_application(user, other, day, "2000")
    services.disburse(user, other, day, "2000")
    pending = services.apply_for_funds(user, fund, setup["d"].enterprise, "900", day)
    services.review_application(user, pending, day)
    services.approve_application(user, pending, day, "900")  # approved, not paid
    assert stats.fund_summary(2022) == {"enterprises": 2, "total": Decimal("4500.00")}
    assert stats.fund_summary(2021) == {"enterprises": 0, "total": Decimal("0.00")}
    by_town = {r["name"]: r for r in stats.fund_rows(2022, "town")}
    assert by_town["龙泉街道"]["approved"] == Decimal("2900.00")
    assert by_town["龙泉街道"]["disbursed"] == Decimal("2000.00")
    assert by_town["荆河街道"]["disbursed"] == Decimal("2500.00")
