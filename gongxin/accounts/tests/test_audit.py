import datetime as dt

import pytest
import time_machine

from gongxin.accounts.audit import describe, log_action
from gongxin.accounts.models import AuditEntry, Role
from gongxin.testing import make_enterprise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = make_user("admin1", Role.BUREAU_ADMIN)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def entries(admin):
    staff = make_user("analyst1", Role.BUREAU_STAFF)
    a = make_enterprise("滕州甲机械有限公司")
    b = make_enterprise("滕州乙化工有限公司")
    with time_machine.travel(dt.datetime(2022, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        log_action(staff, "registry.create", a, {"uscc": a.uscc})
    with time_machine.travel(dt.datetime(2022, 4, 10, 9, tzinfo=dt.UTC), tick=False):
        log_action(admin, "registry.update", b, {"name": ["旧名", "滕州乙化工有限公司"], "list_years": [[2021], [2021, 2022]]})
        log_action(None, "registry.import", a, {"created": 1}, actor="命令行导入")
    return a, b


def listed(client, **params):
    response = client.get("/accounts/audit/", params)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_audit_page_lists_newest_first_with_chinese_labels(client, entries):
    response = client.get("/accounts/audit/")
    assert [e.action for e in response.context["page"]] == ["registry.import", "registry.update", "registry.create"]
    body = response.content.decode()
    assert "新增企业" in body and "修改企业信息" in body and "导入企业名录" in body
    assert "企业名称：旧名 → 滕州乙化工有限公司" in body
    assert "规上名录年份：2021 → 2021、2022" in body
    assert ("registry.create", "新增企业") in response.context["actions"]
    assert response.context["object_types"] == [("registry.enterprise", "企业")]


@pytest.mark.parametrize(("params", "expected"), [
    ({"actor": "analyst"}, ["registry.create"]),
    ({"actor": "命令行"}, ["registry.import"]),
    ({"action": "registry.update"}, ["registry.update"]),
    ({"object_type": "registry.enterprise"}, ["registry.import", "registry.update", "registry.create"]),
    ({"object_type": "reporting.return"}, []),
    ({"q": "乙化工"}, ["registry.update"]),
    ({"date_from": "2022-04-01"}, ["registry.import", "registry.update"]),
    ({"date_to": "2022-03-31"}, ["registry.create"]),
    ({"date_from": "2022-03-01", "date_to": "2022-03-01", "actor": "analyst1"}, ["registry.create"]),
])
def test_audit_filters(client, entries, params, expected):
    assert listed(client, **params) == expected


def test_command_entries_name_the_command(entries):
    entry = AuditEntry.objects.get(action="registry.import")
    assert (entry.user, entry.actor) == (None, "命令行导入")
    assert describe(entry) == ["新增：1"]
