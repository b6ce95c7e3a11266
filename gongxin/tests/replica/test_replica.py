"""Analysis reads go to a PostgreSQL streaming replica; a user who has just written reads from the
primary. Runs only under `.ci/replica` (GONGXIN_REPLICA_TEST=1, a real primary + hot standby)."""

import os
import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from gongxin.accounts.models import Role
from gongxin.notices.services import send
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.testing import make_enterprise, make_user

pytestmark = [
    pytest.mark.skipif(not os.environ.get("GONGXIN_REPLICA_TEST"), reason="needs the primary + standby of .ci/replica"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def replica_has(ret_pk, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if Return.objects.using("replica").filter(pk=ret_pk).exists():
            return True
        time.sleep(0.2)
    return False


def served_by(client, url):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(url).status_code == 200
    return len(primary), len(replica)


def test_analysis_reads_the_replica_and_a_writer_reads_the_primary(client, settings):
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 30
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a real hot standby, not a second primary
    e = make_enterprise("副本测试机械有限公司")
    ret = make_return(e, period="2022-03", status=Return.Status.ACCEPTED, vals=values())
    analyst = make_user("replica_analyst", Role.BUREAU_STAFF)
    notice, _ = send("other", "测试通知", to_user=analyst)
    assert replica_has(ret.pk)

    client.force_login(analyst)
    primary, replica = served_by(client, "/analysis/?period=2022-03")
    assert replica > 0  # the dashboard's figures came from the standby

    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")  # the standby now lags for certain
    try:
        fresh = make_return(make_enterprise("副本测试新企业有限公司"), period="2022-03",
                            status=Return.Status.ACCEPTED, vals=values())
        assert client.post(f"/notices/{notice.pk}/read/").status_code == 302  # the user writes
        primary, replica = served_by(client, "/analysis/?period=2022-03")
        assert replica == 0 and primary > 0  # read-your-writes: straight from the primary
        assert not Return.objects.using("replica").filter(pk=fresh.pk).exists()  # the standby lags

        settings.REPLICA_READ_YOUR_WRITES_SECONDS = 0  # the window has passed
        primary, replica = served_by(client, "/analysis/?period=2022-03")
        assert replica > 0
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    assert replica_has(fresh.pk)


def test_writes_and_migrations_never_go_to_the_replica():
    from gongxin.replica import ReplicaRouter

    router = ReplicaRouter()
    assert router.db_for_write(Return) == "default"
    assert router.allow_migrate("replica", "reporting") is False
