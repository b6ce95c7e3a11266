"""Pages in headless Chromium against a live server: nothing is fetched from outside the server,
Tabler's CSS applies, no console errors, and enterprise users' pages fit a phone screen.

Needs /usr/bin/chromium (`make browser-deps`) and the vendor files (`make setup`).
"""

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from gongxin.accounts.models import Role
from gongxin.testing import make_enterprise, make_user

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VENDOR = Path(settings.BASE_DIR) / "gongxin" / "static" / "vendor"
PASSWORD = "browser-test-pw-1"
# The number of text lines an element's label takes (one rect per line fragment), for page.evaluate.
LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
                   return new Set([...r.getClientRects()].map(c => Math.round(c.top))).size; }"""

pytestmark = [
    pytest.mark.browser,
    # live_server needs committed data; serialized_rollback brings back the migrations' regions afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                       reason="headless Chromium not installed (make browser-deps)"),
    pytest.mark.skipif(not (VENDOR / "tabler.min.css").exists(),
                       reason="static vendor files missing: run `make setup` (copies Tabler/htmx/ECharts)"),
]


@pytest.fixture
def county():
    """A few demo-like enterprises in two towns and the users who look at them."""
    own = make_enterprise("滕州恒信矿山机械有限公司", town_name="荆河街道", industry="35",
                          address="荆河街道工业园271号", contact_name="傅玉霞", contact_phone="19155052501",
                          former_names="滕州恒信矿山机械厂")
    for i, (town, industry) in enumerate([("荆河街道", "34"), ("龙泉街道", "26"), ("官桥镇", "30")]):
        make_enterprise(f"滕州示例{i}号工业有限公司", town_name=town, industry=industry)
    make_user("bureau", Role.BUREAU_ADMIN, password=PASSWORD)
    make_user("enterprise", Role.ENTERPRISE, enterprise=own, password=PASSWORD)
    return own


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Watch:
    """Every request, failed response and console error of a page."""

    def __init__(self, page):
        self.requests, self.errors = [], []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status} {r.url}"))

    def outside(self, host):
        return [u for u in self.requests if urlparse(u).scheme not in ("data", "blob")
                and urlparse(u).netloc != host]


class Held:
    """Requests matching a URL pattern, held until released."""

    def __init__(self, page, pattern):
        self.routes = []
        page.route(pattern, self.hold)

    def hold(self, route):
        self.routes.append(route)

    def release(self):
        for route in self.routes:
            route.continue_()
        self.routes = []


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_bureau_pages_use_only_the_server_and_load_tabler(live_server, county, browser):
    base, host = live_server.url, urlparse(live_server.url).netloc
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    watch = Watch(page)
    log_in(page, base, "bureau")
    for path, title in [("/", "工作台"), ("/enterprises/", "企业名录"), (f"/enterprises/{county.uscc}/", county.name)]:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.title() == f"{title} · 工信运行监测平台"
        # Tabler's CSS is applied: its variables exist and the navbar is laid out as a flex row.
        styles = page.evaluate("""() => ({
            primary: getComputedStyle(document.documentElement).getPropertyValue('--tblr-primary').trim(),
            navbar: getComputedStyle(document.querySelector('.navbar')).display,
        })""")
        assert styles["primary"], path
        assert styles["navbar"] == "flex", path
        if path == "/enterprises/":
            assert page.locator("table tbody tr").count() == 4
    assert watch.outside(host) == []
    assert any("/static/vendor/tabler.min.css" in u for u in watch.requests)
    assert watch.errors == []


def test_enterprise_user_pages_fit_a_phone(live_server, county, browser):
    base, host = live_server.url, urlparse(live_server.url).netloc
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    watch = Watch(page)
    log_in(page, base, "enterprise")
    for path in ("/", "/enterprises/", f"/enterprises/{county.uscc}/"):
        assert page.goto(base + path).status == 200, path
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (path, widths)
    assert county.name in page.content()
    page.goto(f"{base}/enterprises/")
    assert page.locator("table tbody tr").count() == 1  # only its own enterprise
    assert watch.outside(host) == []
    assert watch.errors == []
