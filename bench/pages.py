"""Server time of every page for the demo county, per demo user (budget: < 150 ms each).

    .venv/bin/python bench/pages.py [--repeat 5] [--keep-db]

Builds the demo county in a throwaway database (SQLite file under /tmp unless DATABASE_URL is
set), then requests each page in-process through Django's full middleware stack and prints the
median and worst of `--repeat` requests. Pages are discovered from the URL patterns that take no
arguments, plus the pages of one enterprise, one return and one project.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BUDGET_MS = 150


def analyze_postgresql():
    """Fresh statistics on PostgreSQL, as autovacuum keeps them in production: without them
    (a just-loaded database, or a server with autovacuum off) the planner expects one row per
    table and picks nested loops that make the analysis pages 2-3x slower."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def setup_database(keep):
    if "DATABASE_URL" not in os.environ:
        path = Path(tempfile.gettempdir()) / "gongxin-bench-pages.sqlite3"
        if path.exists() and not keep:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("LOG_LEVEL", "CRITICAL")
    import logging

    import django

    django.setup()
    # Refused pages (403) are expected, not news: Django's own console handler (DEBUG only)
    # would print a traceback for each.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gongxin.registry.models import Enterprise

    if not Enterprise.objects.exists():
        call_command("load_demo", verbosity=0)
    analyze_postgresql()


def pages_for(username):
    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import Return

    period = "2022-03"
    pages = ["/", "/enterprises/", f"/analysis/?period={period}", f"/returns/?period={period}",
             "/returns/completeness/?form=output&period=2022-04", "/projects/",
             f"/projects/dashboard/?period={period}", f"/analysis/brief/?period={period}",
             "/analysis/warnings/"]
    if username in ("bureau", "analyst", "leader"):
        e = Enterprise.objects.order_by("uscc").first()
    else:
        from django.contrib.auth import get_user_model

        from gongxin.accounts.scoping import enterprise_q

        user = get_user_model().objects.get(username=username)
        e = Enterprise.objects.filter(enterprise_q(user)).order_by("uscc").first()
    if e:
        pages.append(f"/enterprises/{e.uscc}/")
        ret = Return.objects.filter(enterprise=e, period=period).first()
        if ret:
            pages.append(f"/returns/{e.uscc}/{ret.form.code}/{period}/")
    return pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep-db", action="store_true")
    args = ap.parse_args()
    setup_database(args.keep_db)
    from django.contrib.auth import get_user_model
    from django.test import Client

    worst_all, over = 0.0, []
    print(f"{'user':<11}{'status':>7}{'median ms':>11}{'max ms':>9}  page")
    for username in ("bureau", "analyst", "town", "enterprise", "leader"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        for page in pages_for(username):
            times, status = [], None
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(page)
                times.append((time.perf_counter() - start) * 1000)
                status = response.status_code
            if status == 404 and page.startswith(("/analysis/brief", "/analysis/warnings")):
                continue
            worst = max(times)
            if status == 200:
                worst_all = max(worst_all, statistics.median(times))
            flag = "" if statistics.median(times) < BUDGET_MS else "  OVER BUDGET"
            if flag and status == 200:
                over.append(page)
            print(f"{username:<11}{status:>7}{statistics.median(times):>11.1f}{worst:>9.1f}  {page}{flag}")
    print(f"\nslowest median of a 200 page: {worst_all:.1f} ms (budget {BUDGET_MS} ms)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
