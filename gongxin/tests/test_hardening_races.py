"""Issue 10, items 2, 3 and 5 under load: 20 identical POSTs at once → exactly one effect, and every
other request gets the same clear message as the sequential case (PostgreSQL: SQLite serialises
writers, the sequential cases are in test_hardening_versions.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongxin.accounts.models import AuditEntry
from gongxin.lib.uscc import make_uscc
from gongxin.projects.models import (
    Disbursement,
    FundApplication,
    FundProgramme,
    InvestmentChange,
    Programme,
    Project,
    ProjectInvestment,
)
from gongxin.registry.models import Enterprise
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, post_data
from gongxin.testing import division, make_enterprise, personas, town

from .hardening import logged_in, make_project, parallel, xlsx

N = 20
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's concurrent writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cast():
    e = make_enterprise("荆河精工机械有限公司")
    return e, personas(e)


def clients(user):
    return [logged_in(user) for _ in range(N)]


def test_20_parallel_disburse_posts_make_one_payment(cast):
    e, p = cast
    project = make_project(e)
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    app = FundApplication.objects.create(fund=fund, enterprise=e, project=project, requested=1000, approved=1000,
                                         status=FundApplication.Status.APPROVED, applied_on=dt.date(2022, 2, 1))
    data = {"action": "disburse", "date": "2022-03-01", "amount": "100", "note": "", "version": app.version}
    cs = clients(p["analyst"])
    results = parallel(N, lambda i: cs[i].post(f"/projects/funds/applications/{app.pk}/", data, follow=True))
    assert all(r.status_code == 200 for r in results), results
    assert Disbursement.objects.count() == 1
    assert sum(1 for r in results if "可能是重复提交" in r.content.decode()) == N - 1


def test_20_parallel_fund_applications_make_one(cast):
    e, p = cast
    project = make_project(e)
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    cs = clients(p["reporter"])
    results = parallel(N, lambda i: cs[i].post(f"/projects/{project.code}/funds/new/",
                                               {"fund": fund.pk, "requested": "100", "note": ""}))
    assert FundApplication.objects.count() == 1
    assert sorted(r.status_code for r in results) == [302] + [400] * (N - 1)
    assert all("不能重复申报" in r.content.decode() for r in results if r.status_code == 400)


def test_20_parallel_first_saves_of_a_new_return_one_succeeds_19_conflict(cast):
    e, p = cast
    url = f"/returns/{e.uscc}/output/2022-03/"
    cs = [logged_in(p["reporter"] if i % 2 else p["analyst"]) for i in range(N)]
    results = parallel(N, lambda i: cs[i].post(url, post_data(action="save")))
    assert Return.objects.count() == 1
    assert sorted(r.status_code for r in results) == [302] + [400] * (N - 1)
    assert all("该报表刚刚已由他人创建" in r.content.decode() for r in results if r.status_code == 400)


def test_20_parallel_identical_transitions_apply_once(cast):
    e, p = cast
    ret = make_return(e, status=Return.Status.SUBMITTED)
    cs = clients(p["town"])
    parallel(N, lambda i: cs[i].post(f"/returns/{e.uscc}/output/2022-03/approve/", {"version": ret.version}))
    assert AuditEntry.objects.filter(object_id=str(ret.pk), action__endswith="approve").count() == 1
    ret.refresh_from_db()
    assert ret.version == 2


def test_20_parallel_investment_creates_make_one_record(cast):
    e, p = cast
    project = make_project(e)
    cs = clients(p["reporter"])
    results = parallel(N, lambda i: cs[i].post(f"/projects/{project.code}/investment/",
                                               {"period": "2022-03", "month": "5", "ytd": "15", "version": 0},
                                               follow=True))
    assert all(r.status_code == 200 for r in results)
    assert ProjectInvestment.objects.count() == 1 and InvestmentChange.objects.count() == 2
    assert sum(1 for r in results if "刚刚已由他人填报" in r.content.decode()) == N - 1


def test_20_parallel_investment_updates_without_version_change_nothing(cast):
    e, p = cast
    project = make_project(e)
    ProjectInvestment.objects.create(project=project, period="2022-03", month=5, ytd=15)
    cs = clients(p["reporter"])
    results = parallel(N, lambda i: cs[i].post(f"/projects/{project.code}/investment/",
                                               {"period": "2022-03", "month": str(6 + i), "ytd": "30"}))
    assert all(r.status_code == 400 for r in results)
    assert ProjectInvestment.objects.get().month == Decimal(5)


def test_20_parallel_project_creates_with_one_code_make_one(cast):
    e, p = cast
    data = {"code": "JG-RACE", "name": "并发项目", "enterprise": e.pk, "type": "smart", "total_investment": "500",
            "equipment_investment": "0", "key_year": ""}
    cs = clients(p["analyst"])
    results = parallel(N, lambda i: cs[i].post("/projects/new/", data))
    assert Project.objects.filter(code="JG-RACE").count() == 1
    assert sorted(r.status_code for r in results) == [200] * (N - 1) + [302]
    assert all("该项目编号已存在" in r.content.decode() for r in results if r.status_code == 200)


def test_20_parallel_enterprise_creates_with_one_uscc_make_one(cast):
    e, p = cast
    data = {"uscc": make_uscc("370481", 30_000_001), "name": "并发新建有限公司", "town": town().pk,
            "industry": division("34").pk, "status": "active", "list_years": "2022"}
    cs = clients(p["analyst"])
    results = parallel(N, lambda i: cs[i].post("/enterprises/new/", data))
    assert Enterprise.objects.filter(uscc=data["uscc"]).count() == 1
    assert sorted(r.status_code for r in results) == [200] * (N - 1) + [302]
    assert all("该统一社会信用代码的企业已存在" in r.content.decode() for r in results if r.status_code == 200)


def test_20_parallel_programme_creates_make_one(cast):
    e, p = cast
    cs = clients(p["analyst"])
    data = {"name": "百家企业智能化技改", "year": "2022", "level": "city", "description": ""}
    results = parallel(N, lambda i: cs[i].post("/projects/programmes/new/", data))
    assert Programme.objects.count() == 1
    assert sorted(r.status_code for r in results) == [302] + [400] * (N - 1)
    bad = [r.content.decode() for r in results if r.status_code == 400]
    assert all("2022年已有“百家企业智能化技改”" in html for html in bad), [h[h.find("alert"):h.find("alert")+300] for h in bad if "2022年已有" not in h][:2]


def test_two_imports_of_one_file_at_once_write_it_once(cast):
    e, p = cast
    headers = ["统一社会信用代码", "企业名称", "报告期"] + [f"{n}{c}" for n in ("工业总产值", "工业销售产值", "出口交货值", "用电量")
                                                  for c in ("本月", "1-本月", "上年同月", "上年1-同月")]
    others = [make_enterprise() for _ in range(5)]
    rows = [headers] + [[x.uscc, x.name, "2022-03", 100, 300, 90, 270, 95, 290, 85, 260, 0, 0, 0, 0, 1, 3, 1, 3]
                        for x in [e, *others]]
    data = xlsx(rows)
    cs = [logged_in(p["analyst"]) for _ in range(4)]
    results = parallel(4, lambda i: cs[i].post("/returns/import/",
                                               {"file": SimpleUploadedFile("returns.xlsx", data)}))
    assert all(r.status_code in (200, 409) for r in results), [r.status_code for r in results]
    assert Return.objects.count() == 6


def test_20_parallel_identical_follow_ups_are_stored_once(cast):
    from gongxin.alerts.models import WarningFollowUp

    from .hardening import make_warning

    e, p = cast
    warning = make_warning(e)
    cs = clients(p["town"])
    results = parallel(N, lambda i: cs[i].post(f"/analysis/warnings/{warning.pk}/follow-up/",
                                               {"note": "已走访", "token": "abcd1234"}))
    assert all(r.status_code == 302 for r in results), results
    assert WarningFollowUp.objects.filter(warning=warning).count() == 1
