"""The warning rescan off the request path: changed returns are queued, then scanned in batches.

When a return's change commits (reporting/events.py `returns_changed`), `queue_changed` writes a
`PendingScan` row per (period, enterprise) — one short INSERT, the only work left in the user's
request — and wakes this process's drainer. The drainer (a daemon thread, one per process, started on
first use) waits `RESCAN_DELAY_MS` for the burst to gather, then `drain()`s: it takes the queued rows
(SKIP LOCKED on PostgreSQL, so two processes never take the same row), and re-scans each period
for the enterprises queued together (alerts/scan.py `rescan`).

A row is deleted when it is taken; one queued again meanwhile (the enterprise changed again) is a
new row and is scanned on the next round, so no change is missed. A failing scan puts its rows back;
a process killed in the middle of a scan (not stopped: a stop drains first) loses the rows it had
taken, and the nightly `warnings_scan --period` (which re-evaluates the whole period) catches up.
With `RESCAN_DELAY_MS = 0` the drain runs at once in the committing thread (the test suite's
setting, and the behaviour before the queue). The hourly `warnings_scan --pending` job drains what a
stopped process left; the nightly `warnings_scan --period` re-evaluates everything.
"""

import atexit
import logging
import os
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.db import connections, transaction

from .models import PendingScan
from .scan import rescan

log = logging.getLogger(__name__)
BATCH = 1000  # rows taken per round (a round's periods are scanned one after another)


def queue(items):
    """Queue {(enterprise_id | None, period)} for the rescan (None: the whole period)."""
    rows = [PendingScan(period=p, enterprise_pk=e or PendingScan.WHOLE_PERIOD) for e, p in sorted(items, key=str)]
    # A row already queued is only touched (queued_at), never duplicated.
    PendingScan.objects.bulk_create(rows, update_conflicts=True, unique_fields=["period", "enterprise_pk"],
                                    update_fields=["queued_at"])


def queue_changed(form, items, **_):
    """The `returns_changed` listener: queue the 产值 form's changes, and have them scanned."""
    from gongxin.analysis import stats

    if form != stats.OUTPUT_FORM:
        return
    queue(items)
    if settings.RESCAN_DELAY_MS <= 0:
        drain()
    else:
        _drainer.kick()


def drain(actor="报表变动自动扫描"):
    """Scan everything queued, round after round until the queue is empty. Returns the rows drained."""
    done = 0
    while taken := _take():
        by_period = defaultdict(set)
        for row in taken:
            by_period[row.period].add(row.enterprise_pk)
        for period, ids in sorted(by_period.items()):
            try:
                rescan(period, None if PendingScan.WHOLE_PERIOD in ids else ids, actor=actor)
            except Exception:
                queue({(e or None, period) for e in ids})  # put back: the next drain tries again
                raise
        done += len(taken)
    return done


def _take():
    with transaction.atomic():
        taken = list(PendingScan.objects.select_for_update(skip_locked=True).order_by("period", "enterprise_pk")[:BATCH])
        PendingScan.objects.filter(pk__in=[r.pk for r in taken]).delete()
    return taken


class _Drainer:
    """This process's background drain: `kick()` after queueing; one thread, started on first use
    (after gunicorn's fork, so each worker has its own)."""

    def __init__(self):
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._busy = threading.Lock()  # held while this process drains
        self.rounds = 0  # drains the thread has finished (its log, and a test's way to wait)
        self._thread = None
        self._pid = None

    def kick(self):
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                if self._pid is None:
                    atexit.register(self.flush)
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="gongxin-rescan", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self):
        """At exit (a management command, a worker stopping): wait for a drain under way, then drain
        what is still queued, here (a daemon thread is stopped at exit, its delay not waited for)."""
        if self._pid != os.getpid():
            return
        try:
            with self._busy:
                drain()
        except Exception:  # noqa: BLE001 - at exit: the rows stay queued for the hourly job
            log.exception("rescan at exit failed")

    def _run(self):
        while True:
            self._wake.wait()
            time.sleep(settings.RESCAN_DELAY_MS / 1000)  # let the burst gather: one scan for many
            self._wake.clear()
            try:
                with self._busy:
                    drained = drain()
                log.info("rescan drained", extra={"rows": drained})
            except Exception:  # noqa: BLE001 - the thread must live on; the rows were put back
                log.exception("rescan failed")
            finally:
                connections.close_all()  # this thread's own connections
                self.rounds += 1


_drainer = _Drainer()
