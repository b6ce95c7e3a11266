"""The permit flow on a 390×844 phone in headless Chromium: apply, approve in one click, the
checkpoint reads the QR code and verifies it with the network cut, 四查一测 refuses a 37.5℃
passenger, another vehicle enters, arrives, unloads and leaves; forged, expired, revoked and
second-entry tokens are refused on the page with their reasons."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongxin.accounts.models import Role
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD, Watch, log_in
from gongxin.tests.test_browser_flows import orm

from .. import services
from ..models import Inspection, Permit
from .helpers import DRIVER_ID, PASSENGER_ID, make_checkpoint, make_event, make_permit

pytestmark = test_browser.pytestmark
browser = test_browser.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "timezone_id": "Asia/Shanghai", "locale": "zh-CN"}


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def scene(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PERMIT_SIGNING_KEY = ""
    settings.PERMIT_DEV_KEY_FILE = tmp_path / "permit.key"
    enterprise = make_enterprise("滕州接驳流程机械有限公司", town_name="荆河街道", address="荆河街道工业园8号")
    reporter = make_user("pm_reporter", Role.ENTERPRISE, enterprise=enterprise, password=PASSWORD)
    town = make_user("pm_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    event = make_event()
    gate = make_checkpoint(event)
    second = make_permit(reporter, enterprise, event, approver=town, plate="鲁D66666", two=False)
    now = timezone.now()
    expired = make_permit(reporter, enterprise, event, approver=town, plate="鲁D77777", two=False)
    Permit.objects.filter(pk=expired.pk).update(window_start=now - dt.timedelta(hours=30),
                                                window_end=now - dt.timedelta(hours=2))
    expired.refresh_from_db()
    revoked = make_permit(reporter, enterprise, event, approver=town, plate="鲁D88888", two=False)
    services.revoke(town, revoked, "驾驶员所在地升级为中风险地区")
    return {"enterprise": enterprise, "gate": gate, "second": services.token_for(second), "second_pk": second.pk,
            "expired": services.token_for(expired), "revoked": services.token_for(revoked)}


def phone(browser, base, username):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    watch = Watch(page)
    log_in(page, base, username)
    return context, page, watch


def fits(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


def verify_on_page(page, token, direction="entry"):
    page.select_option("#cp-direction", direction)
    page.fill("#cp-token", token)
    page.click("#cp-verify")
    page.locator("#cp-result").wait_for()
    return page.locator("#cp-problems").inner_text()


def unexpected_errors(*watches):
    """Console errors other than the failed requests the cut network causes on purpose."""
    return [e for w in watches for e in w.errors
            if not any(m in e for m in ("ERR_INTERNET_DISCONNECTED", "Failed to fetch", "Failed to load resource"))]


def fill_checks(page, order, temperature, sampled):
    page.select_option(f"#cp-{order}-health_code", "绿码")
    page.select_option(f"#cp-{order}-trip_code", "未途经中高风险地区")
    page.select_option(f"#cp-{order}-contact_code", "无风险")
    page.fill(f"#cp-{order}-nat", sampled)
    page.fill(f"#cp-{order}-temperature", temperature)


def test_apply_approve_and_check_offline_on_a_phone(live_server, scene, browser):
    base = live_server.url
    now = timezone.now()

    # 1. The enterprise applies on its phone.
    reporter_ctx, page, reporter_watch = phone(browser, base, "pm_reporter")
    page.goto(base + "/permits/new/")
    fits(page)
    page.fill("#id_plate", "苏c12345")
    page.select_option("#id_vehicle_type", "重型货车")
    page.fill("#id_p0_name", "王建国")
    page.fill("#id_p0_id_number", DRIVER_ID)
    page.fill("#id_p0_phone", "13912345678")
    page.fill("#id_p0_test_sampled_at", local(now - dt.timedelta(hours=6)))
    page.set_input_files("#id_p0_certificate", files=[{"name": "核酸.png", "mimeType": "image/png",
                                                       "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 64}])
    page.fill("#id_p1_name", "李伟")
    page.fill("#id_p1_id_number", PASSENGER_ID)
    page.fill("#id_p1_phone", "13812345678")
    page.fill("#id_p1_test_sampled_at", local(now - dt.timedelta(hours=6)))
    page.select_option("#id_origin_province", "320000")
    page.wait_for_selector("#id_origin_city option[value='320300']", state="attached")
    page.select_option("#id_origin_city", "320300")
    page.wait_for_selector("#id_origin_county option[value='320311']", state="attached")
    page.select_option("#id_origin_county", "320311")
    page.select_option("#id_urgency", "1")
    page.fill("#id_cargo", "医用口罩原料")
    page.fill("#id_window_start", local(now - dt.timedelta(minutes=30)))
    page.fill("#id_window_end", local(now + dt.timedelta(hours=24)))
    page.fill("#id_route", "京台高速—滕州北收费站—G104—企业")
    page.click("#submit-permit")
    page.wait_for_url(re.compile(r".*/permits/\d+/$"))
    assert "申请已提交" in page.content()
    permit_path = page.url.removeprefix(base)

    # 2. The town officer approves it in one click from the queue.
    town_ctx, town, town_watch = phone(browser, base, "pm_town")
    town.goto(base + "/permits/review/")
    fits(town)
    town.locator("[data-permit]", has_text="苏C12345").locator("button.btn-success").click()
    town.wait_for_url(base + "/permits/review/")
    assert "已批准：苏C12345" in town.locator(".alert-success").inner_text()

    # 3. The driver's phone pass shows the QR code; the inspector photographs it.
    page.goto(base + permit_path + "pass/")
    qr_png = page.locator(".permit-qr svg").screenshot()
    assert "苏C12345" in page.content()

    # 4. The checkpoint page is loaded, then the network is cut: it still verifies.
    town.goto(base + "/permits/checkpoint/")
    fits(town)
    town.wait_for_function("() => document.getElementById('config-time').textContent !== '—'")
    town.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    town_ctx.set_offline(True)
    town.wait_for_function("() => !navigator.onLine")
    town.reload()  # opened again with no signal: the service worker serves the page and its scripts
    town.locator("#cp-verify").wait_for()
    town.set_input_files("#cp-photo", files=[{"name": "qr.png", "mimeType": "image/png", "buffer": qr_png}])
    town.locator("#cp-result").wait_for()
    assert town.locator("#cp-verdict").inner_text() == "签名有效，请查验人员"
    assert town.locator("[data-field='车牌']").inner_text() == "苏C12345"
    assert town.locator(".cp-person-id").first.inner_text() == "**************" + DRIVER_ID[-4:]
    sampled = local(now - dt.timedelta(hours=20))
    fill_checks(town, 0, "36.5", sampled)
    fill_checks(town, 1, "37.5", sampled)
    town.click("#cp-submit")
    outcome = town.locator("#cp-outcome").inner_text()
    assert "劝返：随车人员 李伟：体温37.5℃（≥37.3℃）" in outcome and "离线记录" in outcome
    assert town.locator("#queue-count").inner_text() == "1"

    # Every check below runs offline too: a changed byte, an expired, a revoked permit.
    token = scene["second"]
    body, sig = token.split(".")
    forged = body[:10] + ("A" if body[10] != "A" else "B") + body[11:] + "." + sig
    assert "签名校验未通过" in verify_on_page(town, forged) or "损坏" in verify_on_page(town, forged)
    assert "证明已过期" in verify_on_page(town, scene["expired"])
    assert "证明已撤销" in verify_on_page(town, scene["revoked"])

    # 5. Back online: the queued refusal is uploaded and recorded with its reason.
    town_ctx.set_offline(False)
    town.wait_for_function("() => document.getElementById('queue-count').textContent === '0'")
    refusal = orm(lambda: Inspection.objects.get(plate="苏C12345"))
    assert refusal.result == "refused" and refusal.offline and refusal.reason == "随车人员李伟：体温37.5℃（≥37.3℃）"
    page.goto(base + permit_path)
    assert "体温37.5℃" in page.locator("#timeline").inner_text()

    for watch in (reporter_watch, town_watch):
        assert watch.outside(re.sub(r"^https?://", "", base)) == []
    assert unexpected_errors(reporter_watch, town_watch) == []
    reporter_ctx.close()
    town_ctx.close()


def test_another_permit_enters_arrives_unloads_and_leaves(live_server, scene, browser):
    base = live_server.url
    now = timezone.now()
    sampled = local(now - dt.timedelta(hours=20))
    token = scene["second"]
    reporter_ctx, page, reporter_watch = phone(browser, base, "pm_reporter")
    town_ctx, town, town_watch = phone(browser, base, "pm_town")
    town.goto(base + "/permits/checkpoint/")

    # 6. The vehicle enters (token typed in), arrives, unloads and leaves; a second entry is refused.
    assert verify_on_page(town, token) == ""
    fill_checks(town, 0, "36.4", sampled)
    town.click("#cp-submit")
    assert town.locator("#cp-outcome").inner_text() == "放行"
    town.wait_for_function("() => document.getElementById('queue-count').textContent === '0'")
    assert "不能再次入境" in verify_on_page(town, token)
    second_path = f"/permits/{scene['second_pk']}/"
    page.goto(base + second_path)
    page.click("text=确认车辆到达")
    page.wait_for_url(base + second_path)
    page.click("text=确认卸货完成")
    page.wait_for_url(base + second_path)
    assert verify_on_page(town, token, "exit") == ""
    town.click("#cp-submit")
    town.wait_for_function("() => document.getElementById('queue-count').textContent === '0'")
    second = orm(lambda: Permit.objects.get(pk=scene["second_pk"]))
    assert second.entered_at and second.arrived_at and second.unloaded_at and second.departed_at

    # 7. The timeline shows each step, in order.
    page.goto(base + second_path)
    steps = page.locator("#timeline .badge").all_inner_texts()
    assert steps == ["申请", "批准", "到达预告", "卡口入境", "到达企业", "卸货完成", "卡口离境"]
    for watch in (reporter_watch, town_watch):
        assert watch.outside(re.sub(r"^https?://", "", base)) == []
    assert unexpected_errors(reporter_watch, town_watch) == []
    reporter_ctx.close()
    town_ctx.close()
