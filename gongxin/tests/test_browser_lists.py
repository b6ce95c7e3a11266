"""Lists of records on a phone (390×844) in headless Chromium: a `table-stack` list turns each row into a
block — its record first, then "column：value" lines — so an officer reads the warnings, demands, dispatches,
applications, the audit log, the users, the report periods, the testing rounds and the enterprises yet to
report without scrolling sideways;
on a screen it stays a table."""

import pytest
from django.core.management import call_command

from . import test_browser
from .test_browser import LINES, Watch

pytestmark = test_browser.pytestmark  # browser mark, transactional db with serialized rollback, skip-ifs
browser = test_browser.browser  # the headless Chromium fixture

DEMO_PASSWORD = "gongxin-demo"
LISTS = ["/analysis/warnings/?period=2022-04", "/emergencies/", "/services/demands/", "/services/visits/", "/reserves/dispatches/",
         "/reserves/contracts/", "/reserves/purchases/", "/resumption/applications/", "/resumption/flags/",
         "/permits/", "/accounts/audit/", "/accounts/users/", "/returns/periods/", "/prevention/testing/",
         "/returns/completeness/?form=output&period=2022-04", "/projects/", "/prevention/testing/workers/",
         "/resumption/blockers/?event=2022-covid", "/permits/overstays/", "/permits/checkpoint/log/",
         "/enterprises/91370481138327946A/"]  # the demo reporter's enterprise: its 技改项目 and 复工状态记录
# Pages whose header actions are wider than a phone: they go below the title and wrap.
WIDE_HEADERS = ["/reserves/contracts/", "/projects/funds/", "/permits/"]

ROWS = """() => {
    const table = document.querySelector('table.table-stack');
    const rows = [...table.querySelectorAll('tbody tr')];
    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
    const cell = rows[0].children[1];
    return {rows: rows.length, heads,
            headShown: getComputedStyle(table.querySelector('thead')).display !== 'none',
            label: cell.dataset.label || null,
            before: getComputedStyle(cell, '::before').content,
            aligned: [...new Set([...rows[0].children].map(td => getComputedStyle(td).textAlign))],
            pageWide: document.documentElement.scrollWidth > window.innerWidth,
            boxWide: (box => box.scrollWidth > box.clientWidth + 1)(table.closest('.table-responsive'))};
}"""


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run without DEBUG
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def _bureau(browser, base, **options):
    page = browser.new_page(**options)
    watch = Watch(page)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "bureau")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page, watch


def test_record_lists_are_blocks_with_labelled_lines_on_a_phone_and_tables_on_a_screen(live_server, demo, browser):
    phone, phone_watch = _bureau(browser, live_server.url, viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    screen, screen_watch = _bureau(browser, live_server.url, viewport={"width": 1366, "height": 768})
    screen.goto(live_server.url + "/services/visits/")
    plan = screen.locator("a[href^='/services/plans/']").first.get_attribute("href")  # a visit plan (its id varies)
    for path in LISTS + [plan]:
        assert phone.goto(live_server.url + path).status == 200, path
        found = phone.evaluate(ROWS)
        assert found["rows"] >= 1, (path, found)
        label = found["heads"][1]
        assert label and found["label"] == label, (path, found)
        assert found["before"] == f'"{label}："', (path, found)  # the column's name leads the line
        assert not found["headShown"] and not found["pageWide"] and not found["boxWide"], (path, found)
        assert set(found["aligned"]) <= {"start", "left"}, (path, found)  # a number's line reads as the others do

        assert screen.goto(live_server.url + path).status == 200, path
        found = screen.evaluate(ROWS)
        assert found["headShown"] and found["before"] in ("none", "normal"), (path, found)
    for path in WIDE_HEADERS:
        assert phone.goto(live_server.url + path).status == 200, path
        assert phone.locator(".page-title").evaluate(LINES) == 1, path  # not squeezed to a character a line
        right = phone.evaluate("() => Math.max(...[...document.querySelectorAll('.page-header a, .page-header button,"
                               " .page-header input, .page-header select')].map(e => e.getBoundingClientRect().right))")
        assert right <= 390, (path, right)
        assert not phone.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"), path
    assert phone_watch.errors == [] and screen_watch.errors == []


def test_a_return_under_review_reads_on_a_phone_as_blocks_without_columns_it_lacks(live_server, demo, browser):
    """The reviewer's 审核要点 on a phone: one block per indicator, its figures labelled; a form without
    months (财务表) shows neither month columns nor an empty 推算本月 line."""
    phone, watch = _bureau(browser, live_server.url, viewport={"width": 390, "height": 844},
                           is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/returns/?form=finance&period=2022-04&status=submitted")
    phone.locator("a[href*='/finance/2022-04/']").first.click()
    phone.wait_for_url("**/finance/2022-04/")
    review = phone.locator("[data-testid=review] table")
    assert review.locator("thead").evaluate("e => getComputedStyle(e).display") == "none"
    labels = review.locator("tbody tr").first.evaluate("tr => [...tr.children].map(td => td.dataset.label || null)")
    assert labels == ["指标", "1-本月", "上年1-同月", "累计增速", "审核结果"], labels
    shown = phone.evaluate("() => [...document.querySelectorAll('td.entry-derived')].filter(td => td.offsetParent !== null).length")
    assert shown == 0 and "推算本月" not in phone.locator("main, .page").first.inner_text()
    assert not phone.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")

    # A cell after one spanning columns takes the header of the column it stands in.
    labels = phone.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<table class="table-stack" id="t"><thead><tr><th>甲</th><th>乙</th>'
            + '<th>丙</th></tr></thead><tbody><tr><td colspan="2">x</td><td>y</td></tr></tbody></table>');
        gxStackLabels(document);
        return [...document.querySelectorAll('#t td')].map(td => td.dataset.label || null);
    }""")
    assert labels == [None, "丙"]
    assert watch.errors == []


def test_the_cockpit_draws_its_charts_and_keeps_its_title_whole_on_a_phone(live_server, demo, browser):
    """The leader's cockpit on a phone: the title reads on a line or two (the controls wrap below it), the
    trend, ranking and product charts are drawn, nothing scrolls sideways; on a screen the same, no error."""
    for options in ({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
                    {"viewport": {"width": 1366, "height": 768}}):
        page, watch = _bureau(browser, live_server.url, **options)
        assert page.goto(f"{live_server.url}/analysis/cockpit/?period=2022-04").status == 200
        page.wait_for_selector("#chart-trend canvas, #chart-trend svg")
        assert page.locator("#cockpit-title").evaluate(LINES) <= 2
        for chart in ("#chart-trend", "#chart-towns", "#chart-industries", "#chart-products"):
            assert page.locator(f"{chart} canvas, {chart} svg").count() >= 1, chart
        assert page.locator("#tiles > *").count() >= 21  # a tile per town
        assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
        assert watch.errors == []
        page.close()
