"""Enterprise-service figures (诉求办理晾晒): one module for the page, the command, the bulletin.

Rules (docs/services.md):
- a demand counts in a window [from, to] when it was received in it (dates in Asia/Shanghai);
- resolved = received in the window and resolved by the end of `to`;
- resolution_rate_pct = resolved ÷ received (null when none received), half up to one decimal;
- duration = working time from receipt to resolution, minus the time it was paused (workdays.py),
  in working days; median_working_days over the resolved ones (null when none);
- overdue = resolved after its deadline, or still unresolved past it at the end of `to`
  (a paused demand is not overdue: its clock is stopped);
- satisfaction_pct = ratings of 4 or 5 ÷ rated demands (null when none rated).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gongxin.lib.numeric import pct

from .models import Category, Demand, Department
from .workdays import Calendar, days

BY = ("category", "town", "department")


def _end_of(day):
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _start_of(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def duration_seconds(demand, cal, until):
    """Working seconds the demand has been on the clock by `until` (pauses left out)."""
    end = demand.resolved_at if demand.resolved_at and demand.resolved_at <= until else until
    seconds = cal.working_seconds(demand.received_at, end) - demand.paused_seconds
    if demand.paused_since and demand.paused_since < end:
        seconds -= cal.working_seconds(demand.paused_since, end)
    return max(0, seconds)


def is_overdue(demand, until):
    if demand.due_at is None:
        return False
    if demand.resolved_at and demand.resolved_at <= until:
        return demand.resolved_at > demand.due_at
    if demand.status == Demand.Status.PAUSED:
        return False
    return until > demand.due_at


def median(values):
    """The median of Decimals, half up to one decimal; None for no values."""
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    value = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def demand_rows(date_from, date_to, by="category", demands=None):
    """One row per category / town / department: received, resolved, rates, median, overdue, satisfaction."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    until = _end_of(date_to)
    qs = (demands if demands is not None else Demand.objects.all()).filter(
        received_at__gte=_start_of(date_from), received_at__lt=until).exclude(status=Demand.Status.WITHDRAWN)
    qs = qs.select_related("enterprise__town", "lead")
    cal = Calendar.load()
    groups = {}
    for demand in qs:
        key, name = _group(demand, by)
        groups.setdefault(key, {"name": name, "demands": []})["demands"].append(demand)
    for key, name in _all_keys(by):
        groups.setdefault(key, {"name": name, "demands": []})
    rows = [_row(key, g["name"], g["demands"], cal, until) for key, g in groups.items()]
    return sorted(rows, key=lambda r: (-r["received"], r["code"]))


def _group(demand, by):
    if by == "category":
        return demand.category, demand.get_category_display()
    if by == "town":
        return demand.enterprise.town.code, demand.enterprise.town.name
    if demand.lead is None:
        return "", "未交办"
    return demand.lead.code, demand.lead.name


def _all_keys(by):
    """Groups shown even with nothing received (a category or unit with no demands is news too)."""
    if by == "category":
        return list(Category.choices)
    if by == "department":
        return list(Department.objects.values_list("code", "name"))
    return []


def _row(code, name, demands, cal, until):
    resolved = [d for d in demands if d.resolved_at and d.resolved_at <= until]
    rated = [d for d in demands if d.rating is not None and d.closed_at and d.closed_at <= until]
    return {
        "code": code,
        "name": name,
        "received": len(demands),
        "resolved": len(resolved),
        "resolution_rate_pct": pct(len(resolved), len(demands)),
        "median_working_days": median([days(duration_seconds(d, cal, until)) for d in resolved]),
        "overdue": sum(1 for d in demands if is_overdue(d, until)),
        "satisfaction_pct": pct(sum(1 for d in rated if d.rating >= 4), len(rated)),
    }


def totals(rows):
    """The window's county total from the rows (the median cannot be summed: recompute it)."""
    received = sum(r["received"] for r in rows)
    resolved = sum(r["resolved"] for r in rows)
    return {"received": received, "resolved": resolved, "resolution_rate_pct": pct(resolved, received),
            "overdue": sum(r["overdue"] for r in rows)}


def clusters(demands=None, minimum=2):
    """举一反三: open demands of the same category in the same industry division across at least
    `minimum` enterprises — one industry issue the bureau can take up as a whole."""
    qs = (demands if demands is not None else Demand.objects.all()).open().select_related(
        "enterprise__industry", "enterprise__town")
    groups = {}
    for demand in qs:
        division = demand.enterprise.industry
        key = (demand.category, division.code if division else "")
        groups.setdefault(key, []).append(demand)
    out = []
    for (category, division_code), items in groups.items():
        if len({d.enterprise_id for d in items}) >= minimum:
            division = items[0].enterprise.industry
            out.append({"category": category, "category_name": items[0].get_category_display(),
                        "division": division_code, "division_name": division.name if division else "未分类",
                        "enterprises": len({d.enterprise_id for d in items}), "demands": items})
    return sorted(out, key=lambda c: (-c["enterprises"], c["category"], c["division"]))


def elapsed_days(demand, now=None):
    """Working days on the clock so far (or to resolution)."""
    return days(duration_seconds(demand, Calendar.load(), now or timezone.now()))


def step_durations(demand):
    """[(step, working days since the previous step)] for the timeline."""
    cal = Calendar.load()
    out, previous = [], None
    for step in demand.steps.select_related("user"):
        out.append((step, days(cal.working_seconds(previous, step.at)) if previous else None))
        previous = step.at
    return out
