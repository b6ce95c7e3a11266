"""Benchmark: import a 50,000-row returns workbook (DESIGN.md budget: < 10 s, peak memory < 500 MB).

    .venv/bin/python bench/import_returns.py                 # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_import .venv/bin/python bench/import_returns.py

Generates the workbook in the import template (openpyxl write_only): ENTERPRISES enterprises ×
PERIODS periods of 2022 (10,000 × 5 = 50,000 rows), migrates a throwaway database, creates the
enterprises, then times `import_returns` (read with calamine + check + bulk write) and measures peak
memory (the process's max RSS). A second run of the
same file (nothing changes) is timed too. On PostgreSQL it drops and recreates the schema of
the database, so it only runs on a database whose name contains "bench".
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", 10_000))
PERIODS = ["2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]
BUDGET_S, BUDGET_MB = 10, 500

db_file = None
if not os.environ.get("DATABASE_URL"):
    db_file = Path(tempfile.gettempdir()) / f"gx_bench_import_{os.getpid()}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
os.environ.setdefault("DEBUG", "false")  # no SQL logging, as in production
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from gongxin.lib.excel import read_rows  # noqa: E402
from gongxin.lib.uscc import make_uscc  # noqa: E402
from gongxin.registry.models import Enterprise, Industry, ListYear, Region  # noqa: E402
from gongxin.reporting.importing import IMPORT_HEADERS, import_returns  # noqa: E402


def prepare_database():
    if connection.vendor == "postgresql":
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("this benchmark drops the database's schema: use a database whose name contains 'bench'")
        with connection.cursor() as cur:  # a clean schema each run
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    towns = list(Region.objects.towns())
    industry = Industry.objects.get(code="34")
    enterprises = [Enterprise(uscc=make_uscc("370481", 20_000_000 + i), name=f"基准企业{i:05d}有限公司",
                              town=towns[i % len(towns)], industry=industry, division=industry)
                   for i in range(ENTERPRISES)]
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    ListYear.objects.bulk_create([ListYear(enterprise=e, year=2022) for e in Enterprise.objects.all()],
                                 batch_size=5000)
    return list(Enterprise.objects.values_list("uscc", "name"))


def write_workbook(enterprises, path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("产值")
    ws.append(IMPORT_HEADERS)
    for n, (uscc, name) in enumerate(enterprises):
        base = 1000 + (n % 997) * 10
        ytd = 0
        for i, period in enumerate(PERIODS):
            month = base * (2 if i == 0 else 1) + i
            ytd += month
            ly_month, ly_ytd = month * 9 // 10, ytd * 9 // 10
            sales = month * 96 // 100
            ws.append([uscc, name, period, month, ytd, ly_month, ly_ytd, sales, ytd * 96 // 100, ly_month * 96 // 100,
                       ly_ytd * 96 // 100, 0, 0, 0, 0, month / 100, ytd / 100, ly_month / 100, ly_ytd / 100])
    wb.save(path)


def timed_import(path):
    """Time one import; peak memory from the process's max RSS (tracemalloc would slow it 2–3×)."""
    start = time.perf_counter()
    rows = read_rows(path)
    read_s = time.perf_counter() - start
    report = import_returns(rows, actor="benchmark", filename=Path(path).name)
    return report, read_s, time.perf_counter() - start


def main():
    print(f"database: {connection.vendor}")
    t = time.perf_counter()
    enterprises = prepare_database()
    print(f"setup: migrated, {len(enterprises)} enterprises in {time.perf_counter() - t:.1f} s")
    path = Path(tempfile.gettempdir()) / f"gx_bench_returns_{os.getpid()}.xlsx"
    t = time.perf_counter()
    write_workbook(enterprises, path)
    rows = len(enterprises) * len(PERIODS)
    print(f"workbook: {rows} rows, {path.stat().st_size / 2**20:.1f} MB, written in {time.perf_counter() - t:.1f} s")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report, read_s, elapsed = timed_import(path)
    assert report.ok, report.errors[:5]
    ok = elapsed < BUDGET_S
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import: {report.summary()} warnings={len(report.warnings)}")
    print(f"  read {read_s:.2f} s, total {elapsed:.2f} s → {rows / elapsed:,.0f} rows/s "
          f"(budget < {BUDGET_S} s: {'OK' if elapsed < BUDGET_S else 'OVER'})")
    print(f"  peak memory: process max RSS {rss_mb:.0f} MB (before the import {rss_before:.0f} MB) "
          f"(budget < {BUDGET_MB} MB: {'OK' if rss_mb < BUDGET_MB else 'OVER'})")

    report, read_s, elapsed = timed_import(path)
    print(f"re-import of the same file: {report.summary()} in {elapsed:.2f} s → {rows / elapsed:,.0f} rows/s")
    path.unlink()
    if db_file:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    return 0 if ok and rss_mb < BUDGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
