"""Who may see and change what, for every view (404 out of scope, 403 read-only)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongxin.accounts.audit import entries_for
from gongxin.projects.models import FundApplication, FundProgramme, InvestmentChange, Project, Stage
from gongxin.testing import make_enterprise, personas

from .utils import invest, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    own = make_enterprise(name="本镇企业有限公司", town_name="荆河街道")
    neighbour = make_enterprise(name="本镇另一企业有限公司", town_name="荆河街道")
    far = make_enterprise(name="外镇企业有限公司", town_name="龙泉街道")
    people = personas(own, neighbour)
    projects = {
        "own": make_project(own, Stage.BUILDING, code="JG-OWN", name="本企业项目", is_key=True, key_year=2022),
        "neighbour": make_project(neighbour, Stage.BUILDING, code="JG-NB", name="邻企项目"),
        "far": make_project(far, Stage.BUILDING, code="JG-FAR", name="外镇项目"),
    }
    for p in projects.values():
        invest(p, "2022-03", "10", "10")
    return people, projects


def client(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# (persona, project key) → expected status of the project page
SEES = {
    "admin": {"own": 200, "neighbour": 200, "far": 200},
    "analyst": {"own": 200, "neighbour": 200, "far": 200},
    "leader": {"own": 200, "neighbour": 200, "far": 200},
    "town": {"own": 200, "neighbour": 200, "far": 404},
    "outsider": {"own": 404, "neighbour": 404, "far": 200},
    "reporter": {"own": 200, "neighbour": 404, "far": 404},
    "other_reporter": {"own": 404, "neighbour": 200, "far": 404},
    "nobody": {"own": 404, "neighbour": 404, "far": 404},
}


@pytest.mark.parametrize("who", SEES)
def test_project_page_scope(world, who):
    people, projects = world
    c = client(people[who])
    for key, status in SEES[who].items():
        assert c.get(f"/projects/{projects[key].code}/").status_code == status, (who, key)


@pytest.mark.parametrize("who", SEES)
def test_list_and_export_show_only_projects_in_scope(world, who):
    people, projects = world
    c = client(people[who])
    html = c.get("/projects/?period=2022-03").content.decode()
    visible = {key for key, status in SEES[who].items() if status == 200}
    for key, p in projects.items():
        assert (p.code in html) == (key in visible), (who, key)
    wb = load_workbook(io.BytesIO(c.get("/projects/export.xlsx?period=2022-03").content))
    codes = {row[0] for row in wb.active.iter_rows(min_row=2, values_only=True)}
    assert codes == {projects[k].code for k in visible}


def test_anonymous_is_sent_to_login(world):
    r = Client().get("/projects/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("who", SEES)
def test_dashboard_figures_follow_scope(world, who):
    people, _ = world
    r = client(people[who]).get("/projects/dashboard/?period=2022-03")
    assert r.status_code == 200
    county = r.context["county"]
    visible = sum(1 for s in SEES[who].values() if s == 200)
    assert county["ytd"] == Decimal("10.00") * visible
    from gongxin.analysis.stats import scope_word
    if who in ("admin", "analyst", "leader"):  # the county's word, as the brief says it (全市 for a 市)
        assert r.context["scope_label"] == scope_word(None) and scope_word(None).startswith("全")


STAGE_CHANGE = {"admin": 302, "analyst": 302, "town": 302, "leader": 403, "reporter": 403}


@pytest.mark.parametrize("who,status", STAGE_CHANGE.items())
def test_who_may_move_stages(world, who, status):
    people, projects = world
    r = client(people[who]).post("/projects/JG-OWN/stage/", {"action": "advance:completed", "date": "2022-03-01",
                                                                  "version": projects["own"].version})
    assert r.status_code == status
    expected = Stage.COMPLETED if status == 302 else Stage.BUILDING
    assert Project.objects.get(code="JG-OWN").stage == expected


def test_out_of_scope_stage_change_is_404(world):
    people, _ = world
    r = client(people["outsider"]).post("/projects/JG-OWN/stage/", {"action": "pause", "date": "2022-03-01",
                                                                     "note": "x"})
    assert r.status_code == 404


def test_illegal_jump_through_the_page_is_refused_with_a_message(world):
    people, _ = world
    r = client(people["analyst"]).post("/projects/JG-OWN/stage/", {"action": "advance:operating",
                                                                    "date": "2022-03-01", "version": 1}, follow=True)
    assert "下一阶段应为“竣工”" in r.content.decode()
    assert Project.objects.get(code="JG-OWN").stage == Stage.BUILDING


INVEST = {"analyst": 302, "town": 302, "reporter": 302, "leader": 403, "other_reporter": 404, "outsider": 404}


@pytest.mark.parametrize("who,status", INVEST.items())
def test_who_may_report_investment(world, who, status):
    people, _ = world
    r = client(people[who]).post("/projects/JG-OWN/investment/", {"period": "2022-04", "month": "5", "ytd": "15",
                                                                       "version": 0})
    assert r.status_code == status
    changed = InvestmentChange.objects.filter(investment__project__code="JG-OWN", investment__period="2022-04")
    assert changed.exists() == (status == 302)


def test_investment_correction_keeps_history(world):
    people, projects = world
    c = client(people["reporter"])
    record = projects["own"].investments.get(period="2022-03")
    c.post("/projects/JG-OWN/investment/", {"period": "2022-03", "month": "12", "ytd": "12", "version": record.version})
    change = InvestmentChange.objects.get(investment__project=projects["own"], field="ytd", old__isnull=False)
    assert (change.old, change.new, change.user) == (Decimal("10.00"), Decimal("12.00"), people["reporter"])
    assert entries_for(projects["own"]).filter(action="projects.investment").exists()


def test_investment_below_previous_ytd_is_refused(world):
    people, projects = world
    r = client(people["analyst"]).post("/projects/JG-OWN/investment/",
                                       {"period": "2022-04", "month": "1", "ytd": "5", "version": 0}, follow=True)
    assert "不能小于上月" in r.content.decode()
    assert not projects["own"].investments.filter(period="2022-04").exists()


CREATE = {"analyst": 200, "town": 200, "leader": 403, "reporter": 403, "nobody": 403}


@pytest.mark.parametrize("who,status", CREATE.items())
def test_who_may_open_the_new_project_form(world, who, status):
    people, _ = world
    assert client(people[who]).get("/projects/new/").status_code == status


def test_town_officer_creates_project_only_for_own_town(world):
    people, projects = world
    c = client(people["town"])
    data = {"code": "jg-new", "name": "新建项目", "type": "smart", "total_investment": "500",
            "equipment_investment": "100", "key_year": ""}
    far = projects["far"].enterprise
    r = c.post("/projects/new/", data | {"enterprise": far.pk})
    assert r.status_code == 200 and not Project.objects.filter(code="JG-NEW").exists()
    r = c.post("/projects/new/", data | {"enterprise": projects["own"].enterprise.pk})
    assert r.status_code == 302 and r["Location"] == "/projects/JG-NEW/"
    assert Project.objects.get(code="JG-NEW").town.name == "荆河街道"


EDIT = {"analyst": 200, "town": 200, "leader": 403, "reporter": 403, "outsider": 404}


@pytest.mark.parametrize("who,status", EDIT.items())
def test_who_may_edit(world, who, status):
    people, _ = world
    assert client(people[who]).get("/projects/JG-OWN/edit/").status_code == status


def test_edit_is_audited(world):
    people, projects = world
    c = client(people["analyst"])
    p = projects["own"]
    data = {"code": p.code, "name": "改名后的项目", "enterprise": p.enterprise.pk, "town": p.town.pk,
            "industry": p.industry.pk, "type": "green", "total_investment": "2000", "equipment_investment": "0",
            "is_key": "on", "key_year": "2022", "version": p.version}
    assert c.post("/projects/JG-OWN/edit/", data).status_code == 302
    entry = entries_for(p).get(action="projects.update")
    assert entry.data["name"] == [p.name, "改名后的项目"]
    # A second save with the stale version is refused.
    r = c.post("/projects/JG-OWN/edit/", data | {"name": "再改"})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()


DOC_UPLOAD = {"analyst": 302, "town": 302, "reporter": 302, "leader": 403, "other_reporter": 404}


@pytest.mark.parametrize("who,status", DOC_UPLOAD.items())
def test_document_upload_and_download(world, who, status, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people, projects = world
    pdf = io.BytesIO(b"%PDF-1.4 test")
    pdf.name = "备案证明.pdf"
    c = client(people[who])
    r = c.post("/projects/JG-OWN/documents/", {"kind": "record", "number": "备-1", "file": pdf})
    assert r.status_code == status
    docs = projects["own"].documents.all()
    assert docs.exists() == (status == 302)
    if docs:
        url = f"/projects/JG-OWN/documents/{docs[0].pk}/"
        assert b"".join(c.get(url).streaming_content) == b"%PDF-1.4 test"
        assert client(people["outsider"]).get(url).status_code == 404


def test_document_with_wrong_type_or_content_is_refused(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people, projects = world
    c = client(people["analyst"])
    for name, content in (("a.exe", b"MZ"), ("fake.pdf", b"not a pdf")):
        f = io.BytesIO(content)
        f.name = name
        c.post("/projects/JG-OWN/documents/", {"kind": "other", "file": f})
    assert not projects["own"].documents.exists()


IMPORT = {"analyst": 200, "admin": 200, "town": 403, "reporter": 403, "leader": 403}


@pytest.mark.parametrize("who,status", IMPORT.items())
def test_only_bureau_imports(world, who, status):
    people, _ = world
    assert client(people[who]).get("/projects/import/").status_code == status
    assert client(people[who]).get("/projects/import/template.xlsx").status_code == status


def test_import_page_reports_bad_rows(world):
    people, _ = world
    f = io.BytesIO("项目编号,报告期,本月完成投资,1-本月完成投资\nJG-X,2022-03,1,1\n".encode())
    f.name = "i.csv"
    r = client(people["analyst"]).post("/projects/import/", {"file": f})
    assert r.status_code == 400 and "未知的项目编号" in r.content.decode()


@pytest.fixture
def application(world):
    _, projects = world
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=1000)
    return FundApplication.objects.create(fund=fund, enterprise=projects["own"].enterprise, project=projects["own"],
                                          requested=500, applied_on=dt.date(2022, 1, 5))


FUNDS_SEE = {"analyst": True, "leader": True, "town": True, "reporter": True, "outsider": False,
             "other_reporter": False}


@pytest.mark.parametrize("who,sees", FUNDS_SEE.items())
def test_fund_page_scope(world, application, who, sees):
    people, _ = world
    r = client(people[who]).get("/projects/funds/?year=2022")
    assert r.status_code == 200
    assert ("本镇企业有限公司" in r.content.decode()) == sees


FUND_ACT = {"analyst": 302, "town": 403, "reporter": 403, "leader": 403, "outsider": 404}


@pytest.mark.parametrize("who,status", FUND_ACT.items())
def test_only_bureau_handles_fund_applications(world, application, who, status):
    people, _ = world
    r = client(people[who]).post(f"/projects/funds/applications/{application.pk}/",
                                 {"action": "review", "date": "2022-02-01", "version": application.version})
    assert r.status_code == status
    application.refresh_from_db()
    assert (application.status == FundApplication.Status.REVIEWED) == (status == 302)


def test_enterprise_page_panel_lists_own_projects(world):
    people, projects = world
    html = client(people["reporter"]).get(f"/enterprises/{projects['own'].enterprise.uscc}/").content.decode()
    assert "JG-OWN" in html and "JG-NB" not in html
