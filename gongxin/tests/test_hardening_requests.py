"""Issue 10, items 3 and 5: lost updates and server errors from input, each with the issue's input."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.analysis.models import TownPlan
from gongxin.projects.models import ProjectInvestment
from gongxin.reporting.models import ReportingPeriod, Return, ReturnValue
from gongxin.reporting.tests.helpers import make_return, post_data, values
from gongxin.testing import make_enterprise, personas, town

from .hardening import far_cell_workbook, logged_in, make_project

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture
def cast():
    e = make_enterprise("荆河精工机械有限公司")
    return e, personas(e)


def return_url(e, tail=""):
    return f"/returns/{e.uscc}/output/2022-03/{tail}"


# ---------------------------------------------------------------- item 3: lost updates


def test_first_save_of_a_return_created_meanwhile_is_a_conflict(cast):
    e, p = cast
    # Both users opened the page while the return did not exist (version 0); the analyst saves first.
    assert logged_in(p["analyst"]).post(return_url(e), post_data(action="save")).status_code == 302
    response = logged_in(p["reporter"]).post(return_url(e), post_data(values(output_value__month=999),
                                                                      action="save"))
    assert response.status_code == 400
    assert "该报表刚刚已由他人创建" in response.content.decode()
    assert ReturnValue.objects.get(indicator__code="output_value").month != 999


def test_investment_update_without_version_is_400_and_a_stale_one_a_conflict(cast):
    e, p = cast
    project = make_project(e)
    record = ProjectInvestment.objects.create(project=project, period="2022-03", month=5, ytd=15)
    client = logged_in(p["reporter"])
    url = f"/projects/{project.code}/investment/"
    assert client.post(url, {"period": "2022-03", "month": "6", "ytd": "16"}).status_code == 400
    assert client.post(url, {"period": "2022-03", "month": "6", "ytd": "16", "version": 1}).status_code == 302
    response = client.post(url, {"period": "2022-03", "month": "7", "ytd": "17", "version": 1}, follow=True)
    assert "已被他人修改" in response.content.decode()
    record.refresh_from_db()
    assert (record.month, record.ytd, record.version) == (6, 16, 2)


def test_plans_edit_post_with_one_field_changes_only_that_field(cast):
    e, p = cast
    jh, lq = town("荆河街道"), town("龙泉街道")
    TownPlan.objects.create(year=2022, town=jh, output_target=1000, investment_target=50)
    other = TownPlan.objects.create(year=2022, town=lq, output_target=2000, investment_target=80)
    plan = TownPlan.objects.get(town=jh)
    response = logged_in(p["analyst"]).post("/analysis/plans/edit/", {
        "year": "2022", f"output_target_{jh.pk}": "1500", f"version_{jh.pk}": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    other.refresh_from_db()
    assert (plan.output_target, plan.investment_target) == (1500, 50)
    assert (other.output_target, other.investment_target, other.version) == (2000, 80, 1)


@pytest.mark.parametrize("version", ["-1", "abc", "1.0", ""])
def test_period_close_with_a_bad_version_is_400(cast, version):
    e, p = cast
    response = logged_in(p["analyst"]).post("/returns/periods/output/2022-03/", {
        "action": "close", "reason": "年报结束", "version": version})
    assert response.status_code == 400
    assert not ReportingPeriod.objects.filter(closed_at__isnull=False).exists()


# ---------------------------------------------------------------- item 5: no server error from input


def test_bulk_with_a_huge_id_is_not_a_server_error(cast):
    e, p = cast
    response = logged_in(p["analyst"]).post("/returns/bulk/", {"action": "approve", "id": "99999999999999999999"})
    assert response.status_code == 302


@pytest.mark.parametrize("query", ["date_from=garbage", "date_to=2022-02-30", "date_from=2022-13-01&date_to=x"])
def test_audit_log_with_bad_dates_says_so(cast, query):
    e, p = cast
    response = logged_in(p["admin"]).get(f"/accounts/audit/?{query}")
    assert response.status_code == 200
    assert "不是有效日期" in response.content.decode()


@pytest.mark.parametrize("version", ["abc", "1.0", "-1"])
def test_malformed_version_on_save_transition_and_plans_is_400(cast, version):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    analyst = logged_in(p["analyst"])
    assert analyst.post(return_url(e), post_data(action="save", version=version)).status_code == 400
    for action in ("approve", "accept", "return"):
        assert analyst.post(return_url(e, f"{action}/"), {"version": version, "reason": "x"}).status_code == 400
    jh = town("荆河街道")
    TownPlan.objects.create(year=2022, town=jh, output_target=1000)
    response = analyst.post("/analysis/plans/edit/", {"year": "2022", f"output_target_{jh.pk}": "1",
                                                      f"version_{jh.pk}": version})
    assert response.status_code == 400
    ret.refresh_from_db()
    assert ret.status == S.SUBMITTED and TownPlan.objects.get().output_target == 1000


@pytest.mark.parametrize("value", ["1e30", "1e999999", "-1e999999", "NaN"])
def test_htmx_check_with_giant_numbers_answers_with_a_message(cast, value):
    e, p = cast
    response = logged_in(p["reporter"]).post(return_url(e, "check/"), post_data(**{"output_value.ytd": value}),
                                             HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工业总产值“1-本月”" in html


@pytest.mark.parametrize("name,data", [
    ("utf16.csv", "统一社会信用代码,企业名称\n".encode("utf-16")),
    ("utf16le.csv", "统一社会信用代码,企业名称\n".encode("utf-16-le")),
    ("binary.csv", bytes(range(256)) * 8),
])
def test_utf16_and_binary_csv_are_refused_cleanly(cast, name, data):
    e, p = cast
    for url in ("/enterprises/import/", "/returns/import/", "/projects/import/", "/analysis/plans/import/"):
        response = logged_in(p["admin"]).post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400, url
        assert "编码" in response.content.decode() or "格式" in response.content.decode(), url


# ---------------------------------------------------------------- item 4: the 1.6 KB workbook


def test_the_far_cell_workbook_is_refused_in_under_a_second_and_the_server_keeps_serving(cast):
    e, p = cast
    data = far_cell_workbook()
    assert len(data) < 1700
    client = logged_in(p["admin"])
    for url in ("/returns/import/", "/enterprises/import/", "/projects/import/", "/analysis/products/import/"):
        started = time.monotonic()
        response = client.post(url, {"file": SimpleUploadedFile("far.xlsx", data)})
        assert time.monotonic() - started < 1, url
        assert response.status_code == 400, url
        assert "工作表范围过大（1048576行×16384列）" in response.content.decode(), url
    assert client.get("/returns/").status_code == 200
