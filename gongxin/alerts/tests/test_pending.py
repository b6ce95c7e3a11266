"""The rescan queue: a return's change is queued at commit and scanned in batches off the request."""

import atexit
import os
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from gongxin.alerts import pending, scan
from gongxin.alerts.models import EarlyWarning, PendingScan
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.reporting import services
from gongxin.reporting.events import changed_later
from gongxin.testing import make_enterprise, personas
from gongxin.tests.hardening import parallel

pytestmark = pytest.mark.django_db


def _listed(period="2022-03"):
    return {(w.enterprise_id, w.town_id, w.rule_id, w.level, w.reason, w.status)
            for w in EarlyWarning.objects.filter(period=period).exclude(status="cleared")}


@pytest.fixture
def county():
    """Three towns, an enterprise falling 55% (red) in each, and one growing."""
    with time_machine.travel("2022-05-20"):
        firms = [make_enterprise(f"{t}下降企业有限公司", town_name=t) for t in ("荆河街道", "龙泉街道", "北辛街道")]
        rets = [make_return(e, "2022-03", status="submitted", values=output(10, 45, 10, 100)) for e in firms]
        grower = make_enterprise("荆河增长企业有限公司", town_name="荆河街道")
        make_return(grower, "2022-03", values=output(10, 120, 10, 100))
    return firms, rets, grower


def test_a_change_queued_twice_is_one_row():
    pending.queue({(7, "2022-03"), (None, "2022-03")})
    pending.queue({(7, "2022-03")})
    assert sorted(PendingScan.objects.values_list("period", "enterprise_pk")) == [("2022-03", 0), ("2022-03", 7)]


def test_a_sent_back_return_is_rescanned_through_the_queue(county, django_capture_on_commit_callbacks):
    firms, rets, _ = county
    scan.scan("2022-03")
    assert len(_listed()) == 3
    town = personas(firms[0])["town"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.return_to_enterprise(town, rets[0], "产值偏低，请核实")
    assert not PendingScan.objects.exists()  # nothing queued before the change commits
    for callback in callbacks:
        callback()
    assert not PendingScan.objects.exists()  # RESCAN_DELAY_MS 0: drained at once
    assert {w[0] for w in _listed()} == {firms[1].pk, firms[2].pk}


def test_other_forms_are_not_queued(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        changed_later("finance", {(county[0][0].pk, "2022-03")})
    assert not PendingScan.objects.exists()


def test_a_batch_finds_what_the_county_scan_finds(county):
    firms, rets, grower = county
    scan.scan("2022-03")
    before = _listed()
    for ret in rets[:2]:  # two enterprises recover: their warnings clear, the third's stays
        ret.values.filter(indicator__code="output_value").update(ytd=200)
    pending.queue({(firms[0].pk, "2022-03"), (firms[1].pk, "2022-03"), (grower.pk, "2022-03")})
    assert pending.drain() == 3
    batched = _listed()
    scan.scan("2022-03")  # the whole county, from scratch
    assert batched == _listed() != before
    assert {w[0] for w in batched} == {firms[2].pk}


def test_a_burst_is_scanned_together_per_period(county, monkeypatch):
    calls = []
    monkeypatch.setattr(pending, "rescan", lambda period, ids, actor: calls.append((period, ids)))
    pending.queue({(i, "2022-03") for i in range(1, 100)} | {(3, "2022-04"), (None, "2022-05"), (4, "2022-05")})
    assert pending.drain() == 102
    assert calls == [("2022-03", set(range(1, 100))), ("2022-04", {3}), ("2022-05", None)]  # None: whole period


def test_a_failed_scan_puts_its_rows_back(county, monkeypatch):
    def broken(period, ids, actor):
        raise RuntimeError("database went away")

    monkeypatch.setattr(pending, "rescan", broken)
    pending.queue({(county[0][0].pk, "2022-03")})
    with pytest.raises(RuntimeError):
        pending.drain()
    assert PendingScan.objects.filter(enterprise_pk=county[0][0].pk).exists()


def test_a_change_queued_during_a_scan_is_scanned_again(county, monkeypatch):
    seen, real = [], scan.rescan
    e = county[0][0]

    def scanning(period, ids, actor):
        seen.append(ids)
        if len(seen) == 1:
            pending.queue({(e.pk, period)})  # the enterprise changes again while it is being scanned
        return real(period, ids, actor=actor)

    monkeypatch.setattr(pending, "rescan", scanning)
    pending.queue({(e.pk, "2022-03")})
    assert pending.drain() == 2 and seen == [{e.pk}, {e.pk}]
    assert not PendingScan.objects.exists()


def test_the_hourly_job_drains_the_queue(county, capsys):
    pending.queue({(county[0][0].pk, "2022-03")})
    call_command("warnings_scan", "--pending")
    assert "已处理1项" in capsys.readouterr().out
    assert not PendingScan.objects.exists() and len(_listed()) == 1


def test_what_is_queued_is_drained_when_the_process_exits(county):
    drainer = pending._Drainer()
    pending.queue({(county[0][0].pk, "2022-03")})
    drainer.flush()  # not this process's queueing (it never kicked): left to the process that did
    assert PendingScan.objects.exists()
    drainer._pid = os.getpid()  # as after kick(), whose thread had not woken yet
    drainer.flush()
    assert not PendingScan.objects.exists() and len(_listed()) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_background_drain_scans_after_the_delay(county, settings):
    settings.RESCAN_DELAY_MS = 50
    firms = county[0]
    pending.queue({(e.pk, "2022-03") for e in firms})
    drainer = pending._Drainer()  # this test's own (its thread idles on after the test)
    drainer.kick()
    atexit.unregister(drainer.flush)  # the test database is gone by then
    # Wait for the thread's round without touching the database meanwhile (SQLite's shared-cache test
    # database refuses a read while another connection writes the table).
    for _ in range(400):
        if drainer.rounds:
            break
        time.sleep(0.025)
    assert drainer.rounds == 1
    assert not PendingScan.objects.exists()
    assert {w[0] for w in _listed()} == {e.pk for e in firms}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED and parallel writers need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_drains_take_each_row_once(county, monkeypatch):
    scanned = []
    monkeypatch.setattr(pending, "rescan", lambda period, ids, actor: scanned.extend(ids))
    pending.queue({(i, "2022-03") for i in range(1, 401)})
    results = parallel(20, lambda i: pending.drain())
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 400 and sorted(scanned) == list(range(1, 401))
    assert not PendingScan.objects.exists()
