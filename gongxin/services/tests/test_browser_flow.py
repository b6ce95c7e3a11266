"""In Chromium: an enterprise raises a logistics demand on a phone; the bureau assigns it (主办 +
协办); the town officer pauses it waiting for the enterprise, resumes and resolves it; the enterprise
confirms and rates it; the timeline shows each step with working-day durations; an overdue demand is
escalated and appears on the leader's workbench."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from gongxin.accounts.models import Role
from gongxin.services import services
from gongxin.services.models import Demand
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD, Watch, log_in

from .helpers import dept, tier

pytestmark = test_browser.pytestmark
browser = test_browser.browser


def page_for(browser, base, username, **options):
    context = browser.new_context(**({"viewport": {"width": 1366, "height": 900}} | options))
    page = context.new_page()
    watch = Watch(page)
    log_in(page, base, username)
    return page, watch


@pytest.fixture
def people():
    """Built before Chromium starts (Playwright's loop then owns the test's thread)."""
    e = make_enterprise("滕州物流诉求测试有限公司", town_name="荆河街道")
    make_user("ent", Role.ENTERPRISE, enterprise=e, password=PASSWORD)
    analyst = make_user("ana", Role.BUREAU_STAFF, password=PASSWORD)
    make_user("twn", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    make_user("ldr", Role.LEADER, password=PASSWORD)
    return e, analyst


def test_demand_from_raising_to_rating_and_escalation(live_server, people, browser):
    e, analyst = people
    base = live_server.url

    ent, ent_watch = page_for(browser, base, "ent", viewport={"width": 390, "height": 844}, is_mobile=True)
    ent.goto(f"{base}/services/demands/new/")
    ent.select_option("#id_category", "logistics")
    ent.fill("#id_title", "原料车辆无法进园")
    ent.fill("#id_description", "外地原材料运输车辆无法进入园区，库存仅够7天。")
    ent.click("button:has-text('提交诉求')")
    ent.wait_for_url(f"{base}/services/demands/*/")
    assert "诉求已提交" in ent.content()
    demand_url = ent.url
    assert ent.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone

    bureau, bureau_watch = page_for(browser, base, "ana")
    bureau.goto(demand_url)
    bureau.select_option("#id_lead", label="交通运输局")
    bureau.select_option("#id_assists", label="荆河街道")
    bureau.click("button:has-text('交办')")
    assert "主办：交通运输局" in bureau.content()

    town, town_watch = page_for(browser, base, "twn")
    town.goto(demand_url)
    town.fill("input[name=reason][placeholder^=需企业补充]", "请补充车辆号牌和驾驶员信息")
    town.click("button:has-text('暂停计时')")
    assert "暂停（等待企业补充材料）" in town.content()

    ent.goto(demand_url)
    ent.fill("input[name=note]", "已补充车辆信息")
    ent.click("button:has-text('已补充材料')")
    assert "办理中" in ent.content()

    town.goto(demand_url)
    town.fill("input[name=resolution]", "已协调交通运输局开通绿色通道，车辆当日进园")
    town.click("button:has-text('办结')")
    assert "已办结待企业确认" in town.content()

    ent.goto(demand_url)
    ent.check("input[name=rating][value='4']")
    ent.click("button:has-text('确认办结')")
    body = ent.content()
    assert "已关闭" in body and "评分4分" in body
    for step in ("提出诉求", "交办", "暂停计时", "恢复计时", "办结", "企业确认并评价"):
        assert step in body
    assert "个工作日" in body

    # An overdue demand is escalated by the scheduled job and lands on the leader's workbench.
    def overdue_and_escalated():  # database work off Playwright's event-loop thread
        d = services.raise_demand(analyst, e, category="materials", title="钢材断供", description="d",
                                  tier=tier("urgent"), channel="town")
        d = services.assign(d, analyst, dept("C01"), version=d.version)
        Demand.objects.filter(pk=d.pk).update(due_at=d.due_at - dt.timedelta(days=30))
        try:
            return services.escalate_overdue()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(overdue_and_escalated).result() == 1
    leader, leader_watch = page_for(browser, base, "ldr")
    assert "升级督办的诉求" in leader.content()
    leader.click("text=升级督办的诉求")
    assert "钢材断供" in leader.content()
    for watch in (ent_watch, bureau_watch, town_watch, leader_watch):
        assert watch.errors == []
