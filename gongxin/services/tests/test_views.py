"""Who may open and do what on the services pages (the access matrix), anonymity, and the flow."""

import datetime as dt

import pytest

from gongxin.accounts.models import AuditEntry
from gongxin.services import services
from gongxin.services.models import Benefit, Demand, Policy, Visit, VisitPlan
from gongxin.testing import make_enterprise, personas

from .helpers import dept, tier

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def cast():
    e = make_enterprise("滕州页面测试机械有限公司")
    other = make_enterprise("龙泉页面测试化工有限公司", town_name="龙泉街道")
    p = personas(e, other)
    mine = services.raise_demand(p["reporter"], e, category="logistics", title="运输受阻", description="d",
                                 tier=tier("priority"))
    theirs = services.raise_demand(p["other_reporter"], other, category="labour", title="缺工", description="d",
                                   tier=tier())
    secret = services.raise_demand(p["reporter"], e, category="other", title="匿名反映", description="d",
                                   tier=tier(), anonymous=True)
    policy = Policy.objects.create(title="测试政策", level="county", issuer="县政府", content="c", year=2022,
                                   on_list=False)
    Visit.objects.create(enterprise=e, visited_on=dt.date(2022, 3, 1), visitors="张三", findings="正常")
    VisitPlan.objects.create(name="走访计划", scope="list", group="运行科", starts_on=dt.date(2022, 3, 1),
                             ends_on=dt.date(2022, 3, 31))
    return {"e": e, "other": other, "p": p, "mine": mine, "theirs": theirs, "secret": secret, "policy": policy}


def get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


MATRIX = {
    # url: statuses for admin, analyst, town, outsider, reporter, other_reporter, leader, nobody
    "/services/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/services/export.xlsx": (200, 200, 200, 200, 403, 403, 200, 403),
    "/services/bulletin.docx?month=2022-04": (200, 200, 200, 200, 403, 403, 200, 403),
    "/services/clusters/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/services/demands/": (200, 200, 200, 200, 200, 200, 200, 403),
    "/services/demands/new/": (200, 200, 200, 200, 200, 200, 403, 403),
    "{mine}": (200, 200, 200, 404, 200, 404, 200, 404),
    "{theirs}": (200, 200, 404, 200, 404, 200, 200, 404),
    "{secret}": (200, 200, 404, 404, 200, 404, 200, 404),
    "/services/visits/": (200, 200, 200, 200, 200, 200, 200, 403),
    "/services/visits/new/": (200, 200, 200, 200, 403, 403, 403, 403),
    "/services/policies/": (200, 200, 200, 200, 200, 200, 200, 403),
    "{policy}": (200, 200, 200, 200, 200, 200, 200, 403),
    "{policy}not-benefited.xlsx": (200, 200, 200, 200, 403, 403, 200, 403),
    "/services/policies/new/": (200, 200, 403, 403, 403, 403, 403, 403),
    "/services/calendar/": (200, 200, 403, 403, 403, 403, 403, 403),
    "/services/calendar/import/": (200, 403, 403, 403, 403, 403, 403, 403),
}
WHO = ("admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")


@pytest.mark.parametrize("url", MATRIX)
def test_access_matrix(client, cast, url):
    real = url.format(mine=f"/services/demands/{cast['mine'].pk}/", theirs=f"/services/demands/{cast['theirs'].pk}/",
                      secret=f"/services/demands/{cast['secret'].pk}/", policy=f"/services/policies/{cast['policy'].pk}/")
    got = tuple(get(client, cast["p"][who], real) for who in WHO)
    assert got == MATRIX[url], dict(zip(WHO, got, strict=True))


def test_anonymous_demand_never_names_the_enterprise_to_handlers(client, cast):
    url = f"/services/demands/{cast['secret'].pk}/"
    for who in ("analyst", "leader"):
        client.force_login(cast["p"][who])
        body = client.get(url).content.decode()
        assert "匿名企业" in body and cast["e"].name not in body
        assert cast["e"].name not in client.get("/services/demands/").content.decode().split("匿名反映")[1][:300]
    client.force_login(cast["p"]["reporter"])
    assert cast["e"].name in client.get(url).content.decode()
    client.force_login(cast["p"]["analyst"])
    assert client.post(f"{url}reveal/").status_code == 403
    client.force_login(cast["p"]["admin"])
    response = client.post(f"{url}reveal/", follow=True)
    assert cast["e"].name in response.content.decode()
    assert AuditEntry.objects.filter(action="services.reveal").count() == 1


def test_actions_are_checked_where_the_demand_is_fetched(client, cast):
    d = cast["mine"]
    client.force_login(cast["p"]["outsider"])
    assert client.post(f"/services/demands/{d.pk}/assign/", {"lead": dept("C01").pk, "version": d.version}
                       ).status_code == 404
    client.force_login(cast["p"]["town"])
    assert client.post(f"/services/demands/{d.pk}/assign/", {"lead": dept("C01").pk, "version": d.version}
                       ).status_code == 403
    client.force_login(cast["p"]["analyst"])
    client.post(f"/services/demands/{d.pk}/assign/", {"lead": dept("C01").pk, "version": d.version})
    d.refresh_from_db()
    assert d.status == Demand.Status.ASSIGNED
    response = client.post(f"/services/demands/{d.pk}/resolve/", {"resolution": "x", "version": "abc"}, follow=True)
    assert "页面已过期" in response.content.decode()
    d.refresh_from_db()
    assert d.status == Demand.Status.ASSIGNED


def test_enterprise_raises_a_demand_once_per_form(client, cast):
    client.force_login(cast["p"]["reporter"])
    form = {"category": "materials", "title": "钢材紧缺", "description": "需要协调", "tier": tier().pk,
            "token": "form-token-1", "enterprise": cast["e"].uscc}
    first = client.post("/services/demands/new/", form)
    second = client.post("/services/demands/new/", form)
    assert first.status_code == second.status_code == 302
    assert Demand.objects.filter(title="钢材紧缺").count() == 1


def test_enterprise_cannot_raise_for_another_enterprise(client, cast):
    client.force_login(cast["p"]["reporter"])
    form = {"category": "materials", "title": "越权", "description": "d", "tier": tier().pk, "token": "t-2",
            "enterprise": cast["other"].uscc}
    client.post("/services/demands/new/", form)
    assert Demand.objects.filter(title="越权", enterprise=cast["other"]).count() == 0


def test_bad_input_gets_a_chinese_message_and_writes_nothing(client, cast):
    client.force_login(cast["p"]["analyst"])
    assert client.get("/services/?from=garbage").status_code == 404
    assert client.get("/services/?by=nothing").status_code == 404
    response = client.post(f"/services/policies/{cast['policy'].pk}/benefits/",
                           {"enterprise": cast["e"].uscc, "amount_wan": "1e30", "granted_on": "2022-04-01"}, follow=True)
    assert Benefit.objects.count() == 0 and "兑现金额" not in response.content.decode()[:0]
    response = client.post("/services/visits/new/", {"enterprise": cast["e"].uscc, "visited_on": "9999-12-31",
                                                     "visitors": "x", "findings": "y", "token": "v1"})
    assert "走访日期应在" in response.content.decode()


def test_workbench_items_match_their_lists(client, cast):
    from gongxin.services.panels import work_items

    d = cast["theirs"]
    services.assign(d, cast["p"]["analyst"], dept("C02"), version=d.version)
    Demand.objects.filter(pk=d.pk).update(due_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC), escalated_at=dt.datetime(
        2022, 1, 2, tzinfo=dt.UTC))

    class R:
        pass

    for who in ("analyst", "leader", "outsider"):
        r = R()
        r.user = cast["p"][who]
        client.force_login(r.user)
        for item in work_items(r):
            if item.count is None:
                continue
            body = client.get(item.url).content.decode()
            assert body.count("data-demand-row") == item.count, (who, item.title)


def test_a_reporters_workbench_counts_its_open_demands_and_links_to_raising_one(client, cast):
    client.force_login(cast["p"]["reporter"])
    body = client.get("/").content.decode()
    card = body[body.index("我的诉求（办理中）"):]
    card = card[:card.index("</div></div></div>")]
    opened = Demand.objects.for_user(cast["p"]["reporter"]).open().filter(enterprise=cast["e"]).count()
    assert opened and f'data-work-count>{opened}<' in card
    assert '<a href="/services/demands/new/" class="small d-inline-block mt-2">反映困难诉求 →</a>' in card
    assert client.get("/services/demands/new/").status_code == 200  # the reporter may open it


def test_the_bulletin_offered_is_of_the_last_month_with_demands_in_the_window(client, cast):
    Demand.objects.update(received_at=dt.datetime(2022, 4, 10, 2, tzinfo=dt.UTC))
    client.force_login(cast["p"]["analyst"])
    html = client.get("/services/?from=2022-01-01&to=2022-12-31").content.decode()
    assert 'href="/services/bulletin.docx?month=2022-04"' in html and "2022年4月通报（Word）" in html
    html = client.get("/services/?from=2022-01-01&to=2022-03-31").content.decode()  # none received by then
    assert 'href="/services/bulletin.docx?month=2022-03"' in html


def test_a_warning_opens_a_prefilled_demand_linked_back(client, cast):
    client.force_login(cast["p"]["town"])
    url = f"/services/demands/new/?enterprise={cast['e'].uscc}&source=alerts.earlywarning:7&channel=warning&title=产值下降"
    body = client.get(url).content.decode()
    assert 'value="alerts.earlywarning:7"' in body and 'value="产值下降"' in body
    form = {"category": "materials", "title": "产值下降", "description": "原料不足", "tier": tier().pk, "token": "w-1",
            "enterprise": cast["e"].uscc, "channel": "warning", "source": "alerts.earlywarning:7"}
    assert client.post("/services/demands/new/", form).status_code == 302
    assert Demand.objects.get(title="产值下降").source == "alerts.earlywarning:7"
