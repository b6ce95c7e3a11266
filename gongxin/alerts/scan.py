"""Early-warning rules evaluated over the engine's figures (analysis/stats.py), and the scan storing them.

`evaluate(period)` is pure: it returns what the active rules find. `scan(period)` stores it
(idempotent: a re-scan updates, and clears what no longer holds). Follow-ups and rule changes are
in services.py. Every number comes from analysis/stats.py.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import enterprise_scope, town_scope
from gongxin.analysis import stats
from gongxin.lib.numeric import fmt_growth, round_half_up
from gongxin.lib.periods import deadline, label, previous_in_year, split
from gongxin.registry.models import Enterprise, Region
from gongxin.reporting.models import Form

from .models import LEVEL_ORDER, EarlyWarning, WarningRule

Kind = WarningRule.Kind
# Rules of these kinds describe the same thing (output falling): an enterprise keeps the worst.
OUTPUT_FAMILY = {Kind.OUTPUT_FALL, Kind.CONSECUTIVE_FALL}
# Rules of these kinds find towns (a town's warning), the others enterprises.
TOWN_KINDS = {Kind.PLAN_BEHIND}
SCAN_ACTOR = "预警扫描"


@dataclass
class Finding:
    rule: WarningRule
    town_id: int
    reason: str
    enterprise_id: int | None = None
    value: object = None

    @property
    def level(self):
        return self.rule.level

    @property
    def key(self):
        return (self.rule.pk, self.enterprise_id, None if self.enterprise_id else self.town_id)


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _message(rule, **values):
    threshold = format(rule.threshold.normalize(), "f")
    return rule.message.format_map(_Blank(threshold=threshold, months=rule.months, **values))[:500]


def previous_period(period):
    """The period reported before `period` (across the year boundary: last December)."""
    return previous_in_year(period) or f"{split(period)[0] - 1:04d}-12"


# ---------------------------------------------------------------- the checks


def _enterprise_rows(period, user, indicators=("output_value",)):
    return {r.key: r for r in stats.totals(period, "enterprise", user, indicators)}


def _output_fall(rules, period, user, cache):
    rows = cache["rows"]
    found = []
    for row in rows.values():
        growth = row.output.ytd_growth_pct
        if growth is None:
            continue
        for rule in sorted(rules, key=lambda r: -r.threshold):  # the deepest threshold crossed wins
            if growth < -rule.threshold:
                found.append(Finding(rule, None, _message(rule, name=row.name, period=label(period),
                                                          growth=fmt_growth(growth), value=growth),
                                     row.key, growth))
                break
    return found


def _consecutive_fall(rule, period, user, cache):
    periods = [period]
    for _ in range(max(rule.months, 1) - 1):
        periods.append(previous_period(periods[-1]))
    figures = [cache["rows"]] + [_enterprise_rows(p, user) for p in periods[1:]]
    found = []
    for key, row in cache["rows"].items():
        growths = [rows[key].output.month_growth_pct if key in rows else None for rows in figures]
        if all(g is not None and g < -rule.threshold for g in growths):
            found.append(Finding(rule, None, _message(rule, name=row.name, period=label(period),
                                                      growth=fmt_growth(growths[0]), value=growths[0]),
                                 key, growths[0]))
    return found


def _electricity(rule, period, user, cache):
    found = []
    for key, row in cache["rows"].items():
        output = row.output.month_growth_pct
        power = row.indicators["electricity"].month_growth_pct
        if output is not None and power is not None and output > 0 and power < -rule.threshold:
            found.append(Finding(rule, None, _message(rule, name=row.name, period=label(period),
                                                      growth=fmt_growth(output), value=power,
                                                      electricity=fmt_growth(power)), key, power))
    return found


def _plan_behind(rule, period, user, cache):
    towns = dict(Region.objects.towns().values_list("code", "pk"))
    found = []
    for plan in stats.plans(period, "output", user):
        gap = plan.gap_pp
        if gap is not None and gap < -rule.threshold and plan.code in towns:
            found.append(Finding(rule, towns[plan.code], _message(
                rule, town=plan.name, name=plan.name, period=label(period), value=plan.completion_pct,
                progress=plan.time_progress_pct, gap=-gap, growth=fmt_growth(plan.ytd_growth_pct)), None, gap))
    return found


def _missing_return(rule, period, user, cache):

    form = Form.objects.get(code=stats.OUTPUT_FORM)
    due = deadline(period, form.deadline_day)
    if cache["today"] <= due:
        return []
    key_ids = set(stats.enterprise_tiers(stats.year_of(period), user))
    counted = set(stats.counted_returns(period, user).values_list("enterprise_id", flat=True))
    found = []
    for e in Enterprise.objects.filter(pk__in=key_ids - counted).order_by("uscc"):
        found.append(Finding(rule, e.town_id, _message(rule, name=e.name, period=label(period),
                                                       deadline=f"{due.month}月{due.day}日"), e.pk))
    return found


def evaluate(period, user=None, today=None, rules=None):
    """What the active rules find for `period` (within `user`'s scope): [Finding], worst first."""
    rules = list(rules if rules is not None else WarningRule.objects.filter(active=True))
    by_kind = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    cache = {"today": today or timezone.localdate()}
    if by_kind.keys() & {Kind.OUTPUT_FALL, Kind.CONSECUTIVE_FALL, Kind.ELECTRICITY}:
        cache["rows"] = _enterprise_rows(period, user, ("output_value", "electricity"))
    found = []
    if Kind.OUTPUT_FALL in by_kind:
        found += _output_fall(by_kind[Kind.OUTPUT_FALL], period, user, cache)
    for kind, check in ((Kind.CONSECUTIVE_FALL, _consecutive_fall), (Kind.ELECTRICITY, _electricity),
                        (Kind.PLAN_BEHIND, _plan_behind), (Kind.MISSING_RETURN, _missing_return)):
        for rule in by_kind.get(kind, []):
            found += check(rule, period, user, cache)
    found = _worst_of_family(found)
    towns = dict(Enterprise.objects.filter(pk__in={f.enterprise_id for f in found if f.enterprise_id})
                 .values_list("pk", "town_id"))
    for f in found:
        if f.enterprise_id:
            f.town_id = towns[f.enterprise_id]
    return sorted(found, key=lambda f: (LEVEL_ORDER[f.level], f.rule.kind, f.reason))


def _worst_of_family(found):
    worst = {}
    for f in found:
        if f.enterprise_id and f.rule.kind in OUTPUT_FAMILY:
            current = worst.get(f.enterprise_id)
            if current is None or LEVEL_ORDER[f.level] < LEVEL_ORDER[current.level]:
                worst[f.enterprise_id] = f
    return [f for f in found if not (f.enterprise_id and f.rule.kind in OUTPUT_FAMILY)] + list(worst.values())


# ---------------------------------------------------------------- services


def concerning(enterprises):
    """(finding test, warning filter) for what `enterprises` can change: their own warnings and their
    towns' (a town's plan completion moves with each of its enterprises); everything when None."""
    if enterprises is None:
        return (lambda f: True), Q()
    ids = {e.pk for e in enterprises}
    towns = {e.town_id for e in enterprises}
    return ((lambda f: f.enterprise_id in ids or (f.enterprise_id is None and f.town_id in towns)),
            Q(enterprise_id__in=ids) | Q(enterprise__isnull=True, town_id__in=towns))


def _evaluate_concerning(period, enterprises, today):
    """`evaluate` for what can concern `enterprises` (everything when None). An enterprise's own
    warnings depend on its own returns only and its town's (plan) on the town's: evaluating just
    those finds the same as the county-wide evaluation, at a fraction of its cost."""
    if enterprises is None:
        return evaluate(period, today=today)
    rules = list(WarningRule.objects.filter(active=True))
    own = [r for r in rules if r.kind not in TOWN_KINDS]
    town = [r for r in rules if r.kind in TOWN_KINDS]
    ids, towns = {e.pk for e in enterprises}, {e.town_id for e in enterprises}
    return ((evaluate(period, enterprise_scope(ids), today=today, rules=own) if own else [])
            + (evaluate(period, town_scope(towns), today=today, rules=town) if town else []))


def scan(period, today=None, actor=SCAN_ACTOR, enterprise=None, enterprises=None):
    """Store the findings of `period`: create new warnings, update existing, clear the rest.
    With `enterprise` (or a list, `enterprises`), only their warnings and their towns' are touched
    (after their returns changed).

    Returns {"created", "updated", "cleared", "open"}. Running it twice changes nothing.
    Scans of one period run one after another (SQLite's write lock; an advisory lock on
    PostgreSQL), each evaluating after the previous stored: an older evaluation never overwrites a
    newer one. A return changed during a scan is queued again and re-scanned after it.
    """
    if enterprise is not None:
        enterprises = [enterprise]
    concerns, q = concerning(enterprises)
    with transaction.atomic():
        _one_scan_at_a_time(period)
        findings = {f.key: f for f in _evaluate_concerning(period, enterprises, today) if concerns(f)}
        return _store(period, findings, q, actor)


def _one_scan_at_a_time(period):
    """Hold the period's scan lock until the transaction ends (PostgreSQL; SQLite's transactions
    take the one write lock anyway). Submissions do not take it: they never wait for a scan."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SCAN_LOCK, int(period.replace("-", ""))])


SCAN_LOCK = 0x6778  # "gx": the advisory-lock class of the warning scans (the period is the key)


def _store(period, findings, q, actor):
    existing = {(w.rule_id, w.enterprise_id, None if w.enterprise_id else w.town_id): w
                for w in EarlyWarning.objects.filter(q, period=period).select_for_update(of=("self",))
                .select_related("rule", "enterprise", "town").prefetch_related("follow_ups")}
    counts = {"created": 0, "updated": 0, "cleared": 0}
    for key, f in findings.items():
        w = existing.get(key)
        if w is None:
            w = EarlyWarning.objects.create(rule=f.rule, period=period, enterprise_id=f.enterprise_id, town_id=f.town_id,
                                       level=f.level, reason=f.reason, value=f.value)
            log_action(None, "alerts.raise", w, {"level": w.level, "reason": w.reason}, actor=actor)
            counts["created"] += 1
            continue
        status = w.status
        if status == EarlyWarning.Status.CLEARED:
            status = EarlyWarning.Status.FOLLOWED_UP if w.follow_ups.all() else EarlyWarning.Status.OPEN
        new = {"level": f.level, "reason": f.reason, "town_id": f.town_id, "status": status,
               "value": None if f.value is None else round_half_up(f.value)}
        diff = {k: [str(getattr(w, k)), str(v)] for k, v in new.items() if getattr(w, k) != v}
        if diff:
            for k, v in new.items():
                setattr(w, k, v)
            w.save()
            log_action(None, "alerts.rescan", w, diff, actor=actor)
            counts["updated"] += 1
    for key, w in existing.items():
        if key not in findings and w.status != EarlyWarning.Status.CLEARED:
            old = w.status
            w.status = EarlyWarning.Status.CLEARED
            w.save(update_fields=["status", "scanned_at"])
            log_action(None, "alerts.clear", w, {"status": [old, w.status]}, actor=actor)
            counts["cleared"] += 1
    counts["open"] = EarlyWarning.objects.filter(period=period, status=EarlyWarning.Status.OPEN).count()
    return counts


def rescan(period, enterprise_ids, actor="报表变动自动扫描"):
    """Re-scan `period` for the enterprises `enterprise_ids` (their warnings and their towns'), or the
    whole period when None. The cost follows the number of enterprises, not the size of the county
    (a province's whole-period scan takes seconds; a batch of its changed enterprises, milliseconds)."""
    if enterprise_ids is None:
        return scan(period, actor=actor)
    firms = list(Enterprise.objects.filter(pk__in=enterprise_ids))
    return scan(period, actor=actor, enterprises=firms) if firms else None
