"""Imports: product lines (command), PPI and plans — all-or-nothing, idempotent, bad rows named."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gongxin.accounts.models import AuditEntry
from gongxin.analysis.imports import PLAN_HEADERS, PPI_HEADERS, PRODUCT_HEADERS, import_plans, import_ppi
from gongxin.analysis.models import PriceIndex, TownPlan
from gongxin.reporting.models import ProductLine, Return, ValueChange
from gongxin.testing import make_enterprise

from .helpers import D, make_product, make_return, output

pytestmark = pytest.mark.django_db


def workbook(tmp_path, headers, rows, name="data.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return str(path)


@pytest.fixture
def setup():
    make_product("P1", "原煤", "万吨")
    make_product("P2", "水泥", "万吨")
    a = make_enterprise()
    b = make_enterprise()
    existing = make_return(a, "2022-03", "submitted", output(1, 2, 1, 2))
    return a, b, existing


def test_import_attaches_lines_and_creates_missing_return(tmp_path, setup):
    a, b, existing = setup
    path = workbook(tmp_path, PRODUCT_HEADERS, [
        [a.uscc, "2022-03", "P1", "原煤", "万吨", 10, 30, 8, 25, 500, 400],
        [b.uscc, "2022年3月", "P2", "水泥", "万吨", 5, 12.5, 4, 10, 300, None],
    ])
    call_command("import_products", path, stdout=io.StringIO())
    line = ProductLine.objects.get(ret=existing, product__code="P1")
    assert (line.qty_ytd, line.price) == (D(30), D(500))
    created = Return.objects.get(enterprise=b, period="2022-03")
    assert (created.status, created.source) == ("accepted", "import")
    assert created.product_lines.get().price_ly is None
    assert AuditEntry.objects.filter(action="analysis.products_import").count() == 3

    count = (ProductLine.objects.count(), Return.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    call_command("import_products", path, stdout=out)
    assert "未变化2条" in out.getvalue()
    assert (ProductLine.objects.count(), Return.objects.count(), AuditEntry.objects.count()) == count


def test_changed_value_keeps_history(tmp_path, setup):
    a, _, existing = setup
    row = [a.uscc, "2022-03", "P1", "原煤", "万吨", 10, 30, 8, 25, 500, 400]
    call_command("import_products", workbook(tmp_path, PRODUCT_HEADERS, [row]), stdout=io.StringIO())
    row[9] = 520
    call_command("import_products", workbook(tmp_path, PRODUCT_HEADERS, [row], "b.xlsx"), stdout=io.StringIO())
    change = ValueChange.objects.get(ret=existing)
    assert (change.field, change.old, change.new) == ("product:P1.price", D(500), D(520))


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, setup):
    a, _, _ = setup
    path = workbook(tmp_path, PRODUCT_HEADERS, [
        [a.uscc, "2022-03", "P1", "原煤", "万吨", 10, 30, 8, 25, 500, 400],
        ["91370481XXXXXXXXXX", "2022-13", "P7", "", "吨", "abc", -1, 0, 0, 0, 0],
        [a.uscc, "2022-03", "P2", "水泥", "吨", 1, 1, 1, 1, 1, 1],
        [a.uscc, "2022-03", "P1", "原煤", "万吨", 1, 1, 1, 1, 1, 1],
    ])
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入"):
        call_command("import_products", path, stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    for expected in ("第3行【统一社会信用代码】", "第3行【报告期】", "第3行【产品代码】", "第3行【本月产量】",
                     "第3行【1-本月产量】：不能为负数", "第4行【计量单位】", "第5行【产品代码】：与第2行重复"):
        assert expected in text
    assert ProductLine.objects.count() == 0


def test_wrong_headers_are_refused(tmp_path, setup):
    path = workbook(tmp_path, PRODUCT_HEADERS[:-1], [])
    with pytest.raises(CommandError, match="缺少表头：上年同月平均出厂价格"):
        call_command("import_products", path, stdout=io.StringIO())


def test_ppi_import_is_idempotent_and_checks_rows():
    rows = [PPI_HEADERS, ["2022-03", "06", "煤炭开采和洗选业", 110.5, 108.2], ["2022-03", "26", "", None, 103]]
    report = import_ppi(rows)
    assert report.ok and report.created == 2
    assert PriceIndex.objects.get(division__code="06").ytd_index == D("108.2")
    assert import_ppi(rows).unchanged == 2
    bad = import_ppi([PPI_HEADERS, ["2022-03", "99", "", 100, 100], ["2022-03", "06", "", 0, None]])
    assert [(e.row, e.column) for e in bad.errors] == [(2, "行业代码"), (3, "本月PPI（上年同月=100）")]


def test_plan_import_creates_and_updates():
    report = import_plans([PLAN_HEADERS, [2022, "荆河街道", 1000000, 50000], ["2022", "龙泉街道", 800000, None]])
    assert report.ok and report.created == 2
    report = import_plans([PLAN_HEADERS, [2022, "荆河街道", 1200000, None]])
    assert report.updated == 1
    plan = TownPlan.objects.get(town__name="荆河街道")
    assert (plan.output_target, plan.investment_target) == (D(1200000), D(50000))
    bad = import_plans([PLAN_HEADERS, ["二〇二二", "不存在镇", -5, None]])
    assert {e.column for e in bad.errors} == {"年度", "镇街", "规上工业总产值目标（千元）"}
    assert TownPlan.objects.count() == 2
