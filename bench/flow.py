"""Queries and CPU of one reporter's deadline-day flow, in-process (load-independent figures).

    .venv/bin/python bench/flow.py [--flows 40] [--flow browser|full] [--profile]

The flow is bench/load.py's (which takes `figures` and the flows from here), through Django's full
middleware stack (`django.test.Client`):

- `browser` (default): what a browser does on the return page — open the 2022-05 return (GET), save
  and submit with htmx (POST with `HX-Request: true`, the page after the write in the response):
  3 requests.
- `full`: the page without JavaScript (Post/Redirect/Get) — open, save, open, submit, open, each
  POST's redirect followed as a browser and Locust do ("→ open", counted twice a flow): 7 requests.

Prints, per request, the queries (exact) and the CPU milliseconds of this process (median of `--flows`
flows; on SQLite the database's work is in-process too, on PostgreSQL the server's is not).
CPU time, unlike wall time, barely moves with the machine's load. `--profile` prints
pyinstrument's profile of the flows when pyinstrument is installed in the venv (it is no
dependency of the project).

Database: the demo county in /tmp/gongxin-bench-flow.sqlite3 (built once, kept), or DATABASE_URL
(a database whose name contains `bench`; the demo is loaded when it holds no enterprises).
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PERIOD = "2022-05"
STEPS = {"browser": ("open", "save", "submit"),
         "full": ("open", "save", "→ open", "open again", "submit", "open last")}
EXPLANATION = "负荷测试：按上年同期增长10%填报"


def setup_database():
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'gongxin-bench-flow.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
    os.environ.update({"DEBUG": "true", "LOG_LEVEL": "CRITICAL"})
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gongxin.registry.models import Enterprise

    if not Enterprise.objects.exists():
        call_command("load_demo", verbosity=0)
    from pages import analyze_postgresql

    analyze_postgresql()
    settings.DEBUG = False  # serve as gunicorn does (DEBUG was on only to load the demo)


def accounts(n):
    """`n` reporters of the demo's 2022 list, their 2022-05 returns (and the period's row) removed."""
    from django.contrib.auth import get_user_model

    from gongxin.accounts.models import Membership, Role
    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import ReportingPeriod, Return

    enterprises = list(Enterprise.objects.on_list(2022).order_by("uscc")[:n])
    Return.objects.filter(period=PERIOD, enterprise__in=enterprises).delete()
    ReportingPeriod.objects.filter(period=PERIOD).delete()
    User = get_user_model()
    User.objects.filter(username__startswith="flow_").delete()
    users = User.objects.bulk_create([User(username=f"flow_{i:04d}") for i in range(len(enterprises))])
    Membership.objects.bulk_create([Membership(user=u, role=Role.ENTERPRISE, enterprise=e)
                                    for u, e in zip(users, enterprises, strict=True)])
    return list(zip(users, enterprises, strict=True))


CELL = re.compile(r'name="([a-z_]+\.(?:month|ytd|month_ly|ytd_ly))" value="([^"]*)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')


NEW_ENTRANT_LY = {"month_ly": "1000", "ytd_ly": "5000"}  # a new entrant's page has no last-year figures


def figures(page):
    """This year's cells from last year's pre-filled ones (+10%, so every rule passes but the
    month-consistency warning, explained at submission); a new entrant types its own last year."""
    cells = dict(CELL.findall(page))
    out = {}
    for name, value in cells.items():
        code, column = name.split(".")
        if column in ("month_ly", "ytd_ly"):
            value = value.replace(",", "") or NEW_ENTRANT_LY[column]
            out[name] = value
            out[f"{code}.{column[:-3]}"] = str((Decimal(value) * Decimal("1.1")).quantize(Decimal("1"), ROUND_HALF_UP))
    return out


def version(page):
    return VERSION.search(page).group(1)


def htmx_headers(url, host="127.0.0.1"):
    """What htmx sends with the entry form's post from the page at `url`."""
    return {"HX-Request": "true", "HX-Current-URL": f"http://{host}{url}"}


def browser_flow(client, uscc):
    """Yields (step, page) for each request of one reporter on the page with JavaScript: the save
    and the submission are htmx posts answered with the page after the write."""
    url = f"/returns/{uscc}/output/{PERIOD}/"
    page = client.get(url).content.decode()
    yield "open", page
    response = client.post(url, figures(page) | {"version": version(page), "action": "save"}, headers=htmx_headers(url))
    page = response.content.decode()
    if response.status_code != 200 or "已保存草稿" not in page:
        raise SystemExit(f"the save of {uscc} was refused: {response.status_code}")
    yield "save", page
    data = figures(page) | {"version": version(page), "action": "submit", "explanation": EXPLANATION}
    response = client.post(url, data, headers=htmx_headers(url))
    page = response.content.decode()
    if response.status_code != 200 or "报表已报送" not in page:
        raise SystemExit(f"the submission of {uscc} was refused: {response.status_code}")
    yield "submit", page


def full_flow(client, uscc):
    """Yields (step, page) for each request of one reporter without JavaScript (a POST's redirect
    is its own step)."""
    url = f"/returns/{uscc}/output/{PERIOD}/"
    page = client.get(url).content.decode()
    yield "open", page
    response = client.post(url, figures(page) | {"version": version(page), "action": "save"})
    yield "save", response
    yield "→ open", client.get(response.url).content.decode()
    page = client.get(url).content.decode()
    yield "open again", page
    data = figures(page) | {"version": version(page), "action": "submit", "explanation": EXPLANATION}
    response = client.post(url, data)
    if response.status_code != 302:
        raise SystemExit(f"the submission of {uscc} was refused: {response.status_code}")
    yield "submit", response
    yield "→ open", client.get(response.url).content.decode()
    yield "open last", client.get(url).content.decode()


FLOWS = {"browser": browser_flow, "full": full_flow}


def measure(pairs, count_queries, flow="browser"):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    per_step = {s: [] for s in STEPS[flow]}
    for user, enterprise in pairs:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        steps = FLOWS[flow](client, enterprise.uscc)
        while True:
            if count_queries:
                with CaptureQueriesContext(connection) as ctx:
                    step = next(steps, None)
                value = len(ctx.captured_queries)
            else:
                start = time.process_time()
                step = next(steps, None)
                value = (time.process_time() - start) * 1000
            if step is None:
                break
            per_step[step[0]].append(value)
    return per_step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=40)
    parser.add_argument("--flow", choices=sorted(FLOWS), default="browser",
                        help="browser: open, htmx save, htmx submit (3 requests); full: Post/Redirect/Get (7)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    setup_database()
    pairs = accounts(2 * args.flows + 2)
    measure(pairs[:2], count_queries=False, flow=args.flow)  # warm-up: imports, template compilation, caches
    queries = measure(pairs[2:args.flows + 2], count_queries=True, flow=args.flow)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    cpu = measure(pairs[args.flows + 2:], count_queries=False, flow=args.flow)
    if profiler:
        profiler.stop()
    from django.db import connection

    steps = STEPS[args.flow]
    print(f"database: {connection.vendor}  flow: {args.flow}  flows: {args.flows}  load average: {os.getloadavg()[0]:.1f}")
    print(f"{'request':<12}{'queries':>16}{'CPU ms (median)':>18}")
    for step in steps:
        q = queries[step]
        print(f"{step:<12}{min(q):>8}–{max(q):<7}{statistics.median(cpu[step]):>12.1f}")
    per_flow_q = sum(sum(queries[s]) for s in steps) / len(queries["open"])
    per_flow_cpu = sum(sum(cpu[s]) for s in steps) / len(cpu["open"])
    print(f"{'flow (mean)':<12}{per_flow_q:>16.1f}{per_flow_cpu:>18.1f}")
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
