"""Deadline-day load: N enterprise reporters against gunicorn, each opening their return, saving
and submitting it — then a check of the database: every submission present exactly once, no value
lost, the history complete.

    .venv/bin/python bench/load.py [--users 312] [--workers 5] [--threads 4] [--flow browser|full]

The flows are bench/flow.py's: `browser` (default) opens the return and saves and submits it with
htmx, as the page does in a browser (`HX-Request: true`; each answer is the page after the write:
3 requests); `full` is the page without JavaScript (Post/Redirect/Get: open, save → open, open,
submit → open, open; Locust follows each redirect within the POST's request, as it times them).

Budget (DESIGN.md): ≥ 200 submissions/s on 2 cores, p99 < 300 ms, 0 lost, 0 duplicated.
Uses Locust as a library (its HttpUser, runner and statistics). Every user logs in first; then
all start their flow at once, and the run ends when every user has done its flow once (or broken
it off: an error page is counted, never retried). Submissions/s = accepted submissions ÷ the time
from the start of the flows to the end of the last one. SQLite (WAL) by default in a throwaway file; set DATABASE_URL for PostgreSQL
(a database whose name contains `bench`). The period filed is 2022-05 (the demo county stops at
2022-04); the bench reopens it in its own database.
"""

# Locust patches the standard library for gevent: it must be imported before anything else.
import gevent  # noqa: I001
import gevent.event
from locust import HttpUser, events, task
from locust.env import Environment
from locust.exception import StopUser

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from flow import EXPLANATION, FLOWS, TOKEN, VERSION, figures, htmx_headers  # noqa: E402  (bench/ is the script's directory)

PERIOD = "2022-05"
PASSWORD = "load-bench-pw-2022"
SUBMITS_PER_S, P99_MS = 200, 300


def prepare(users):
    """Demo county + `users` reporter accounts; returns [(username, uscc)]."""
    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / "gongxin-bench-load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
    os.environ.update({"DEBUG": "true", "LOG_LEVEL": "CRITICAL"})
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from gongxin.accounts.models import Membership, Role
    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import ReportingPeriod

    call_command("migrate", verbosity=0)
    if not Enterprise.objects.exists():
        call_command("load_demo", verbosity=0)
    ReportingPeriod.objects.filter(period=PERIOD).delete()  # open the period for the run
    User = get_user_model()
    User.objects.filter(username__startswith="load_").delete()
    enterprises = list(Enterprise.objects.on_list(2022).order_by("uscc")[:users])
    hashed = make_password(PASSWORD)
    made = User.objects.bulk_create([User(username=f"load_{i:04d}", password=hashed) for i in range(len(enterprises))])
    Membership.objects.bulk_create([Membership(user=u, role=Role.ENTERPRISE, enterprise=e)
                                    for u, e in zip(made, enterprises, strict=True)])
    return [(u.username, e.uscc) for u, e in zip(made, enterprises, strict=True)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_LOG = Path(tempfile.gettempdir()) / "gongxin-bench-load-server.log"


def serve(port, workers, threads):
    """gunicorn as `make run` starts it; its errors (and the application's) go to SERVER_LOG."""
    env = dict(os.environ, DEBUG="false", SECURE_COOKIES="false", ALLOWED_HOSTS="127.0.0.1",
               LOG_LEVEL="ERROR", LOG_FORMAT="text", WEB_WORKERS=str(workers), WEB_THREADS=str(threads))
    log = SERVER_LOG.open("w")
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", "python:gongxin.gunicorn_conf",
                             "--access-logfile", "/dev/null", "-b", f"127.0.0.1:{port}", "gongxin.wsgi"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def cpu_seconds(pid):
    """CPU seconds (user + system) used so far by process `pid` and its children (gunicorn's workers)."""
    import psutil  # a dependency of Locust

    procs = [psutil.Process(pid)]
    procs += procs[0].children(recursive=True)
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def run_load(base, accounts, flow_name="browser", server_pid=None):
    """Every account logs in; then all at once each does its flow once. Returns Locust's stats,
    the flows completed, the flows broken off ([(uscc, reason)]), the seconds from the start
    of the flows to the last one's end (the logins are not part of the deadline-day rate), and the
    CPU seconds the server and this client used meanwhile."""
    queue = list(accounts)
    ready, done, broken = [], [], []
    go = gevent.event.Event()

    class Reporter(HttpUser):
        host = base

        def on_start(self):
            self.username, self.uscc = queue.pop()
            # A new connection per request: gunicorn closes a keep-alive connection idle for 2 s, and
            # a CPU-starved client then sends on a closed one (a browser retries that; requests does not).
            self.client.headers["Connection"] = "close"
            try:
                page = self.client.get("/accounts/login/", name="login page").text
                response = self.client.post("/accounts/login/", {
                    "username": self.username, "password": PASSWORD,
                    "csrfmiddlewaretoken": TOKEN.search(page).group(1)},
                    name="login", headers={"Referer": f"{base}/accounts/login/"})
                if "/accounts/login/" in response.url:
                    raise RuntimeError(f"login refused ({response.status_code})")
            except Exception as e:  # a broken login is counted, never retried in a loop
                broken.append((self.uscc, f"login: {e!r}"[:200]))
                raise StopUser() from e
            ready.append(self.uscc)
            go.wait()

        @task
        def file_return(self):
            try:
                self.flow()
                done.append(self.uscc)
            except Exception as e:  # a page without its form (an error page): the flow is broken off
                broken.append((self.uscc, repr(e)[:200]))
            raise StopUser()

        def flow(self):
            if flow_name == "browser":
                self.browser_flow()
            else:
                self.full_flow()

        def browser_flow(self):
            """Open, then save and submit with htmx: each answer is the page the next request starts from."""
            url = f"/returns/{self.uscc}/output/{PERIOD}/"
            headers = htmx_headers(url, host=base.split("://", 1)[1]) | {"Referer": base + url}
            page = self.client.get(url, name="open").text
            data = figures(page) | {"csrfmiddlewaretoken": TOKEN.search(page).group(1),
                                    "version": VERSION.search(page).group(1), "action": "save"}
            with self.client.post(url, data, name="save", headers=headers, catch_response=True) as response:
                if "已保存草稿" not in response.text:
                    response.failure("not saved")
                page = response.text
            data = figures(page) | {"csrfmiddlewaretoken": TOKEN.search(page).group(1),
                                    "version": VERSION.search(page).group(1), "action": "submit",
                                    "explanation": EXPLANATION}
            with self.client.post(url, data, name="submit", headers=headers, catch_response=True) as response:
                if "已报送" not in response.text and "待审核" not in response.text:
                    response.failure("not submitted")

        def full_flow(self):
            url = f"/returns/{self.uscc}/output/{PERIOD}/"
            page = self.client.get(url, name="open").text
            data = figures(page) | {"csrfmiddlewaretoken": TOKEN.search(page).group(1),
                                    "version": VERSION.search(page).group(1), "action": "save"}
            self.client.post(url, data, name="save", headers={"Referer": base + url})
            page = self.client.get(url, name="open").text
            data = figures(page) | {"csrfmiddlewaretoken": TOKEN.search(page).group(1),
                                    "version": VERSION.search(page).group(1), "action": "submit",
                                    "explanation": EXPLANATION}
            with self.client.post(url, data, name="submit", headers={"Referer": base + url},
                                  catch_response=True) as response:
                if "已报送" not in response.text and "待审核" not in response.text:
                    response.failure("not submitted")
            self.client.get(url, name="open")

    env = Environment(user_classes=[Reporter], events=events)
    runner = env.create_local_runner()
    runner.start(len(accounts), spawn_rate=len(accounts))
    deadline = time.monotonic() + 600
    while len(ready) + len(broken) < len(accounts) and time.monotonic() < deadline:
        gevent.sleep(0.1)
    server_cpu, client_cpu = cpu_seconds(server_pid) if server_pid else 0, time.process_time()
    started = time.monotonic()
    go.set()
    while len(done) + len(broken) < len(accounts) and time.monotonic() < deadline:
        gevent.sleep(0.05)
    elapsed = time.monotonic() - started
    cpu = ((cpu_seconds(server_pid) - server_cpu) if server_pid else 0, time.process_time() - client_cpu)
    runner.quit()
    return env.stats, len(done), broken, elapsed, cpu


def after_check(accounts):
    from gongxin.analysis import rollups
    from gongxin.reporting.models import Return, ValueChange

    usccs = [u for _, u in accounts]
    returns = Return.objects.filter(period=PERIOD, form__code="output", enterprise__uscc__in=usccs)
    submitted = returns.filter(status=Return.Status.SUBMITTED).count()
    per_enterprise = returns.values("enterprise_id").distinct().count()
    history = ValueChange.objects.filter(ret__in=returns).values("ret_id").distinct().count()
    # The roll-ups kept by every submission's transaction equal a recomputation from the raw returns
    # (`gongxin rollups --check`): cells that differ after the burst.
    return {"accounts": len(accounts), "returns": returns.count(), "distinct": per_enterprise,
            "submitted": submitted, "with_history": history, "rollup_differences": len(rollups.check()),
            **warnings_check(usccs)}


def warnings_check(usccs):
    """The warning rescan queued by the submissions is drained (by the workers' background threads,
    or at their exit), and the stored warnings of the enterprises that submitted (and their towns')
    are what a fresh evaluation of the period finds for them."""
    from gongxin.alerts import scan
    from gongxin.alerts.models import EarlyWarning, PendingScan
    from gongxin.registry.models import Enterprise

    concerns, q = scan.concerning(list(Enterprise.objects.filter(uscc__in=usccs)))
    stored = {(w.rule_id, w.enterprise_id, None if w.enterprise_id else w.town_id): (w.level, w.reason)
              for w in EarlyWarning.objects.filter(q, period=PERIOD).exclude(status=EarlyWarning.Status.CLEARED)}
    found = {f.key: (f.level, f.reason) for f in scan.evaluate(PERIOD) if concerns(f)}
    return {"rescans_pending": PendingScan.objects.count(), "warnings": len(stored),
            "warning_differences": len(set(stored.items()) ^ set(found.items()))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=312)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--flow", choices=sorted(FLOWS), default="browser",
                        help="browser: open, htmx save, htmx submit (3 requests); full: Post/Redirect/Get (7)")
    args = parser.parse_args()
    accounts = prepare(args.users)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = serve(port, args.workers, args.threads)
    try:
        stats, flows, broken, elapsed, (server_cpu, client_cpu) = run_load(
            f"http://127.0.0.1:{port}", accounts, args.flow, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    check = after_check(accounts)
    submit = stats.get("submit", "POST")
    flow = [stats.get(n, m) for n, m in (("open", "GET"), ("save", "POST"), ("submit", "POST"))]
    p99 = max(s.get_response_time_percentile(0.99) for s in flow)  # the flow's requests, not the logins
    failures = sum(s.num_failures for s in flow) + len(broken)
    rate = (submit.num_requests - submit.num_failures) / elapsed if elapsed else 0
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}  load average: {os.getloadavg()[0]:.1f}")
    print(f"{flows} {args.flow} flows of {len(accounts)} users in {elapsed:.1f} s (gunicorn {args.workers}×{args.threads})")
    print(f"submissions/s: {rate:.1f}  (budget ≥ {SUBMITS_PER_S})")
    per_flow = 1000 / max(flows, 1)
    print(f"CPU during the flows: server {server_cpu:.1f} s ({server_cpu * per_flow:.0f} ms a flow), "
          f"this client {client_cpu:.1f} s ({client_cpu * per_flow:.0f} ms a flow), "
          f"of {elapsed * (os.cpu_count() or 1):.1f} s on {os.cpu_count()} cores")
    for name in ("open", "save", "submit"):
        s = stats.get(name, "GET" if name == "open" else "POST")
        print(f"  {name:<7} n={s.num_requests:<5} p50={s.get_response_time_percentile(0.5):.0f} ms"
              f"  p99={s.get_response_time_percentile(0.99):.0f} ms  failures={s.num_failures}")
    print(f"flow requests: p99={p99:.0f} ms (budget < {P99_MS}), failures={failures}")
    for uscc, reason in broken[:3]:
        print(f"  broken off: {uscc} {reason}")
    for error in sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:5]:
        print(f"  error ×{error.occurrences}: {error.method} {error.name}: {str(error.error)[:160]}")
    print(f"after-check: {check}")
    ok = (check["submitted"] == check["accounts"] == check["distinct"] == check["returns"]
          and check["with_history"] == check["accounts"] and check["rollup_differences"] == 0 and failures == 0
          and check["rescans_pending"] == 0 and check["warning_differences"] == 0)
    print("lost/duplicated: " + ("none" if ok else "MISMATCH") + f"  (server errors: {SERVER_LOG})")
    met = ok and rate >= SUBMITS_PER_S and p99 < P99_MS
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
