"""The dispatch flow in headless Chromium: a town officer asks, the bureau approves (FEFO pick) and ships,
the town officer confirms receipt on a phone, and the dashboard's coverage moves."""

import datetime as dt

import pytest

from gongxin.accounts.models import Role
from gongxin.reserves.models import Dispatch, Pick
from gongxin.testing import make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD
from gongxin.tests.test_browser_flows import User, alert, orm

from .utils import make_material, make_warehouse, stock

pytestmark = test_browser.pytestmark
browser = test_browser.browser


@pytest.fixture
def reserve():
    """300 件 standard (peak 100 × 3 months); 100 件 in two lots; an event in force."""
    from gongxin.emergencies.models import Event

    today = dt.date.today()
    Event.objects.create(code="b-covid", name="浏览器测试疫情", kind=Event.Kind.EPIDEMIC, started_on=today)
    keeper = make_user("flow_keeper", Role.BUREAU_STAFF, password=PASSWORD)
    make_user("flow_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    wh, mat = make_warehouse(), make_material(peak=100)
    stock(keeper, wh, mat, 60, batch="LATE", day=today, expires_on=today + dt.timedelta(days=700))
    stock(keeper, wh, mat, 40, batch="SOON", day=today, expires_on=today + dt.timedelta(days=200))
    return mat


def coverage(page):
    return page.locator("#coverage tr[data-material='FH01'] td.coverage").inner_text()


def test_request_approve_fefo_ship_receive_and_the_dashboard_coverage_moves(live_server, reserve, browser):
    base = live_server.url
    analyst = User(browser, base, "flow_keeper")
    analyst.go("/reserves/")
    assert coverage(analyst.page) == "33.3%"

    town = User(browser, base, "flow_town")
    page = town.page
    page.set_viewport_size({"width": 390, "height": 844})  # at the town's gate, on a phone
    town.go("/reserves/dispatches/new/")
    page.select_option("#unit_kind", "town")
    page.fill("#unit_name", "荆河街道办事处")
    page.fill("#qty_FH01", "50")
    page.click("button:has-text('提交申请')")
    page.wait_for_url(f"{base}/reserves/dispatches/DD*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert any("调度申请已提交" in t for t in alert(page, "success"))

    a = analyst.page
    analyst.go("/reserves/dispatches/?status=requested")
    a.click(f"text={number}")
    a.wait_for_url(f"{base}/reserves/dispatches/{number}/")
    assert "SOON" in a.locator(".fefo").first.inner_text()  # first expiring suggested first
    a.click("button[value=approve]")
    a.wait_for_url(f"{base}/reserves/dispatches/{number}/")
    assert any("已批准" in t for t in alert(a, "success"))
    picks = a.locator(".pick").all_inner_texts()
    assert picks[0].startswith("SOON") and "×40" in picks[0] and picks[1].startswith("LATE") and "×10" in picks[1]
    analyst.go("/reserves/")
    assert coverage(a) == "16.7%"  # 50 of 100 reserved: (100 − 50) ÷ 300

    analyst.go(f"/reserves/dispatches/{number}/")
    a.fill("input[name=vehicle]", "鲁D·B5678")
    a.click("button[value=ship]")
    a.wait_for_url(f"{base}/reserves/dispatches/{number}/")
    assert any("已发运出库" in t for t in alert(a, "success"))

    town.go(f"/reserves/dispatches/{number}/")
    page.fill("input[name=received_" + str(orm(lambda: Dispatch.objects.get(number=number).lines.get().pk)) + "]", "48")
    page.fill("input[name=name]", "赵干事")
    page.click("button[value=receive]")
    page.wait_for_url(f"{base}/reserves/dispatches/{number}/")
    assert any("已确认签收" in t for t in alert(page, "success"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # fits the phone

    d = orm(lambda: Dispatch.objects.get(number=number))
    assert d.status == Dispatch.Status.RECEIVED
    assert orm(lambda: list(d.lines.values_list("approved", "shipped", "received"))) == [(50, 50, 48)]
    assert orm(lambda: Pick.objects.filter(shipped=True).count()) == 2
    analyst.go("/reserves/")
    assert coverage(a) == "16.7%"
    analyst.assert_clean()
    town.assert_clean()
