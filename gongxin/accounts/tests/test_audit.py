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
        log_action(staff, "create", a, {"uscc": a.uscc})
    with time_machine.travel(dt.datetime(2022, 4, 10, 9, tzinfo=dt.UTC), tick=False):
        log_action(admin, "update", b, {"name": ["旧名", "滕州乙化工有限公司"], "list_years": [[2021], [2021, 2022]]})
        log_action(None, "import", a, {"created": 1}, actor="命令行导入")
    return a, b


def listed(client, **params):
    response = client.get("/accounts/audit/", params)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_audit_page_lists_newest_first_with_chinese_labels(client, entries):
    response = client.get("/accounts/audit/")
    assert [e.action for e in response.context["page"]] == ["import", "update", "create"]
    body = response.content.decode()
    assert "新建" in body and "修改" in body and "导入" in body
    assert "企业名称：旧名 → 滕州乙化工有限公司" in body
    assert "规上名录年份：2021 → 2021、2022" in body
    assert ("create", "新建") in response.context["actions"]
    assert response.context["object_types"] == [("registry.enterprise", "企业")]


@pytest.mark.parametrize(("params", "expected"), [
    ({"actor": "analyst"}, ["create"]),
    ({"actor": "命令行"}, ["import"]),
    ({"action": "update"}, ["update"]),
    ({"object_type": "registry.enterprise"}, ["import", "update", "create"]),
    ({"object_type": "reporting.return"}, []),
    ({"q": "乙化工"}, ["update"]),
    ({"date_from": "2022-04-01"}, ["import", "update"]),
    ({"date_to": "2022-03-31"}, ["create"]),
    ({"date_from": "2022-03-01", "date_to": "2022-03-01", "actor": "analyst1"}, ["create"]),
])
def test_audit_filters(client, entries, params, expected):
    assert listed(client, **params) == expected


def test_command_entries_name_the_command(entries):
    entry = AuditEntry.objects.get(action="import")
    assert (entry.user, entry.actor) == (None, "命令行导入")
    assert describe(entry) == ["新增：1"]
