"""Machine-readable figures (the stable JSON of `gongxin indicators` / `gongxin products`)."""

from . import stats

BY_CHOICES = ("county", "town", "industry", "tier")


def indicators_json(period, by="county", user=None):
    """The figures by `by`. Beside the published keys: `coverage` of the whole and of each row
    ({"expected", "reported", "counted"}, issue 11) and `units` (electricity is 万千瓦时)."""
    rows = stats.totals(period, by, user)
    whole = stats.coverage(period, user)
    by_key = {None: whole} if by == "county" else stats.coverage(period, user, by) if by in stats.COVERAGE_KEYS else {}
    return {
        "period": period,
        "by": by,
        "unit": "千元",
        "units": {code: UNITS.get(code, "千元") for code in stats.INDICATORS},
        "coverage": whole.as_json(),
        "rows": [{
            "code": row.code,
            "name": row.name,
            "enterprises": row.enterprises,
            "indicators": {code: _figures_json(f) for code, f in row.indicators.items()},
            "coverage": by_key.get(row.key, stats.Coverage(counted=row.enterprises)).as_json(),
            "sell_through": _sell_through_json(row),
        } for row in rows],
        "month_on_month_pct": {code: stats.pct_text(v) for code, v in stats.month_on_month(period, user).items()},
        "two_year_average_pct": {code: {column: stats.pct_text(v) for column, v in by_column.items()}
                                 for code, by_column in stats.two_year_average(period, user).items()},
    }


def _sell_through_json(row):
    """产销率 (%) of the row, this year and last, and its change in percentage points."""
    return {"month_pct": stats.pct_text(stats.sell_through_pct(row, "month")),
            "ytd_pct": stats.pct_text(stats.sell_through_pct(row, "ytd")),
            "ytd_ly_pct": stats.pct_text(stats.sell_through_pct(row, "ytd_ly")),
            "ytd_change_pp": stats.pct_text(stats.sell_through_change_pp(row, "ytd"))}


UNITS = {"electricity": "万千瓦时"}


def _figures_json(f):
    return {
        "month": stats.amount_text(f.month),
        "ytd": stats.amount_text(f.ytd),
        "month_ly": stats.amount_text(f.month_ly),
        "ytd_ly": stats.amount_text(f.ytd_ly),
        "month_growth_pct": stats.pct_text(f.month_growth_pct),
        "ytd_growth_pct": stats.pct_text(f.ytd_growth_pct),
    }


def products_json(period, user=None):
    result = stats.products(period, user)
    return {
        "period": period,
        "coverage": stats.coverage(period, user).as_json(),
        "products_total": result.total,
        "output_up": result.output_up,
        "output_up_share_pct": stats.pct_text(result.output_up_share_pct),
        "price_up": result.price_up,
        "price_up_share_pct": stats.pct_text(result.price_up_share_pct),
        "products_with_data": result.with_data,  # the denominator of both shares
        "basis": result.basis,  # 产量增长 on "ytd" (1-本月) or "month" (本月)
        "rows": [{
            "code": r.code,
            "name": r.name,
            "unit": r.unit,
            "ytd": stats.amount_text(r.ytd),
            "ytd_ly": stats.amount_text(r.ytd_ly),
            "ytd_growth_pct": stats.pct_text(r.ytd_growth_pct),
            "price": stats.amount_text(r.price),
            "price_ly": stats.amount_text(r.price_ly),
            "price_growth_pct": stats.pct_text(r.price_growth_pct),
            "month": stats.amount_text(r.month),
            "month_ly": stats.amount_text(r.month_ly),
            "month_growth_pct": stats.pct_text(r.month_growth_pct),
            "has_data": r.has_data,
        } for r in result.rows],
    }
