"""Province scale: all analysis-dashboard figures for one period, engine vs hand-written SQL.

    .venv/bin/python bench/province.py [--enterprises 50000] [--periods 36] [--regenerate] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_province .venv/bin/python bench/province.py

Generates (once; reused while the database holds it) a synthetic province: `--enterprises`
enterprises in 300 towns, on the 规上 lists of 2019–2022 with entries and exits, and
`--periods` reporting periods of 产值 returns (four indicators each, 97% counted) ending
2022-12, plus key-product lines for ~30% of enterprises; rows are bulk-inserted period by period
(COPY on PostgreSQL), so a period's rows are stored together. Then it times, for 2022-06, the
figures of the analysis dashboard through `analysis/stats.py` (county total,
by town, by industry, by tier, key products) against one hand-written SQL statement computing
the same totals, checks that both agree, and prints both times and their ratio against the
budget (< 500 ms for all figures; engine within 1.5× of the hand SQL). Times are the median
[min–max] of `--repeat` runs, engine and hand SQL timed alternately.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BUDGET_MS = 500
RATIO_BUDGET = 1.5
PERIOD = "2022-06"
TOWNS = 300
PRODUCTS = 71
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
    from gongxin.registry.models import Enterprise, Industry, ListYear, Region
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
    from django.db import transaction

    now = "2022-07-05 08:00:00+00:00"
    rows = [
        (RETURN_SQL, [r + ("import", "", "", "", 1, now, now) for r in returns]),
        (VALUE_SQL, [v + ("",) for v in values]),
        (LINE_SQL, lines),
    ]
    with transaction.atomic(), connection.cursor() as c:
        for (table, cols), data in rows:
            if connection.vendor == "postgresql":
                with c.cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
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
        "products": {r.code: r.ytd for r in stats.products(period).rows if r.ytd},
    }


HAND_SQL = """
WITH v AS (
  SELECT v.enterprise_id, v.indicator_id, v.month, v.ytd, v.month_ly, v.ytd_ly
  FROM reporting_returnvalue v JOIN reporting_return r ON r.id = v.ret_id
  WHERE v.period = %(period)s AND v.indicator_id = %(output)s AND r.form_id = %(form)s AND r.status IN ('submitted', 'approved', 'accepted')
    AND EXISTS (SELECT 1 FROM registry_listyear l WHERE l.enterprise_id = v.enterprise_id AND l.year = %(year)s)
),
dec AS (
  SELECT d.enterprise_id, d.ytd
  FROM reporting_returnvalue d JOIN reporting_return r ON r.id = d.ret_id
  WHERE d.period = %(december)s AND d.indicator_id = %(output)s AND r.form_id = %(form)s
    AND r.status IN ('submitted', 'approved', 'accepted')
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
SELECT 'tier', CASE WHEN dec.ytd >= 500000 THEN 'over_500m' WHEN dec.ytd >= 100000 THEN '100m_500m'
                    ELSE 'under_100m' END, SUM(v.month), SUM(v.ytd), SUM(v.month_ly), SUM(v.ytd_ly)
  FROM v LEFT JOIN dec ON dec.enterprise_id = v.enterprise_id
  WHERE v.indicator_id = %(output)s GROUP BY 2
UNION ALL
SELECT 'products', p.code, SUM(pl.qty_month), SUM(pl.qty_ytd), SUM(pl.price * pl.qty_month), SUM(pl.qty_ytd_ly)
  FROM reporting_productline pl JOIN reporting_return r ON r.id = pl.ret_id
  JOIN reporting_product p ON p.id = pl.product_id
  WHERE pl.period = %(period)s AND r.form_id = %(form)s AND r.status IN ('submitted', 'approved', 'accepted')
    AND pl.product_id IN (SELECT product_id FROM reporting_monitoredproduct WHERE year = %(year)s)
    AND EXISTS (SELECT 1 FROM registry_listyear l WHERE l.enterprise_id = pl.enterprise_id AND l.year = %(year)s)
  GROUP BY p.code
"""


def hand_figures(period, params):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(HAND_SQL, {k: v for k, v in params.items() if k != "indicators"})
        rows = c.fetchall()
    codes = {str(v): k for k, v in params["indicators"].items()}
    out = {"county": {}, "town": {}, "industry": {}, "tier": {}, "products": {}}
    for what, code, _m, ytd, _mly, _yly in rows:
        key = codes[code] if what == "county" else code
        out[what][key] = Decimal(ytd) if ytd is not None else None
    return out


def _time_both(engine_fn, hand_fn, repeat):
    """Median and range (ms) of each, timed alternately so that load from other processes on
    the shared machine falls on both alike."""
    times = {"engine": [], "hand": []}
    results = {}
    for _ in range(repeat):
        for name, fn in (("hand", hand_fn), ("engine", engine_fn)):
            t = time.perf_counter()
            results[name] = fn()
            times[name].append((time.perf_counter() - t) * 1000)
    return {k: (statistics.median(v), min(v), max(v)) for k, v in times.items()}, results


def _same(a, b):
    """Both sets of figures agree to 0.01 (SQLite sums in floating point)."""
    bad = []
    for part in a:
        for k in set(a[part]) | set(b[part]):
            x, y = a[part].get(k) or 0, b[part].get(k) or 0
            if abs(Decimal(x) - Decimal(y)) > Decimal("0.01"):
                bad.append((part, k, x, y))
    return bad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from gongxin.registry.models import Enterprise
    from gongxin.reporting.models import Form, Indicator, ReturnValue

    if args.regenerate or not Enterprise.objects.filter(uscc__startswith="9137000").exists():
        if Enterprise.objects.exists():
            sys.exit("database holds other data: use an empty database (or one made by this script)")
        print(f"generating {args.enterprises} enterprises × {args.periods} periods …", flush=True)
        generate(args.enterprises, args.periods)
    form = Form.objects.get(code="output").pk
    indicators = dict(Indicator.objects.filter(form_id=form).values_list("code", "id"))
    params = {"period": PERIOD, "year": int(PERIOD[:4]), "december": f"{int(PERIOD[:4]) - 1}-12", "form": form,
              "output": indicators["output_value"], "indicators": indicators}
    if connection.vendor == "postgresql":
        # JIT compilation costs ~100 ms per statement at these plan costs and gains nothing for
        # aggregates over ~50k rows; production should run with jit = off (see the report).
        with connection.cursor() as c:
            c.execute("SET jit = off")
    print(f"database: {connection.vendor}; {Enterprise.objects.count()} enterprises, "
          f"{ReturnValue.objects.count()} values; period {PERIOD}", flush=True)
    engine_figures(PERIOD)  # warm caches
    hand_figures(PERIOD, params)
    times, results = _time_both(lambda: engine_figures(PERIOD), lambda: hand_figures(PERIOD, params), args.repeat)
    engine, hand = results["engine"], results["hand"]
    (engine_ms, engine_min, engine_max), (hand_ms, hand_min, hand_max) = times["engine"], times["hand"]
    mismatches = _same(engine, hand)
    county_ytd = engine["county"]["output_value"]
    print(f"  county 1-6月 output value: {county_ytd} 千元; towns {len(engine['town'])}, "
          f"industries {len(engine['industry'])}, tiers {engine['tier']}, products {len(engine['products'])}")
    print(f"  engine (analysis/stats.py, all dashboard figures): {engine_ms:8.1f} ms  "
          f"[{engine_min:.0f}–{engine_max:.0f}]  (budget < {BUDGET_MS} ms)")
    print(f"  hand-written SQL (one statement, same totals):     {hand_ms:8.1f} ms  [{hand_min:.0f}–{hand_max:.0f}]")
    ratio = engine_ms / hand_ms
    print(f"  ratio engine / hand SQL: {ratio:.2f}  (budget ≤ {RATIO_BUDGET})")
    print("  figures agree" if not mismatches else f"  MISMATCH: {mismatches[:5]}")
    ok = engine_ms < BUDGET_MS and ratio <= RATIO_BUDGET and not mismatches
    print("  OK" if ok else "  OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
