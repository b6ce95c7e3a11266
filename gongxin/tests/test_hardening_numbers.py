"""Issue 10, item 1: a number too large for its column is refused with a message naming the field,
and a value already stored beyond its column (SQLite keeps anything) never breaks a page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gongxin.analysis.models import OfficialAddedValue, TownPlan
from gongxin.analysis.tests.helpers import make_product, make_return, output
from gongxin.lib import bounds
from gongxin.projects.models import ProjectInvestment
from gongxin.reporting.models import ProductLine, ReturnValue
from gongxin.reporting.tests.helpers import post_data
from gongxin.testing import make_enterprise, period_on_record, personas, town

from .hardening import logged_in, make_project, xlsx

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite",
                                 reason="PostgreSQL refuses a value beyond the column itself")


@pytest.fixture
def cast():
    e = make_enterprise("荆河精工机械有限公司")
    return e, personas(e)


def return_url(e, period="2022-03"):
    return f"/returns/{e.uscc}/output/{period}/"


def test_1e17_as_month_is_refused_with_the_field_named(cast):
    e, p = cast
    data = post_data(action="save", **{"output_value.month": "1e17"})
    response = logged_in(p["reporter"]).post(return_url(e), data)
    assert response.status_code == 400
    assert "工业总产值“本月”数值过大" in response.content.decode()
    assert not ReturnValue.objects.exists()


@sqlite_only
def test_a_stored_1e17_does_not_break_any_page_and_can_be_mended(cast):
    e, p = cast
    ret = make_return(e, "2022-03", "submitted", output(100, 300, 80, 240))
    with connection.cursor() as c:
        c.execute("UPDATE reporting_returnvalue SET month = %s WHERE ret_id = %s", [10**17, ret.pk])
    for who in ("reporter", "analyst", "town", "leader", "admin"):
        client = logged_in(p[who])
        for url in (return_url(e), f"/enterprises/{e.uscc}/", f"/analysis/enterprise/{e.uscc}/"):
            if who == "reporter" and url.startswith("/analysis/"):
                continue
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            if url == return_url(e):
                assert "数据异常" in response.content.decode(), who
    mend = logged_in(p["analyst"]).post(return_url(e), post_data(
        action="save", version=ret.version, **{"output_value.month": "100"}))
    assert mend.status_code == 302
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == Decimal(100)


def test_official_growth_beyond_the_column_is_refused(cast):
    e, p = cast
    period_on_record("2022-03")  # official figures are entered for a period the system holds
    client = logged_in(p["analyst"])
    response = client.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": "12345678901234567890"},
                           follow=True)
    assert "1-本月增速（%）数值过大" in response.content.decode()
    assert not OfficialAddedValue.objects.exists()
    response = client.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": "20000"}, follow=True)
    assert "不能大于10000" in response.content.decode() and not OfficialAddedValue.objects.exists()


@sqlite_only
def test_a_stored_giant_official_growth_does_not_break_the_analysis_pages(cast):
    e, p = cast
    make_return(e, "2022-03", "accepted", output(100, 300, 80, 240))
    OfficialAddedValue.objects.create(period="2022-03", ytd_growth_pct=Decimal("8.0"))
    with connection.cursor() as c:
        c.execute("UPDATE analysis_officialaddedvalue SET ytd_growth_pct = %s", ["12345678901234567890"])
    client = logged_in(p["analyst"])
    for url in ("/analysis/?period=2022-03", "/analysis/brief/?period=2022-03", "/analysis/ppi/?period=2022-03"):
        response = client.get(url)
        assert response.status_code == 200, url


def test_plan_target_1e30_is_refused_on_the_page_and_by_import(cast):
    e, p = cast
    client = logged_in(p["analyst"])
    jh = town("荆河街道")
    response = client.post("/analysis/plans/edit/", {"year": "2022", f"output_target_{jh.pk}": "1e30"})
    assert response.status_code == 400 and "数值过大" in response.content.decode()
    upload = SimpleUploadedFile("plans.xlsx", xlsx([["年度", "镇街", "规上工业总产值目标（千元）", "工业技改投资目标（万元）"],
                                                    [2022, "荆河街道", "1e30", None]]))
    response = client.post("/analysis/plans/import/", {"file": upload})
    assert response.status_code == 400 and "数值过大" in response.content.decode()
    assert not TownPlan.objects.exists()


def test_product_quantity_1e30_by_import_is_refused(cast):
    e, p = cast
    make_product("P1", "原煤", "万吨")
    rows = [["统一社会信用代码", "报告期", "产品代码", "产品名称", "计量单位", "本月产量", "1-本月产量", "上年同月产量",
             "上年1-同月产量", "本月平均出厂价格", "上年同月平均出厂价格"],
            [e.uscc, "2022-03", "P1", "原煤", "万吨", "1e30", 1, 1, 1, 1, 1]]
    response = logged_in(p["analyst"]).post("/analysis/products/import/",
                                            {"file": SimpleUploadedFile("p.xlsx", xlsx(rows))})
    assert response.status_code == 400 and "数值过大" in response.content.decode()
    assert not ProductLine.objects.exists()


def test_investment_123456789012345678_is_refused_on_the_page_and_by_import(cast):
    e, p = cast
    project = make_project(e)
    client = logged_in(p["analyst"])
    response = client.post(f"/projects/{project.code}/investment/", {
        "period": "2022-03", "month": "123456789012345678", "ytd": "123456789012345678", "version": 0}, follow=True)
    assert "填报有误" in response.content.decode()
    upload = SimpleUploadedFile("inv.xlsx", xlsx([["项目编号", "报告期", "本月完成投资", "1-本月完成投资"],
                                                  [project.code, "2022-03", 123456789012345678, 123456789012345678]]))
    response = client.post("/projects/import/", {"file": upload})
    assert response.status_code == 400 and "数值过大" in response.content.decode()
    assert not ProjectInvestment.objects.exists()


def test_the_boundary_knows_each_column(cast):
    f = bounds.field(ReturnValue, "month")
    assert bounds.number(f, "1234.56789") == Decimal("1234.5679")
    assert bounds.number(f, "") is None
    for bad in ("1e17", "1e999999", "abc", "NaN", "Infinity"):
        with pytest.raises(bounds.OutOfRange):
            bounds.number(f, bad, "本月")
    with pytest.raises(bounds.OutOfRange, match="不能为负数"):
        bounds.number(bounds.field(ProductLine, "qty_month"), "-1", "本月产量")
    with pytest.raises(bounds.OutOfRange, match="成立日期"):
        bounds.date(dt.date(1, 1, 1), "成立日期")
