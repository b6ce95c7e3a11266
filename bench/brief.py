"""Benchmark: the analysis brief (text + .docx with charts) for the demo county, 2022-03. Budget < 3 s.

    .venv/bin/python bench/brief.py                # demo county in a SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_brief .venv/bin/python bench/brief.py

Builds the demo county (`load_demo`) into the database if it holds no enterprises yet (the
SQLite file is kept between runs), then builds the brief once (that first run includes loading
matplotlib's font and python-docx's template) and RUNS more times; prints the first and the median.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
PERIOD, RUNS, BUDGET = "2022-03", 3, 3.0


def analyze_postgresql():
    """Fresh statistics on PostgreSQL, as autovacuum keeps them in production: without them
    (a just-loaded database, or a server with autovacuum off) the planner expects one row per
    table and picks nested loops that make the analysis pages 2-3x slower."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def setup_database():
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'gongxin-bench-brief.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
    os.environ.setdefault("DEBUG", "false")  # no SQL logging, as in production
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--if-empty", "--force", verbosity=0)  # a benchmark database
    analyze_postgresql()


def once():
    from gongxin.briefs import brief, word

    start = time.perf_counter()
    b = brief.build(PERIOD)
    b.text()
    word.render(b)
    return time.perf_counter() - start


def main():
    setup_database()
    first = once()  # includes loading matplotlib's font and python-docx's template
    runs = [once() for _ in range(RUNS)]
    median = statistics.median(runs)
    ok = max(first, median) < BUDGET
    print(f"brief {PERIOD}: first {first:.2f} s, median of {RUNS} {median:.2f} s [{min(runs):.2f}–{max(runs):.2f}] "
          f"(budget {BUDGET:.0f} s) — {'OK' if ok else 'OVER BUDGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
