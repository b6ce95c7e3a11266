"""In headless Chromium: the menu holds on one line at 1366×768 for every role (with every module's
group filled) and collapses behind the toggler at 390×844; a bureau admin onboards a 龙阳镇 officer
who logs in with the one-time password, must change it, sees only 龙阳镇 until the role is revoked;
创建用户 and 重置密码 are sent once however often they are clicked (data-busy)."""

import pytest

from gongxin import menu
from gongxin.accounts.models import Role
from gongxin.testing import make_enterprise, make_user
from gongxin.tests import test_browser
from gongxin.tests.test_browser import LINES, PASSWORD, Held, Watch, log_in
from gongxin.tests.test_browser_progress import wait_for

pytestmark = test_browser.pytestmark
browser = test_browser.browser
ROLES = {"b_admin": Role.BUREAU_ADMIN, "b_staff": Role.BUREAU_STAFF, "b_town": Role.TOWN_OFFICER,
         "b_enterprise": Role.ENTERPRISE, "b_leader": Role.LEADER}


@pytest.fixture
def people():
    own = make_enterprise("滕州龙阳示范机械有限公司", town_name="龙阳镇")
    for username, role in ROLES.items():
        make_user(username, role, region="荆河街道" if role == Role.TOWN_OFFICER else None,
                  enterprise=own if role == Role.ENTERPRISE else None, password=PASSWORD)
    return own


@pytest.fixture
def full_menu(monkeypatch):
    """The menu as it will be with every module landed: the empty groups get typical entries."""
    filler = {"应急保障": ("应急事件", "物资储备", "防疫监管", "复工复产", "车辆通行证"), "企业服务": ("走访调研", "诉求办理", "惠企政策")}
    groups = []
    for group in menu.MENU:
        entries = group.entries or tuple(menu.Entry(label, f"/{group.label}/{i}/", lambda a: True)
                                         for i, label in enumerate(filler.get(group.label, ())))
        groups.append(menu.Group(group.label, entries))
    monkeypatch.setattr(menu, "MENU", groups)


def test_menu_fits_1366_without_wrapping_and_collapses_at_390(live_server, people, full_menu, browser):
    base = live_server.url
    for username in ROLES:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, base, username)
        # Every label (menu bar and every dropdown, all opened at once) on one line; the bar one row.
        found = page.evaluate("""() => {
            const lines = """ + LINES + """;
            document.querySelectorAll('#navbar-menu .dropdown-menu').forEach(m => m.classList.add('show'));
            const bar = [...document.querySelectorAll('#navbar-menu .nav-link')];
            const items = [...document.querySelectorAll('#navbar-menu .dropdown-item')];
            return {wrapped: [...bar, ...items].filter(el => lines(el) !== 1).map(el => el.innerText),
                    rows: new Set(bar.map(el => Math.round(el.getBoundingClientRect().top))).size,
                    items: items.length,
                    // Nothing pushed off the bar: the menu ends before the user block, the page does not scroll sideways.
                    overlap: Math.max(...bar.map(el => el.getBoundingClientRect().right))
                             > document.querySelector('header .order-md-last').getBoundingClientRect().left,
                    scroll: document.documentElement.scrollWidth > window.innerWidth,
                    header: document.querySelector('header.navbar').getBoundingClientRect().height};
        }""")
        assert found["wrapped"] == [] and found["rows"] == 1 and found["items"] > 0, (username, found)
        assert not found["overlap"] and not found["scroll"], (username, found)
        assert found["header"] < 80, (username, found)
        page.close()

        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        log_in(phone, base, username)
        assert phone.locator(".navbar-toggler").is_visible(), username
        assert not phone.locator("#navbar-menu").is_visible(), username
        phone.click(".navbar-toggler")
        phone.locator("#navbar-menu .nav-link").first.wait_for(state="visible")
        widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], (username, widths)
        phone.close()


@pytest.fixture
def longyang():
    towns = [make_enterprise(f"滕州龙阳{i}号机械有限公司", town_name="龙阳镇") for i in range(2)]
    make_enterprise("滕州荆河对照化工有限公司", town_name="荆河街道")
    make_user("bureau", Role.BUREAU_ADMIN, password=PASSWORD)
    return towns


def test_admin_onboards_a_longyang_officer_in_the_browser(live_server, longyang, browser):
    base = live_server.url
    admin = browser.new_page(viewport={"width": 1366, "height": 768})
    watch = Watch(admin)
    log_in(admin, base, "bureau")
    admin.goto(f"{base}/accounts/users/")
    admin.click("text=新建用户")
    admin.fill("#id_username", "longyang_officer")
    admin.fill("#id_full_name", "龙阳镇专干")
    admin.select_option("#id_role", Role.TOWN_OFFICER)
    admin.select_option("#id_town", label="龙阳镇")
    admin.click("button:has-text('创建用户')")
    password = admin.locator("[data-one-time-password]").inner_text().strip()
    assert len(password) == 12

    officer = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    officer.goto(f"{base}/accounts/login/")
    officer.fill("#id_username", "longyang_officer")
    officer.fill("#id_password", password)
    officer.click("button[type=submit]")
    officer.wait_for_url(f"{base}/accounts/password/")
    assert "一次性密码" in officer.content()
    officer.fill("#id_old_password", password)
    officer.fill("#id_new_password1", "Longyang-river-7")
    officer.fill("#id_new_password2", "Longyang-river-7")
    officer.click("button:has-text('修改密码')")
    officer.wait_for_url(f"{base}/")
    officer.goto(f"{base}/enterprises/")
    names = officer.locator("table tbody tr").all_inner_texts()
    assert len(names) == 2 and all("龙阳" in n for n in names)

    admin.click("text=返回用户详情")
    admin.click("button:has-text('撤销')")
    assert "已撤销该角色" in admin.content()
    officer.goto(f"{base}/enterprises/")
    assert "滕州龙阳" not in officer.content()
    assert officer.goto(f"{base}/enterprises/{longyang[0].uscc}/").status == 404
    assert watch.errors == []


# What the form's button says once sent is recorded as it happens into sessionStorage (Playwright cannot look
# into a page whose navigation is under way), and the form is sent again 0.2 s after the first time, as a
# double click would; the first request is held until the test lets it go.
TWICE = """form => {
    const button = form.querySelector('button[type=submit]');
    new MutationObserver(() => sessionStorage.setItem('busy', button.textContent + (button.disabled ? '|disabled' : '')))
        .observe(form, {subtree: true, childList: true, attributes: true});
    form.addEventListener('submit', () => setTimeout(() => form.requestSubmit(), 200), {once: true});
}"""


def send_twice(page, form, pattern):
    """Click the button of `form` once with a second send following; return what the button said while the
    request was held and how many requests were sent, once the first has gone through to its page."""
    page.locator(form).evaluate(TWICE)
    held = Held(page, pattern)
    page.click(f"{form} button[type=submit]", no_wait_after=True)
    wait_for(page, held)
    page.wait_for_timeout(800)  # the second send comes while the first is still held
    sent = len(held.routes)
    with page.expect_navigation():
        held.release()
    return page.evaluate("() => sessionStorage.getItem('busy')"), sent


def test_a_new_user_and_a_password_reset_are_sent_once(live_server, longyang, browser):
    base = live_server.url
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    watch = Watch(page)
    log_in(page, base, "bureau")
    page.goto(f"{base}/accounts/users/new/")
    page.fill("#id_username", "twice_officer")
    page.select_option("#id_role", Role.TOWN_OFFICER)
    page.select_option("#id_town", label="龙阳镇")
    busy, sent = send_twice(page, "form.card", "**/accounts/users/new/")
    assert busy.startswith("正在创建…") and busy.endswith("|disabled") and sent == 1, (busy, sent)
    assert len(page.locator("[data-one-time-password]").inner_text().strip()) == 12  # not "用户名已存在"

    page.click("text=返回用户详情")
    busy, sent = send_twice(page, "form[action$='/reset-password/']", "**/reset-password/")
    assert busy.startswith("正在重置…") and busy.endswith("|disabled") and sent == 1, (busy, sent)
    assert page.locator("[data-one-time-password]").count() == 1
    assert watch.errors == []
