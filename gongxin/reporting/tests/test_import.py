import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongxin.accounts.models import Role
from gongxin.lib.excel import read_rows
from gongxin.reporting.importing import IMPORT_HEADERS, import_returns
from gongxin.reporting.models import Return, ReturnValue, ValueChange
from gongxin.testing import make_enterprise, make_user, personas

from .helpers import make_return

pytestmark = pytest.mark.django_db

ROW = [3000, 8000, 2500, 6800, 2900, 7800, 2400, 6600, 0, 0, 0, 0, 12.5, 33.5, 11.5, 30.5]


def workbook(rows, path=None, extra_column=False):
    wb = Workbook()
    ws = wb.active
    ws.append([*IMPORT_HEADERS, "备注"] if extra_column else IMPORT_HEADERS)
    for row in rows:
        ws.append(row)
    if path:
        wb.save(path)
        return str(path)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_for(*enterprises, period="2022-03", values=ROW):
    return [[e.uscc, e.name, period, *values] for e in enterprises]


def test_good_file_lands_accepted_with_source():
    a, b = make_enterprise(), make_enterprise()
    report = import_returns(read_rows(workbook(rows_for(a, b)), name="a.xlsx"), filename="统计局3月.xlsx")
    assert report.ok and report.created == 2
    ret = Return.objects.get(enterprise=a)
    assert (ret.status, ret.source, ret.source_note) == ("accepted", "import", "导入：统计局3月.xlsx")
    value = ReturnValue.objects.get(ret=ret, indicator__code="electricity")
    assert (value.month, value.ytd, value.ytd_ly) == (pytest.approx(12.5), 33.5, 30.5)


def test_excel_date_period_and_extra_columns_are_accepted():
    a = make_enterprise()
    rows = [[a.uscc, a.name, dt.datetime(2022, 3, 1), *ROW, "忽略"]]
    report = import_returns(read_rows(workbook(rows, extra_column=True), name="a.xlsx"))
    assert report.ok and Return.objects.get(enterprise=a).period == "2022-03"


def test_bad_row_refuses_the_whole_file_and_names_it():
    a, b = make_enterprise(), make_enterprise()
    bad = [b.uscc, b.name, "2022-03", *ROW]
    bad[4] = "三千"  # 工业总产值1-本月
    bad[5] = -1  # 工业总产值上年同月
    rows = rows_for(a) + [bad] + [["91370481XXXXXXXXXX", "无名公司", "2022-13", *ROW]]
    report = import_returns(read_rows(workbook(rows), name="a.xlsx"))
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert (3, "工业总产值1-本月") in found and (3, "工业总产值上年同月") in found
    assert (4, "统一社会信用代码") in found and (4, "报告期") in found
    assert not Return.objects.exists() and not ReturnValue.objects.exists()


def test_missing_header_is_refused():
    from gongxin.lib.excel import WorkbookError

    wb = Workbook()
    wb.active.append(IMPORT_HEADERS[:-1])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(WorkbookError, match="用电量上年1-同月"):
        import_returns(read_rows(buf.getvalue(), name="a.xlsx"))


def test_duplicate_rows_and_january_are_errors():
    a = make_enterprise()
    rows = rows_for(a) + rows_for(a) + rows_for(a, period="2022-01")
    report = import_returns(read_rows(workbook(rows), name="a.xlsx"))
    reasons = " ".join(e.reason for e in report.errors)
    assert "重复" in reasons and "1月不单独报送" in reasons


def test_warnings_are_listed_but_do_not_block():
    a = make_enterprise()
    values = list(ROW)
    values[0:4] = [3000, 8000, 2500, 4000]  # 1-本月 +100%
    values[4:8] = [2900, 7800, 2400, 3900]
    report = import_returns(read_rows(workbook(rows_for(a, values=values)), name="a.xlsx"))
    assert report.ok and report.created == 1
    assert any(w.column == "工业总产值1-本月" and "同比" in w.reason for w in report.warnings)


def test_reimport_of_the_same_file_changes_nothing(tmp_path):
    a, b = make_enterprise(), make_enterprise()
    path = workbook(rows_for(a, b), tmp_path / "m.xlsx")
    call_command("import_returns", path, stdout=io.StringIO())
    before = list(Return.objects.order_by("id").values_list("id", "version", "updated_at"))
    out = io.StringIO()
    call_command("import_returns", path, stdout=out)
    assert "未变化2条" in out.getvalue()
    assert list(Return.objects.order_by("id").values_list("id", "version", "updated_at")) == before
    assert not ValueChange.objects.exists()


def test_corrected_file_updates_values_with_history(tmp_path):
    a = make_enterprise()
    import_returns(read_rows(workbook(rows_for(a)), name="a.xlsx"), filename="v1.xlsx")
    corrected = list(ROW)
    corrected[12:14] = [13, 34]
    report = import_returns(read_rows(workbook(rows_for(a, values=corrected)), name="a.xlsx"), filename="v2.xlsx")
    assert (report.created, report.updated) == (0, 1)
    value = ReturnValue.objects.get(enterprise=a, indicator__code="electricity")
    assert (value.month, value.ytd) == (13, 34)
    changes = ValueChange.objects.filter(ret__enterprise=a).order_by("field")
    assert [(c.field, c.old, c.new, c.reason) for c in changes] == [
        ("electricity.month", pytest.approx(12.5), 13, "导入：v2.xlsx"),
        ("electricity.ytd", pytest.approx(33.5), 34, "导入：v2.xlsx")]
    assert Return.objects.get(enterprise=a).version == 2


def test_import_over_an_entered_return_accepts_it_and_keeps_history():
    a = make_enterprise()
    ret = make_return(a, status="submitted")
    report = import_returns(read_rows(workbook(rows_for(a)), name="a.xlsx"), filename="v1.xlsx")
    assert report.updated == 1
    ret.refresh_from_db()
    assert (ret.status, ret.source) == ("accepted", "import")
    assert ValueChange.objects.filter(ret=ret, field="output_value.ytd", old=3000, new=8000).exists()


def test_month_check_uses_previous_period_in_the_same_file():
    a = make_enterprise()
    feb = list(ROW)
    feb[0:2] = [5000, 5000]
    feb[4:6] = [4900, 4900]
    feb[12:14] = [21, 21]
    report = import_returns(read_rows(workbook(rows_for(a, period="2022-02", values=feb) + rows_for(a)), name="a.xlsx"))
    assert report.ok
    month_warnings = [w for w in report.warnings if w.column == "工业总产值本月"]
    assert month_warnings == []  # 8000 − 5000 = 3000 = 本月
    assert not [w for w in report.warnings if w.row == 2 and "本月" in w.column]


def test_command_with_a_bad_row_fails_and_names_it(tmp_path):
    a = make_enterprise()
    path = workbook([[a.uscc, a.name, "2022-03", *ROW[:-1], "x"]], tmp_path / "bad.xlsx")
    err = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_returns", path, stdout=io.StringIO(), stderr=err)
    assert "第2行【用电量上年1-同月】" in err.getvalue()
    assert not Return.objects.exists()


def test_upload_page_is_for_bureau_staff(client):
    e = make_enterprise()
    p = personas(e)
    for who, status in [("analyst", 200), ("admin", 200), ("town", 403), ("reporter", 403), ("leader", 403)]:
        client.force_login(p[who])
        assert client.get("/returns/import/").status_code == status, who
        assert client.get("/returns/import/template.xlsx").status_code == status, who


def test_upload_imports_and_template_has_the_headers(client):
    a = make_enterprise()
    client.force_login(make_user("staff", Role.BUREAU_STAFF))
    template = load_workbook(io.BytesIO(client.get("/returns/import/template.xlsx").content)).active
    assert [c.value for c in template[1]] == IMPORT_HEADERS
    upload = io.BytesIO(workbook(rows_for(a)))
    upload.name = "3月.xlsx"
    response = client.post("/returns/import/", {"file": upload})
    assert response.status_code == 200 and "新增1条" in response.content.decode()
    assert Return.objects.get(enterprise=a).source_note == "导入：3月.xlsx"


def test_upload_with_errors_answers_400_and_writes_nothing(client):
    a = make_enterprise()
    client.force_login(make_user("staff", Role.BUREAU_STAFF))
    upload = io.BytesIO(workbook([[a.uscc, a.name, "2022-03", *ROW[:-1], -3]]))
    upload.name = "bad.xlsx"
    response = client.post("/returns/import/", {"file": upload})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    assert not Return.objects.exists()
