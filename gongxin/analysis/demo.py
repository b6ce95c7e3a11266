"""Demo county, analysis part: 2022 PPI table and 2022 town guidance plans.

Runs after reporting.demo and computes from the returns then in the database (nothing here is a
reference figure): PPIs are plausible for a coal/chemicals county (coal 108–112, coking and
chemicals 104–110, metals 103–108, others 100–104), eased towards 100 only if the estimated
2022-03 added-value growth would otherwise fall below 10%. Town output targets are each town's
1-3月 output ÷ 0.25 × a factor in 0.9–1.1; investment targets likewise from 1-3月 技改投资 when the
projects app has figures at build time.
"""

from decimal import Decimal

from gongxin.lib.numeric import round_half_up
from gongxin.registry.models import Industry, Region

from . import stats
from .models import PriceIndex, TownPlan

PPI_PERIODS = ("2022-02", "2022-03", "2022-04")
PLAN_PERIOD = "2022-03"
# Division code → (low, high) of the monthly PPI; others 100–104.
PPI_RANGES = {"06": (108, 112), "25": (104, 110), "26": (104, 110), "31": (103, 108), "32": (103, 108),
              "44": (101, 105)}
DEFAULT_RANGE = (100, 104)
MIN_ADDED_VALUE_GROWTH = Decimal(10)
TWO = Decimal("0.01")


def build(ctx):
    from . import rollups

    rollups.rebuild()  # the demo's returns were written in bulk: the roll-ups start from them
    rng = ctx["rng"]
    build_ppi(rng)
    build_plans(rng)


def _ppi_rows(rng, ease=Decimal(1)):
    """[(division, period, month_index, ytd_index)] — ytd is the month-weighted running mean."""
    rows = []
    for division in Industry.objects.filter(parent__isnull=True).order_by("code"):
        low, high = PPI_RANGES.get(division.code, DEFAULT_RANGE)
        level = Decimal(str(rng.uniform(low, high)))
        total = weight = Decimal(0)
        for period in PPI_PERIODS:
            month = 100 + (level - 100 + Decimal(str(rng.uniform(-0.8, 0.8)))) * ease
            months = 2 if period.endswith("-02") else 1  # 1–2月 merged
            total += month * months
            weight += months
            rows.append((division, period, round_half_up(month, TWO), round_half_up(total / weight, TWO)))
    return rows


def build_ppi(rng):
    """PPI 2022-02…04 per division; eased until the 2022-03 estimate is ≥ 10% (if data allows)."""
    ease = Decimal(1)
    state = rng.getstate()
    for _ in range(10):
        rng.setstate(state)
        PriceIndex.objects.filter(period__in=PPI_PERIODS).delete()
        PriceIndex.objects.bulk_create([PriceIndex(division=d, period=p, month_index=m, ytd_index=y)
                                        for d, p, m, y in _ppi_rows(rng, ease)])
        estimate = stats.added_value(PLAN_PERIOD).ytd_estimate_pct
        if estimate is None or estimate >= MIN_ADDED_VALUE_GROWTH:
            return estimate
        ease *= Decimal("0.8")
    return estimate


def build_plans(rng):
    """2022 targets per town from the towns' 1-3月 figures ÷ 0.25 × 0.9–1.1 (rounded to 100万元)."""
    output = {r.key: r.output.ytd for r in stats.totals(PLAN_PERIOD, "town", indicators=("output_value",))}
    investment = stats.investment_by_town(PLAN_PERIOD) or {}
    plans = []
    for town in Region.objects.towns():
        output_target = _target(rng, output.get(town.pk), Decimal(1000))  # 千元 → steps of 100万元
        inv = investment.get(town.code)
        investment_target = _target(rng, inv[0] if inv else None, Decimal(100))  # 万元 → steps of 100万元
        if output_target is not None or investment_target is not None:
            plans.append(TownPlan(year=2022, town=town, output_target=output_target,
                                  investment_target=investment_target))
    TownPlan.objects.filter(year=2022).delete()
    TownPlan.objects.bulk_create(plans)


def _target(rng, ytd, step):
    if not ytd:
        return None
    value = Decimal(ytd) / Decimal("0.25") * Decimal(str(round(rng.uniform(0.9, 1.1), 3)))
    return max(step, (value / step).quantize(Decimal(1)) * step)
