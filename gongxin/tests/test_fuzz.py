"""Issue 10: the fuzzing suite (Hypothesis). Every form and import parser, fed arbitrary input, answers
with a message — never a server error — and a refused request or file writes nothing.

Bounded: a few dozen examples per test, no deadline per example, the whole file well under 60 s.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gongxin.accounts.models import AuditEntry
from gongxin.analysis import imports as analysis_imports
from gongxin.analysis.tests.helpers import make_product
from gongxin.lib.excel import ImportReport, WorkbookError, read_rows
from gongxin.projects import services as project_services
from gongxin.projects.models import FundProgramme, ProjectInvestment
from gongxin.registry.models import Enterprise
from gongxin.registry.services import IMPORT_HEADERS as ENTERPRISE_HEADERS
from gongxin.registry.services import import_enterprises
from gongxin.reporting.importing import IMPORT_HEADERS as RETURN_HEADERS
from gongxin.reporting.importing import import_returns
from gongxin.reporting.models import ProductLine, Return, ReturnValue
from gongxin.reporting.tests.helpers import post_data
from gongxin.testing import make_enterprise, period_on_record, personas, town

from .hardening import logged_in, make_project, xlsx

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NASTY = ["1e17", "1e30", "1e999999", "-1e999999", "NaN", "Infinity", "-0", "0.000001", "１２３", "abc", "=1+1",
         "12345678901234567890", "-1", "1.0", " ", "\x00", "9" * 40, "2022-02-30", "0001-01-01"]
text = st.text(max_size=40)
number_text = st.one_of(st.sampled_from(NASTY), st.decimals(allow_nan=True, allow_infinity=True).map(str),
                        st.integers(-(10**30), 10**30).map(str), text)
cell = st.one_of(st.none(), text, st.sampled_from(NASTY), st.integers(-(10**25), 10**25),
                 st.floats(allow_nan=True, allow_infinity=True), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))


def rows_for(headers, width=None):
    return st.lists(st.lists(cell, min_size=width or len(headers), max_size=width or len(headers)),
                    min_size=1, max_size=4).map(lambda body: [list(headers), *body])


def counts():
    return (Enterprise.objects.count(), Return.objects.count(), ReturnValue.objects.count(),
            ProductLine.objects.count(), ProjectInvestment.objects.count(), AuditEntry.objects.count())


def run_importer(importer, rows):
    """The importer's answer; a refused file (WorkbookError or errors in the report) wrote nothing."""
    before = counts()
    try:
        report = importer(rows)
    except WorkbookError:
        assert counts() == before
        return
    assert isinstance(report, ImportReport)
    if not report.ok:
        assert counts() == before


@pytest.fixture
def cast():
    e = make_enterprise("荆河精工机械有限公司")
    make_product("P1", "原煤", "万吨")
    return e, personas(e)


# ---------------------------------------------------------------- files and parsers


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".xls"]))
def test_read_rows_refuses_garbage_cleanly(data, suffix):
    try:
        read_rows(data, name=f"upload{suffix}")
    except WorkbookError:
        pass


@FUZZ
@given(rows=rows_for(RETURN_HEADERS))
def test_returns_import_never_fails_or_writes_half(cast, rows):
    e, _ = cast
    rows[1][0] = e.uscc if rows[1][0] is None else rows[1][0]
    run_importer(lambda r: import_returns(r), rows)


@FUZZ
@given(rows=rows_for(ENTERPRISE_HEADERS))
def test_enterprise_import_never_fails_or_writes_half(rows):
    run_importer(import_enterprises, rows)


@FUZZ
@given(rows=rows_for(analysis_imports.PRODUCT_HEADERS))
def test_product_import_never_fails_or_writes_half(cast, rows):
    e, _ = cast
    rows[1][:3] = [e.uscc, "2022-03", "P1"]
    run_importer(analysis_imports.import_products, rows)


@FUZZ
@given(rows=rows_for(analysis_imports.PLAN_HEADERS))
def test_plan_import_never_fails_or_writes_half(rows):
    rows[1][:2] = [2022, "荆河街道"]
    run_importer(analysis_imports.import_plans, rows)


@FUZZ
@given(rows=rows_for(analysis_imports.PPI_HEADERS))
def test_ppi_import_never_fails_or_writes_half(rows):
    rows[1][:2] = ["2022-03", "34"]
    run_importer(analysis_imports.import_ppi, rows)


@FUZZ
@given(rows=rows_for(project_services.IMPORT_HEADERS))
def test_investment_import_never_fails_or_writes_half(cast, rows):
    e, _ = cast
    project = make_project(e, code="JG-FUZZ") if not e.projects.exists() else e.projects.get()
    rows[1][:2] = [project.code, "2022-03"]
    run_importer(project_services.import_investment, rows)


@FUZZ
@given(data=st.binary(max_size=600))
def test_import_pages_answer_every_upload_with_a_message(cast, data):
    e, p = cast
    client = logged_in(p["admin"])
    for url in ("/returns/import/", "/enterprises/import/"):
        before = counts()
        response = client.post(url, {"file": SimpleUploadedFile("x.csv", data)})
        assert response.status_code in (200, 400), url
        if response.status_code == 400:
            assert counts() == before


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_for(RETURN_HEADERS))
def test_import_page_with_generated_workbooks(cast, rows):
    e, p = cast
    before = counts()
    def writable(c):  # what a workbook can hold (openpyxl refuses control characters)
        if isinstance(c, dt.date):
            return c.isoformat()
        return ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c

    response = logged_in(p["admin"]).post("/returns/import/", {"file": SimpleUploadedFile("r.xlsx", xlsx(
        [[writable(c) for c in row] for row in rows]))})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert counts() == before


# ---------------------------------------------------------------- forms


@settings(FUZZ, max_examples=15)
@given(month=number_text, ytd=number_text, qty=number_text, version=st.one_of(st.just("0"), text),
       action=st.sampled_from(["save", "submit"]))
def test_return_page_and_check_never_fail(cast, month, ytd, qty, version, action):
    e, p = cast
    url = f"/returns/{e.uscc}/output/2022-03/"
    client = logged_in(p["reporter"])
    data = post_data(action=action, version=version, **{"output_value.month": month, "output_value.ytd": ytd})
    data |= {"pnew": str(make_product_id()), "pnew.qty_month": qty, "pnew.qty_ytd": qty}
    check = client.post(url + "check/", data)
    assert check.status_code == 200
    before = counts()
    response = client.post(url, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert counts() == before


def make_product_id():
    from gongxin.reporting.models import Product

    return Product.objects.get(code="P1").pk


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["output", "investment", "version"]), number_text, max_size=3))
def test_plans_edit_never_fails(cast, fields):
    e, p = cast
    jh = town("荆河街道")
    data = {"year": "2022"} | {(f"{k}_target_{jh.pk}" if k != "version" else f"version_{jh.pk}"): v
                               for k, v in fields.items()}
    assert logged_in(p["analyst"]).post("/analysis/plans/edit/", data).status_code in (200, 302, 400)


@FUZZ
@given(month=number_text, ytd=number_text, period=st.one_of(st.just("2022-03"), text), version=text)
def test_investment_form_never_fails(cast, month, ytd, period, version):
    e, p = cast
    project = e.projects.first() or make_project(e, code="JG-FUZZ")
    response = logged_in(p["reporter"]).post(f"/projects/{project.code}/investment/", {
        "period": period, "month": month, "ytd": ytd, "version": version})
    assert response.status_code in (302, 400)


@settings(FUZZ, max_examples=10)
@given(requested=number_text, total=number_text, equipment=number_text, code=text, name=text,
       founded=st.one_of(st.sampled_from(NASTY), text))
def test_project_fund_and_enterprise_forms_never_fail(cast, requested, total, equipment, code, name, founded):
    e, p = cast
    period_on_record("2022-03")  # official figures are entered for a period the system holds
    fund = FundProgramme.objects.first() or FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    project = e.projects.first() or make_project(e, code="JG-FUZZ")
    analyst = logged_in(p["analyst"])
    r = logged_in(p["reporter"]).post(f"/projects/{project.code}/funds/new/", {"fund": fund.pk, "requested": requested})
    assert r.status_code in (200, 302, 400)
    r = analyst.post("/projects/new/", {"code": code, "name": name, "enterprise": e.pk, "type": "smart",
                                        "total_investment": total, "equipment_investment": equipment})
    assert r.status_code in (200, 302)
    r = analyst.post("/projects/programmes/funds/new/", {"name": name, "year": "2022", "budget": total})
    assert r.status_code in (200, 302, 400)
    r = analyst.post("/enterprises/new/", {"uscc": code, "name": name, "town": town().pk, "industry": "",
                                           "status": "active", "founded": founded})
    assert r.status_code in (200, 302)
    r = analyst.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": total,
                                                 "month_growth_pct": equipment})
    assert r.status_code == 302
    assert analyst.get("/analysis/ppi/?period=2022-03").status_code == 200
