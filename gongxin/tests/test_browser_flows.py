"""The main user flows in headless Chromium, the way a new user runs them (issues 2-6).

Each flow asserts what the user sees, that no request left the server and that no console error
happened (refusals the flow provokes on purpose answer 400 and are taken out of the errors
where they are expected). Launching Chromium and watching the page come from test_browser.py.
"""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.db import connections

from gongxin.accounts.models import Role
from gongxin.lib import periods as P
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return
from gongxin.testing import make_enterprise, make_user

from . import test_browser
from .test_browser import PASSWORD, Watch, log_in

pytestmark = test_browser.pytestmark  # browser mark, transactional db with serialized rollback, skip-ifs
browser = test_browser.browser  # the headless Chromium fixture

DEMO_PERIOD = "2022-03"


# ---------------------------------------------------------------- helpers


class User:
    """One person at their own browser (own cookies), with the page watched."""

    def __init__(self, browser, base, username, **page_options):
        self.context = browser.new_context(**{"viewport": {"width": 1366, "height": 900}, "accept_downloads": True,
                                              **page_options})
        self.page = self.context.new_page()
        self.watch = Watch(self.page)
        self.base = base
        log_in(self.page, base, username)

    def go(self, path):
        response = self.page.goto(self.base + path)
        assert response.status == 200, (path, response.status)
        return response

    def refused(self, path):
        """Take the expected 400 of `path` (response and Chromium's console line) out of the errors."""
        url = self.base + path
        expected = [e for e in self.watch.errors if e == f"HTTP 400 {url}" or "status of 400" in e]
        assert f"HTTP 400 {url}" in expected, self.watch.errors
        self.watch.errors = [e for e in self.watch.errors if e not in expected]

    def assert_clean(self):
        host = urlparse(self.base).netloc
        assert self.watch.outside(host) == []
        assert self.watch.errors == []


def alert(page, kind):
    return page.locator(f".alert-{kind}").all_inner_texts()


def send_entry(page, button):
    """Click a button of the return's entry form and wait for the page htmx swaps in: the answer
    replaces the page's `.page` in place — no navigation (a navigation would lose `gxSamePage`)."""
    page.evaluate("() => { window.gxSamePage = true; document.querySelector('.page').dataset.before = ''; }")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    responses = []
    page.on("response", record := lambda r: responses.append(f"{r.status} {r.request.method} {r.url}"))
    page.click(button)
    try:
        page.wait_for_function("() => { const p = document.querySelector('.page'); return p && !('before' in p.dataset); }")
    except PlaywrightTimeout:  # say what the page showed and what the server answered, not only "timeout"
        raise AssertionError(("not swapped in", page.url, responses,
                              page.locator("[data-send-status]").all_inner_texts())) from None
    finally:
        page.remove_listener("response", record)
    assert page.evaluate("() => window.gxSamePage === true"), "the page was navigated to, not swapped in place"


def type_and_check(page, figures):
    """Fill the entry's fields and wait for the answer to its automatic check, the one sent 400 ms
    after the last keystroke (a check sent while typing slowly is replaced by it). Nothing is then on
    its way: a request still travelling with an old session when the user logs in again elsewhere
    would be answered by deleting the session cookie, the new one with it."""
    *first, (last, value) = figures.items()
    for name, typed in first:
        page.fill(f"input[name='{name}']", typed)
    with page.expect_request(lambda r: r.url.endswith("/check/")):
        page.fill(f"input[name='{last}']", value)
    htmx_idle(page)


def htmx_idle(page):
    """Wait until no htmx request of the page is on its way (redirects followed, the answer handled:
    htmx marks the element sending with .htmx-request until then). An answer handled during a click
    can scroll the page (a status line scrolled into view) and make the click miss its button."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def entry_period():
    """The period enterprises are filing today (December's when last month is a merged January)."""
    period = P.current_period()
    return period if P.is_reported(period, True) else P.shift(period, -1)


def orm(work):
    """Run `work()` (database reads) in a thread of its own and close its connection.

    Once Chromium runs, Playwright's sync API keeps an asyncio loop in the test's thread: Django
    refuses ORM calls there, and a connection opened there is never closed (PostgreSQL then
    cannot drop the test database). Data is therefore built by fixtures listed before `browser`.
    """
    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


# ---------------------------------------------------------------- data (fixtures run before `browser`)


@pytest.fixture
def filer():
    """An enterprise of 荆河街道 with last year's return for the period, its reporter, the town
    officer and a bureau analyst."""
    period = entry_period()
    year = P.split(period)[0]
    enterprise = make_enterprise("滕州流程测试机械有限公司", town_name="荆河街道", years=(year - 1, year))
    make_return(enterprise, period=P.same_period_last_year(period), status=Return.Status.ACCEPTED)
    make_user("flow_reporter", Role.ENTERPRISE, enterprise=enterprise, password=PASSWORD)
    make_user("flow_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    make_user("flow_analyst", Role.BUREAU_STAFF, password=PASSWORD)
    return enterprise, period


@pytest.fixture
def demo(settings):
    """The demo county, with a 荆河街道 officer and an analyst of our own."""
    from gongxin.registry.models import Region

    settings.DEBUG = True  # load_demo refuses to run without DEBUG
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    make_user("flow_town", Role.TOWN_OFFICER, region="荆河街道", password=PASSWORD)
    make_user("flow_analyst", Role.BUREAU_STAFF, password=PASSWORD)
    return {"other_towns": list(Region.objects.towns().exclude(name="荆河街道").values_list("name", flat=True))}


@pytest.fixture
def building_project(demo):
    from gongxin.projects.models import Project, Stage

    return Project.objects.filter(stage=Stage.BUILDING).order_by("code").first()


@pytest.fixture
def bureau_user():
    return make_user("flow_bureau", Role.BUREAU_ADMIN, password=PASSWORD)


# ---------------------------------------------------------------- issue 3: entry, checks, approval


def test_return_flow_from_entry_with_warning_to_acceptance(live_server, filer, browser):
    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    base = live_server.url

    # The reporter finds the period under 待报送 on 我的月度报表.
    reporter = User(browser, base, "flow_reporter")
    page = reporter.page
    reporter.go("/returns/")
    page.click(f"a.list-group-item[href='{path}']")
    page.wait_for_url(base + path)
    # Last year's figures come from last year's return and are read-only.
    assert page.input_value("input[name='output_value.ytd_ly']") == "3000"
    assert page.locator("input[name='output_value.ytd_ly']").get_attribute("readonly") is not None

    # 1-本月 grows 110% on last year's 3000: the live check warns next to 工业总产值 while typing.
    for name, value in {"output_value.month": "2000", "output_value.ytd": "6300", "sales_value.month": "1300",
                        "sales_value.ytd": "4200", "export_value.month": "0", "export_value.ytd": "0",
                        "electricity.month": "12", "electricity.ytd": "40"}.items():
        page.fill(f"input[name='{name}']", value)
    msg = page.locator("#msg-output_value .field-warning")
    msg.wait_for()
    assert "工业总产值1-本月同比增长1.1倍" in msg.inner_text()
    assert "预警" in page.locator("#checks").inner_text()

    # Submitting without the explanation is refused and says why.
    send_entry(page, "button[value=submit]")
    assert any("请在“预警说明”中写明原因" in t for t in alert(page, "danger"))
    assert "工业总产值1-本月同比增长1.1倍" in page.locator("#msg-output_value").inner_text()
    reporter.refused(path)
    assert not orm(Return.objects.filter(enterprise=enterprise, period=period).exists)

    page.fill("#explanation", "新生产线投产，订单增加")
    send_entry(page, "button[value=submit]")
    assert any("报表已报送" in t for t in alert(page, "success"))

    # The town officer finds it in the town's list of returns of the period.
    town = User(browser, base, "flow_town")
    town.go(f"/returns/?period={period}&status=submitted")
    town.page.click(f"text={enterprise.name}")
    town.page.wait_for_url(base + path)
    town.page.fill("input[name=reason]", "出口交货值漏填，请核实")
    town.page.click("text=退回企业")
    town.page.wait_for_url(base + path)
    assert any("已退回企业" in t for t in alert(town.page, "success"))

    reporter.go("/returns/")
    assert "出口交货值漏填，请核实" in page.locator("table tbody tr", has_text=period).inner_text()
    page.click("text=继续填报")
    page.wait_for_url(base + path)
    assert "出口交货值漏填，请核实" in page.locator(".alert-warning").first.inner_text()
    assert page.input_value("#explanation") == "新生产线投产，订单增加"
    send_entry(page, "button[value=submit]")
    assert any("报表已报送" in t for t in alert(page, "success"))

    town.go(path)
    town.page.click("text=审核通过")
    town.page.wait_for_url(base + path)
    assert any("已审核通过" in t for t in alert(town.page, "success"))

    analyst = User(browser, base, "flow_analyst")
    analyst.go(path)
    analyst.page.click("button:has-text('受理')")
    analyst.page.wait_for_url(base + path)
    assert any("已受理" in t for t in alert(analyst.page, "success"))
    assert orm(lambda: Return.objects.get(enterprise=enterprise, period=period).status) == Return.Status.ACCEPTED

    # The history table (newest first) shows every step with who did it and why.
    rows = [r.split("\t") for r in reversed(analyst.page.locator("table tr.table-active").all_inner_texts())]
    assert [(who, what) for _, who, what, _ in rows] == [
        ("flow_reporter", "创建报表"), ("flow_reporter", "报送"), ("flow_town", "退回企业"),
        ("flow_reporter", "报送"), ("flow_town", "镇街审核通过"), ("flow_analyst", "工信局受理")], rows
    assert rows[1][3] == "新生产线投产，订单增加"
    assert rows[2][3] == "出口交货值漏填，请核实"
    for user in (reporter, town, analyst):
        user.assert_clean()


def test_a_negative_figure_is_refused_next_to_its_field(live_server, filer, browser):
    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    reporter = User(browser, live_server.url, "flow_reporter")
    page = reporter.page
    reporter.go(path)
    for name, value in {"output_value.month": "-5", "output_value.ytd": "3100", "sales_value.month": "5",
                        "sales_value.ytd": "3000", "export_value.month": "0", "export_value.ytd": "0",
                        "electricity.month": "1", "electricity.ytd": "28"}.items():
        page.fill(f"input[name='{name}']", value)
    live = page.locator("#msg-output_value .field-error")
    live.wait_for()
    assert "工业总产值“本月”不能为负数（填报-5）" in live.inner_text()

    send_entry(page, "button[value=submit]")
    reporter.refused(path)
    assert "工业总产值“本月”不能为负数（填报-5）" in page.locator("#msg-output_value").inner_text()
    assert "is-invalid" in page.locator("input[name='output_value.month']").get_attribute("class")
    assert page.locator(".alert-danger").count() >= 1
    assert not orm(Return.objects.filter(enterprise=enterprise, period=period).exists)
    reporter.assert_clean()


def test_on_a_phone_the_return_is_typed_without_scrolling_sideways(live_server, filer, browser):
    """At 390 px each indicator is a block: its name and unit, then its four cells two a row, each
    labelled with its column; every input lies inside the screen and the page does not scroll sideways."""
    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    reporter = User(browser, live_server.url, "flow_reporter", viewport={"width": 390, "height": 844},
                    is_mobile=True, has_touch=True)
    page = reporter.page
    reporter.go(path)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.locator("#entry-indicators thead").is_hidden()
    inputs = page.locator("#entry-form input.num:visible")
    assert inputs.count() >= 8 + 6  # four indicators × (本月, 1-本月, 上年同月, 上年1-同月 less readonly) and a new product
    for box in (inputs.nth(i).bounding_box() for i in range(inputs.count())):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    month = page.locator("input[name='output_value.month']").bounding_box()
    ytd = page.locator("input[name='output_value.ytd']").bounding_box()
    assert abs(month["y"] - ytd["y"]) < 2 and ytd["x"] > month["x"] + month["width"]  # side by side
    cell = page.locator("td:has(> input[name='output_value.ytd'])")
    assert page.evaluate("(td) => getComputedStyle(td, '::before').content", cell.element_handle()) == '"1-本月"'
    name = page.locator("#entry-indicators td.entry-name").first.bounding_box()
    assert name["y"] + name["height"] <= month["y"]  # the indicator's name above its cells
    page.fill("input[name='output_value.month']", "1100")
    send_entry(page, "button[value=save]")
    assert page.locator("input[name='output_value.month']").input_value() == "1100"
    reporter.assert_clean()


def test_the_return_is_saved_and_submitted_in_place(live_server, filer, browser):
    from gongxin.accounts.models import AuditEntry

    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    reporter = User(browser, live_server.url, "flow_reporter")
    page = reporter.page
    reporter.go(path)
    assert page.locator(".page-header .badge").inner_text() == "未填报"
    for name, value in {"output_value.month": "1100", "output_value.ytd": "3300", "sales_value.month": "1000",
                        "sales_value.ytd": "3000", "export_value.month": "0", "export_value.ytd": "0",
                        "electricity.month": "11", "electricity.ytd": "33"}.items():
        page.fill(f"input[name='{name}']", value)

    # A failed request (a proxy's 502 on the deadline day) says so above the form; the figures stay.
    def bad_gateway(route):
        if route.request.method == "POST":
            route.fulfill(status=502, body="Bad Gateway")
        else:
            route.continue_()

    page.route(live_server.url + path, bad_gateway)
    page.click("button[value=save]")
    page.locator("[data-send-status]").wait_for()
    assert "提交未成功（服务器返回502）" in page.locator("[data-send-status]").inner_text()
    assert page.input_value("input[name='output_value.ytd']") == "3300"
    assert page.locator("button[value=save]").is_enabled()
    page.unroute(live_server.url + path)
    assert f"HTTP 502 {live_server.url}{path}" in reporter.watch.errors
    # The 502 and the console lines about it (Chromium's, htmx's) are expected; nothing else.
    reporter.watch.errors = [e for e in reporter.watch.errors if "502" not in e]
    assert not orm(Return.objects.filter(enterprise=enterprise, period=period).exists)

    # A double click on 保存草稿 saves once: the buttons are disabled while the request runs.
    posts = []
    page.on("request", lambda r: r.method == "POST" and r.url == live_server.url + path and posts.append(r))
    page.evaluate("() => { window.gxSamePage = true; document.querySelector('.page').dataset.before = ''; }")
    page.dblclick("button[value=save]")
    page.wait_for_function("() => { const p = document.querySelector('.page'); return p && !('before' in p.dataset); }")
    assert page.evaluate("() => window.gxSamePage === true")
    assert len(posts) == 1
    assert page.url == live_server.url + path
    assert any("已保存草稿" in t for t in alert(page, "success"))
    assert page.locator(".page-header .badge").inner_text() == "草稿"
    assert page.input_value("input[name='output_value.ytd']") == "3300"
    ret = orm(lambda: Return.objects.get(enterprise=enterprise, period=period))
    assert page.input_value("#entry-form input[name=version]") == str(ret.version)
    assert orm(lambda: AuditEntry.objects.filter(action="returns.save", object_id=str(ret.pk)).count()) == 1
    assert page.locator("button", has_text="删除草稿").count() == 1
    assert "创建报表" in page.locator("table tr.table-active").all_inner_texts()[-1]

    # The swapped-in page is live: the checks run as one types, 修改上年数 opens the last-year cells.
    page.fill("input[name='output_value.ytd']", "6300")
    page.locator("#msg-output_value .field-warning").wait_for()
    page.fill("input[name='output_value.ytd']", "3300")
    page.locator("#msg-output_value .field-warning").wait_for(state="detached")
    page.click(".ly-edit[data-code=output_value]")
    assert page.locator("input[name='output_value.ytd_ly']").get_attribute("readonly") is None

    # Submitted in place from the saved page: the status, the message, the read-only figures and the
    # history follow.
    send_entry(page, "button[value=submit]")
    assert page.url == live_server.url + path
    assert any("报表已报送，等待镇街审核" in t for t in alert(page, "success"))
    assert page.locator(".page-header .badge").inner_text() == "已报送"
    assert page.locator("#entry-form input[name='output_value.ytd']").count() == 0
    assert page.locator("button[value=submit]").count() == 0
    assert page.locator("table tr.table-active").first.inner_text().split("\t")[2] == "报送"
    assert orm(lambda: Return.objects.get(pk=ret.pk).status) == Return.Status.SUBMITTED
    reporter.assert_clean()


def test_an_expired_session_keeps_the_typed_figures_and_says_to_log_in_elsewhere(live_server, filer, browser):
    from django.contrib.sessions.models import Session

    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    reporter = User(browser, live_server.url, "flow_reporter", viewport={"width": 390, "height": 844},  # on a phone
                    is_mobile=True, has_touch=True, reduced_motion="reduce")  # a scroll is instant, not smooth
    page = reporter.page
    reporter.go(path)
    orm(lambda: Session.objects.all().delete())  # the session expired while the page was open
    figures = {"output_value.month": "1100", "output_value.ytd": "3300", "sales_value.month": "1000",
               "sales_value.ytd": "3000", "export_value.month": "0", "export_value.ytd": "0",
               "electricity.month": "11", "electricity.ytd": "33"}
    # The server answers both the live check and the save with the log-in page: neither is swapped in.
    # Both are answered before logging in again below (type_and_check's wait, then htmx_idle after the save).
    # The check is sent in the background while typing: its refusal is said above the form without
    # scrolling — the page must not move under a finger on its way to 保存.
    *first, (last, value) = figures.items()
    for name, typed in first:
        page.fill(f"input[name='{name}']", typed)
    with page.expect_request(lambda r: r.url.endswith("/check/")):
        page.fill(f"input[name='{last}']", value)
        page.locator("button[value=save]").scroll_into_view_if_needed()
        typed_at = page.locator("button[value=save]").bounding_box()["y"]
    htmx_idle(page)
    assert page.locator("#entry-form [data-send-status]").inner_text().startswith("登录已过期")
    assert page.locator("button[value=save]").bounding_box()["y"] == typed_at
    with page.expect_request(lambda r: r.method == "POST" and r.url == live_server.url + path):
        page.click("button[value=save]")
    htmx_idle(page)
    status = page.locator("#entry-form [data-send-status]")
    assert status.inner_text().startswith("登录已过期，请在新窗口重新登录后再保存，本页已填数据未丢失")
    link = status.locator("a")
    assert link.get_attribute("href") == "/accounts/login/" and link.get_attribute("target") == "_blank"
    assert page.locator("#id_username, #id_password").count() == 0
    assert {name: page.input_value(f"input[name='{name}']") for name in figures} == figures
    assert page.locator("button[value=save]").is_enabled()
    assert page.url == live_server.url + path
    assert not orm(Return.objects.filter(enterprise=enterprise, period=period).exists)

    # Logged in again in a new tab, the same page saves what was typed (with the new CSRF token).
    with reporter.context.expect_page() as opened:
        link.click()
    login = opened.value
    login.fill("#id_username", "flow_reporter")
    login.fill("#id_password", PASSWORD)
    login.click("button[type=submit]")
    login.wait_for_url(f"{live_server.url}/")
    send_entry(page, "button[value=save]")
    assert any("已保存草稿" in t for t in alert(page, "success"))
    assert page.locator("[data-send-status]").count() == 0
    assert orm(lambda: Return.objects.get(enterprise=enterprise, period=period).status) == Return.Status.DRAFT
    reporter.assert_clean()


# ---------------------------------------------------------------- issue 4: dashboard and export


def test_a_forced_password_change_elsewhere_is_not_swapped_into_the_return(live_server, filer, browser):
    """Logged in again in another tab with a one-time password, the user must change it first: the
    old tab's save is answered with 修改密码, which is not swapped in; the form says so and keeps the
    figures, and saves them once the password is changed."""
    from django.contrib.sessions.models import Session

    from gongxin.accounts.models import Profile

    enterprise, period = filer
    path = f"/returns/{enterprise.uscc}/output/{period}/"
    reporter = User(browser, live_server.url, "flow_reporter")
    page = reporter.page
    reporter.go(path)

    def reset():  # what 重置密码 does to the session and the profile (the password stays PASSWORD here)
        Session.objects.all().delete()
        Profile.objects.update_or_create(user=enterprise.memberships.get().user, defaults={
            "must_change_password": True})

    # Typed, and checked, before the reset (type_and_check).
    type_and_check(page, {"output_value.month": "1100", "output_value.ytd": "3300"})
    orm(reset)
    other = reporter.context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("#id_username", "flow_reporter")
    other.fill("#id_password", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{live_server.url}/accounts/password/")  # the one-time password must change first
    with page.expect_request(lambda r: r.method == "POST" and r.url == live_server.url + path):
        page.click("button[value=save]")
    htmx_idle(page)
    status = page.locator("#entry-form [data-send-status]")
    assert status.inner_text().startswith("须先修改密码：请在新窗口修改密码后再保存，本页已填数据未丢失")
    assert status.locator("a").get_attribute("href") == "/accounts/password/"
    assert page.locator("#id_old_password").count() == 0 and page.url == live_server.url + path
    assert page.input_value("input[name='output_value.month']") == "1100"

    other.fill("#id_old_password", PASSWORD)
    other.fill("#id_new_password1", "滕州工信#2026-安全口令")
    other.fill("#id_new_password2", "滕州工信#2026-安全口令")
    with other.expect_navigation():
        other.click("form:has(#id_old_password) button[type=submit]")
    assert other.url == f"{live_server.url}/", other.locator(".alert").all_inner_texts()
    send_entry(page, "button[value=save]")
    assert any("已保存草稿" in t for t in alert(page, "success"))
    assert orm(lambda: Return.objects.get(enterprise=enterprise, period=period).status) == Return.Status.DRAFT


def test_town_officer_sees_only_their_town_with_charts_and_analyst_exports(live_server, demo, browser, tmp_path):
    from openpyxl import load_workbook

    other_towns = demo["other_towns"]
    path = f"/analysis/?period={DEMO_PERIOD}"

    town = User(browser, live_server.url, "flow_town")
    page = town.page
    town.go(path)
    assert "当前为荆河街道视图" in page.locator(".alert-info").inner_text()
    towns_table = page.locator(".card", has=page.locator("h3", has_text="分镇街")).locator("table tbody")
    names = towns_table.locator("tr td:first-child").all_inner_texts()
    assert names == ["荆河街道"]
    text = towns_table.inner_text()
    assert not [t for t in other_towns if t in text]
    for chart in ("chart-trend", "chart-towns", "chart-industries"):
        canvas = page.locator(f"#{chart} canvas").first
        canvas.wait_for()
        box = canvas.bounding_box()
        assert box["width"] > 100 and box["height"] > 100, (chart, box)
    town.assert_clean()

    analyst = User(browser, live_server.url, "flow_analyst")
    analyst.go(path)
    assert len(analyst.page.locator(".card", has=analyst.page.locator("h3", has_text="分镇街"))
               .locator("table tbody tr").all()) == len(other_towns) + 1
    with analyst.page.expect_download() as info:
        analyst.page.click(f"a[href='/analysis/export/towns/?period={DEMO_PERIOD}']")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved, read_only=True).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "荆河街道" in cells and "龙泉街道" in cells
    analyst.assert_clean()


# ---------------------------------------------------------------- issue 6: brief and warnings


def test_analyst_reads_the_brief_downloads_it_and_follows_up_a_warning(live_server, demo, browser):
    from docx import Document

    analyst = User(browser, live_server.url, "flow_analyst")
    page = analyst.page
    analyst.go(f"/analysis/brief/?period={DEMO_PERIOD}")
    assert page.locator("h2", has_text="总体情况").count() == 1
    overview = page.locator("h2:has-text('总体情况') + p").inner_text()
    assert overview.startswith("1-3月") and "规上工业总产值" in overview and "亿元" in overview

    with page.expect_download() as info:
        page.click("text=下载Word材料")
    document = Document(info.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "总体情况" in text and overview in text

    analyst.go("/analysis/warnings/")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0 and "没有符合条件的预警" not in rows.first.inner_text()
    first = rows.filter(has=page.locator(".badge", has_text="待跟进")).first
    subject, reason = first.locator("td").nth(1).inner_text(), first.locator("td").nth(4).inner_text()
    first.locator("a", has_text="跟进").click()
    page.wait_for_url("**/analysis/warnings/*/")
    detail_url = page.url
    page.fill("textarea[name=note]", "已电话核实：订单减少，下月恢复")
    page.click("text=保存跟进")
    page.wait_for_url(detail_url)
    assert any("跟进情况已记录" in t for t in alert(page, "success"))
    assert "已电话核实：订单减少，下月恢复" in page.locator(".list-group").first.inner_text()

    analyst.go("/analysis/warnings/?period=all&status=followed_up")
    followed = page.locator("table tbody tr", has_text=subject).filter(has_text=reason)
    assert followed.count() == 1
    assert "已跟进" in followed.inner_text()
    analyst.assert_clean()


# ---------------------------------------------------------------- issue 5: project stages


def test_analyst_moves_a_project_one_stage_and_an_illegal_jump_is_refused(live_server, building_project, browser):
    from gongxin.projects.models import Project, Stage

    project = building_project
    analyst = User(browser, live_server.url, "flow_analyst")
    page = analyst.page
    path = f"/projects/{project.code}/"
    analyst.go(path)
    page.fill("input[name=note]", "主体工程完工")
    page.click("button:has-text('进入“竣工”')")
    page.wait_for_url(live_server.url + path)
    assert any("项目阶段已变更为“竣工”" in t for t in alert(page, "success"))
    assert "在建 → 竣工" in page.locator("ul.list-unstyled").inner_text()

    # A crafted jump (竣工 → 在建, as from a stale page) is refused with the reason.
    page.locator("button[name=action][value^='advance:']").evaluate("b => b.value = 'advance:building'")
    page.click("button[name=action][value='advance:building']")
    page.wait_for_url(live_server.url + path)
    assert any("不能从“竣工”直接变更为“在建”，下一阶段应为“投产”" in t for t in alert(page, "danger"))
    assert orm(lambda: Project.objects.get(pk=project.pk).stage) == Stage.COMPLETED
    analyst.assert_clean()


# ---------------------------------------------------------------- issue 2: enterprise import


def test_bureau_import_with_bad_rows_names_them_and_writes_nothing(live_server, bureau_user, browser, tmp_path):
    from openpyxl import Workbook

    from gongxin.lib.uscc import make_uscc
    from gongxin.registry.models import Enterprise

    good, bad_check = make_uscc("370481", 77_000_001), make_uscc("370481", 77_000_002)
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["统一社会信用代码", "企业名称", "所属镇街", "行业代码"])
    sheet.append([good, "滕州导入正常机械有限公司", "荆河街道", "34"])
    sheet.append([bad_check, "滕州导入错码化工有限公司", "龙泉街道", "26"])
    sheet.append([make_uscc("370481", 77_000_003), "滕州导入无镇街食品有限公司", "幸福镇", "14"])
    file = tmp_path / "企业名录.xlsx"
    workbook.save(file)
    before = orm(Enterprise.objects.count)

    bureau = User(browser, live_server.url, "flow_bureau")
    page = bureau.page
    bureau.go("/enterprises/import/")
    page.set_input_files("input[name=file]", str(file))
    page.click("text=上传并导入")
    page.wait_for_load_state()
    bureau.refused("/enterprises/import/")
    errors = [r.split("\t") for r in page.locator("table tbody tr").all_inner_texts()]
    assert [(row, column) for row, column, _ in errors] == [("第3行", "统一社会信用代码"), ("第4行", "所属镇街")]
    assert "未知的镇街“幸福镇”" in errors[1][2]
    assert orm(Enterprise.objects.count) == before
    assert not orm(Enterprise.objects.filter(uscc=good).exists)
    bureau.assert_clean()
