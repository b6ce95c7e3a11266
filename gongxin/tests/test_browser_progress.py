"""Signs of progress in Chromium beyond the brief (issue 12, item 7; session 4): an analysis Excel export
says it is being generated until the file comes, and is opened as a page when the answer is not a file
(a session that expired); 重新扫描 and a bulk acceptance show a spinner, cannot be sent twice, and still
send the button's own value.

Requests are held with Playwright's routing while the test looks at the page (see briefs'
test_browser_progress), so nothing depends on how fast the server is.
"""

import pytest
from openpyxl import load_workbook

from gongxin.accounts.models import Role
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs.tests.helpers import article_county
from gongxin.testing import make_enterprise, make_user

from . import test_browser
from .test_browser import PASSWORD, Held, Watch, log_in

pytestmark = test_browser.pytestmark  # browser mark, transactional db with serialized rollback, skip-ifs
browser = test_browser.browser  # the headless Chromium fixture
PERIOD = "2022-03"


@pytest.fixture
def county():
    article_county()
    for name in ("滕州进度丙机械有限公司", "滕州进度丁机械有限公司"):
        make_return(make_enterprise(name, town_name="官桥镇"), PERIOD, status="submitted",
                    values=output(1_000, 3_000, 950, 2_900))
    make_user("progress_analyst", Role.BUREAU_STAFF, password=PASSWORD)


def new_page(browser, live_server):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True).new_page()
    watch = Watch(page)
    log_in(page, live_server.url, "progress_analyst")
    return page, watch


def wait_for(page, held, count=1):
    """Let Playwright deliver the held requests (routing callbacks run while the page is waited on)."""
    for _ in range(50):
        if len(held.routes) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{count} request(s) expected, {len(held.routes)} held")


def test_an_analysis_export_says_it_is_being_generated_until_the_workbook_arrives(live_server, county, browser):
    page, watch = new_page(browser, live_server)
    page.goto(f"{live_server.url}/analysis/?period={PERIOD}")
    towns = Held(page, "**/analysis/export/towns/**")
    link = page.locator('a[href^="/analysis/export/towns/"]')
    assert link.inner_text() == "导出Excel"
    with page.expect_download() as info:
        link.click()
        wait_for(page, towns)
        busy = page.locator("a[data-download][aria-busy=true]")
        assert busy.count() == 1 and "正在导出" in busy.inner_text()  # the sign, while the server works
        assert busy.locator(".spinner-border").is_visible()
        towns.release()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    cells = [c for row in load_workbook(open(download.path(), "rb")).active.iter_rows(values_only=True) for c in row]
    assert "荆河街道" in cells and "龙泉街道" in cells
    page.wait_for_selector('a[href^="/analysis/export/towns/"]:not([aria-busy])')
    assert link.inner_text() == "导出Excel"  # the link is back
    assert page.url == f"{live_server.url}/analysis/?period={PERIOD}"  # never left the page
    assert watch.errors == []


def test_an_export_whose_answer_is_not_a_file_opens_it_as_a_page(live_server, county, browser):
    page, watch = new_page(browser, live_server)
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.goto(f"{live_server.url}/analysis/?period={PERIOD}")
    page.context.clear_cookies()  # the session has expired: the export answers with the log-in page
    page.locator('a[href^="/analysis/export/county/"]').first.click()
    page.wait_for_url("**/accounts/login/?next=/analysis/export/county/*")
    assert page.locator("#id_username").is_visible()
    assert downloads == []  # the log-in page was not saved as a file
    assert watch.errors == []


# What a form shows once sent is recorded as it happens, before the next page replaces it (sessionStorage
# outlives the page; Playwright cannot look into a page whose navigation is under way). `again` sends the
# form a second time 0.2 s after the first, as a double click would (sooner, the browser itself would
# merge the two into one navigation).
RECORD = """([selector, again]) => {
    const form = document.querySelector('form[data-busy]');
    new MutationObserver(() => {
        const status = form.querySelector('[data-busy-status]');
        const button = form.querySelector(selector);
        sessionStorage.setItem('busy', status.textContent + (button.disabled ? '|disabled' : '')
                               + (status.querySelector('.spinner-border') ? '|spinner' : ''));
    }).observe(form, {subtree: true, childList: true, attributes: true});
    if (again) {
        form.addEventListener('submit', () => setTimeout(() => form.requestSubmit(), 200), {once: true});
    }
}"""


def test_rescan_shows_a_spinner_and_runs_once(live_server, county, browser):
    page, watch = new_page(browser, live_server)
    page.goto(f"{live_server.url}/analysis/warnings/?period={PERIOD}&level=red")
    button = page.locator("[data-testid=rescan]")
    assert button.inner_text() == "重新扫描"
    page.evaluate(RECORD, ["[data-testid=rescan]", True])
    rescan = Held(page, "**/analysis/warnings/rescan/")
    button.click(no_wait_after=True)
    wait_for(page, rescan)
    page.wait_for_timeout(800)  # the second send comes while the first is still held
    assert len(rescan.routes) == 1  # sent once, though asked twice
    with page.expect_navigation():
        rescan.release()
    busy = page.evaluate("() => sessionStorage.getItem('busy')")
    assert busy.startswith("正在重新扫描") and busy.endswith("|disabled|spinner"), busy  # the button itself said so
    assert "2022年3月预警已重新扫描" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=rescan]").inner_text() == "重新扫描"  # the new page's button
    assert watch.errors == []


def test_a_bulk_acceptance_shows_progress_and_sends_its_action(live_server, county, browser):
    page, watch = new_page(browser, live_server)
    page.goto(f"{live_server.url}/returns/?form=output&period={PERIOD}&status=submitted")
    page.check("input[data-check-all]")
    with page.expect_navigation():
        page.click("text=批量受理")  # name="action" value="accept", sent though the button is disabled
    assert page.locator(".card-title").first.inner_text() == "确认对以下2份报表执行“受理”？"
    page.evaluate(RECORD, ["button.btn-primary", False])
    with page.expect_navigation():
        page.locator("button", has_text="确认受理").click()
    busy = page.evaluate("() => sessionStorage.getItem('busy')")
    assert busy.startswith("正在受理") and busy.endswith("|disabled|spinner"), busy
    assert len([u for u in watch.requests if u.endswith("/returns/bulk/")]) == 2  # the confirmation, then once
    assert "已受理2份报表" in page.locator(".alert-success").inner_text()
    assert watch.errors == []
