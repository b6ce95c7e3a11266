"""Programme and fund-programme pages: bureau staff create and edit; everyone else 403."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gongxin.accounts.audit import entries_for
from gongxin.projects import services
from gongxin.projects.models import FundProgramme, Programme
from gongxin.testing import make_enterprise, personas

from .utils import make_programme, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    own = make_enterprise(town_name="荆河街道")
    return personas(own)


def client(user):
    c = Client()
    c.force_login(user)
    return c


def programme_data(**changes):
    return {"name": "百家企业智能化技改", "year": "2022", "level": "city", "description": "", **changes}


def fund_data(**changes):
    return {"name": "技改扶持资金", "year": "2022", "budget": "6000", "description": "", **changes}


@pytest.mark.parametrize("who,status", [("admin", 200), ("analyst", 200), ("leader", 403), ("town", 403),
                                        ("outsider", 403), ("reporter", 403), ("nobody", 403)])
def test_who_sees_the_management_page_and_forms(people, who, status):
    g = make_programme()
    f = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    c = client(people[who])
    for url in ("/projects/programmes/", "/projects/programmes/new/", f"/projects/programmes/{g.pk}/",
                "/projects/programmes/funds/new/", f"/projects/programmes/funds/{f.pk}/"):
        assert c.get(url).status_code == status, url


@pytest.mark.parametrize("who,status", [("analyst", 302), ("leader", 403), ("town", 403), ("reporter", 403),
                                        ("nobody", 403)])
def test_who_may_create(people, who, status):
    c = client(people[who])
    assert c.post("/projects/programmes/new/", programme_data()).status_code == status
    assert c.post("/projects/programmes/funds/new/", fund_data()).status_code == status
    assert Programme.objects.exists() == FundProgramme.objects.exists() == (status == 302)


@pytest.mark.parametrize("who,status", [("analyst", 302), ("leader", 403), ("town", 403), ("reporter", 403)])
def test_who_may_edit(people, who, status):
    g = make_programme(name="百家企业智能化技改", level=Programme.Level.CITY)
    f = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    c = client(people[who])
    assert c.post(f"/projects/programmes/{g.pk}/", programme_data(level="province", version="1")).status_code == status
    assert c.post(f"/projects/programmes/funds/{f.pk}/", fund_data(budget="7000", version="1")).status_code == status
    g.refresh_from_db()
    f.refresh_from_db()
    assert (g.level == "province") == (f.budget == Decimal("7000")) == (status == 302)


def test_unknown_programme_is_404_for_bureau(people):
    c = client(people["analyst"])
    assert c.get("/projects/programmes/999/").status_code == 404
    assert c.post("/projects/programmes/funds/999/", fund_data()).status_code == 404


def test_create_and_edit_are_audited(people):
    c = client(people["analyst"])
    c.post("/projects/programmes/new/", programme_data())
    g = Programme.objects.get()
    c.post(f"/projects/programmes/{g.pk}/", programme_data(year="2023", version="1"))
    g.refresh_from_db()
    assert (g.year, g.version) == (2023, 2)
    log = list(entries_for(g).order_by("id").values_list("action", "data"))
    assert log[0][0] == "projects.create" and log[1] == ("projects.update", {"year": ["2022", "2023"]})


def test_stale_edit_is_refused_and_keeps_the_other_change(people):
    f = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    c = client(people["analyst"])
    assert c.post(f"/projects/programmes/funds/{f.pk}/", fund_data(budget="7000", version="1")).status_code == 302
    r = c.post(f"/projects/programmes/funds/{f.pk}/", fund_data(budget="8000", version="1"))
    assert r.status_code == 400 and "已被他人修改" in r.content.decode()
    f.refresh_from_db()
    assert (f.budget, f.version) == (Decimal("7000"), 2)


def test_duplicate_name_and_year_and_bad_budget_are_refused(people):
    FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    c = client(people["analyst"])
    assert c.post("/projects/programmes/funds/new/", fund_data()).status_code == 400
    for budget in ("0", "-1", "abc"):
        assert c.post("/projects/programmes/funds/new/", fund_data(year="2023", budget=budget)).status_code == 400
    assert FundProgramme.objects.count() == 1


def test_budget_may_not_fall_below_approved_total(people):
    analyst = people["analyst"]
    f = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    app = services.apply_for_funds(analyst, f, make_enterprise(), "3000", dt.date(2022, 3, 1))
    services.approve_application(analyst, services.review_application(analyst, app, dt.date(2022, 3, 2)),
                                 dt.date(2022, 3, 3), "2500")
    c = client(analyst)
    r = c.post(f"/projects/programmes/funds/{f.pk}/", fund_data(budget="2000", version="1"))
    assert r.status_code == 400 and "不能低于已批准金额合计（2500.00万元）" in r.content.decode()
    assert c.post(f"/projects/programmes/funds/{f.pk}/", fund_data(budget="2500", version="1")).status_code == 302


def test_management_page_lists_counts(people):
    g = make_programme()
    make_project(make_enterprise()).programmes.add(g)
    f = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    html = client(people["analyst"]).get("/projects/programmes/").content.decode()
    assert f'href="/projects/?programme={g.pk}">1</a>' in html and "5,000.00" in html
    assert f'/projects/programmes/funds/{f.pk}/' in html
