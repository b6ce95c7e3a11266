"""20 parallel identical requests → one effect (PostgreSQL: SQLite serialises writers)."""

import threading

import pytest
from django.db import connection

from gongxin.accounts.models import AuditEntry
from gongxin.notices.models import Notice
from gongxin.prevention import services
from gongxin.prevention.models import Finding, FindingStep, Registration, StatusChange

from .utils import cast, finding, jpeg, register

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and parallel writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
N = 20


def parallel(work):
    """Run `work()` in N threads started together; returns the outcomes ("ok" or the error class name)."""
    barrier, results = threading.Barrier(N), []

    def run():
        try:
            barrier.wait()
            work()
            results.append("ok")
        except Exception as e:  # the refusals are the point
            results.append(type(e).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_twenty_parallel_approvals_approve_once():
    event, e, _, p = cast()
    reg = register(p["reporter"], event, e)
    results = parallel(lambda: services.approve_registration(p["town"], Registration.objects.get(pk=reg.pk),
                                                             reg.version))
    assert results.count("ok") == 1 and set(results) <= {"ok", "ConflictError", "DomainError"}
    assert StatusChange.objects.filter(registration=reg, new="approved").count() == 1
    assert AuditEntry.objects.filter(action="prevention.approve").count() == 1


def test_twenty_parallel_verifications_verify_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event, e, _, p = cast()
    f = finding(event, e, p["town"])
    f = services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    results = parallel(lambda: services.verify(p["town"], Finding.objects.get(pk=f.pk), f.version))
    assert results.count("ok") == 1
    assert FindingStep.objects.filter(finding=f, action="verified").count() == 1
    assert AuditEntry.objects.filter(action="prevention.verify").count() == 1


def test_twenty_parallel_reminders_remind_once_per_enterprise_and_day():
    event, e, other, p = cast()
    notice = services.publish_notice(p["analyst"], event, title="紧急通知", issuer="工信局")
    results = parallel(lambda: services.remind_unread(p["analyst"], notice))
    assert results.count("ok") == N
    assert Notice.objects.filter(kind=Notice.Kind.READ_REMIND).count() == 2
    assert AuditEntry.objects.filter(action="prevention.remind").count() == 1


def test_twenty_parallel_publishes_of_one_form_publish_once():
    from gongxin.prevention.models import PolicyNotice

    event, _, _, p = cast()
    results = parallel(lambda: services.publish_notice(p["analyst"], event, title="紧急通知", issuer="工信局",
                                                       token="same-form"))
    assert results.count("ok") == N
    assert PolicyNotice.objects.count() == 1 and Notice.objects.count() == 2
