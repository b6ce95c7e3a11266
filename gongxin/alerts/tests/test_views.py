"""The warnings pages: list by level/town/type, detail, follow-up, rules — and who may do what."""

import re

import pytest
import time_machine

from gongxin.alerts import scan
from gongxin.alerts.models import EarlyWarning, WarningRule
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    with time_machine.travel("2022-05-20"):
        home = make_enterprise("荆河红色企业有限公司", town_name="荆河街道")
        away = make_enterprise("龙泉黄色企业有限公司", town_name="龙泉街道")
        make_return(home, "2022-03", values=output(10, 45, 10, 100))  # −55% red
        make_return(away, "2022-03", values=output(10, 75, 10, 100))  # −25% yellow
        scan.scan("2022-03")
    people = personas(home, away)
    return people, EarlyWarning.objects.get(enterprise=home), EarlyWarning.objects.get(enterprise=away)


def test_list_by_level_links_to_the_enterprise(client, setup):
    people, home, away = setup
    client.force_login(people["analyst"])
    html = client.get("/analysis/warnings/").content.decode()
    assert html.index("荆河红色企业有限公司") < html.index("龙泉黄色企业有限公司")  # red first
    assert f'href="/enterprises/{home.enterprise.uscc}/"' in html
    filtered = client.get("/analysis/warnings/?level=yellow").content.decode()
    assert "龙泉黄色企业有限公司" in filtered and "荆河红色企业有限公司" not in filtered
    by_town = client.get("/analysis/warnings/?town=" + home.town.code).content.decode()
    assert "荆河红色企业有限公司" in by_town and "龙泉黄色企业有限公司" not in by_town
    by_kind = client.get("/analysis/warnings/?kind=electricity_mismatch").content.decode()
    assert "没有符合条件的预警" in by_kind


def test_town_officer_sees_only_their_towns_warnings(client, setup):
    people, home, away = setup
    client.force_login(people["town"])
    html = client.get("/analysis/warnings/").content.decode()
    assert "荆河红色企业有限公司" in html and "龙泉黄色企业有限公司" not in html
    assert client.get(f"/analysis/warnings/{home.pk}/").status_code == 200
    assert client.get(f"/analysis/warnings/{away.pk}/").status_code == 404


def test_leader_reads_but_enterprise_users_and_nobody_may_not(client, setup):
    people, home, away = setup
    client.force_login(people["leader"])
    assert client.get("/analysis/warnings/").status_code == 200
    assert client.get(f"/analysis/warnings/{away.pk}/").status_code == 200
    for name in ("reporter", "nobody"):
        client.force_login(people[name])
        assert client.get("/analysis/warnings/").status_code == 403
        assert client.get(f"/analysis/warnings/{home.pk}/").status_code == 403
        assert client.post(f"/analysis/warnings/{home.pk}/follow-up/", {"note": "x", "token": "t0ken0001"}).status_code == 403
    client.logout()
    assert client.get("/analysis/warnings/").status_code == 302


def test_follow_up_is_recorded_and_kept_in_history(client, setup):
    people, home, away = setup
    client.force_login(people["town"])
    response = client.post(f"/analysis/warnings/{home.pk}/follow-up/", {"note": "已上门走访，订单恢复中", "token": "t0ken0002"})
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.status == "followed_up"
    assert home.follow_ups.get().note == "已上门走访，订单恢复中"
    html = client.get(f"/analysis/warnings/{home.pk}/").content.decode()
    assert "已上门走访，订单恢复中" in html and "town1" in html


def test_follow_up_refused_out_of_scope_read_only_and_empty(client, setup):
    people, home, away = setup
    client.force_login(people["outsider"])
    assert client.post(f"/analysis/warnings/{home.pk}/follow-up/", {"note": "x", "token": "t0ken0001"}).status_code == 404
    client.force_login(people["leader"])
    assert client.post(f"/analysis/warnings/{home.pk}/follow-up/", {"note": "x", "token": "t0ken0001"}).status_code == 403
    client.force_login(people["analyst"])
    assert client.get(f"/analysis/warnings/{home.pk}/follow-up/").status_code == 405
    client.post(f"/analysis/warnings/{home.pk}/follow-up/", {"note": " "})
    assert not home.follow_ups.exists()
    home.refresh_from_db()
    assert home.status == "open"


def test_rules_page_read_by_bureau_edited_by_admin_only(client, setup):
    people, home, away = setup
    rule = WarningRule.objects.get(code="output_fall_yellow")
    client.force_login(people["analyst"])
    assert client.get("/analysis/warnings/rules/").status_code == 200
    assert client.get(f"/analysis/warnings/rules/{rule.pk}/").status_code == 403
    for name in ("town", "reporter"):
        client.force_login(people[name])
        assert client.get("/analysis/warnings/rules/").status_code == 403
    client.force_login(people["admin"])
    data = {"name": rule.name, "level": "orange", "threshold": "25", "months": "1", "message": rule.message,
            "active": "on", "version": rule.version}
    assert client.post(f"/analysis/warnings/rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert (rule.level, str(rule.threshold), rule.version) == ("orange", "25.0", 2)
    bad = client.post(f"/analysis/warnings/rules/{rule.pk}/", dict(data, message="{oops", version=2))
    assert bad.status_code == 200 and "占位符有误" in bad.content.decode()


def test_period_filter_takes_all_and_refuses_a_bad_period_like_every_page(client, setup):
    people, home, away = setup
    client.force_login(people["analyst"])
    assert "荆河红色企业有限公司" in client.get("/analysis/warnings/?period=all").content.decode()
    refused = client.get("/analysis/warnings/?period=2022-01")
    assert refused.status_code == 404 and "请选择2022-02" in refused.content.decode()


def town_cells(html):
    return re.findall(r'<td class="d-none d-md-table-cell text-nowrap">([^<]*)</td>', html)


def test_a_moved_enterprise_is_shown_and_filtered_under_its_current_town(client, setup):
    people, home, away = setup
    home.enterprise.town = away.enterprise.town  # 荆河红色 moves to 龙泉街道 after the scan
    home.enterprise.save()
    jinghe, longquan = home.town.code, away.town.code
    client.force_login(people["analyst"])
    html = client.get(f"/analysis/warnings/?town={longquan}").content.decode()
    assert "荆河红色企业有限公司" in html and "龙泉黄色企业有限公司" in html
    assert town_cells(html) == ["龙泉街道", "龙泉街道"]
    assert "荆河红色企业有限公司" not in client.get(f"/analysis/warnings/?town={jinghe}").content.decode()
    assert town_cells(client.get("/analysis/warnings/").content.decode()) == ["龙泉街道", "龙泉街道"]
    detail = client.get(f"/analysis/warnings/{home.pk}/").content.decode()
    assert re.search(r"<dt[^>]*>镇街</dt><dd[^>]*>龙泉街道</dd>", detail)


def test_every_period_lists_the_newest_period_first_then_by_level(client, setup):
    people, home, away = setup
    earlier = [EarlyWarning.objects.create(rule=home.rule, period="2022-02", enterprise=e, town=e.town,
                                           level="red", reason="上月下降") for e in (away.enterprise, home.enterprise)]
    client.force_login(people["analyst"])
    html = client.get("/analysis/warnings/?period=all").content.decode()
    shown = [int(pk) for pk in re.findall(r'href="/analysis/warnings/(\d+)/"', html)]
    # 2022-03's red and yellow, then 2022-02's two reds by town and enterprise (荆河街道's before 龙泉街道's).
    assert shown == [home.pk, away.pk, earlier[1].pk, earlier[0].pk]
