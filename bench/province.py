"""Province scale: all analysis-dashboard figures of one period, four ways, in one table.

    .venv/bin/python bench/province.py [--enterprises 50000] [--periods 36] [--regenerate] [--repeat 5]
        [--rebuild-rollups] [--reload-duckdb] [--submissions 20] [--rescans 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_province50k .venv/bin/python bench/province.py

Needs the `bench` extra (`pip install -e '.[bench]'`: DuckDB).

Generates (once; reused while the database holds it) a synthetic province: `--enterprises`
enterprises in 300 towns, on the 规上 lists of 2019–2022 with entries and exits, ~10% of them in
one of 8 groups, and `--periods` reporting periods of 产值 returns (four indicators each, 97%
counted) ending 2022-12, plus key-product lines for ~30% of enterprises; rows are bulk-written
period by period (COPY on PostgreSQL), so a period's rows are stored together; the roll-ups are
rebuilt after generating (`rollups.rebuild()`, timed). Then, for 2022-06, it times the figures of
the analysis dashboard (county total, by town, by industry, by tier, by group, key products):

- the engine (`analysis/stats.py`) reading the roll-ups (settings.ROLLUPS on),
- the engine on the raw returns (settings.ROLLUPS off),
- one hand-written SQL statement computing the same totals, on the benchmark's database,
- DuckDB running that same statement over a copy of the tables it reads (all rows, the columns
  the statement uses; copied once through CSV and reused while the source is unchanged; only the
  query is timed),

each the median [min–max] of `--repeat` runs taken in rotation, with its ratio to DuckDB, and
checks that all four agree. Budgets (DESIGN.md): on roll-ups < 50 ms at 50,000 enterprises and
< 100 ms at 500,000, and ahead of DuckDB over the raw data; on raw returns (at 50,000) < 500 ms
and within 1.5× of the hand SQL. Then `--submissions` draft returns of the period are submitted
through `services.submit_return` (roll-up maintenance in its transaction) and sent back, timed;
the budget is the load benchmark's p99 < 300 ms for a whole submission request. The alerts
rescan that runs after each submission's commit is timed apart (`--rescans`). Exits 1 when a
budget is missed or the paths disagree.
"""

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BUDGET_MS = 500  # the engine on raw returns at 50,000 (DESIGN.md)
RATIO_BUDGET = 1.5
ROLLUP_BUDGET_MS = ((50_000, 50), (500_000, 100))  # (enterprises, ms) on roll-ups
SUBMIT_P99_MS = 300  # the deadline-day load budget of a submission (bench/load.py)
PERIOD = "2022-06"
TOWNS = 300
PRODUCTS = 71
GROUPS = 8  # 重点企业名单 and the like; each enterprise in at most one, ~10% in one
STATUSES = ["accepted"] * 94 + ["approved", "submitted", "submitted", "draft", "returned", "accepted"]


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / 'gx_province.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongxin.settings")
    os.environ["DEBUG"] = "false"  # no query log: it would format millions of statements
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def periods(count):
    """`count` reporting periods ending 2022-12 (January merged into February, so skipped)."""
    from gongxin.lib.periods import shift

    out, p = [], "2022-12"
    while len(out) < count:
        if not p.endswith("-01"):
            out.append(p)
        p = shift(p, -1)
    return sorted(out)


# ---------------------------------------------------------------- generation


def generate(n_enterprises, n_periods, seed=2022):
    from django.db import connection, transaction

    from gongxin.lib.uscc import make_uscc
    from gongxin.registry.models import Enterprise, EnterpriseGroup, Industry, ListYear, Region
    from gongxin.reporting.models import Form, Indicator, MonitoredProduct, Product

    rng = random.Random(seed)
    t0 = time.perf_counter()
    county = Region.objects.filter(level="county").first()
    with transaction.atomic():
        towns = [Region(code=f"37{i:010d}", name=f"模拟镇{i:03d}", level="town", parent=county) for i in range(TOWNS)]
        Region.objects.bulk_create(towns)
        towns = list(Region.objects.filter(code__in=[t.code for t in towns]))
        divisions = list(Industry.objects.filter(parent__isnull=True))
        enterprises = []
        for i in range(n_enterprises):
            d = rng.choice(divisions)
            enterprises.append(Enterprise(uscc=make_uscc("370000", 10_000_000 + i), name=f"模拟企业{i:05d}有限公司",
                                          town=rng.choice(towns), industry=d, division=d))
        Enterprise.objects.bulk_create(enterprises, batch_size=5000)
        ids = list(Enterprise.objects.filter(uscc__startswith="9137000").order_by("id").values_list("id", flat=True))
        years = []
        for eid in ids:
            on = [y for y in (2019, 2020, 2021, 2022) if rng.random() < 0.95]
            years += [ListYear(enterprise_id=eid, year=y) for y in on]
        ListYear.objects.bulk_create(years, batch_size=20000)
        groups = EnterpriseGroup.objects.bulk_create([EnterpriseGroup(name=f"模拟分组{i}") for i in range(GROUPS)])
        Member = Enterprise.groups.through
        Member.objects.bulk_create([Member(enterprise_id=eid, enterprisegroup_id=rng.choice(groups).pk)
                                    for eid in ids if rng.random() < 0.1], batch_size=20000)
        products = Product.objects.bulk_create([Product(code=f"S{i:03d}", name=f"模拟产品{i:03d}", unit="吨")
                                                for i in range(PRODUCTS)])
        MonitoredProduct.objects.bulk_create([MonitoredProduct(year=y, product=p) for p in products
                                              for y in (2019, 2020, 2021, 2022)])
    form_id = Form.objects.get(code="output").pk
    indicator_ids = list(Indicator.objects.filter(form_id=form_id).order_by("order").values_list("id", flat=True))
    product_ids = [p.pk for p in products]
    print(f"  registry: {len(ids)} enterprises, {len(years)} list entries ({time.perf_counter() - t0:.1f} s)",
          flush=True)

    size = {eid: rng.lognormvariate(8.5, 1.3) for eid in ids}  # 千元 per month, median ~5,000
    growth = {eid: max(0.5, rng.gauss(1.08, 0.15)) for eid in ids}
    product_of = {eid: rng.choice(product_ids) for eid in ids if rng.random() < 0.3}
    base_price = {p: rng.uniform(100, 5000) for p in product_ids}
    ret_id = _max_id(connection, "reporting_return")
    value_id = _max_id(connection, "reporting_returnvalue")
    line_id = _max_id(connection, "reporting_productline")
    last_year = {}  # (eid, month) → (month, ytd) of the year before, overwritten as years pass
    running = {}  # eid → (year, ytd so far)
    for period in periods(n_periods):
        t1 = time.perf_counter()
        year, month = int(period[:4]), int(period[5:])
        returns, values, lines = [], [], []
        for eid in ids:
            ret_id += 1
            season = 2.0 if month == 2 else 1.0
            m = round(size[eid] * season * rng.uniform(0.85, 1.15) * growth[eid] ** (year - 2019), 0)
            run_year, run_ytd = running.get(eid, (year, 0))
            ytd = (run_ytd if run_year == year else 0) + m
            running[eid] = (year, ytd)
            m_ly, ytd_ly = last_year.get((eid, month)) or (round(m / growth[eid], 0), round(ytd / growth[eid], 0))
            last_year[(eid, month)] = (m, ytd)
            returns.append((ret_id, eid, form_id, period, rng.choice(STATUSES)))
            cols = ((m, ytd, m_ly, ytd_ly), (m * 0.97, ytd * 0.97, m_ly * 0.97, ytd_ly * 0.97),
                    (m * 0.05, ytd * 0.05, m_ly * 0.05, ytd_ly * 0.05),
                    (m / 50, ytd / 50, m_ly / 50, ytd_ly / 50))
            for ind, (a, b, c, d) in zip(indicator_ids, cols, strict=True):
                value_id += 1
                values.append((value_id, ret_id, ind, eid, period, round(a, 2), round(b, 2), round(c, 2), round(d, 2)))
            if eid in product_of:
                line_id += 1
                p = product_of[eid]
                qty = round(m / 10, 2)
                price = round(base_price[p] * rng.uniform(0.9, 1.2), 2)
                lines.append((line_id, ret_id, p, eid, period, qty, qty * (month - 1 or 1), round(qty / growth[eid], 2),
                              round(qty * (month - 1 or 1) / growth[eid], 2), price,
                              round(base_price[p] * rng.uniform(0.9, 1.2), 2)))
        _insert(connection, returns, values, lines)
        print(f"  {period}: {len(returns)} returns, {len(values)} values, {len(lines)} product lines "
              f"({time.perf_counter() - t1:.1f} s)", flush=True)
    _finish(connection)
    print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)


def _max_id(connection, table):
    with connection.cursor() as c:
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return c.fetchone()[0]


RETURN_SQL = ("reporting_return", ["id", "enterprise_id", "form_id", "period", "status", "source", "source_note",
                                   "explanation", "return_reason", "version", "created_at", "updated_at"])
VALUE_SQL = ("reporting_returnvalue", ["id", "ret_id", "indicator_id", "enterprise_id", "period", "month", "ytd",
                                       "month_ly", "ytd_ly", "ly_note"])
LINE_SQL = ("reporting_productline", ["id", "ret_id", "product_id", "enterprise_id", "period", "qty_month", "qty_ytd",
                                      "qty_month_ly", "qty_ytd_ly", "price", "price_ly"])


def _insert(connection, returns, values, lines):
    """Bulk-write one period's rows: COPY in text format on PostgreSQL, executemany on SQLite.

    On PostgreSQL, when the benchmark connects as a superuser, the session runs with
    `session_replication_role = replica` for these writes, so the foreign-key triggers do not
    fire row by row (the generator makes every reference itself; it halves the load's database
    time). The rows are formatted with str(): ints, plain strings and floats rounded to 0.01.
    """
    from django.db import transaction

    now = "2022-07-05 08:00:00+00:00"
    rows = [
        (RETURN_SQL, [r + ("import", "", "", "", 1, now, now) for r in returns]),
        (VALUE_SQL, [v + ("",) for v in values]),
        (LINE_SQL, lines),
    ]
    with transaction.atomic(), connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SELECT current_setting('is_superuser')")
            if c.fetchone()[0] == "on":
                c.execute("SET LOCAL session_replication_role = replica")
        for (table, cols), data in rows:
            if connection.vendor == "postgresql":
                with c.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for start in range(0, len(data), 50_000):
                        copy.write("".join("\t".join(map(str, row)) + "\n" for row in data[start:start + 50_000]))
            else:
                marks = ", ".join(["%s"] * len(cols))
                c.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", data)


def _finish(connection):
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            for table in ("reporting_return", "reporting_returnvalue", "reporting_productline"):
                c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            c.execute("VACUUM ANALYZE")
        else:
            c.execute("ANALYZE")


# ---------------------------------------------------------------- the figures


def engine_figures(period):
    from gongxin.analysis import stats

    dash = stats.dashboard_totals(period)  # what the overview page calls
    return {
        "county": {k: f.ytd for k, f in dash["county"].indicators.items()},
        "town": {r.code: r.output.ytd for r in dash["town"]},
        "industry": {r.code: r.output.ytd for r in dash["industry"]},
        "tier": {r.code: r.output.ytd for r in dash["tier"]},
        "group": {r.code: r.output.ytd for r in stats.totals(period, "group", indicators=("output_value",))},
        "products": {r.code: r.ytd for r in stats.products(period).rows if r.ytd},
    }


# The same totals in one statement. Like the engine, it repeats the period on the return
# (r.period), so that PostgreSQL picks the period's returns by index and DuckDB joins them only.
HAND_SQL = """
WITH v AS (
  SELECT v.enterprise_id, v.indicator_id, v.month, v.ytd, v.month_ly, v.ytd_ly
  FROM reporting_returnvalue v JOIN reporting_return r ON r.id = v.ret_id
  WHERE v.period = %(period)s AND r.period = %(period)s AND v.indicator_id = %(output)s AND r.form_id = %(form)s AND r.status IN ('submitted', 'approved', 'accepted')
    AND EXISTS (SELECT 1 FROM registry_listyear l WHERE l.enterprise_id = v.enterprise_id AND l.year = %(year)s)
),
dec AS (
  SELECT d.enterprise_id, d.ytd
  FROM reporting_returnvalue d JOIN reporting_return r ON r.id = d.ret_id
  WHERE d.period = %(december)s AND r.period = %(december)s AND d.indicator_id = %(output)s AND r.form_id = %(form)s
    AND r.status IN ('submitted', 'approved', 'accepted')
),
own AS (
  SELECT d.enterprise_id, d.ytd_ly
  FROM reporting_returnvalue d JOIN reporting_return r ON r.id = d.ret_id
  WHERE d.period = %(own_december)s AND r.period = %(own_december)s AND d.indicator_id = %(output)s AND r.form_id = %(form)s
    AND r.status IN ('submitted', 'approved', 'accepted')
),
annual AS (
  SELECT v.enterprise_id, COALESCE(dec.ytd, own.ytd_ly) AS amount
  FROM v LEFT JOIN dec ON dec.enterprise_id = v.enterprise_id LEFT JOIN own ON own.enterprise_id = v.enterprise_id
)
SELECT 'county', CAST(v.indicator_id AS TEXT), SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v WHERE v.indicator_id = %(output)s GROUP BY v.indicator_id
UNION ALL
SELECT 'town', t.code, SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v JOIN registry_enterprise e ON e.id = v.enterprise_id JOIN registry_region t ON t.id = e.town_id
  WHERE v.indicator_id = %(output)s GROUP BY t.code
UNION ALL
SELECT 'industry', i.code, SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v JOIN registry_enterprise e ON e.id = v.enterprise_id JOIN registry_industry i ON i.id = e.division_id
  WHERE v.indicator_id = %(output)s GROUP BY i.code
UNION ALL
SELECT 'tier', CASE WHEN a.amount IS NULL THEN 'untiered' WHEN a.amount >= 500000 THEN 'over_500m'
                    WHEN a.amount >= 100000 THEN '100m_500m' ELSE 'under_100m' END,
       SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v JOIN annual a ON a.enterprise_id = v.enterprise_id
  WHERE v.indicator_id = %(output)s GROUP BY 2
UNION ALL
SELECT 'group', CAST(g.enterprisegroup_id AS TEXT), SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v JOIN registry_enterprise_groups g ON g.enterprise_id = v.enterprise_id
  WHERE v.indicator_id = %(output)s GROUP BY g.enterprisegroup_id
UNION ALL
SELECT 'products', p.code, SUM(pl.qty_month), SUM(pl.qty_ytd), SUM(pl.price * pl.qty_month), SUM(pl.qty_ytd_ly)
  FROM reporting_productline pl JOIN reporting_return r ON r.id = pl.ret_id
  JOIN reporting_product p ON p.id = pl.product_id
  WHERE pl.period = %(period)s AND r.period = %(period)s AND r.form_id = %(form)s AND r.status IN ('submitted', 'approved', 'accepted')
    AND pl.product_id IN (SELECT product_id FROM reporting_monitoredproduct WHERE year = %(year)s)
    AND EXISTS (SELECT 1 FROM registry_listyear l WHERE l.enterprise_id = pl.enterprise_id AND l.year = %(year)s)
  GROUP BY p.code
"""


def _parsed(rows, params):
    """The statement's rows as {part: {code: 1-本月 sum}}, like `engine_figures`."""
    codes = {str(v): k for k, v in params["indicators"].items()}
    out = {"county": {}, "town": {}, "industry": {}, "tier": {}, "group": {}, "products": {}}
    for what, code, _m, ytd, _mly, _yly in rows:
        key = codes[code] if what == "county" else code
        out[what][key] = Decimal(ytd) if ytd is not None else None
    return out


def hand_figures(period, params):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(HAND_SQL, {k: v for k, v in params.items() if k != "indicators"})
        return _parsed(c.fetchall(), params)


# ---------------------------------------------------------------- DuckDB, the columnar reference


def _duck_tables():
    """(model, columns) the hand-written statement reads; all rows, these columns only."""
    from gongxin.registry.models import Enterprise, Industry, ListYear, Region
    from gongxin.reporting.models import MonitoredProduct, Product, ProductLine, Return, ReturnValue

    return [
        (ReturnValue, ["ret", "indicator", "enterprise", "period", "month", "ytd", "month_ly", "ytd_ly"]),
        (Return, ["id", "enterprise", "form", "period", "status"]),
        (ListYear, ["enterprise", "year"]),
        (Enterprise, ["id", "town", "division"]),
        (Enterprise.groups.through, ["enterprise", "enterprisegroup"]),
        (Region, ["id", "code"]),
        (Industry, ["id", "code"]),
        (ProductLine, ["ret", "product", "enterprise", "period", "qty_month", "qty_ytd", "qty_month_ly",
                       "qty_ytd_ly", "price", "price_ly"]),
        (Product, ["id", "code"]),
        (MonitoredProduct, ["product", "year"]),
    ]


def _duck_type(field):
    kind = field.get_internal_type()
    if kind == "DecimalField":
        return f"DECIMAL({field.max_digits},{field.decimal_places})"
    if kind in ("CharField", "TextField"):
        return "VARCHAR"
    return "BIGINT"  # ids, foreign keys, years


def _source_signature(connection):
    """What identifies the data the statement reads (the copy is rebuilt when it changes)."""
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*), MAX(id), SUM(CASE WHEN status IN ('submitted', 'approved', 'accepted') "
                  "THEN 1 ELSE 0 END) FROM reporting_return")
        returns = c.fetchone()
        c.execute("SELECT (SELECT MAX(id) FROM reporting_returnvalue), (SELECT MAX(id) FROM reporting_productline), "
                  "(SELECT COUNT(*) FROM registry_listyear), (SELECT COUNT(*) FROM registry_enterprise_groups)")
        return f"{connection.settings_dict['NAME']} {returns} {c.fetchone()}"


def duckdb_connection(path, reload=False):
    """A DuckDB database at `path` holding a copy of the benchmark database's tables.

    Loaded once and reused while the source is unchanged (`_source_signature`). Each table is
    exported to CSV (PostgreSQL: `COPY (SELECT …) TO STDOUT`, SQLite: a cursor), read into a
    DuckDB table of the same column types (`COPY … FROM`) in the source's row order, and the CSV
    deleted. DuckDB's postgres and sqlite extensions would be downloaded at run time, so not used.
    """
    import csv

    import duckdb
    from django.db import connection

    signature = _source_signature(connection)
    duck = duckdb.connect(str(path))
    duck.execute("CREATE TABLE IF NOT EXISTS bench_source (signature VARCHAR)")
    if not reload and duck.execute("SELECT signature FROM bench_source").fetchall() == [(signature,)]:
        return duck, None
    t0 = time.perf_counter()
    csv_path = Path(f"{path}.csv")
    for model, names in _duck_tables():
        fields = [model._meta.get_field(n) for n in names]
        table, cols = model._meta.db_table, ", ".join(f.column for f in fields)
        with connection.cursor() as c, open(csv_path, "wb") as out:
            if connection.vendor == "postgresql":
                with c.cursor.copy(f"COPY (SELECT {cols} FROM {table}) TO STDOUT (FORMAT csv)") as copy:
                    for chunk in copy:
                        out.write(chunk)
            else:
                c.execute(f"SELECT {cols} FROM {table}")
                with open(out.fileno(), "w", closefd=False, newline="") as text:
                    csv.writer(text).writerows(c)
        duck.execute(f"DROP TABLE IF EXISTS {table}")
        duck.execute(f"CREATE TABLE {table} ({', '.join(f'{f.column} {_duck_type(f)}' for f in fields)})")
        duck.execute(f"COPY {table} FROM '{csv_path}' (FORMAT csv, HEADER false)")
        print(f"  duckdb: {table} {duck.execute(f'SELECT COUNT(*) FROM {table}').fetchone()[0]} rows", flush=True)
    csv_path.unlink()
    duck.execute("DELETE FROM bench_source")
    duck.execute("INSERT INTO bench_source VALUES (?)", [signature])
    duck.execute("CHECKPOINT")
    return duck, time.perf_counter() - t0


DUCK_SQL = re.sub(r"%\((\w+)\)s", r"$\1", HAND_SQL)


def duckdb_figures(duck, params):
    used = set(re.findall(r"\$(\w+)", DUCK_SQL))
    return _parsed(duck.execute(DUCK_SQL, {k: v for k, v in params.items() if k in used}).fetchall(), params)


# ---------------------------------------------------------------- timing and the table


def _timed(fns, repeat):
    """Median, min and max (ms) of each function, run in turn `repeat` times (the order rotating),
    so that load from other processes on the shared machine falls on all alike, and the median CPU
    time of this process (ms: Python, the ORM, the driver, DuckDB's threads; not the database
    server's), which the machine's load hardly changes; the last results."""
    times = {name: [] for name in fns}
    cpu = {name: [] for name in fns}
    results = {}
    names = list(fns)
    for i in range(repeat):
        for name in names[i % len(names):] + names[:i % len(names)]:
            t, c = time.perf_counter(), time.process_time()
            results[name] = fns[name]()
            times[name].append((time.perf_counter() - t) * 1000)
            cpu[name].append((time.process_time() - c) * 1000)
    return {k: (statistics.median(v), min(v), max(v), statistics.median(cpu[k])) for k, v in times.items()}, results


def _same(a, b):
    """The differences between two sets of figures, beyond 0.01 (SQLite sums in floating point)."""
    bad = []
    for part in a:
        for k in set(a[part]) | set(b[part]):
            x, y = a[part].get(k) or 0, b[part].get(k) or 0
            if abs(Decimal(x) - Decimal(y)) > Decimal("0.01"):
                bad.append((part, k, x, y))
    return bad


def rollup_budget_ms(enterprises):
    """DESIGN.md: all figures of one period on roll-ups < 50 ms at 50,000 enterprises, < 100 ms at 500,000."""
    return ROLLUP_BUDGET_MS[0][1] if enterprises <= ROLLUP_BUDGET_MS[0][0] else ROLLUP_BUDGET_MS[1][1]


def submissions(period, count):
    """Milliseconds of submissions through `services.submit_return` (the enterprise's reporter
    submitting its draft with the values it holds, committed), each then sent back by the bureau
    (`return_to_enterprise`, timed too) so that what counts is as before: `count` with the roll-up
    maintenance (the trackers of `lib/changes.py`, in the service's transaction) and `count`
    without (the trackers unregistered for that submission), alternately. The alerts app's queueing
    of the rescan at commit (`alerts.pending.queue_changed`; the scan runs off the request) is
    disconnected here, and the scan of one enterprise timed on its own by `rescans`.
    Returns {True: (submit ms, send-back ms), False: (…)} by maintenance, and the returns used."""
    from django.contrib.auth import get_user_model

    from gongxin.accounts.models import Membership, Role
    from gongxin.alerts.pending import queue_changed
    from gongxin.lib import changes
    from gongxin.reporting import services
    from gongxin.reporting.events import returns_changed
    from gongxin.reporting.models import Return, ReturnValue

    User = get_user_model()
    bureau, _ = User.objects.get_or_create(username="bench_bureau")
    Membership.objects.get_or_create(user=bureau, role=Role.BUREAU_STAFF)
    drafts = list(Return.objects.filter(period=period, form__code="output", status__in=["draft", "returned"],
                                        enterprise__uscc__startswith="9137000").order_by("id")[:2 * count])
    times = {True: ([], []), False: ([], [])}
    trackers = list(changes.RETURN_TRACKERS)
    returns_changed.disconnect(dispatch_uid=RESCAN_UID)
    try:
        for i, ret in enumerate(drafts):
            maintained = i % 2 == 0
            changes.RETURN_TRACKERS[:] = trackers if maintained else []
            reporter, _ = User.objects.get_or_create(username=f"bench_reporter_{ret.enterprise_id}")
            Membership.objects.get_or_create(user=reporter, role=Role.ENTERPRISE, enterprise_id=ret.enterprise_id)
            values = {}
            for v in ReturnValue.objects.filter(ret=ret).select_related("indicator"):
                values[v.indicator.code] = {c: getattr(v, c) for c in ("month", "ytd", "month_ly", "ytd_ly")}
            ret = Return.objects.select_related("enterprise", "form").get(pk=ret.pk)
            t = time.perf_counter()
            ret = services.submit_return(reporter, ret, values, explanation="基准测试：按原值报送",
                                         expected_version=ret.version)
            times[maintained][0].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            services.return_to_enterprise(bureau, ret, "基准测试：退回以恢复原状", expected_version=ret.version)
            times[maintained][1].append((time.perf_counter() - t) * 1000)
    finally:
        changes.RETURN_TRACKERS[:] = trackers
        returns_changed.connect(queue_changed, dispatch_uid=RESCAN_UID)
    return times, drafts


RESCAN_UID = "alerts.queue_changed"  # how gongxin/alerts/apps.py connects it


def rescans(drafts, count):
    """Milliseconds of the alerts rescan of one enterprise (what the drain after a submission does
    for it, off the request), for `count` of them."""
    from gongxin.alerts.scan import rescan

    out = []
    for ret in drafts[:count]:
        t = time.perf_counter()
        rescan(ret.period, {ret.enterprise_id})
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p99(values):
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.99))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild-rollups", choices=["all", "period"],
                        help=f"rebuild the roll-ups before timing: of every period, or of {PERIOD} only "
                             "(the one timed; after generating: all)")
    parser.add_argument("--reload-duckdb", action="store_true", help="copy the tables into DuckDB again")
    parser.add_argument("--submissions", type=int, default=20, help="submissions to time (0: none)")
    parser.add_argument("--rescans", type=int, default=1, help="alerts rescans after a submission to time (0: none)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import override_settings

    from gongxin.analysis import rollups
    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import Form, Indicator, ReturnValue

    generated = False
    if args.regenerate or not Enterprise.objects.filter(uscc__startswith="9137000").exists():
        if Enterprise.objects.exists():
            sys.exit("database holds other data: use an empty database (or one made by this script)")
        print(f"generating {args.enterprises} enterprises × {args.periods} periods …", flush=True)
        generate(args.enterprises, args.periods)
        generated = True
    if generated or args.rebuild_rollups:
        which = None if generated or args.rebuild_rollups == "all" else [PERIOD]
        t = time.perf_counter()
        cells = rollups.rebuild(which)
        print(f"  roll-ups of {'every period' if which is None else PERIOD} rebuilt: {cells} cells "
              f"({time.perf_counter() - t:.1f} s)", flush=True)
    if connection.vendor == "postgresql":
        # The roll-up tables were just written (or by an earlier run): give the planner their
        # statistics, as autovacuum would in production (it is off on the development machines).
        with connection.cursor() as c:
            c.execute(f"ANALYZE {', '.join(model._meta.db_table for model in rollups.TABLES)}")
    form = Form.objects.get(code="output").pk
    indicators = dict(Indicator.objects.filter(form_id=form).values_list("code", "id"))
    params = {"period": PERIOD, "year": int(PERIOD[:4]), "december": f"{int(PERIOD[:4]) - 1}-12",
              "own_december": f"{PERIOD[:4]}-12", "form": form,
              "output": indicators["output_value"], "indicators": indicators}
    if connection.vendor == "postgresql":
        # JIT compilation costs ~100 ms per statement at these plan costs and gains nothing for
        # aggregates over ~50k rows; production should run with jit = off (see the report).
        with connection.cursor() as c:
            c.execute("SET jit = off")
    n_enterprises = Enterprise.objects.count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {n_enterprises} enterprises, "
          f"{ReturnValue.objects.count()} values; period {PERIOD}", flush=True)
    duck_path = Path(tempfile.gettempdir()) / f"gx_province_{Path(connection.settings_dict['NAME']).stem}.duckdb"
    duck, loaded_s = duckdb_connection(duck_path, args.reload_duckdb)
    print(f"  duckdb {duck_path}: " + (f"loaded in {loaded_s:.0f} s" if loaded_s else "reused (source unchanged)"),
          flush=True)

    def engine(on):
        with override_settings(ROLLUPS=on):
            return engine_figures(PERIOD)

    fns = {"rollups": lambda: engine(True), "raw": lambda: engine(False),
           "hand": lambda: hand_figures(PERIOD, params), "duckdb": lambda: duckdb_figures(duck, params)}
    for fn in fns.values():
        fn()  # warm caches
    times, results = _timed(fns, args.repeat)
    ok = _report(times, results, n_enterprises, connection.vendor, args.repeat)
    print(f"  roll-up rows of {PERIOD} (the roll-up path reads them): "
          + ", ".join(f"{model.__name__} {model.objects.filter(period=PERIOD).count()}" for model in rollups.TABLES))
    if args.submissions:
        ok = _report_submissions(args.submissions, args.rescans, results["raw"], engine) and ok
    print("  OK" if ok else "  OVER BUDGET")
    return 0 if ok else 1


def _report_submissions(count, rescan_count, before, engine):
    """Time the submissions and print their line; then check that the figures (both engine paths)
    and the period's roll-ups are as before. True when within budget and unchanged."""
    from gongxin.analysis import rollups

    times, drafts = submissions(PERIOD, count)
    for maintained, (submit_ms, back_ms) in times.items():
        print(f"  submission {'with' if maintained else 'without'} roll-up maintenance (services.submit_return, "
              f"committed), {len(submit_ms)} returns: median {statistics.median(submit_ms):.1f} ms, "
              f"p99 {_p99(submit_ms):.1f}, max {max(submit_ms):.1f}; send-back (return_to_enterprise) "
              f"median {statistics.median(back_ms):.1f} ms, max {max(back_ms):.1f}")
    submit_ms, plain_ms = times[True][0], times[False][0]
    within = _p99(submit_ms) < SUBMIT_P99_MS
    print(f"  roll-up maintenance per submission: +{statistics.median(submit_ms) - statistics.median(plain_ms):.1f} ms "
          f"(median); budget: a submission's p99 < {SUBMIT_P99_MS} ms (the load budget, whole request) "
          + ("✓" if within else "✗"))
    if rescan_count:
        rescan_ms = rescans(drafts, rescan_count)
        print(f"  the alerts rescan of a submitted enterprise (alerts.scan.rescan, off the request): "
              f"median {statistics.median(rescan_ms):.0f} ms of {len(rescan_ms)}  (not counted in the above)")
    changed = _same(engine(True), before) + _same(engine(False), before)
    print("  figures after the submissions and send-backs (both engine paths): "
          + ("as before" if not changed else f"CHANGED {changed[:3]}"))
    differences = rollups.check([PERIOD])
    print(f"  rollups.check({PERIOD}) after them: " + (f"{len(differences)} differences" if differences else "clean"))
    return within and not changed and not differences


def _report(times, results, enterprises, vendor, repeat):
    """Print the one table (times, ratio against DuckDB, agreement with the raw engine, budgets);
    True when every budget holds and every path agrees."""
    reference = results["raw"]
    county_ytd = reference["county"]["output_value"]
    print(f"  county 1-6月 output value: {county_ytd} 千元; towns {len(reference['town'])}, "
          f"industries {len(reference['industry'])}, tiers {len(reference['tier'])}, "
          f"groups {len(reference['group'])}, products {len(reference['products'])}")
    duck_ms = times["duckdb"][0]
    rollup_budget = rollup_budget_ms(enterprises)
    checks = {
        "rollups": (f"< {rollup_budget} ms, < DuckDB",
                    times["rollups"][0] < rollup_budget and times["rollups"][0] < duck_ms),
        "raw": (f"< {BUDGET_MS} ms, ≤ {RATIO_BUDGET}× hand SQL",
                times["raw"][0] < BUDGET_MS and times["raw"][0] <= RATIO_BUDGET * times["hand"][0])
        if enterprises <= 50_000 else ("—", True),
        "hand": ("—", True),
        "duckdb": ("—", True),
    }
    labels = {"rollups": "engine on roll-ups", "raw": "engine on raw returns",
              "hand": f"hand-written SQL ({vendor})", "duckdb": "DuckDB, same statement"}
    print(f"\n  all dashboard figures of {PERIOD} (county, town, industry, tier, group, products); "
          f"ms: median [min–max] of {repeat}")
    print(f"  | {'path':<30} | {'ms':>24} | {'× DuckDB':>8} | {'CPU ms here':>11} | {'agrees with raw':<15} | budget")
    print(f"  |{'-' * 32}|{'-' * 26}|{'-' * 10}|{'-' * 13}|{'-' * 17}|{'-' * 30}")
    ok = True
    for name, label in labels.items():
        median, low, high, cpu = times[name]
        bad = _same(results[name], reference)
        budget, met = checks[name]
        ok = ok and met and not bad
        mark = "" if budget == "—" else (" ✓" if met else " ✗")
        print(f"  | {label:<30} | {f'{median:8.1f} [{low:.1f}–{high:.1f}]':>24} | {median / duck_ms:7.2f}× | {cpu:11.1f} | "
              f"{'yes' if not bad else f'NO ({len(bad)})':<15} | {budget}{mark}")
        if bad:
            print(f"      differences: {bad[:5]}")
    print()
    return ok


if __name__ == "__main__":
    sys.exit(main())
