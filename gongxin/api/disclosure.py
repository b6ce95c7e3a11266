"""Statistical disclosure control (统计法 第二十五条) for clients without micro-data rights.

A cell (a town, industry, tier or group figure) is suppressed — its numbers `null`, with a reason
code — when fewer than `API_MIN_ENTERPRISES` enterprises make it (`"n<3"`), or when one enterprise
holds more than `API_DOMINANCE_PCT` of its 1-本月 output (`"dominance"`). Secondary suppression: when
exactly one cell of a grouping is suppressed, the smallest other cell is suppressed too
(`"secondary"`), so the suppressed one cannot be recovered as total minus the others.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Sum

from gongxin.analysis import stats

GROUP_FIELDS = {"town": "enterprise__town__code", "industry": "enterprise__industry__code"}


def _shares(period, by):
    """{group code: (enterprises, largest enterprise's 1-本月 output, total 1-本月 output)}."""
    field = GROUP_FIELDS.get(by)
    if field is None:
        return None
    qs = stats.counted_values(period, ("output_value",)).values(field).annotate(
        n=Count("enterprise_id", distinct=True), top=Max("ytd"), total=Sum("ytd"))
    return {row[field]: (row["n"], row["top"] or Decimal(0), row["total"] or Decimal(0)) for row in qs}


def protect(data, period, by):
    """`data` (indicators JSON) with unsafe cells nulled; adds `suppressed` reasons to each row."""
    if by in ("county",):
        return data
    minimum = settings.API_MIN_ENTERPRISES
    dominance = Decimal(settings.API_DOMINANCE_PCT)
    shares = _shares(period, by) or {}
    reasons = {}
    for row in data["rows"]:
        n, top, total = shares.get(row["code"], (row.get("enterprises") or 0, Decimal(0), Decimal(0)))
        if n < minimum:
            reasons[row["code"]] = f"n<{minimum}"
        elif total > 0 and top * 100 > dominance * total:
            reasons[row["code"]] = "dominance"
    if len(reasons) == 1 and len(data["rows"]) > 1:
        others = [r for r in data["rows"] if r["code"] not in reasons]
        smallest = min(others, key=lambda r: shares.get(r["code"], (0, 0, Decimal(0)))[2])
        reasons[smallest["code"]] = "secondary"
    for row in data["rows"]:
        reason = reasons.get(row["code"])
        row["suppressed"] = reason
        if reason:
            row["enterprises"] = None
            row["indicators"] = {code: {k: None for k in f} for code, f in row["indicators"].items()}
            # Issue 11's additions describe the same few enterprises: withheld with the figures.
            for key in ("coverage", "sell_through"):
                if key in row:
                    row[key] = {k: None for k in row[key]}
    return data
