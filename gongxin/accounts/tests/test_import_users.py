"""Bulk onboarding: the users workbook is imported all or nothing, every bad row named; the new
users' one-time passwords come back once (page, one download, or the command's sheet)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gongxin.accounts.models import AuditEntry, Profile, Role
from gongxin.accounts.services import IMPORT_HEADERS
from gongxin.registry.models import Enterprise, Region
from gongxin.testing import make_enterprise, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def workbook(rows, headers=IMPORT_HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def thirty_rows():
    """30 users: 20 town officers over the towns, 10 reporters of new enterprises."""
    towns = list(Region.objects.towns().order_by("code"))
    enterprises = [make_enterprise(town_name=towns[i % len(towns)].name) for i in range(10)]
    rows = [(f"officer{i:02d}", f"专干{i:02d}", f"1380000{i:04d}", "镇街工业专干", towns[i % len(towns)].code, "")
            for i in range(20)]
    rows += [(f"reporter{i:02d}", f"填报员{i:02d}", "", "企业统计填报员", "", e.uscc) for i, e in enumerate(enterprises)]
    return rows


@pytest.fixture
def admin(client):
    user = make_user("admin1", Role.BUREAU_ADMIN)
    client.force_login(user)
    return user


def upload(client, data, name="users.xlsx"):
    return client.post("/accounts/users/import/", {"file": SimpleUploadedFile(name, data)})


def test_thirty_rows_with_one_unknown_town_are_refused_whole_naming_the_row(client, admin):
    rows = thirty_rows()
    rows[16] = rows[16][:4] + ("999999999",) + rows[16][5:]
    response = upload(client, workbook(rows))
    assert response.status_code == 400
    errors = response.context["report"].errors
    assert [(e.row, e.column) for e in errors] == [(18, "镇街代码")]
    assert "未知的镇街“999999999”" in errors[0].reason
    assert "第18行" in response.content.decode()
    assert User.objects.count() == 1  # only the admin

    rows[16] = rows[16][:4] + (Region.objects.towns().first().code,) + rows[16][5:]
    response = upload(client, workbook(rows))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.created == 30 and len(report.passwords) == 30
    assert User.objects.count() == 31
    assert Profile.objects.filter(must_change_password=True).count() == 30
    officer = User.objects.get(username="officer05")
    assert officer.memberships.get().role == Role.TOWN_OFFICER
    username, _, _, _, password = report.passwords[0]
    assert User.objects.get(username=username).check_password(password)
    assert password in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.import_users").get().data == {"users": 30}


def test_every_bad_row_is_named(client, admin):
    e = make_enterprise()
    make_user("taken", None)
    rows = [
        ("u1", "甲", "", "镇街工业专干", "不存在镇", ""),
        ("u2", "乙", "", "企业统计填报员", "", "91370481MA3X00000X"),
        ("u3", "丙", "", "企业统计填报员", "", e.uscc),
        ("u3", "丁", "", "领导", "", ""),
        ("taken", "戊", "", "领导", "", ""),
        ("u6", "己", "", "厂长", "", ""),
        ("", "庚", "", "领导", "", ""),
        ("u8", "辛", "12ab", "领导", "", ""),
    ]
    response = upload(client, workbook(rows))
    assert response.status_code == 400
    found = {(err.row, err.column) for err in response.context["report"].errors}
    assert found == {(2, "镇街代码"), (3, "统一社会信用代码"), (5, "用户名"), (6, "用户名"), (7, "角色"),
                     (8, "用户名"), (9, "手机")}
    reasons = " ".join(err.reason for err in response.context["report"].errors)
    assert "与第4行重复" in reasons and "已被使用" in reasons and "未知的统一社会信用代码" in reasons
    assert not User.objects.filter(username__in=["u1", "u3", "u6"]).exists()


def test_missing_header_and_empty_file_are_refused(client, admin):
    response = upload(client, workbook([("a", "b")], headers=["姓名", "手机"]))
    assert response.status_code == 400 and "缺少表头：用户名、角色" in response.content.decode()
    assert upload(client, workbook([])).status_code == 400


def test_passwords_sheet_downloads_once(client, admin):
    upload(client, workbook([("newbie1", "新人", "", "领导", "", "")]))
    response = client.get("/accounts/users/import/passwords.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[1][0] == "newbie1" and User.objects.get(username="newbie1").check_password(rows[1][4])
    assert client.get("/accounts/users/import/passwords.xlsx").status_code == 404


def test_template_downloads_with_the_headers(client, admin):
    response = client.get("/accounts/users/import/template.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == IMPORT_HEADERS


def test_command_imports_and_writes_the_passwords_sheet(tmp_path, capsys):
    rows = thirty_rows()[:3]
    path = tmp_path / "users.xlsx"
    path.write_bytes(workbook(rows))
    out = tmp_path / "pw.xlsx"
    call_command("import_users", str(path), "--out", str(out))
    printed = capsys.readouterr().out
    assert str(out) in printed and "新增3条" in printed
    sheet = list(load_workbook(out).active.values)
    assert User.objects.get(username=sheet[1][0]).check_password(sheet[1][4])


def test_command_refuses_a_bad_file_and_writes_nothing(tmp_path):
    path = tmp_path / "users.xlsx"
    path.write_bytes(workbook([("x1", "", "", "镇街工业专干", "nowhere", "")]))
    with pytest.raises(CommandError):
        call_command("import_users", str(path))
    assert not User.objects.filter(username="x1").exists()
    assert Enterprise.objects.count() == 0
