"""Roll-ups: the engine's sums kept per cell, in the same transaction as every change that counts.

What they hold (models in analysis/models.py), exactly what `stats` sums from the raw returns —
counted 产值 returns (`Return.COUNTED`) of enterprises on the period's year 规上 list, tier by last
year's annual output (`stats.tier_expression`):

- `OutputRollup`   period × town × division × tier × indicator: Σ month, ytd, month_ly, ytd_ly, n values;
- `GroupRollup`    period × group × town × indicator: the same (an enterprise counts in each of its groups);
- `ProductRollup`  period × town × product: what `stats.products()` sums (quantities, price × quantity
                   weights, counts of lines);
- `CoverageRollup` period × town × division × tier: enterprises reported / counted;
- `OutputSummary`  period × grain (county / town / division / tier) × indicator: OutputRollup summed to
                   each grouping of the whole county's dashboard (a few hundred rows a period);
- `ProductSummary` period × product: ProductRollup summed over the towns.

How they are kept: a change that can alter what an enterprise contributes is wrapped in
`tracking(pairs)` (pairs of enterprise id and period). On entry it locks the enterprises' rows
(so two changes of one enterprise's contributions queue behind each other) and computes what those
enterprise-periods contribute now; on exit it computes it again and adds the difference to the
cells with one additive upsert per table (`INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col`,
rows in sorted key order so concurrent transactions lock cells in one order: no deadlock, no lost
addition under READ COMMITTED). Approving and accepting a return change nothing that counts.

`rebuild()` rewrites the cells from the raw returns with one INSERT … SELECT … GROUP BY per table and
period; `check()` computes the same SELECTs and lists every cell that differs (`gongxin rollups`).
"""

import functools
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr

from gongxin.lib.periods import split
from gongxin.registry.models import Enterprise, ListYear
from gongxin.reporting.models import ProductLine, Return, ReturnValue

from .models import CoverageRollup, GroupRollup, OutputRollup, OutputSummary, ProductRollup, ProductSummary

VALUE_SUMS = ("month", "ytd", "month_ly", "ytd_ly", "n")
PRODUCT_SUMS = ("n", "month", "ytd", "month_ly", "ytd_ly", "value", "weight", "mean", "priced", "value_ly",
                "weight_ly", "mean_ly", "priced_ly", "same_value", "same_value_ly", "same_n")
TABLES = {  # model → (key fields, summed fields)
    OutputRollup: (("period", "town_id", "division_id", "tier", "indicator_id"), VALUE_SUMS),
    GroupRollup: (("period", "group_id", "town_id", "indicator_id"), VALUE_SUMS),
    ProductRollup: (("period", "town_id", "product_id"), PRODUCT_SUMS),
    CoverageRollup: (("period", "town_id", "division_id", "tier"), ("reported", "counted")),
    OutputSummary: (("period", "grain", "key", "indicator_id"), VALUE_SUMS),
    ProductSummary: (("period", "product_id"), PRODUCT_SUMS),
}
ZERO = Decimal(0)
OUTPUT_FORM = "output"  # stats.OUTPUT_FORM (stats imports this module's models; no cycle at import time)


def enabled():
    """The engine reads roll-ups (settings.ROLLUPS, env GONGXIN_ROLLUPS; default on)."""
    return getattr(settings, "ROLLUPS", True)


def _year(period):
    return split(period)[0]


def _output_form_id():
    from .stats import output_form_id

    return output_form_id()


# ---------------------------------------------------------------- what enterprise-periods contribute


def _tier(previous, own):
    """stats.tier_expression in Python: previous December's 1-本月, else own December's 上年1-12月."""
    from .stats import TIER_THRESHOLDS, UNDER_100M, UNTIERED

    for amount in (previous, own):
        if amount is not None:
            for code, threshold in TIER_THRESHOLDS:
                if amount >= threshold:
                    return code
            return UNDER_100M
    return UNTIERED


def _tiers(enterprise_ids, years, form_id):
    """{(enterprise id, year): tier code} from the counted December output values."""
    decembers = sorted({f"{y - 1:04d}-12" for y in years} | {f"{y:04d}-12" for y in years})
    rows = ReturnValue.objects.filter(
        enterprise_id__in=enterprise_ids, period__in=decembers,
        indicator__code="output_value",  # by code: one join instead of a look-up query on the request path
        ret__form_id=form_id, ret__period__in=decembers, ret__status__in=Return.COUNTED,
    ).values_list("enterprise_id", "period", "ytd", "ytd_ly")
    found = {(e, p): (ytd, ytd_ly) for e, p, ytd, ytd_ly in rows}
    return {(e, y): _tier(found.get((e, f"{y - 1:04d}-12"), (None, None))[0],
                          found.get((e, f"{y:04d}-12"), (None, None))[1])
            for e in enterprise_ids for y in years}


def _enterprises(enterprise_ids, lock=False):
    """{enterprise id: (town id, division id, [group ids])}, the rows locked when `lock`."""
    qs = Enterprise.objects.order_by("pk")
    if lock:
        qs = qs.select_for_update(of=("self",))
    out = {}
    for chunk in _chunks(enterprise_ids):
        for pk, town, division, group in qs.filter(pk__in=chunk).values_list("pk", "town_id", "division_id",
                                                                             "groups__id"):
            groups = out.setdefault(pk, (town, division, []))[2]
            if group is not None:
                groups.append(group)
    return out


def _n(value):
    return ZERO if value is None else value


CHUNK = 2000  # enterprises per query (SQLite's limit on a statement's parameters)


def _chunks(ids):
    ids = sorted(ids)
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def contributions(pairs, info, form_id=None):
    """{model: {key tuple: [sums]}} of what the enterprise-periods `pairs` add to the cells now.

    `info` is `_enterprises(...)` of their enterprises. Three small queries per 2,000 enterprises
    (their December values for tiers, their counted returns with values and listing, product lines)."""
    out = {model: defaultdict(functools.partial(_zeros, len(sums))) for model, (_, sums) in TABLES.items()}
    pairs = set(pairs)
    for chunk in _chunks({e for e, _ in pairs}):
        members = set(chunk)
        _contribute(out, {(e, p) for e, p in pairs if e in members}, chunk, info, form_id or _output_form_id())
    return out


def _contribute(out, pairs, enterprise_ids, info, form_id):
    periods = sorted({p for _, p in pairs})
    years = sorted({_year(p) for p in periods})
    tiers = _tiers(enterprise_ids, years, form_id)
    listed = ListYear.objects.filter(enterprise_id=OuterRef("enterprise_id"),
                                     year=Cast(Substr(OuterRef("period"), 1, 4), IntegerField()))
    rets = Return.objects.filter(Exists(listed), enterprise_id__in=enterprise_ids, period__in=periods, form_id=form_id,
                                 status__in=Return.COUNTED)
    rows = rets.values_list("id", "enterprise_id", "period", "values__indicator_id", "values__indicator__code",
                            "values__month", "values__ytd", "values__month_ly", "values__ytd_ly")
    counted_rets, coverage = {}, {}
    for ret_id, e, p, indicator, code, *columns in rows:
        if (e, p) not in pairs or e not in info:
            continue
        town, division, groups = info[e]
        tier = tiers[(e, _year(p))]
        counted_rets[ret_id] = (p, town)
        cell = coverage.setdefault((p, town, division, tier, e), [1, 0])
        if indicator is None:
            continue  # a counted return without values: reported, nothing summed
        if code == "output_value":
            cell[1] = 1
        sums = [_n(c) for c in columns] + [1]
        _add(out[OutputRollup][(p, town, division, tier, indicator)], sums)
        for grain, key in (("county", ""), ("town", str(town)), ("industry", str(division)), ("tier", tier)):
            _add(out[OutputSummary][(p, grain, key, indicator)], sums)
        for group in groups:
            _add(out[GroupRollup][(p, group, town, indicator)], sums)
    for (p, town, division, tier, _), flags in coverage.items():
        _add(out[CoverageRollup][(p, town, division, tier)], flags)
    if counted_rets:
        lines = ProductLine.objects.filter(ret__in=rets).values_list(
            "ret_id", "product_id", "qty_month", "qty_ytd", "qty_month_ly", "qty_ytd_ly", "price", "price_ly")
        for ret_id, product, *line in lines:
            if ret_id not in counted_rets:
                continue  # another period of the enterprise than the ones asked
            p, town = counted_rets[ret_id]
            sums = _line_sums(*line)
            _add(out[ProductRollup][(p, town, product)], sums)
            _add(out[ProductSummary][(p, product)], sums)


def _line_sums(qty_month, qty_ytd, qty_month_ly, qty_ytd_ly, price, price_ly):
    """One product line's part of the ProductRollup sums (as stats.products() aggregates them)."""
    priced, priced_ly = price is not None, price_ly is not None
    both = priced and priced_ly and qty_month is not None and qty_month > 0
    return [
        1, _n(qty_month), _n(qty_ytd), _n(qty_month_ly), _n(qty_ytd_ly),
        price * qty_month if priced and qty_month is not None else ZERO,
        _n(qty_month) if priced else ZERO,
        _n(price), int(priced),
        price_ly * qty_month_ly if priced_ly and qty_month_ly is not None else ZERO,
        _n(qty_month_ly) if priced_ly else ZERO,
        _n(price_ly), int(priced_ly),
        price * qty_month if both else ZERO,
        price_ly * qty_month if both else ZERO,
        int(both),
    ]


def _zeros(n):
    return [0] * n


def _add(target, sums):
    for i, v in enumerate(sums):
        target[i] += v


# ---------------------------------------------------------------- applying differences


def _apply(before, after):
    """Add after − before to the cells: one additive upsert per table whose cells change."""
    for model, (keys, sums) in TABLES.items():
        delta = {}
        for key in set(before[model]) | set(after[model]):
            old, new = before[model].get(key), after[model].get(key)
            diff = [(new[i] if new else 0) - (old[i] if old else 0) for i in range(len(sums))]
            if any(diff):
                delta[key] = diff
        if delta:
            _upsert(model, keys, sums, sorted(delta.items(), key=lambda kv: tuple(str(k) for k in kv[0])))


def _upsert(model, keys, sums, items):
    # Raw SQL: the ORM's bulk_create(update_conflicts=True) can only overwrite (col = EXCLUDED.col);
    # an additive upsert is what makes concurrent submissions into one cell exact, in ONE statement
    # per table (SQLite ≥ 3.24 and PostgreSQL share this syntax).
    q = connection.ops.quote_name
    opts = model._meta
    key_columns = [opts.get_field(k.removesuffix("_id") if k.endswith("_id") else k).column for k in keys]
    sum_columns = [opts.get_field(s).column for s in sums]
    columns = key_columns + sum_columns
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table = q(opts.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES {', '.join([row] * len(items))} "
           f"ON CONFLICT ({', '.join(q(c) for c in key_columns)}) DO UPDATE SET "
           + ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in sum_columns))
    params = [v for key, diff in items for v in (*key, *diff)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# ---------------------------------------------------------------- the one entry point for changes


def _periods_touched(pairs):
    """A December's figures decide the tiers of its own year and of the next: its enterprise's
    periods of both years are touched too."""
    out = set(pairs)
    for e, p in pairs:
        year, month = split(p)
        if month == 12:
            out |= {(e, f"{y:04d}-{m:02d}") for y in (year, year + 1) for m in range(1, 13)}
    return out


def _require_transaction():
    if not connection.in_atomic_block:
        raise RuntimeError("roll-ups are kept inside the change's own transaction (transaction.atomic)")


@contextmanager
def tracking(pairs, *, moves=True):
    """Keep the roll-ups right across the block: `pairs` are the (enterprise id, period) whose
    contributions the block may change (a December's pairs widen to the tiers it decides).
    `moves=False` when the block cannot change the enterprises' town, division or groups (a
    return's transition): their rows are read once."""
    pairs = _periods_touched(pairs)
    enterprise_ids = sorted({e for e, _ in pairs})
    if not enterprise_ids:
        yield
        return
    _require_transaction()
    info = _enterprises(enterprise_ids, lock=True)
    before = contributions(pairs, info)
    yield
    after = contributions(pairs, _enterprises(enterprise_ids) if moves else info)
    _apply(before, after)


@contextmanager
def tracking_return(ret):
    """`tracking` for one return's transition or edit; `ret` is the row read under its lock, and
    its `status` after the block is the one saved. A return counted neither before nor after costs
    nothing; one that starts counting (a submission) costs one snapshot, after the change. Other
    forms than 产值 count nowhere."""
    if ret.form.code != OUTPUT_FORM:  # the locked return carries its form: no look-up
        yield
        return
    pairs = _periods_touched({(ret.enterprise_id, ret.period)})
    ids = [ret.enterprise_id]
    was_counted = ret.status in Return.COUNTED
    december = len(pairs) > 1  # its figures decide tiers: the other periods' before is needed at once
    _require_transaction()
    info = before = None
    if was_counted or december:
        info = _enterprises(ids, lock=True)
        before = contributions(pairs, info, ret.form_id)
    yield
    if not was_counted and ret.status not in Return.COUNTED:
        return  # a draft stays a draft: it counts nowhere, before or after
    if info is None:
        info = _enterprises(ids, lock=True)
        before = contributions((), info)  # it did not count: nothing to take back
    _apply(before, contributions(pairs, info, ret.form_id))


def tracking_enterprises(enterprise_ids):
    """`tracking` for changes of enterprises themselves (town, industry, groups, list years): every
    period they have a 产值 return for."""
    enterprise_ids = list(enterprise_ids)
    periods = Return.objects.filter(enterprise_id__in=enterprise_ids, form_id=_output_form_id()).values_list(
        "enterprise_id", "period")
    return tracking(set(periods))


# ---------------------------------------------------------------- set-based: rebuild and check


def _amount(column, **extra):
    return Coalesce(Sum(column, **extra), Value(ZERO), output_field=DecimalField(max_digits=40, decimal_places=8))


def _selects(period):
    """{model: queryset} computing the cells of `period` from the raw returns, columns in TABLES order."""
    from .stats import indicator_ids, output_form_id, tier_expression

    form_id = output_form_id()
    year = _year(period)
    on_list = Exists(ListYear.objects.filter(enterprise_id=OuterRef("enterprise_id"), year=year))
    values = ReturnValue.objects.filter(on_list, period=period, ret__form_id=form_id, ret__period=period,
                                        ret__status__in=Return.COUNTED)
    sums = {c: _amount(c) for c in VALUE_SUMS[:4]}
    output = (values.annotate(town_key=F("enterprise__town_id"), division_key=F("enterprise__division_id"),
                              tier=tier_expression(period, form_id))
              .values("town_key", "division_key", "tier", "indicator_id").annotate(n=Count("id"), **sums)
              .values_list("town_key", "division_key", "tier", "indicator_id", *VALUE_SUMS).order_by())
    groups = (values.filter(enterprise__groups__isnull=False)
              .values("enterprise__groups", "enterprise__town_id", "indicator_id").annotate(n=Count("id"), **sums)
              .values_list("enterprise__groups", "enterprise__town_id", "indicator_id", *VALUE_SUMS).order_by())
    def grain(name, key):
        """One grouping of OutputSummary: (grain, key as text, indicator, sums) per group."""
        qs = values.annotate(grain_key=Value(name, output_field=CharField()), cell_key=key)
        return (qs.values("grain_key", "cell_key", "indicator_id").annotate(n=Count("id"), **sums)
                .values_list("grain_key", "cell_key", "indicator_id", *VALUE_SUMS).order_by())

    summary = grain("county", Value("", output_field=CharField())).union(
        grain("town", Cast("enterprise__town_id", CharField())),
        grain("industry", Cast("enterprise__division_id", CharField())),
        grain("tier", tier_expression(period, form_id)), all=True)
    priced, priced_ly = Q(price__isnull=False), Q(price_ly__isnull=False)
    both = priced & priced_ly & Q(qty_month__gt=0)
    lines = ProductLine.objects.filter(on_list, period=period, ret__form_id=form_id, ret__period=period,
                                       ret__status__in=Return.COUNTED)
    line_sums = dict(
        n=Count("id"), month=_amount("qty_month"), ytd=_amount("qty_ytd"), month_ly=_amount("qty_month_ly"),
        ytd_ly=_amount("qty_ytd_ly"), value=_amount(F("price") * F("qty_month")),
        weight=_amount("qty_month", filter=priced), mean=_amount("price"), priced=Count("id", filter=priced),
        value_ly=_amount(F("price_ly") * F("qty_month_ly")), weight_ly=_amount("qty_month_ly", filter=priced_ly),
        mean_ly=_amount("price_ly"), priced_ly=Count("id", filter=priced_ly),
        same_value=_amount(F("price") * F("qty_month"), filter=both),
        same_value_ly=_amount(F("price_ly") * F("qty_month"), filter=both), same_n=Count("id", filter=both),
    )
    products = (lines.annotate(town_key=F("enterprise__town_id")).values("town_key", "product_id")
                .annotate(**line_sums).values_list("town_key", "product_id", *PRODUCT_SUMS).order_by())
    product_summary = (lines.values("product_id").annotate(**line_sums)
                       .values_list("product_id", *PRODUCT_SUMS).order_by())
    has_output = ReturnValue.objects.filter(ret_id=OuterRef("pk"),
                                            indicator_id=indicator_ids(("output_value",)).get("output_value"))
    coverage = (Return.objects.filter(on_list, period=period, form_id=form_id, status__in=Return.COUNTED)
                .annotate(town_key=F("enterprise__town_id"), division_key=F("enterprise__division_id"),
                          tier=tier_expression(period, form_id), has_output=Exists(has_output))
                .values("town_key", "division_key", "tier")
                .annotate(reported=Count("id"), counted=Count("id", filter=Q(has_output=True)))
                .values_list("town_key", "division_key", "tier", "reported", "counted").order_by())
    return {OutputRollup: output, GroupRollup: groups, ProductRollup: products, CoverageRollup: coverage,
            OutputSummary: summary, ProductSummary: product_summary}


def periods_on_record():
    """Every period with a 产值 return (the periods roll-ups are built for)."""
    return sorted(set(Return.objects.filter(form_id=_output_form_id()).values_list("period", flat=True).distinct()))


def rebuild(periods=None):
    """Rewrite the cells of `periods` (default: every period on record, and drop cells of others)
    with one INSERT … SELECT … GROUP BY per table and period. Returns the number of cells written."""
    q = connection.ops.quote_name
    written = 0
    with transaction.atomic():
        everything = periods is None
        if everything:
            periods = periods_on_record()
            for model in TABLES:
                model.objects.all().delete()
        for period in periods:
            for model, qs in _selects(period).items():
                keys, sums = TABLES[model]
                if not everything:
                    model.objects.filter(period=period).delete()
                opts = model._meta
                columns = [opts.get_field(f.removesuffix("_id") if f.endswith("_id") else f).column
                           for f in (*keys, *sums)]
                inner, params = qs.query.sql_with_params()
                with connection.cursor() as cursor:
                    # Raw SQL: INSERT … SELECT keeps the rows in the database (minutes at 500,000 ×
                    # 36 instead of hours of fetching and re-sending them).
                    cursor.execute(f"INSERT INTO {q(opts.db_table)} ({', '.join(q(c) for c in columns)}) "
                                   f"SELECT %s, sub.* FROM ({inner}) sub", (period, *params))
                    written += cursor.rowcount
    return written


def _columns(model, fields):
    opts = model._meta
    return [opts.get_field(f.removesuffix("_id") if f.endswith("_id") else f).column for f in fields]


def check(periods=None):
    """[(table, key, stored, computed)] of every cell that differs from the raw returns (a cell of
    zeros and a missing cell are alike). The comparison runs in the database: per table and period
    the rebuild's SELECT, FULL OUTER JOIN the stored cells, only differing rows come back."""
    q = connection.ops.quote_name
    differences = []
    all_periods = periods is None
    periods = periods_on_record() if all_periods else periods
    for model, (keys, sums) in TABLES.items():
        stale = model.objects.exclude(period__in=periods) if all_periods else model.objects.none()
        for row in stale.values_list(*keys, *sums):
            if any(row[len(keys):]):
                differences.append((model.__name__, row[:len(keys)], row[len(keys):], None))
    # SQLite sums NUMERIC columns as floats (15 significant digits): there, equal within rounding.
    differ = ("ABS(COALESCE(c.{0}, 0) - COALESCE(s.{0}, 0)) > 0.00005 + 1e-12 * ABS(COALESCE(c.{0}, 0))"
              if connection.vendor == "sqlite" else "COALESCE(c.{0}, 0) <> COALESCE(s.{0}, 0)")
    for period in periods:
        for model, qs in _selects(period).items():
            keys, sums = TABLES[model]
            key_cols, sum_cols = _columns(model, keys[1:]), _columns(model, sums)
            names = [f"k{i}" for i in range(len(key_cols))] + [f"v{i}" for i in range(len(sum_cols))]
            inner, params = qs.query.sql_with_params()
            on = " AND ".join(f"c.k{i} = s.{q(c)}" for i, c in enumerate(key_cols))
            sql = (f"WITH c ({', '.join(names)}) AS ({inner}) "
                   f"SELECT {', '.join(f'COALESCE(c.k{i}, s.{q(c)})' for i, c in enumerate(key_cols))}, "
                   f"{', '.join(f's.{q(c)}' for c in sum_cols)}, {', '.join(f'c.v{i}' for i in range(len(sum_cols)))} "
                   f"FROM c FULL OUTER JOIN (SELECT * FROM {q(model._meta.db_table)} WHERE period = %s) s ON {on} "
                   f"WHERE " + " OR ".join(differ.format(f"v{i}").replace(f"s.v{i}", f"s.{q(c)}")
                                           for i, c in enumerate(sum_cols)))
            with connection.cursor() as cursor:
                cursor.execute(sql, (*params, period))
                for row in cursor.fetchall():
                    n = len(key_cols)
                    stored, computed = row[n:n + len(sum_cols)], row[n + len(sum_cols):]
                    differences.append((model.__name__, (period, *row[:n]),
                                        tuple(0 if v is None else v for v in stored),
                                        tuple(0 if v is None else v for v in computed)))
    return differences
