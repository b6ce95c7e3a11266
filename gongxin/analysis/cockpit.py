"""运行驾驶舱 (/analysis/cockpit/): one screen for a wall display or a laptop.

Headline cards, a 24-month rolling trend (this year's value against the same enterprises' last year),
the 21 镇街 as a tile map coloured by growth or plan completion (the tile layout ships with the
project: analysis/data/town_tiles.csv — no map tiles from outside), rankings of towns and
industries, key products and 技改 investment. The page fetches `data.json` every few minutes and
redraws without a reload; every number comes from analysis/stats.py (and projects/stats.py).
"""

import csv
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from gongxin.lib.periods import label, ytd_label
from gongxin.replica import analysis_reads

from . import stats
from .views import _period, require_analysis

TILES = Path(__file__).parent / "data" / "town_tiles.csv"
REFRESH_SECONDS = 300


@cache
def tile_layout():
    """{9-digit town code: (row, col)} of the tile map."""
    with TILES.open(encoding="utf-8") as f:
        return {r["code9"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(f)}


def _yi(value, per_yi=100000):
    """An amount as 亿元 with one decimal, half up ("70.0"): 千元 by default, 万元 with per_yi=10000."""
    from decimal import ROUND_HALF_UP, Decimal

    return str((Decimal(value or 0) / per_yi).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _num(value):
    return None if value is None else float(value)


def _text(value):
    return None if value is None else str(value)


def cockpit_data(period, user):
    """Everything the cockpit shows for `period`, as JSON-ready data (Decimals as strings)."""
    from gongxin.projects.stats import investment_rows

    dashboard = stats.dashboard_totals(period, user)
    whole = dashboard["county"]
    output = whole.output
    plans = {r.code: r for r in stats.plans(period, "output", user)}
    layout = tile_layout()
    towns = []
    for r in dashboard["town"]:
        plan = plans.get(r.code)
        code9 = r.code[:9]
        towns.append({"code": r.code, "name": r.name, "ytd_yi": _yi(r.output.ytd),
                      "growth": _num(r.output.ytd_growth_pct), "completion": _num(plan.completion_pct) if plan else None,
                      "tile": layout.get(code9)})
    industries = sorted(stats.with_structure(dashboard["industry"], whole), key=lambda x: -(x[0].output.ytd_change))
    products = stats.products(period, user)
    investment = investment_rows(period, "county")
    added = stats.added_value(period, user)
    trend = stats.rolling_series(period, user)
    while trend and not (trend[0]["figures"].month or trend[0]["figures"].month_ly):
        trend.pop(0)  # before the system held any returns
    return {
        "period": period, "label": label(period), "ytd_label": ytd_label(period),
        "headline": {
            "month_yi": _yi(output.month), "ytd_yi": _yi(output.ytd),
            "month_growth": _text(output.month_growth_pct), "ytd_growth": _text(output.ytd_growth_pct),
            "enterprises": whole.enterprises,
            "added_value_growth": _text(getattr(added, "ytd_pct", None)),
            "investment_yi": _yi(investment[0]["ytd"], 10000) if investment else None,
            "investment_growth": _text(investment[0].get("ytd_growth_pct")) if investment else None,
            "products_total": products.total, "products_up": products.output_up, "prices_up": products.price_up,
        },
        "trend": {
            "periods": [label(p["period"]) for p in trend],
            "this": [_num(p["figures"].month / 100000) for p in trend],
            "last": [_num(p["figures"].month_ly / 100000) for p in trend],
            "growth": [_num(p["figures"].month_growth_pct) for p in trend],
        },
        "towns": towns,
        "time_progress": _num(stats.time_progress_pct(period)),
        "industries": [{"name": r.name, "growth": _num(r.output.ytd_growth_pct), "contribution": _num(c)}
                       for r, _, c, _ in industries[:10]],
        "products": [{"name": p.name, "growth": _num(p.ytd_growth_pct), "price_growth": _num(p.price_growth_pct)}
                     for p in products.rows[:12]],
        "refresh_seconds": REFRESH_SECONDS,
    }


@login_required
@analysis_reads
def cockpit(request):
    require_analysis(request.user)
    period = _period(request)
    data = cockpit_data(period, request.user)
    return render(request, "analysis/cockpit.html", {"page_title": "运行驾驶舱", "data": data, "period": period})


@login_required
@analysis_reads
def cockpit_json(request):
    require_analysis(request.user)
    return JsonResponse(cockpit_data(_period(request), request.user), json_dumps_params={"ensure_ascii": False})
