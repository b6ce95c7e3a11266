"""申报 page: the enterprise for its own project, the town officer for the town's, bureau staff for any."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gongxin.accounts.audit import entries_for
from gongxin.projects import services
from gongxin.projects.models import FundApplication, FundProgramme, Stage
from gongxin.testing import make_enterprise, personas

from .utils import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    own = make_enterprise(name="本镇企业有限公司", town_name="荆河街道")
    neighbour = make_enterprise(name="本镇另一企业有限公司", town_name="荆河街道")
    far = make_enterprise(name="外镇企业有限公司", town_name="龙泉街道")
    people = personas(own, neighbour)
    projects = {"own": make_project(own, Stage.BUILDING, code="JG-OWN"),
                "neighbour": make_project(neighbour, Stage.BUILDING, code="JG-NB"),
                "far": make_project(far, Stage.BUILDING, code="JG-FAR")}
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    return people, projects, fund


def client(user):
    c = Client()
    c.force_login(user)
    return c


def apply(c, project, fund, amount="300", **extra):
    return c.post(f"/projects/{project.code}/funds/new/", {"fund": fund.pk, "requested": amount, "note": "智能产线",
                                                           **extra})


# (persona, project) → status of the application page (GET) and of a valid POST
MAY = {
    "admin": {"own": 302, "neighbour": 302, "far": 302},
    "analyst": {"own": 302, "neighbour": 302, "far": 302},
    "town": {"own": 302, "neighbour": 302, "far": 404},
    "outsider": {"own": 404, "neighbour": 404, "far": 302},
    "reporter": {"own": 302, "neighbour": 404, "far": 404},
    "other_reporter": {"own": 404, "neighbour": 302, "far": 404},
    "leader": {"own": 403, "neighbour": 403, "far": 403},
    "nobody": {"own": 404, "neighbour": 404, "far": 404},
}


@pytest.mark.parametrize("who", MAY)
def test_who_may_apply_for_which_project(world, who):
    people, projects, fund = world
    c = client(people[who])
    for key, status in MAY[who].items():
        project = projects[key]
        assert c.get(f"/projects/{project.code}/funds/new/").status_code == (200 if status == 302 else status)
        assert apply(c, project, fund).status_code == status, (who, key)
        assert FundApplication.objects.filter(project=project).exists() == (status == 302), (who, key)
        FundApplication.objects.filter(project=project).delete()


def test_anonymous_is_sent_to_login(world):
    _, projects, _ = world
    r = Client().get(f"/projects/{projects['own'].code}/funds/new/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_application_lands_applied_for_the_projects_enterprise_and_is_audited(world):
    people, projects, fund = world
    r = apply(client(people["reporter"]), projects["own"], fund, amount="1234.5")
    assert r.status_code == 302 and r["Location"] == "/projects/JG-OWN/#funds"
    app = FundApplication.objects.get()
    assert (app.status, app.enterprise, app.requested, app.note) == (
        FundApplication.Status.APPLIED, projects["own"].enterprise, Decimal("1234.50"), "智能产线")
    assert app.applied_on == dt.date.today()
    assert list(entries_for(app).values_list("action", "user__username")) == [("projects.fund_apply", "reporter1")]
    # and it goes on through the existing transitions
    analyst = people["analyst"]
    app = services.review_application(analyst, app, dt.date.today())
    assert services.approve_application(analyst, app, dt.date.today(), "1000").status == "approved"


def test_bad_amounts_are_refused_with_a_message_and_write_nothing(world):
    people, projects, fund = world
    c = client(people["reporter"])
    for amount in ("0", "-5", "abc", ""):
        r = apply(c, projects["own"], fund, amount=amount)
        assert r.status_code == 400, amount
    assert not FundApplication.objects.exists()


def test_duplicate_open_application_is_refused_but_a_rejected_one_may_be_renewed(world):
    people, projects, fund = world
    c = client(people["reporter"])
    apply(c, projects["own"], fund)
    r = apply(c, projects["own"], fund)
    assert r.status_code == 400 and "不能重复申报" in r.content.decode()
    services.reject_application(people["analyst"], FundApplication.objects.get(), dt.date.today(), "材料不全")
    assert apply(c, projects["own"], fund).status_code == 302
    assert FundApplication.objects.count() == 2


def test_terminated_project_cannot_apply(world):
    people, projects, fund = world
    projects["own"].stage = Stage.TERMINATED
    projects["own"].save()
    c = client(people["analyst"])
    assert "申报扶持资金" not in c.get("/projects/JG-OWN/").content.decode()
    r = apply(c, projects["own"], fund)
    assert r.status_code == 400 and "已终止" in r.content.decode()


def test_only_bureau_staff_may_backdate(world):
    people, projects, fund = world
    apply(client(people["reporter"]), projects["own"], fund, applied_on="2022-01-05")
    assert FundApplication.objects.get(project=projects["own"]).applied_on == dt.date.today()
    apply(client(people["analyst"]), projects["neighbour"], fund, applied_on="2022-01-05")
    assert FundApplication.objects.get(project=projects["neighbour"]).applied_on == dt.date(2022, 1, 5)
    r = apply(client(people["analyst"]), projects["far"], fund, applied_on="2999-01-01")
    assert r.status_code == 400


@pytest.mark.parametrize("who,status", [("analyst", 200), ("town", 200), ("reporter", 200), ("leader", 403),
                                        ("nobody", 403)])
def test_who_may_open_the_general_application_page(world, who, status):
    people, _, _ = world
    assert client(people[who]).get("/projects/funds/new/").status_code == status


def test_general_page_offers_only_projects_in_scope(world):
    people, projects, fund = world
    c = client(people["town"])
    html = c.get("/projects/funds/new/").content.decode()
    assert "JG-OWN" in html and "JG-NB" in html and "JG-FAR" not in html
    r = c.post("/projects/funds/new/", {"project": projects["far"].pk, "fund": fund.pk, "requested": "100"})
    assert r.status_code == 400 and not FundApplication.objects.exists()
    r = c.post("/projects/funds/new/", {"project": projects["neighbour"].pk, "fund": fund.pk, "requested": "100"})
    assert r.status_code == 302 and FundApplication.objects.get().project == projects["neighbour"]


def test_links_to_the_application_page(world):
    people, projects, _ = world
    assert "/projects/JG-OWN/funds/new/" in client(people["reporter"]).get("/projects/JG-OWN/").content.decode()
    assert "/projects/JG-OWN/funds/new/" not in client(people["leader"]).get("/projects/JG-OWN/").content.decode()
    assert 'href="/projects/funds/new/"' in client(people["town"]).get("/projects/funds/").content.decode()
    assert 'href="/projects/funds/new/"' not in client(people["leader"]).get("/projects/funds/").content.decode()
