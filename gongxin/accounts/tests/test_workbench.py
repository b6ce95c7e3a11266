"""The workbench (工作台) per role: each item counts exactly what the page it links to lists,
for the same user (the items come from reporting/, analysis/ and projects/ panels)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from gongxin.projects.models import Stage
from gongxin.projects.tests.utils import invest, make_project
from gongxin.reporting.models import Form, Return
from gongxin.reporting.tests.helpers import make_return
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db
S = Return.Status
TODAY = dt.datetime(2022, 5, 3, 9)


@pytest.fixture
def county():
    mine = make_enterprise(town_name="荆河街道", years=(2022,))
    second = make_enterprise(town_name="荆河街道")
    silent = make_enterprise(town_name="荆河街道")  # files nothing for 2022-04
    other = make_enterprise(town_name="龙泉街道")
    finance = Form.objects.get(code="finance")
    make_return(mine, "2022-03", S.ACCEPTED)
    make_return(mine, "2022-04", S.RETURNED, return_reason="工业销售产值填报有误，请核实")
    make_return(second, "2022-03", S.APPROVED)
    make_return(second, "2022-04", S.SUBMITTED)
    Return.objects.create(enterprise=second, form=finance, period="2022-04", status=S.SUBMITTED)
    make_return(other, "2022-04", S.SUBMITTED)
    make_return(other, "2022-03", S.APPROVED)
    late = make_project(second, Stage.BUILDING, planned_completion=dt.date(2022, 2, 1), town=second.town)
    invest(late, "2022-04", "10", "30")
    make_project(other, Stage.FILED, planned_start=dt.date(2022, 1, 1), town=other.town)
    p = personas(mine, other)
    p["silent"] = silent
    return p


def items_of(client):
    with time_machine.travel(TODAY):
        response = client.get("/")
    assert response.status_code == 200
    return response.context["work_sections"], response


def listed(client, item):
    """How many things the item's page lists for the same user."""
    with time_machine.travel(TODAY):
        response = client.get(item.url)
    assert response.status_code == 200, item.url
    ctx = response.context
    if item.url.startswith("/returns/completeness/"):
        return len(ctx["total"].missing)
    if item.url == "/returns/":
        return ctx["owed_count"]
    return ctx["page"].paginator.count


def counted(sections):
    return {item.title: item for _, items in sections for item in items if item.count is not None}


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader"])
def test_every_count_matches_the_page_it_links_to(county, who):
    client = login(county[who])
    sections, _ = items_of(client)
    for item in counted(sections).values():
        assert item.count == listed(client, item), (who, item.title)
    for _, items in sections:
        for item in items:
            with time_machine.travel(TODAY):
                assert client.get(item.url).status_code == 200, (who, item.url)


def test_reporter_sees_every_owed_return_of_every_form_and_the_reason_of_a_return(county):
    sections, response = items_of(login(county["reporter"]))
    items = counted(sections)
    owed = items["待报送报表"]
    texts = [text for text, _, _ in owed.rows]
    # 产值 and 财务, each period from 1-2月 to 4月 without a counted return, one row each.
    assert "产值表 · 2022年4月" in texts and "财务表 · 2022年1-2月" in texts and "财务表 · 2022年4月" in texts
    assert "产值表 · 2022年3月" not in texts  # accepted
    assert owed.count == len(owed.rows) == 2 + 3
    assert all(note.endswith("日") and "截止" in note for _, _, note in owed.rows)
    assert dict((t, u) for t, u, _ in owed.rows)["财务表 · 2022年4月"].endswith("/finance/2022-04/")
    back = items["被退回待重报"]
    assert back.count == 1 and "工业销售产值填报有误" in back.rows[0][2]
    assert "工业销售产值填报有误" in response.content.decode()


def test_town_officer_reviews_its_own_town_and_sees_who_has_not_filed(county):
    sections, _ = items_of(login(county["town"]))
    items = counted(sections)
    assert items["待审核：产值表 2022年4月"].count == 1  # second's; other town's is not counted
    assert items["待审核：财务表 2022年4月"].count == 1
    missing = items["本镇街未报送企业"]
    assert missing.count == 2  # mine (returned) and silent
    assert {text for text, _, _ in missing.rows} == {county["reporter"].memberships.get().enterprise.name,
                                                      county["silent"].name}
    figures = {item.title: item for _, its in sections for item in its if item.count is None}
    assert "荆河街道规上工业总产值（1-4月）" in figures
    assert figures["荆河街道总产值同比（1-4月）"].value == "增长11.1%"
    # Two of the town's three listed enterprises have not filed April: the figures say whose they hold.
    output = figures["荆河街道规上工业总产值（1-4月）"].note
    assert output.endswith("；已报送1家，占应报3家的33.3%"), output
    assert figures["荆河街道总产值同比（1-4月）"].note.endswith("；仅含已计入的1家")


def test_bureau_accepts_approved_returns_and_sees_overdue_projects_and_completeness(county):
    sections, _ = items_of(login(county["analyst"]))
    items = counted(sections)
    assert items["待受理：产值表 2022年3月"].count == 2
    assert items["逾期技改项目"].count == 2
    progress = [item for _, its in sections for item in its if item.title.startswith("报送进度")][0]
    assert progress.value == "50.0%" and progress.note.startswith("已报送2/4家，未报送2家")


def test_leader_sees_the_headline_figures_with_the_dashboard_link(county):
    sections, _ = items_of(login(county["leader"]))
    figures = {item.title: item for _, its in sections for item in its}
    assert set(figures) >= {"滕州市规上工业总产值（1-4月）", "滕州市总产值同比（1-4月）", "规上工业增加值同比（1-4月）",
                            "工业技改投资（1-4月）"}
    assert figures["滕州市规上工业总产值（1-4月）"].url == "/analysis/?period=2022-04"
    assert not [i for _, its in sections for i in its if i.count is not None and i.section == "待办"]


def test_user_without_role_has_no_work(county):
    sections, response = items_of(login(county["nobody"]))
    assert sections == []
    assert "尚未分配角色" in response.content.decode()


def test_demo_personas_each_get_work(county):
    """Every role's workbench shows at least one item (the demo's too: see the screenshots)."""
    for who in ("admin", "analyst", "town", "reporter", "leader"):
        sections, _ = items_of(login(county[who]))
        assert sections, who



def test_work_comes_first_for_those_who_act_and_figures_first_for_leaders(county):
    sections, _ = items_of(login(county["town"]))
    assert [name for name, _ in sections][:2] == ["待办", "运行概况"]
    sections, _ = items_of(login(county["leader"]))
    assert [name for name, _ in sections][0] == "运行概况"
