"""In Chromium: an application goes enterprise → town (returned once with a reason, resubmitted) → town →
co-review → bureau → certificate, and the certificate prints (menu and buttons hidden, a PDF renders)."""

import datetime as dt

import pytest
from django.utils import timezone

from gongxin.accounts.models import Role
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser_flows import User, alert

from .helpers import checklist, make_event

pytestmark = test_browser.pytestmark
browser = test_browser.browser
PASSWORD = test_browser.PASSWORD


@pytest.fixture
def applicant():
    year = timezone.localdate().year
    enterprise = make_enterprise("滕州复工流程测试有限公司", town_name="荆河街道", years=(year - 1, year))
    event = make_event("flow-covid")
    checklist(event)
    make_user("res_reporter", Role.ENTERPRISE, enterprise=enterprise, password=PASSWORD)
    make_user("res_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    make_user("res_bureau", Role.BUREAU_STAFF, password=PASSWORD)
    return enterprise


def _fill_conditions(page, supplies="10"):
    page.fill("textarea[name=c_plan]", "成立防控专班，厂区封闭，分区作业")
    page.check("input[name=c_commitment]")
    page.fill("textarea[name=c_staff]", "张三\n李四\n王五")
    page.fill("input[name=c_supplies]", supplies)


def test_application_enterprise_town_bureau_certificate_with_one_return(live_server, applicant, browser):
    base = live_server.url
    planned = (timezone.localdate() + dt.timedelta(days=2)).isoformat()

    reporter = User(browser, base, "res_reporter")
    page = reporter.page
    page.set_viewport_size({"width": 390, "height": 844})  # the enterprise applies from a phone
    reporter.go(f"/enterprises/{applicant.uscc}/")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.click("text=申请复工复产")
    page.fill("#planned_on", planned)
    page.fill("#workers_planned", "80")
    _fill_conditions(page, supplies="3")  # below the 7 days required: refused, nothing written
    page.click("button:has-text('提交申请')")
    page.wait_for_load_state()
    assert any("不少于7天" in t for t in alert(page, "danger"))
    reporter.refused(page.url.replace(base, ""))
    _fill_conditions(page)
    page.fill("#planned_on", planned)
    page.fill("#workers_planned", "80")
    page.click("button:has-text('提交申请')")
    page.wait_for_url(f"{base}/resumption/applications/*/")
    assert "待镇街评估" in page.locator("#app-state").inner_text()
    app_path = page.url.replace(base, "")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]

    town = User(browser, base, "res_town")
    town.go("/")
    item = town.page.locator(".work-item", has_text="待评估复工申请").locator("a.h1")
    assert item.inner_text() == "1"
    item.click()
    town.page.wait_for_url(f"{base}/resumption/applications/*")
    town.page.click(f"text={applicant.name}")
    town.page.wait_for_url(base + app_path)
    town.page.fill("#return-form textarea[name=reason]", "返岗人员名单缺少车间主任，请补充")
    town.page.click("button:has-text('退回申请人')")
    town.page.wait_for_url(base + app_path)
    assert "已退回" in town.page.locator("#app-state").inner_text()

    reporter.go(app_path)
    assert "返岗人员名单缺少车间主任" in page.locator("#return-reason").inner_text()
    _fill_conditions(page)
    page.fill("#resubmit-form textarea[name=c_staff]", "张三\n李四\n王五\n赵六（车间主任）")
    page.click("button:has-text('重新提交')")
    page.wait_for_url(base + app_path)
    assert "待镇街评估" in page.locator("#app-state").inner_text()

    town.go(app_path)
    town.page.fill("#evaluate-form textarea[name=note]", "经现场核查，防控措施落实到位")
    town.page.click("button:has-text('评估通过')")
    town.page.wait_for_url(base + app_path)
    assert "镇街已评估" in town.page.locator("#app-state").inner_text()

    bureau = User(browser, base, "res_bureau")
    bureau.go(app_path)
    bureau.page.click("button:has-text('录入会审通过')")
    bureau.page.wait_for_url(base + app_path)
    bureau.page.click("button:has-text('审核通过，出具确认书')")
    bureau.page.wait_for_url(base + app_path)
    assert any("确认书编号" in t for t in alert(bureau.page, "success"))
    number = bureau.page.locator("#certificate-no").inner_text()
    assert number.endswith("0001号")

    reporter.go(f"/enterprises/{applicant.uscc}/")
    page.click(f"text={number}")
    page.wait_for_url(f"{base}{app_path}certificate/")
    assert "复工复产确认书" in page.locator("h1").inner_text()
    assert "赵六（车间主任）" in page.content()
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [getComputedStyle(document.querySelector('header.navbar, .navbar')).display,
                                     getComputedStyle(document.querySelector('[data-print]').closest('.d-print-none')).display]""")
    assert hidden == ["none", "none"]
    assert page.pdf(format="A4")[:4] == b"%PDF"
    bureau.go("/resumption/?event=flow-covid")  # today it is still stopped; the two ECharts charts draw
    bureau.page.wait_for_selector("#chart-trend canvas")
    assert bureau.page.locator("#chart-towns canvas").count() == 1
    assert applicant.name in bureau.page.locator("#not-resumed").inner_text()
    bureau.go(f"/resumption/?event=flow-covid&date={planned}")  # from the planned day on the certificate's status
    assert bureau.page.locator("#resumed").inner_text() == "1"
    for user in (reporter, town, bureau):
        user.assert_clean()
