"""Every import page, fed a workbook the bureau would send with one bad cell in it: each cell in turn
holds an over-long text, a date outside 1900–2100, text with a trailing remark, a formula, a
negative, a giant number or blank. The page answers with a Chinese message — never a server error —
and what the import wrote (when it accepts the file) holds no value longer than its column, no typed
text cut short, no date outside 1900–2100.

The base workbook of each page is taken from the demo county (a row that exists: the import succeeds
and changes at most a cell) and must import cleanly first, so a page that refuses everything cannot
pass. The long-text sweep (test_long_text.py) does the same for forms; the fuzz suite (test_fuzz.py)
feeds the parsers arbitrary workbooks without a valid row around the bad cell.
"""

import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from gongxin.analysis.imports import PRODUCT_FIELDS, PRODUCT_HEADERS
from gongxin.projects.models import ProjectInvestment
from gongxin.registry.models import Enterprise, Region
from gongxin.registry.services import IMPORT_HEADERS as ENTERPRISE_HEADERS
from gongxin.reporting.importing import IMPORT_HEADERS as RETURN_HEADERS
from gongxin.reporting.importing import VALUE_HEADERS
from gongxin.reporting.models import ProductLine, ReturnValue

from .crawl import post_rolled_back
from .hardening import xlsx
from .stored import TOO_LONG, dates_outside, kept_badly, numbers_outside

pytestmark = pytest.mark.django_db

BAD_CELLS = [TOO_LONG, "0001-01-01", "9999-12-31", "2022-05-10 以电网为准", "=1+1", "-1",
             "1e999999", "", dt.datetime(1800, 1, 1)]


def _read(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)]


def _enterprise_row(e):
    years = ",".join(str(y) for y in e.years_on_list)
    groups = ";".join(sorted(e.groups.values_list("name", flat=True)))
    values = {"统一社会信用代码": e.uscc, "企业名称": e.name, "曾用名": e.former_names, "所属镇街": e.town.name,
              "行业代码": e.industry.code, "地址": e.address, "法定代表人": e.legal_rep,
              "统计联系人": e.contact_name, "联系电话": e.contact_phone,
              "成立日期": e.founded.isoformat() if e.founded else None, "经营状态": e.get_status_display(),
              "规上名录年份": years, "企业分组": groups}
    return [values[h] for h in ENTERPRISE_HEADERS]


def _return_row(value):
    rows = {(v.indicator.code, c): getattr(v, c) for v in ReturnValue.objects.filter(ret=value.ret)
            .select_related("indicator") for c in ("month", "ytd", "month_ly", "ytd_ly")}
    e = value.ret.enterprise
    return [e.uscc, e.name, value.ret.period, *(rows.get(VALUE_HEADERS[h]) for h in RETURN_HEADERS[3:])]


def _product_row(line):
    values = {"统一社会信用代码": line.enterprise.uscc, "报告期": line.period, "产品代码": line.product.code,
              "产品名称": line.product.name, "计量单位": line.product.unit}
    values |= {h: getattr(line, f) for h, f in PRODUCT_FIELDS.items()}
    return [values[h] for h in PRODUCT_HEADERS]


def _saturday():
    day = dt.date(2027, 1, 1)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def bases(client):
    """{import page: base workbook rows} from the demo county."""
    e = Enterprise.objects.select_related("town", "industry").filter(status="active").order_by("uscc")[0]
    value = ReturnValue.objects.filter(indicator__code="output_value", enterprise=e).select_related(
        "ret", "ret__enterprise").order_by("-period")[0]
    line = ProductLine.objects.select_related("enterprise", "product").order_by("-period", "id")[0]
    invest = ProjectInvestment.objects.select_related("project").order_by("-period", "id")[0]
    town = Region.objects.towns().order_by("code")[0]
    return {
        "/enterprises/import/": [ENTERPRISE_HEADERS, _enterprise_row(e)],
        "/returns/import/": [RETURN_HEADERS, _return_row(value)],
        "/analysis/products/import/": [PRODUCT_HEADERS, _product_row(line)],
        "/analysis/plans/import/?year=2022": _read(client.get("/analysis/plans/template.xlsx?year=2022"))[:2],
        "/analysis/ppi/import/?period=2022-04": _read(client.get("/analysis/export/ppi/?period=2022-04"))[:2],
        "/projects/import/": [["项目编号", "报告期", "本月完成投资", "1-本月完成投资"],
                              [invest.project.code, invest.period, invest.month, invest.ytd]],
        "/accounts/users/import/": [["用户名", "姓名", "手机", "角色", "镇街代码", "统一社会信用代码"],
                                    ["cells_check", "张三", "13805371234", "镇街工业专干", town.code, None]],
        "/services/calendar/import/": [["日期", "类型", "名称"], [_saturday().isoformat(), "上班", "调休"]],
        "/resumption/grid/import/": [["统一社会信用代码", "日期", "日用电量"], [e.uscc, "2022-05-10", 1234.5]],
    }


def stored_badly(tables):
    return kept_badly(tables) + dates_outside(tables) + numbers_outside(tables)


def workbook(rows):
    """An import page's post: the rows as an .xlsx upload."""
    return {"file": SimpleUploadedFile("导入.xlsx", xlsx(rows))}


def import_pages(found):
    """The paths of the pages whose form takes a workbook and nothing else typed (an import)."""
    return {urlsplit(form.action).path for _, page in found for form in page.forms
            if any(f.type == "file" and "xlsx" in f.attrs.get("accept", "") for f in form.fields)
            and not any(f.is_text for f in form.fields)}


def test_every_import_page_takes_its_base_workbook_and_answers_every_bad_cell(pages):
    _, client, found = pages("bureau")
    sheets = bases(client)
    assert import_pages(found) == {urlsplit(u).path for u in sheets}  # a new import page needs its base here
    failures, posts = [], 0
    for url, rows in sheets.items():
        with transaction.atomic():
            response = client.post(url, workbook(rows))
            assert response.status_code == 200, (url, response.content.decode()[:2000])
            transaction.set_rollback(True)
        for col in range(len(rows[0])):
            for bad in BAD_CELLS:
                sheet = [rows[0], [*rows[1][:col], bad, *rows[1][col + 1:]]]
                posts += 1
                if wrong := post_rolled_back(client, url, workbook(sheet), stored_badly):
                    failures.append((url, rows[0][col], repr(bad)[:20], wrong))
    assert failures == [], failures
    assert posts > 400
