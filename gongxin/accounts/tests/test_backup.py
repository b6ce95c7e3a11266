"""`gongxin backup` / `gongxin restore` round-trip the whole database (run on SQLite and PostgreSQL)."""

import gzip
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from gongxin.accounts.audit import log_action
from gongxin.accounts.models import AuditEntry, Role
from gongxin.registry.models import Enterprise, EnterpriseGroup
from gongxin.testing import make_enterprise, make_user

# Restore runs in its own transaction, as in production (on PostgreSQL a TRUNCATE cannot run inside a
# test's transaction that has pending foreign-key checks); the migrations' data comes back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SKIPPED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


def database_state():
    """Every row of every model we back up, as plain values (restore entries left out)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in SKIPPED:
            continue
        qs = model.objects.order_by("pk")
        if model is AuditEntry:
            qs = qs.exclude(action="accounts.restore")
        rows = list(qs.values())
        if model._meta.auto_created:
            # Many-to-many link rows travel with their owner (as in dumpdata); their own ids are not
            # referenced anywhere and are not kept.
            rows = sorted(tuple(sorted((k, v) for k, v in r.items() if k != "id")) for r in rows)
        state[label] = rows
    return state


@pytest.fixture
def dataset():
    group = EnterpriseGroup.objects.create(name="防疫物资生产企业", description="疫情期间重点保障")
    a = make_enterprise("滕州甲机械有限公司", former_names="滕州甲农机厂", address="荆河路1号")
    a.groups.add(group)
    b = make_enterprise("滕州乙化工有限公司", town_name="龙泉街道", industry="26", years=(2021,))
    user = make_user("reporter1", Role.ENTERPRISE, enterprise=a, password="restore-me-123")
    make_user("town1", Role.TOWN_OFFICER, region="荆河街道")
    log_action(user, "registry.update", a, {"name": ["旧名", a.name]})
    return a, b


def test_backup_then_restore_gives_back_the_same_database(tmp_path, dataset, client):
    a, b = dataset
    before = database_state()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        assert any(o["model"] == "registry.enterprise" for o in json.load(f))

    # Life goes on after the backup…
    Enterprise.objects.filter(pk=b.pk).delete()
    a.name = "改过的名称"
    a.save()
    make_enterprise("备份之后新增的企业")
    assert database_state() != before

    call_command("restore", str(path), "--yes")
    assert database_state() == before
    assert AuditEntry.objects.filter(action="accounts.restore").count() == 1
    # Passwords, memberships and scoping survive; new rows get fresh keys (sequences reset).
    login = client.post("/accounts/login/", {"username": "reporter1", "password": "restore-me-123"})
    assert login.status_code == 302
    assert client.get(f"/enterprises/{a.uscc}/").status_code == 200
    assert client.get(f"/enterprises/{b.uscc}/").status_code == 404
    assert make_enterprise("恢复之后新增的企业").pk not in {a.pk, b.pk}


def test_restore_refuses_without_yes(tmp_path, dataset):
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    make_enterprise("不应被清除")
    with pytest.raises(CommandError, match="请加 --yes"):
        call_command("restore", str(path))
    assert Enterprise.objects.filter(name="不应被清除").exists()


@pytest.mark.parametrize("content", [b"not gzip at all", gzip.compress(b"{broken json"),
                                     gzip.compress(b'[{"model": "registry.nosuchmodel", "pk": 1, "fields": {}}]')],
                         ids=["not gzip", "broken json", "unknown model"])
def test_bad_backup_file_leaves_the_database_alone(tmp_path, dataset, content):
    before = database_state()
    path = tmp_path / "bad.json.gz"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("restore", str(path), "--yes")
    assert database_state() == before


def test_missing_backup_file_and_directory(tmp_path):
    with pytest.raises(CommandError, match="备份文件不存在"):
        call_command("restore", str(tmp_path / "none.json.gz"), "--yes")
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("backup", str(tmp_path / "no" / "dir.json.gz"))
