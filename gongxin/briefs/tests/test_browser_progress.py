"""Signs of progress in Chromium (issue 12, item 7): the brief page shows its outline with a spinner per
section until each section arrives, the Word download says it is being generated until the file comes,
and an import says it is working until its report appears.

Requests are held with Playwright's routing while the test looks at the page, so nothing depends on
how fast the server is: the held request is released once the sign of progress has been seen.
"""

import pytest
from openpyxl import Workbook

from gongxin.accounts.models import Role
from gongxin.testing import make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import PASSWORD, Held, Watch, log_in

from .helpers import article_county

pytestmark = test_browser.pytestmark  # browser mark, transactional db with serialized rollback, skip-ifs
browser = test_browser.browser  # the headless Chromium fixture
PERIOD = "2022-03"


@pytest.fixture
def analyst():
    article_county()
    make_user("progress_analyst", Role.BUREAU_STAFF, password=PASSWORD)
    make_user("progress_bureau", Role.BUREAU_ADMIN, password=PASSWORD)


def test_brief_page_shows_each_section_loading_then_the_docx_download_progress(live_server, analyst, browser):
    from docx import Document

    page = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True).new_page()
    watch = Watch(page)
    log_in(page, live_server.url, "progress_analyst")

    sections = Held(page, "**/analysis/brief/section/**")
    page.goto(f"{live_server.url}/analysis/brief/?period={PERIOD}")
    page.wait_for_function("n => document.querySelectorAll('[data-fragment][aria-busy=true]').length === n", arg=8)
    assert page.locator(".page-title").inner_text() == "2022年一季度全市工业经济运行情况分析"
    placeholders = page.locator("[data-fragment]")
    assert placeholders.count() == 8
    assert placeholders.first.inner_text().startswith("一、总体情况")
    assert "正在生成本部分" in placeholders.first.inner_text()
    assert page.locator("[data-fragment] .spinner-border").first.is_visible()
    assert len(sections.routes) == 8
    sections.release()
    overview = page.locator("#brief-overview h2 + p")
    assert overview.inner_text().startswith("1-3月，全市规上工业总产值3月当月完成70.0亿元")
    page.wait_for_function("() => !document.querySelector('[data-fragment]')")  # every section arrived
    assert page.locator("section[data-brief-section] h2").all_inner_texts()[-1] == "八、报送情况"

    docx = Held(page, "**/analysis/brief/brief.docx*")
    link = page.locator("a", has_text="下载Word材料")
    with page.expect_download() as info:
        link.click()
        busy = page.locator("a[data-download][aria-busy=true]")
        assert "正在生成Word材料" in busy.inner_text()  # the sign, while the server is still working
        assert busy.locator(".spinner-border").is_visible()
        docx.release()
    download = info.value
    assert download.suggested_filename == "2022年一季度全市工业经济运行情况分析.docx"
    assert Document(download.path()).paragraphs[0].text == "2022年一季度全市工业经济运行情况分析"
    page.wait_for_selector("a[data-download]:not([aria-busy])")
    assert page.locator("a.btn-primary[data-download]").inner_text() == "下载Word材料"  # the link is back
    assert watch.errors == []


def test_an_import_says_it_is_working_until_its_report_appears(live_server, analyst, browser, tmp_path):
    from gongxin.lib.uscc import make_uscc

    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "企业名称", "所属镇街", "行业代码"])
    workbook.active.append([make_uscc("370481", 78_000_001), "滕州进度测试机械有限公司", "荆河街道", "34"])
    file = tmp_path / "企业名录.xlsx"
    workbook.save(file)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    watch = Watch(page)
    log_in(page, live_server.url, "progress_bureau")
    page.goto(f"{live_server.url}/enterprises/import/")
    # What the form shows once sent is recorded as it happens, before the report replaces the page
    # (sessionStorage outlives it): the sign and the disabled button come in the submit event itself.
    page.evaluate("""() => new MutationObserver(() => {
        const status = document.querySelector('[data-busy-status]');
        const button = document.querySelector('form[data-busy] button[type=submit]');
        if (status) sessionStorage.setItem('busy', status.textContent + (button.disabled ? '|disabled' : ''));
    }).observe(document.body, {subtree: true, childList: true, attributes: true})""")
    page.set_input_files("input[name=file]", str(file))
    with page.expect_navigation():
        page.click("text=上传并导入")
    busy = page.evaluate("() => sessionStorage.getItem('busy')")
    assert busy.startswith("正在上传并检查文件") and busy.endswith("|disabled"), busy
    assert page.locator("[data-busy-status]").count() == 0
    assert "导入成功：新增1条" in page.locator(".alert-success").inner_text()  # the report
    assert watch.errors == []
