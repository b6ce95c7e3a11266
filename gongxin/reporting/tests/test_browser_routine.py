"""The month's routine in Chromium: review with the checks in view, the warnings flag, bulk approve
skipping an unexplained warning, 催报 once a day, and the send-back notice the enterprise reads."""

import pytest

from gongxin.accounts.models import Role
from gongxin.reporting.models import Return
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD, log_in
from gongxin.tests.test_browser_flows import orm

from .helpers import make_return, values

pytestmark = test_browser.pytestmark
browser = test_browser.browser
WARNED = values(output_value__ytd=4100, sales_value__ytd=3900)  # 1-本月 +51.9%


@pytest.fixture
def month():
    explained = make_enterprise("荆河已说明机械有限公司", town_name="荆河街道")
    silent = make_enterprise("荆河未说明化工有限公司", town_name="荆河街道")
    quiet = make_enterprise("荆河平稳纺织有限公司", town_name="荆河街道")
    missing = make_enterprise("荆河未报食品有限公司", town_name="荆河街道")
    make_return(explained, "2022-03", status=Return.Status.SUBMITTED, vals=WARNED, explanation="新生产线投产，订单增加")
    make_return(silent, "2022-03", status=Return.Status.SUBMITTED, vals=WARNED)
    make_return(quiet, "2022-03", status=Return.Status.SUBMITTED)
    make_user("r_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    make_user("r_quiet", Role.ENTERPRISE, enterprise=quiet, password=PASSWORD)
    make_user("r_missing", Role.ENTERPRISE, enterprise=missing, password=PASSWORD)
    return explained, silent, quiet, missing


def test_town_reviews_with_checks_bulk_skips_reminds_once_and_the_enterprise_hears(live_server, month, browser):
    explained, silent, quiet, missing = month
    base = live_server.url
    town = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(town, base, "r_town")

    town.goto(f"{base}/returns/?form=output&period=2022-03&flag=warnings")
    assert town.locator("[data-testid=flag]").count() == 2 and quiet.name not in town.content()
    town.click(f"text={explained.name}")
    review = town.locator("[data-testid=review]").inner_text()
    assert "增长51.9%" in review and "变化幅度超过" in review and "新生产线投产，订单增加" in review

    town.goto(f"{base}/returns/?form=output&period=2022-03&flag=warnings")
    for box in town.locator("input.pick").all():
        box.check()
    town.click("button[value=approve]")
    assert silent.name in town.locator("[data-testid=skipped]").inner_text()
    town.click("text=确认审核通过")
    town.wait_for_load_state()
    assert any("已跳过1份" in t for t in town.locator(".alert").all_inner_texts())
    assert orm(lambda: Return.objects.get(enterprise=silent).status) == Return.Status.SUBMITTED

    for _ in range(2):
        town.goto(f"{base}/returns/completeness/?form=output&period=2022-03")
        town.click("[data-testid=remind]")
        town.wait_for_load_state()
    assert any("未重复发送" in t for t in town.locator(".alert").all_inner_texts())

    town.goto(f"{base}/returns/{quiet.uscc}/output/2022-03/")
    town.fill("input[name=reason]", "出口交货值漏填，请核实")
    town.click("text=退回企业")
    town.wait_for_load_state()

    reporter = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(reporter, base, "r_quiet")
    reporter.goto(f"{base}/notices/")
    assert "出口交货值漏填，请核实" in reporter.content()
    late = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(late, base, "r_missing")
    late.goto(f"{base}/notices/")
    assert late.locator(".list-group-item", has_text="请尽快报送2022年3月产值表").count() == 1
