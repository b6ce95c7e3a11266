import pytest
from django.core.management import CommandError, call_command

from gongxin.registry.models import Enterprise
from gongxin.testing import make_enterprise


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_is_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


@pytest.mark.django_db
def test_healthz_reports_pending_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 pending"


@pytest.mark.django_db
def test_demo_refused_without_debug_when_data_exists(settings):
    settings.DEBUG = False
    make_enterprise()
    with pytest.raises(CommandError, match="DEBUG 已关闭"):
        call_command("load_demo", "--reset")
    call_command("load_demo", "--if-empty")  # an existing database is left alone, quietly
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_demo_refused_without_debug_unless_new_installation(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG 已关闭"):
        call_command("load_demo")
