"""Prevention flows in headless Chromium at phone size (390×844): an enterprise confirms a notice from
its workbench and the bureau's unread list shrinks by one; a town officer verifies a rectification
at the factory gate."""

import pytest

from gongxin.accounts.models import Role
from gongxin.prevention import services
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD, Watch, log_in

from .utils import cast, finding, jpeg, template

pytestmark = test_browser.pytestmark
browser = test_browser.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def fits(page):
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    return width <= inner


@pytest.fixture
def notice_world():
    own = make_enterprise("滕州浏览器测试机械有限公司", town_name="荆河街道")
    make_enterprise("滕州浏览器测试化工有限公司", town_name="龙泉街道")
    make_user("enterprise", Role.ENTERPRISE, enterprise=own, password=PASSWORD)
    bureau = make_user("bureau", Role.BUREAU_ADMIN, password=PASSWORD)
    from .utils import make_event

    event = make_event()
    return services.publish_notice(bureau, event, title="关于从严从真从实从快做好工业企业疫情防控工作的紧急通知",
                                   issuer="滕州市工业和信息化局", doc_number="滕工信发〔2022〕15号")


def test_enterprise_confirms_the_notice_from_its_workbench_and_the_unread_list_shrinks(live_server, notice_world,
                                                                                       browser):
    base, notice = live_server.url, notice_world
    bureau = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    bureau_watch = Watch(bureau)
    log_in(bureau, base, "bureau")
    bureau.goto(f"{base}/prevention/notices/{notice.pk}/")
    assert bureau.locator("[data-unread-total]").inner_text() == "2"

    phone = browser.new_context(**PHONE).new_page()
    watch = Watch(phone)
    log_in(phone, base, "enterprise")
    card = phone.locator(".work-item", has_text="未读通知")
    assert card.locator(".h1").inner_text() == "1"
    assert fits(phone)
    card.get_by_text(notice.title[:10]).click()
    phone.wait_for_url(f"{base}/notices/*/")
    assert fits(phone)
    phone.get_by_role("button", name="确认已阅读").click()
    assert "确认阅读" in phone.locator(".text-success").inner_text()
    phone.goto(f"{base}/")
    assert phone.locator(".work-item", has_text="未读通知").count() == 0

    bureau.reload()
    assert bureau.locator("[data-unread-total]").inner_text() == "1"
    assert "滕州浏览器测试机械有限公司" not in bureau.locator("[data-unread-enterprise]").all_inner_texts()
    assert watch.errors == [] and bureau_watch.errors == []


@pytest.fixture
def gate_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event, e, _, p = cast()
    template()
    f = finding(event, e, p["town"])
    f = services.rectify(p["reporter"], f, f.version, "已补齐消杀记录", [jpeg()])
    make_user("gate_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    return f


def test_town_officer_verifies_a_rectification_on_a_phone(live_server, gate_world, browser):
    base, f = live_server.url, gate_world
    assert f.status == "rectified"
    page = browser.new_context(**PHONE).new_page()
    watch = Watch(page)
    log_in(page, base, "gate_town")
    page.goto(f"{base}/prevention/findings/?status=rectified")
    assert fits(page)
    page.get_by_text("消杀记录不全").click()
    assert page.locator("[data-timeline] img").count() == 1
    assert fits(page)
    page.get_by_role("button", name="核验通过，销号").click()
    assert page.locator("[data-status]").get_attribute("data-status") == "verified"
    assert [s.get_attribute("data-step") for s in page.locator("[data-step]").all()] == ["opened", "rectified",
                                                                                          "verified"]
    page.goto(f"{base}/prevention/inspections/new/?event=test-covid")
    assert fits(page)
    assert watch.errors == []
