"""Notices on transitions, and 催报 from 报送进度 (button and command: one mechanism, once a day)."""

import datetime as dt
import importlib
import io
import threading

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from gongxin.accounts.models import AuditEntry
from gongxin.notices.models import Notice
from gongxin.reporting import services
from gongxin.reporting.models import Notice as OldNotice
from gongxin.reporting.models import Return
from gongxin.reporting.reminders import remind
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, output_form

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture
def cast():
    jh = [make_enterprise(town_name="荆河街道") for _ in range(3)]
    lq = make_enterprise(town_name="龙泉街道")
    make_return(jh[0], "2022-04", status=S.SUBMITTED)
    return jh, lq, personas(jh[0], jh[1])


def test_send_back_tells_the_enterprise_the_reason_once(cast):
    jh, _, p = cast
    ret = Return.objects.get(enterprise=jh[0])
    services.return_to_enterprise(p["town"], ret, "出口交货值漏填")
    notice = Notice.objects.get(enterprise=jh[0], kind="returned")
    assert "出口交货值漏填" in notice.title and notice.url == f"/returns/{jh[0].uscc}/output/2022-04/"
    assert Notice.objects.for_user(p["reporter"]).filter(pk=notice.pk).exists()
    assert not Notice.objects.for_user(p["other_reporter"]).filter(pk=notice.pk).exists()


def test_approve_and_accept_tell_the_enterprise(cast):
    jh, _, p = cast
    ret = services.approve_return(p["town"], Return.objects.get(enterprise=jh[0]))
    services.accept_return(p["analyst"], ret)
    assert list(Notice.objects.filter(enterprise=jh[0]).order_by("id").values_list("kind", flat=True)) == [
        "approved", "accepted"]


def test_refused_transition_sends_nothing(cast):
    jh, _, p = cast
    with pytest.raises(services.DomainError):
        services.accept_return(p["analyst"], make_return(jh[1], "2022-04", status=S.DRAFT))
    assert not Notice.objects.filter(enterprise=jh[1]).exists()


@pytest.mark.parametrize("who, status, reminded", [
    ("admin", 302, {"jh1", "jh2", "lq"}), ("analyst", 302, {"jh1", "jh2", "lq"}), ("town", 302, {"jh1", "jh2"}),
    ("outsider", 302, {"lq"}), ("reporter", 403, set()), ("leader", 403, set()), ("nobody", 403, set()),
])
def test_remind_button_access_and_scope(client, cast, who, status, reminded):
    jh, lq, p = cast
    client.force_login(p[who])
    response = client.post("/returns/completeness/remind/", {"form": "output", "period": "2022-04"})
    assert response.status_code == status
    names = {jh[1].pk: "jh1", jh[2].pk: "jh2", lq.pk: "lq"}
    assert {names[i] for i in Notice.objects.filter(kind="remind").values_list("enterprise_id", flat=True)} == reminded


def test_remind_button_needs_login(client, cast):
    assert client.post("/returns/completeness/remind/", {"form": "output", "period": "2022-04"}).status_code == 302
    assert not Notice.objects.exists()


def test_remind_is_once_per_day_however_often_pressed_and_shared_with_the_command(client, cast):
    jh, _, p = cast
    client.force_login(p["town"])
    with time_machine.travel(dt.datetime(2022, 5, 12, 9)):
        for _ in range(3):
            client.post("/returns/completeness/remind/", {"form": "output", "period": "2022-04"})
        out = io.StringIO()
        call_command("remind", "--period", "2022-04", stdout=out)
    assert Notice.objects.filter(kind="remind", enterprise__in=jh).count() == 2
    assert "新增催报通知1条" in out.getvalue()  # only 龙泉街道's enterprise was new to the command
    entry = AuditEntry.objects.get(action="returns.remind", user=p["town"])
    assert entry.data["count"] == 2
    with time_machine.travel(dt.datetime(2022, 5, 13, 9)):
        client.force_login(p["town"])  # a day later the idle session has ended
        client.post("/returns/completeness/remind/", {"form": "output", "period": "2022-04"})
    assert Notice.objects.filter(kind="remind", enterprise__in=jh).count() == 4  # a new day, a new reminder


def test_completeness_page_shows_the_button_and_who_was_reminded(client, cast):
    _, _, p = cast
    client.force_login(p["town"])
    assert 'data-testid="remind"' in client.get("/returns/completeness/?form=output&period=2022-04").content.decode()
    remind(output_form(), "2022-04", user=p["town"])
    assert "已催报" in client.get("/returns/completeness/?form=output&period=2022-04").content.decode()
    client.force_login(p["leader"])
    assert 'data-testid="remind"' not in client.get("/returns/completeness/?form=output&period=2022-04").content.decode()


def test_old_reminders_move_into_the_notices_app(cast):
    jh, _, _ = cast
    Notice.objects.all().delete()
    OldNotice.objects.create(enterprise=jh[1], form=output_form(), period="2022-04", message="请尽快报送")
    migration = importlib.import_module("gongxin.reporting.migrations.0007_notices_to_app")
    migration.forward(apps, None)
    migration.forward(apps, None)  # twice: still one
    notice = Notice.objects.get(kind="remind")
    assert notice.enterprise == jh[1] and notice.source == "reporting.remind:output:2022-04"
    assert remind(output_form(), "2022-04", today=notice.created_at.date())[0] == 2  # jh[2] and lq, not jh[1] again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's concurrent writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_reminders_send_one_notice_per_enterprise(cast):
    jh, lq, p = cast
    day = dt.date(2022, 5, 12)
    errors = []

    def press():
        try:
            remind(output_form(), "2022-04", user=p["analyst"], today=day)
        except Exception as e:  # noqa: BLE001 — any failure is the test's failure
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(Notice.objects.filter(kind="remind").values_list("enterprise_id", flat=True)) == sorted(
        [jh[1].pk, jh[2].pk, lq.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's concurrent writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_send_backs_notify_once(cast):
    jh, _, p = cast
    ret = Return.objects.get(enterprise=jh[0])
    version = ret.version

    def send_back():
        try:
            services.return_to_enterprise(p["town"], Return.objects.get(pk=ret.pk), "请核实", expected_version=version)
        except services.DomainError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=send_back) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Notice.objects.filter(enterprise=jh[0], kind="returned").count() == 1
