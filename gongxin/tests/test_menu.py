"""The main menu: a role sees only what it may open (every visible entry answers, not 403/404),
groups it may not use are absent, the active page is marked; the guide and the error pages."""

import pytest
from django.test import Client

from gongxin.accounts.scoping import get_access
from gongxin.menu import MENU, menu_for
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db
WHO = ["admin", "analyst", "town", "outsider", "reporter", "leader", "nobody"]


@pytest.fixture
def cast():
    import datetime as dt

    from gongxin.emergencies.models import Event

    # The emergency pages work under an event (without one they answer 404 "尚未设立应急事件").
    Event.objects.create(code="2022-covid", name="2022年新冠肺炎疫情防控", kind=Event.Kind.EPIDEMIC,
                         started_on=dt.date(2022, 3, 1))
    mine = make_enterprise(town_name="荆河街道")
    make_return(mine, "2022-03", Return.Status.SUBMITTED)
    return personas(mine)


def visible_urls(user):
    return [e["url"] for g in menu_for(get_access(user), "/") for e in g["entries"]]


@pytest.mark.parametrize("who", WHO)
def test_every_visible_entry_opens_for_the_role(cast, who):
    client = Client()
    client.force_login(cast[who])
    for url in visible_urls(cast[who]):
        assert client.get(url).status_code not in (403, 404), (who, url)


@pytest.mark.parametrize("who", WHO)
def test_hidden_entries_are_refused_for_the_role(cast, who):
    """Hiding is not the protection, but what is hidden is what the view refuses (or shows nothing)."""
    client = Client()
    client.force_login(cast[who])
    shown = set(visible_urls(cast[who]))
    access = get_access(cast[who])
    for group in MENU:
        for entry in group.entries:
            if entry.url in shown or not access.roles:
                continue
            status = client.get(entry.url).status_code
            assert status in (403, 404, 200), (who, entry.url, status)


def test_groups_follow_the_role(cast):
    labels = {who: [g["label"] for g in menu_for(get_access(cast[who]), "/")] for who in WHO}
    assert "系统管理" in labels["admin"]
    assert labels["nobody"] == []
    admin_entries = {e["label"] for g in menu_for(get_access(cast["admin"]), "/") for e in g["entries"]}
    assert {"用户与授权", "操作日志", "使用手册", "修改密码"} <= admin_entries
    reporter_entries = {e["label"] for g in menu_for(get_access(cast["reporter"]), "/") for e in g["entries"]}
    assert "用户与授权" not in reporter_entries and "运行分析" not in reporter_entries
    assert "使用手册" in reporter_entries


def test_active_entry_is_marked_by_the_longest_prefix(cast):
    menu = menu_for(get_access(cast["admin"]), "/accounts/users/12/")
    active = [(g["label"], e["label"]) for g in menu for e in g["entries"] if e["active"]]
    assert active == [("系统管理", "用户与授权")]
    assert [g["label"] for g in menu if g["active"]] == ["系统管理"]


def test_page_marks_the_active_entry(cast):
    client = Client()
    client.force_login(cast["admin"])
    body = client.get("/accounts/users/").content.decode()
    assert 'class="dropdown-item active" href="/accounts/users/"' in body


def test_guide_renders_the_markdown_as_chinese_html(cast):
    client = Client()
    client.force_login(cast["reporter"])
    response = client.get("/guide/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h2" in body and "<table>" in body and "用户与授权" in body
    assert "使用手册" in body and "## " not in body
    assert "月度统计报表的填报" in body  # the source's line break inside a sentence leaves no space


@pytest.mark.parametrize("path, status, text", [
    ("/no-such-page/", 404, "页面或数据不存在"),
    ("/accounts/users/", 403, "无权执行此操作"),
])
def test_error_pages_are_chinese_when_debug_is_off(cast, settings, path, status, text):
    settings.DEBUG = False
    client = Client()
    client.force_login(cast["reporter"])
    response = client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()


def test_server_error_page_is_chinese(settings):
    from django.template.loader import render_to_string

    settings.DEBUG = False
    html = render_to_string("500.html")
    assert "服务器出现错误" in html and 'lang="zh-CN"' in html

