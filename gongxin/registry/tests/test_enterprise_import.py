"""Importing the enterprise list: all-or-nothing, every bad row named, idempotent, round-trips the export."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongxin.accounts.models import AuditEntry, Role
from gongxin.lib.uscc import make_uscc
from gongxin.registry.models import Enterprise, EnterpriseGroup, ListYear
from gongxin.registry.services import IMPORT_HEADERS
from gongxin.testing import make_enterprise, make_user

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "企业名称", "曾用名", "所属镇街", "行业代码", "地址", "法定代表人",
           "统计联系人", "联系电话", "成立日期", "经营状态", "规上名录年份", "企业分组"]
CODE_A, CODE_B, CODE_C = (make_uscc("370481", n) for n in (30_000_001, 30_000_002, 30_000_003))


def workbook(rows, headers=HEADERS):
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good_rows():
    return [
        [CODE_A, "滕州甲机械有限公司", "滕州甲农机厂", "荆河街道", "34", "荆河路1号", "张三", "李四", "13800000000",
         dt.date(2010, 5, 1), "在营", "2021,2022", "防疫物资生产企业"],
        [CODE_B, "滕州乙化工有限公司", None, "龙泉街道", 26, None, None, None, None, None, "停产", 2022, None],
    ]


@pytest.fixture(autouse=True)
def group(db):
    return EnterpriseGroup.objects.create(name="防疫物资生产企业")


@pytest.fixture
def analyst(client):
    user = make_user("analyst1", Role.BUREAU_STAFF)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def upload(client, data, name="企业名录.xlsx"):
    return client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, data)})


def test_headers_are_the_published_contract():
    assert IMPORT_HEADERS == HEADERS


def test_bad_code_and_unknown_town_refuse_the_whole_file(client, analyst):
    make_enterprise()
    rows = good_rows() + [
        [CODE_C[:-1] + ("0" if CODE_C[-1] != "0" else "1"), "滕州丙有限公司", None, "荆河街道", "34"],
        [make_uscc("370481", 30_000_004), "滕州丁有限公司", None, "不存在镇", "34"],
    ]
    before = (Enterprise.objects.count(), ListYear.objects.count(), AuditEntry.objects.count())
    response = upload(client, workbook(rows))
    assert response.status_code == 400
    report = response.context["report"]
    assert [(e.row, e.column) for e in report.errors] == [(4, "统一社会信用代码"), (5, "所属镇街")]
    assert "校验位错误" in report.errors[0].reason
    assert report.errors[1].reason == "未知的镇街“不存在镇”"
    body = response.content.decode()
    assert "第4行" in body and "第5行" in body and "未写入任何数据" in body
    assert (Enterprise.objects.count(), ListYear.objects.count(), AuditEntry.objects.count()) == before


def test_every_kind_of_bad_cell_is_reported(client, analyst):
    rows = [
        ["", "", "", "", "", "x"],  # a row with content but none of the required values
        [CODE_A, "甲", None, "荆河街道", "99", None, None, None, None, "去年", "倒闭", "二〇二二", "不存在的分组"],
        [CODE_A, "甲重复", None, "荆河街道", "34"],
    ]
    report = upload(client, workbook(rows)).context["report"]
    got = {(e.row, e.column) for e in report.errors}
    assert got == {(2, "统一社会信用代码"), (2, "企业名称"), (2, "所属镇街"), (2, "行业代码"),
                   (3, "行业代码"), (3, "成立日期"), (3, "经营状态"), (3, "规上名录年份"), (3, "企业分组"),
                   (4, "统一社会信用代码")}
    assert not Enterprise.objects.exists()


def test_good_file_creates_enterprises_with_all_fields(client, analyst):
    response = upload(client, workbook(good_rows()))
    assert response.status_code == 200
    assert response.context["report"].created == 2
    a = Enterprise.objects.get(uscc=CODE_A)
    assert (a.name, a.former_names, a.town.name, a.division.code, a.address, a.contact_phone, a.founded,
            a.status, a.years_on_list, [g.name for g in a.groups.all()]) == (
        "滕州甲机械有限公司", "滕州甲农机厂", "荆河街道", "34", "荆河路1号", "13800000000", dt.date(2010, 5, 1),
        "active", [2021, 2022], ["防疫物资生产企业"])
    b = Enterprise.objects.get(uscc=CODE_B)
    assert (b.industry.code, b.status, b.years_on_list) == ("26", "suspended", [2022])
    assert AuditEntry.objects.filter(action="registry.create").count() == 2
    assert AuditEntry.objects.filter(action="registry.import", actor="analyst1").count() == 1


def test_reimporting_the_same_file_changes_nothing(client, analyst):
    data = workbook(good_rows())
    upload(client, data)
    versions = dict(Enterprise.objects.values_list("uscc", "version"))
    updates = AuditEntry.objects.filter(action="registry.update").count()
    response = upload(client, data)
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert "未变化2条" in response.content.decode()
    assert dict(Enterprise.objects.values_list("uscc", "version")) == versions
    assert AuditEntry.objects.filter(action="registry.update").count() == updates


def test_changed_row_updates_bumps_the_version_and_is_audited(client, analyst):
    upload(client, workbook(good_rows()))
    rows = good_rows()
    rows[1][1] = "滕州乙新材料有限公司"
    report = upload(client, workbook(rows)).context["report"]
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    b = Enterprise.objects.get(uscc=CODE_B)
    assert (b.name, b.version) == ("滕州乙新材料有限公司", 2)
    entry = AuditEntry.objects.get(action="registry.update")
    assert entry.data == {"name": ["滕州乙化工有限公司", "滕州乙新材料有限公司"]}


def test_a_file_without_optional_columns_leaves_them_alone(client, analyst):
    e = make_enterprise("滕州甲机械有限公司", uscc=CODE_A, address="荆河路1号", contact_name="李四")
    data = workbook([[CODE_A, "滕州甲机械有限公司", "荆河街道", "34"]],
                    headers=["统一社会信用代码", "企业名称", "所属镇街", "行业代码"])
    report = upload(client, data).context["report"]
    assert report.unchanged == 1
    e.refresh_from_db()
    assert (e.address, e.contact_name, e.years_on_list) == ("荆河路1号", "李四", [2021, 2022])


def test_missing_required_header_is_named(client, analyst):
    response = upload(client, workbook([[CODE_A]], headers=["统一社会信用代码", "企业名称"]))
    assert response.status_code == 400
    assert response.context["error"] == "缺少表头：所属镇街、行业代码"


def test_wrong_file_type_is_refused(client, analyst):
    response = upload(client, b"%PDF-1.4", name="名录.pdf")
    assert response.status_code == 400
    assert "只接受 .xlsx、.xls、.csv 文件" in response.content.decode()


def test_gb18030_csv_imports(client, analyst):
    text = "统一社会信用代码,企业名称,所属镇街,行业代码\n" + f"{CODE_A},滕州甲机械有限公司,荆河街道,34\n"
    report = upload(client, text.encode("gb18030"), name="名录.csv").context["report"]
    assert report.created == 1


def test_export_then_import_changes_nothing(client, analyst):
    make_enterprise("滕州=SUM(A1)公司", former_names="旧名一\n旧名 二", address="+86路", founded=dt.date(2001, 2, 3),
                    contact_phone="0632-5512345", status="moved", years=(2021,))
    e = make_enterprise(town_name="龙泉街道", industry="26")
    e.groups.add(EnterpriseGroup.objects.get())
    versions = dict(Enterprise.objects.values_list("uscc", "version"))
    exported = client.get("/enterprises/export.xlsx", {"year": "all"}).content
    assert load_workbook(io.BytesIO(exported)).worksheets[0].max_row == 3
    report = upload(client, exported).context["report"]
    assert (report.errors, report.created, report.updated, report.unchanged) == ([], 0, 0, 2)
    assert dict(Enterprise.objects.values_list("uscc", "version")) == versions
    assert not AuditEntry.objects.filter(action="registry.update").exists()


def test_template_has_the_headers_an_example_and_drop_downs(client, analyst):
    response = client.get("/enterprises/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert "示例" in ws["A2"].value
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    assert validated == {"D2", "E2"}  # 所属镇街 and 行业代码
    assert "荆河街道" in [c.value for c in wb["_lists"]["A"]]


def test_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(workbook(good_rows()))
    call_command("import_enterprises", str(path))
    assert "导入成功：新增2条，更新0条，未变化0条。" in capsys.readouterr().out
    assert Enterprise.objects.count() == 2
    assert AuditEntry.objects.filter(action="registry.create", actor="命令行导入").count() == 2
    call_command("import_enterprises", str(path))
    assert "未变化2条" in capsys.readouterr().out


def test_command_refuses_a_bad_file_and_names_the_rows(tmp_path, capsys):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(workbook(good_rows() + [[CODE_C, "滕州丙有限公司", None, "某某镇", "34"]]))
    with pytest.raises(CommandError, match="导入失败：发现1处错误，未写入任何数据。"):
        call_command("import_enterprises", str(path))
    assert "第4行【所属镇街】：未知的镇街“某某镇”" in capsys.readouterr().err
    assert not Enterprise.objects.exists()


def test_command_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(workbook(good_rows()))
    call_command("import_enterprises", str(path), "--dry-run")
    assert "检查通过" in capsys.readouterr().out
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("name", "message"), [("没有这个文件.xlsx", "No such file"), ("名录.txt", "只接受")])
def test_command_refuses_missing_or_wrong_files(tmp_path, name, message):
    if name.endswith(".txt"):
        (tmp_path / name).write_text("x")
    with pytest.raises(CommandError, match=message):
        call_command("import_enterprises", str(tmp_path / name))


def test_command_exit_status_is_nonzero_on_errors(tmp_path, capsys):
    # `gongxin` exits with CommandError.returncode (run_from_argv); call_command raises it instead.
    path = tmp_path / "名录.csv"
    path.write_text("统一社会信用代码,企业名称,所属镇街,行业代码\nX,甲,荆河街道,34\n", encoding="utf-8")
    with pytest.raises(CommandError, match="导入失败") as error:
        call_command("import_enterprises", str(path))
    assert error.value.returncode == 1
    assert "第2行【统一社会信用代码】：统一社会信用代码应为18位，实为1位" in capsys.readouterr().err
    assert not Enterprise.objects.exists()
