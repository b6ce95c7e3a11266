import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gongxin.lib import excel
from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_text, header_index, read_rows
from gongxin.lib.export import Exporter, render_many


def xlsx_bytes(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_read_xlsx_rows_with_dates_and_blanks():
    data = xlsx_bytes([["代码", "名称", "日期"], ["06", "甲", dt.date(2022, 3, 1)], [None, "乙", None]])
    rows = read_rows(data, name="企业.xlsx")
    assert rows[0] == ["代码", "名称", "日期"]
    assert rows[1][:2] == ["06", "甲"]
    assert rows[1][2].date() if isinstance(rows[1][2], dt.datetime) else rows[1][2] == dt.date(2022, 3, 1)
    assert rows[2] == [None, "乙", None]


def test_read_uploaded_file_object():
    upload = SimpleUploadedFile("名录.xlsx", xlsx_bytes([["a"], [1]]))
    assert read_rows(upload) == [["a"], [1]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_read_csv_in_utf8_and_gb18030(encoding):
    data = "统一社会信用代码,企业名称\n91350100M000100Y43,滕州示例机械有限公司\n".encode(encoding)
    assert read_rows(data, name="list.csv") == [["统一社会信用代码", "企业名称"],
                                                 ["91350100M000100Y43", "滕州示例机械有限公司"]]


@pytest.mark.parametrize("name", ["企业.docx", "企业.xlsx.exe", "noextension", None])
def test_wrong_extension_is_refused(name):
    with pytest.raises(WorkbookError, match="只接受 .xlsx、.xls、.csv 文件"):
        read_rows(b"a,b\n", name=name)


def test_oversized_file_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(WorkbookError, match="文件超过1MB上限"):
        read_rows(b"x" * (1024 * 1024 + 1), name="big.csv")


def test_oversized_upload_is_refused_before_reading(settings):
    settings.MAX_UPLOAD_MB = 1

    class Upload(io.BytesIO):
        name, size = "big.xlsx", 50 * 1024 * 1024

        def read(self, *args):
            raise AssertionError("read an oversized upload")

    with pytest.raises(WorkbookError, match="文件超过1MB上限"):
        read_rows(Upload())


def test_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))  # inflates 2 MB from ~2 kB
    data = buf.getvalue()
    assert len(data) < 20_000
    with pytest.raises(WorkbookError, match="解压后过大"):
        read_rows(data, name="bomb.xlsx")


def test_not_a_workbook_is_refused():
    with pytest.raises(WorkbookError, match="不是有效的Excel工作簿"):
        read_rows(b"this is text", name="fake.xlsx")


def test_header_index_names_missing_headers():
    assert header_index(["  企业名称 ", "统一社会信用代码"], ["统一社会信用代码", "企业名称"]) == {
        "统一社会信用代码": 1, "企业名称": 0}
    with pytest.raises(WorkbookError, match="缺少表头：所属镇街、行业代码"):
        header_index(["企业名称"], ["企业名称", "所属镇街", "行业代码"])


def test_cell_text():
    assert cell_text(2022.0) == "2022"
    assert cell_text(None) == ""
    assert cell_text("  a ") == "a"


def test_import_report_messages():
    report = ImportReport(errors=[RowError(3, "所属镇街", "未知的镇街“某镇”")])
    assert str(report.errors[0]) == "第3行【所属镇街】：未知的镇街“某镇”"
    assert report.summary() == "导入失败：发现1处错误，未写入任何数据。"
    assert ImportReport(created=2, unchanged=1).summary() == "导入成功：新增2条，更新0条，未变化1条。"


class NamesExporter(Exporter):
    identifier = "names"
    name = "名单"
    headers = ("企业名称", "数值")

    def rows(self):
        yield ["=HYPERLINK(\"http://evil\",\"点我\")", 1]
        yield ["+1+2", 2]
        yield ["-3", 3]
        yield ["@SUM(A1)", 4]
        yield ["正常名称", 5]


def test_export_writes_formula_like_text_as_string_cells():
    wb = load_workbook(io.BytesIO(NamesExporter().render_xlsx()))
    ws = wb["名单"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 7)]
    assert [c.value for c in cells] == ["=HYPERLINK(\"http://evil\",\"点我\")", "+1+2", "-3", "@SUM(A1)", "正常名称"]
    assert {c.data_type for c in cells} == {"s"}
    assert ws.cell(row=2, column=2).data_type == "n"


def test_exported_formula_text_is_not_a_formula_in_the_xml():
    data = NamesExporter().render_xlsx()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_render_many_makes_one_sheet_per_exporter():
    wb = load_workbook(io.BytesIO(render_many([NamesExporter(), NamesExporter()])))
    assert len(wb.sheetnames) == 2


def test_a_date_cell_is_read_whole_in_the_forms_a_bureau_types():
    import datetime as dt

    import pytest

    from gongxin.lib.excel import cell_date

    day = dt.date(2022, 4, 14)
    for cell in (day, dt.datetime(2022, 4, 14, 9, 30), "2022-04-14", "2022-04-14 00:00:00"):
        assert cell_date(cell) == day == cell_date(cell, typed=True), cell
    for cell in ("2022/04/14", "2022.04.14", "2022年4月14日"):  # what people type into 成立日期
        assert cell_date(cell, typed=True) == day, cell
        with pytest.raises(ValueError):
            cell_date(cell)  # a feed (电网日用电, 工作日历) is ISO
    assert cell_date(None) is None and cell_date("") is None
    for bad in ("2022-04-140", "2022-04-14 以电网为准", "2022-13-01", "abc", 44665.0):
        with pytest.raises(ValueError, match="无法识别"):
            cell_date(bad)
