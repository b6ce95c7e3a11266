"""Permit figures: one module for the dashboard, the `gongxin permits` command and the workbench.

Rules:
- A day is a local (Asia/Shanghai) calendar day. `applied` counts applications made that day;
  `approved` / `refused` count decisions taken that day (a later-revoked permit was approved).
- Approval time = minutes from application to decision (approvals only); the median of an even
  count is the mean of the middle two (a half minute at most, kept exact); p90 is the nearest-rank
  90th percentile.
- `entries` are passed entry inspections that day; `refused_at_checkpoint` counts refused
  inspections that day by their first reason's category.
- `in_county` and `overstays` are as of the end of the day (or now, for today): entered and not yet
  left; of those, past their window's end.
"""

import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from .models import Inspection, Permit, local_day_bounds

S = Permit.Status


def _number(value):
    """A Decimal median as a JSON-friendly number: int when whole, else its exact .5."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def median(values):
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    if len(values) % 2:
        return Decimal(values[mid])
    return (Decimal(values[mid - 1]) + Decimal(values[mid])) / 2


def p90(values):
    values = sorted(values)
    if not values:
        return None
    return values[max(0, math.ceil(0.9 * len(values)) - 1)]


def _moment(day, now=None):
    now = now or timezone.now()
    _, end = local_day_bounds(day)
    return min(end, now)


def in_county(permits, moment):
    return permits.filter(entered_at__isnull=False, entered_at__lte=moment).filter(
        Q(departed_at__isnull=True) | Q(departed_at__gt=moment))


def overstays(permits, moment):
    return in_county(permits, moment).filter(window_end__lt=moment)


def refusal_reasons(inspections):
    from .services import REASONS

    counted = Counter(inspections.filter(result=Inspection.Result.REFUSED).values_list("reason_code", flat=True))
    return [{"reason": REASONS.get(code, code or "其他"), "count": n}
            for code, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]


def day_figures(permits, inspections, day, now=None):
    """The `gongxin permits --date` figures for `day` over the given querysets (already scoped)."""
    start, end = local_day_bounds(day)
    moment = _moment(day, now)
    decided = permits.filter(decided_at__gte=start, decided_at__lt=end)
    approved = decided.filter(status__in=[S.APPROVED, S.REVOKED])
    day_inspections = inspections.filter(scanned_at__gte=start, scanned_at__lt=end)
    return {
        "date": day.isoformat(),
        "applied": permits.filter(applied_at__gte=start, applied_at__lt=end).count(),
        "approved": approved.count(),
        "refused": decided.filter(status=S.REFUSED).count(),
        "median_approval_minutes": _number(median(approved.values_list("approval_minutes", flat=True))),
        "entries": day_inspections.filter(direction=Inspection.Direction.ENTRY,
                                          result=Inspection.Result.PASSED).count(),
        "refused_at_checkpoint": refusal_reasons(day_inspections),
        "in_county": in_county(permits, moment).count(),
        "overstays": overstays(permits, moment).count(),
    }


@dataclass
class Row:
    label: str
    applied: int = 0
    approved: int = 0
    in_county: int = 0
    overstays: int = 0
    refused_at_checkpoint: int = 0


def dashboard(permits, inspections, now=None):
    """Headline figures now and the same by destination town and by enterprise."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = local_day_bounds(today)
    minutes = list(permits.filter(status__in=[S.APPROVED, S.REVOKED], approval_minutes__isnull=False)
                   .values_list("approval_minutes", flat=True))
    here = in_county(permits, now)
    late = overstays(permits, now)

    def grouped(field, label_field):
        rows = {}
        for key, label, n in permits.order_by().values_list(field, label_field).annotate(n=Count("id")):
            rows[key] = Row(label, applied=n)
        for attr, qs in (("approved", permits.filter(status__in=[S.APPROVED, S.REVOKED])), ("in_county", here),
                         ("overstays", late)):
            for key, n in qs.order_by().values_list(field).annotate(n=Count("id")):
                setattr(rows[key], attr, n)
        for key, n in (inspections.filter(result=Inspection.Result.REFUSED, permit__isnull=False)
                       .order_by().values_list(f"permit__{field}").annotate(n=Count("id"))):
            if key in rows:
                rows[key].refused_at_checkpoint = n
        return sorted(rows.values(), key=lambda r: (-r.applied, r.label))

    return {
        "applied_today": permits.filter(applied_at__gte=start, applied_at__lt=end).count(),
        "waiting": permits.filter(status=S.SUBMITTED).count(),
        "approval_median": _number(median(minutes)),
        "approval_p90": p90(minutes),
        "in_county": here.count(),
        "overstays": late.count(),
        "refusals": refusal_reasons(inspections),
        "by_town": grouped("town_id", "town__name"),
        "by_enterprise": grouped("enterprise_id", "enterprise__name")[:30],
    }
