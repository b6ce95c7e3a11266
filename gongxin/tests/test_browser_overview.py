"""The analysis overview on a phone (390×844) in headless Chromium: the 分镇街 table keeps each town's name
on one line and scrolls sideways inside its card; the page itself does not."""

import pytest

from gongxin.accounts.models import Role
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs.tests.helpers import article_county
from gongxin.testing import make_enterprise, make_user

from . import test_browser
from .test_browser import LINES, PASSWORD, Watch, log_in

pytestmark = test_browser.pytestmark  # browser mark, transactional db with serialized rollback, skip-ifs
browser = test_browser.browser  # the headless Chromium fixture
PERIOD = "2022-03"


@pytest.fixture
def county():
    article_county()  # 荆河街道 and 龙泉街道
    make_return(make_enterprise("滕州官桥示例机械有限公司", town_name="官桥镇"), PERIOD, status="submitted",
                values=output(1_000, 3_000, 950, 2_900))
    make_user("phone_analyst", Role.BUREAU_STAFF, password=PASSWORD)


def test_town_names_keep_one_line_on_a_phone_and_the_table_scrolls(live_server, county, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch = Watch(page)
    log_in(page, live_server.url, "phone_analyst")
    page.goto(f"{live_server.url}/analysis/?period={PERIOD}")
    names = page.locator("[data-testid=drill-town]")
    assert set(names.all_inner_texts()) >= {"荆河街道", "龙泉街道", "官桥镇"}
    assert [name.evaluate(LINES) for name in names.all()] == [1] * names.count()
    found = page.evaluate("""() => {
        const box = document.querySelector('[data-testid=drill-town]').closest('.table-responsive');
        return {table: box.scrollWidth > box.clientWidth,
                page: document.documentElement.scrollWidth > window.innerWidth};
    }""")
    assert found == {"table": True, "page": False}  # the table scrolls in its card, not the page
    assert watch.errors == []
