"""The enterprise page's warnings panel and the workbench items: scoped, counts equal to the list page."""

import pytest
import time_machine
from django.test import RequestFactory

from gongxin.alerts import panels, scan, services
from gongxin.alerts.models import EarlyWarning
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    with time_machine.travel("2022-05-20"):
        home = make_enterprise("荆河红色企业有限公司", town_name="荆河街道")
        home2 = make_enterprise("荆河黄色企业有限公司", town_name="荆河街道")
        away = make_enterprise("龙泉黄色企业有限公司", town_name="龙泉街道")
        for e, ytd in ((home, 45), (home2, 75), (away, 75)):  # −55% red, −25% yellow
            make_return(e, "2022-02", values=output(10, ytd, 10, 100))
            make_return(e, "2022-03", values=output(10, ytd, 10, 100))
        scan.scan("2022-02")
        scan.scan("2022-03")
    people = personas(home, away)
    return people, home, home2, away


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _listed(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_panel_shows_the_enterprise_warnings_to_those_who_read_warnings(setup):
    people, home, home2, away = setup
    for who in ("admin", "analyst", "leader", "town"):
        html = panels.enterprise_panel(_request(people[who]), home)
        assert "运行预警" in html and "2022-03" in html and "2022-02" in html, who
        assert home2.name not in html and away.name not in html
    for who in ("outsider", "reporter", "other_reporter", "nobody"):
        assert panels.enterprise_panel(_request(people[who]), home) == "", who


def test_panel_is_empty_for_an_enterprise_without_warnings(setup):
    people = setup[0]
    assert panels.enterprise_panel(_request(people["analyst"]), make_enterprise("无预警企业有限公司")) == ""


def test_enterprise_page_shows_the_panel(client, setup):
    people, home = setup[0], setup[1]
    client.force_login(people["town"])
    html = client.get(f"/enterprises/{home.uscc}/").content.decode()
    assert "运行预警" in html and "/analysis/warnings/" in html


def test_town_officer_item_counts_the_town_warnings_to_follow_up_as_the_list_shows(client, setup):
    people, home, home2, away = setup
    [item] = panels.work_items(_request(people["town"]))
    assert item.title == "待跟进预警" and item.url == "/analysis/warnings/?period=2022-03&status=open"
    assert item.count == 2 == _listed(client, people["town"], item.url)
    assert item.level == "danger" and item.note == "2022年3月：红色1条、黄色1条"
    assert [r[0] for r in item.rows] == [home.name, home2.name]  # worst first
    services.follow_up(EarlyWarning.objects.get(enterprise=home, period="2022-03"), people["town"], "已走访")
    [item] = panels.work_items(_request(people["town"]))
    assert item.count == 1 == _listed(client, people["town"], item.url) and item.level == "warning"
    [outsider] = panels.work_items(_request(people["outsider"]))
    assert outsider.count == 1 == _listed(client, people["outsider"], outsider.url)
    assert [r[0] for r in outsider.rows] == [away.name]


def test_bureau_item_counts_the_latest_period_new_warnings_of_the_county(client, setup):
    people = setup[0]
    for who in ("admin", "analyst"):
        [item] = panels.work_items(_request(people[who]))
        assert item.title == "新预警" and item.count == 3 == _listed(client, people[who], item.url)


def test_no_warning_item_for_leaders_reporters_or_nobody_nor_when_all_followed_up(setup):
    people = setup[0]
    for who in ("leader", "reporter", "other_reporter", "nobody"):
        assert panels.work_items(_request(people[who])) == [], who
    for w in EarlyWarning.objects.filter(town__name="龙泉街道"):
        services.follow_up(w, people["analyst"], "已电话核实")
    assert panels.work_items(_request(people["outsider"])) == []


def test_home_page_shows_the_item(client, setup):
    people = setup[0]
    client.force_login(people["town"])
    html = client.get("/").content.decode()
    assert "待跟进预警" in html and "/analysis/warnings/?period=2022-03&amp;status=open" in html
