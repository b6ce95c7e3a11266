"""The return page saved and submitted in place: the entry form's htmx post gets the page itself,
rendered after the write (one request instead of a redirect and a second GET); a plain post keeps
Post/Redirect/Get; a refused post — a stale or malformed version, failed checks — is the page with
the reasons (400), nothing written."""

import re

import pytest

from gongxin.accounts.models import AuditEntry
from gongxin.reporting.models import Return, ReturnValue, ValueChange
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, post_data, values

pytestmark = pytest.mark.django_db
S = Return.Status
PERIOD = "2022-03"


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    return e, personas(e)


def url(e, period=PERIOD):
    return f"/returns/{e.uscc}/output/{period}/"


def htmx(path):
    """The headers htmx sends with the entry form's post from the page at `path`."""
    return {"HX-Request": "true", "HX-Current-URL": f"http://testserver{path}"}


def page_version(html):
    return re.search(r'<form method="post" id="entry-form".*?name="version" value="([^"]*)"', html, re.S).group(1)


def badge(html):
    return re.search(r'<span class="badge fs-4 [^"]*">([^<]+)</span>', html).group(1)


def test_htmx_save_answers_with_the_saved_page(client, cast):
    e, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(action="save"), headers=htmx(url(e)))
    html = response.content.decode()
    ret = Return.objects.get(enterprise=e, period=PERIOD)
    assert response.status_code == 200 and "Location" not in response
    assert "HX-Replace-Url" not in response and "HX-Push-Url" not in response  # the URL is the page's own
    assert "已保存草稿" in html and badge(html) == "草稿"
    assert page_version(html) == str(ret.version) and ret.version >= 1
    assert 'name="output_value.month" value="1000"' in html
    assert "删除草稿" in html and "创建报表" in html  # the draft's own buttons and its history
    # The message was shown with the page: the next one does not repeat it.
    assert "已保存草稿" not in client.get(url(e)).content.decode()


def test_htmx_submit_answers_with_the_submitted_page(client, cast):
    e, p = cast
    ret = make_return(e, PERIOD)
    client.force_login(p["reporter"])
    data = post_data(action="submit", version=ret.version)
    response = client.post(url(e), data, headers=htmx(url(e)))
    html = response.content.decode()
    ret.refresh_from_db()
    assert response.status_code == 200 and "Location" not in response
    assert ret.status == S.SUBMITTED
    assert "报表已报送，等待镇街审核" in html and badge(html) == "已报送"
    # Submitted, the reporter's page is read-only: no entry cells, no buttons, the step in the history.
    assert 'name="output_value.month"' not in html and 'value="submit"' not in html
    assert "<strong>报送</strong>" in html


def test_plain_post_still_redirects_to_the_page(client, cast):
    e, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(action="save"))
    assert response.status_code == 302 and response["Location"] == url(e)
    assert "已保存草稿" in client.get(url(e)).content.decode()
    ret = Return.objects.get(enterprise=e, period=PERIOD)
    response = client.post(url(e), post_data(action="submit", version=ret.version))
    assert response.status_code == 302 and response["Location"] == url(e)
    assert Return.objects.get(pk=ret.pk).status == S.SUBMITTED


def test_htmx_post_with_a_stale_version_is_refused_in_place(client, cast):
    e, p = cast
    ret = make_return(e, PERIOD)
    stale = ret.version
    client.force_login(p["analyst"])
    client.post(url(e), post_data(action="save", version=stale), headers=htmx(url(e)))
    current = Return.objects.get(pk=ret.pk).version
    changes, audit = ValueChange.objects.count(), AuditEntry.objects.count()
    client.force_login(p["reporter"])
    typed = post_data(values(output_value__month=4321), action="save", version=stale)
    response = client.post(url(e), typed, headers=htmx(url(e)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "已被他人修改" in html and 'id="entry-form"' in html and 'value="4321"' in html
    assert Return.objects.get(pk=ret.pk).version == current
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == 1000
    assert (ValueChange.objects.count(), AuditEntry.objects.count()) == (changes, audit)


def test_htmx_post_without_a_usable_version_is_refused_in_place(client, cast):
    e, p = cast
    ret = make_return(e, PERIOD)
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(values(output_value__month=4321), action="save", version="abc"),
                           headers=htmx(url(e)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "缺少或无效的版本号，请刷新页面后重新操作" in html and 'id="entry-form"' in html and 'value="4321"' in html
    assert Return.objects.get(pk=ret.pk).version == ret.version
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == 1000
    # A plain post gets the bare refusal, as before.
    response = client.post(url(e), post_data(action="save", version="abc"))
    assert response.status_code == 400 and "entry-form" not in response.content.decode()


def test_htmx_submit_with_failed_checks_is_the_page_with_the_reasons(client, cast):
    e, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(values(output_value__month=-5), action="submit"), headers=htmx(url(e)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "不能为负数" in html and 'id="entry-form"' in html
    assert not Return.objects.filter(enterprise=e).exists()


def test_the_same_htmx_save_sent_twice_applies_once(client, cast):
    e, p = cast
    ret = make_return(e, PERIOD)
    client.force_login(p["reporter"])
    data = post_data(values(output_value__month=1200), action="save", version=ret.version)
    assert client.post(url(e), data, headers=htmx(url(e))).status_code == 200
    again = client.post(url(e), data, headers=htmx(url(e)))
    assert again.status_code == 400 and "已被他人修改" in again.content.decode()
    assert Return.objects.get(pk=ret.pk).version == ret.version + 1
    assert AuditEntry.objects.filter(action="returns.save", object_id=str(ret.pk)).count() == 1


def test_htmx_save_from_another_spelling_of_the_url_replaces_it(client, cast):
    from gongxin.lib.uscc import make_uscc

    _, p = cast
    # An enterprise whose code has a letter, so that the page opened in lower case is another URL.
    e = make_enterprise(uscc=next(u for u in (make_uscc("370481", 88_000_000 + i) for i in range(200))
                                  if not u.isdigit()))
    p["reporter"].memberships.update(enterprise=e)
    client.force_login(p["reporter"])
    spelled = f"/returns/{e.uscc.lower()}/output/{PERIOD}/"
    response = client.post(spelled, post_data(action="save"), headers=htmx(spelled))
    assert response.status_code == 200
    assert response["HX-Replace-Url"] == url(e)


def test_the_entry_form_posts_with_htmx_and_keeps_a_plain_post(client, cast):
    e, p = cast
    client.force_login(p["reporter"])
    html = client.get(url(e)).content.decode()
    form = re.search(r'<form method="post" id="entry-form"[^>]*>', html, re.S).group(0)
    for attribute in (f'hx-post="{url(e)}"', 'hx-select=".page"', 'hx-target="closest .page"', "data-swap-refused",
                      'hx-disabled-elt="#entry-form button"', 'hx-sync="this:drop"', 'hx-disinherit="*"'):
        assert attribute in form
    assert "action=" not in form  # without JavaScript the form posts to the page itself
