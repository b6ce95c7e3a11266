"""PostgreSQL: 20 threads doing the same accounts change at once → exactly one effect; the others
get the same clear message as a sequential repeat."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from gongxin.accounts import services
from gongxin.accounts.models import AuditEntry, Membership, Role
from gongxin.testing import make_user, town

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]
User = get_user_model()
N = 20


def race(work):
    """Run `work()` in N threads released together; [result or exception] of each."""
    barrier, results = threading.Barrier(N), []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as e:  # collected and asserted by the caller
            results.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_twenty_identical_creates_make_one_user():
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    results = race(lambda: services.create_user(admin, "samename", "同名"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert User.objects.filter(username="samename").count() == 1
    assert len(errors) == N - 1
    assert all(isinstance(e, services.AccountError) and "已被使用" in str(e) for e in errors), errors
    assert AuditEntry.objects.filter(action="accounts.create_user").count() == 1


def test_twenty_identical_grants_make_one_membership():
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    target = make_user("target1", None)
    region = town("龙阳镇")
    results = race(lambda: services.grant(admin, target, Role.TOWN_OFFICER, region))
    errors = [r for r in results if isinstance(r, Exception)]
    assert Membership.objects.filter(user=target).count() == 1
    assert len(errors) == N - 1 and all("已拥有此角色" in str(e) for e in errors), errors
    assert AuditEntry.objects.filter(action="accounts.grant").count() == 1


def test_twenty_identical_revokes_remove_once_and_audit_once():
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    target = make_user("target1", Role.LEADER)
    membership = target.memberships.get()
    results = race(lambda: services.revoke(admin, membership))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not Membership.objects.filter(user=target).exists()
    assert len(errors) == N - 1 and all("已被撤销" in str(e) for e in errors), errors
    assert AuditEntry.objects.filter(action="accounts.revoke").count() == 1


def test_twenty_identical_deactivations_apply_once():
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    target = make_user("target1", Role.LEADER)
    results = race(lambda: services.set_active(admin, target, False))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == N - 1 and all("已停用" in str(e) for e in errors), errors
    assert AuditEntry.objects.filter(action="accounts.deactivate").count() == 1
