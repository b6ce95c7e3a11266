"""Every figure of prevention supervision: the dashboard, the daily summary, the command.

Rules:
- Figures describe the state at the END of `day` (or at `cutoff` that day): a registration's status
  is the last entry of its status history by then; a finding's status the last step of its
  timeline by then; a notice counts the read receipts given by then.
- Closed-loop enterprises = registrations 待审核 or 已批准 then (suspended and revoked ones are not
  under closed-loop production; returned ones wait for the enterprise).
- Testing ("不漏一人") is measured against the set the rules require: for each regime, the period
  (every N days from its start) containing `day` (its last period once it ended); the enterprises
  its scope selects among those in closed-loop production; each enterprise's required count is
  the round's (sampled share of the headcount, or the cohort's worker-days), or for an enterprise
  without a round the share of its registered workers. Tested counts at most the required number
  per round. An enterprise whose period is over without a round MISSED it.
- Percentages: Decimal, half up, one decimal (lib/numbers.pct).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from gongxin.accounts.scoping import enterprise_q
from gongxin.lib.numeric import pct
from gongxin.notices.models import Notice, NoticeRead

from .models import (
    CohortWorker,
    Finding,
    FindingStep,
    PolicyNotice,
    Registration,
    StatusChange,
    StatusReport,
    TestingRegime,
    TestingRound,
)
from .services import period_start, required_count

RS = Registration.Status
FS = Finding.Status
ACTIVE = (RS.PENDING, RS.APPROVED)


def end_of(day, cutoff=None):
    """The aware moment a figure set of `day` describes: the cut-off time that day, or midnight after."""
    if cutoff is not None:
        return timezone.make_aware(dt.datetime.combine(day, cutoff))
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def default_day(event):
    """Today (an event's figures are read as of now unless a date is asked for)."""
    return timezone.localdate()


def _scoped(qs, user, path="enterprise__"):
    return qs if user is None else qs.filter(enterprise_q(user, path))


# ---------------------------------------------------------------- closed loop


def registration_statuses(event, day, user=None, cutoff=None):
    """{registration: status then} for the registrations that existed then."""
    end = end_of(day, cutoff)
    regs = {r.pk: r for r in _scoped(Registration.objects.filter(event=event), user)
            .select_related("enterprise", "enterprise__town")}
    status = {}
    for reg_id, new in (StatusChange.objects.filter(registration_id__in=regs, at__lt=end)
                        .order_by("at", "id").values_list("registration_id", "new")):
        status[reg_id] = new
    return {regs[k]: v for k, v in status.items()}


@dataclass
class TownRow:
    town: object
    enterprises: int = 0
    approved: int = 0
    pending: int = 0


def closed_loop(event, day, user=None):
    statuses = registration_statuses(event, day, user)
    active = [r for r, s in statuses.items() if s in ACTIVE]
    by_town = {}
    for reg in active:
        row = by_town.setdefault(reg.enterprise.town_id, TownRow(reg.enterprise.town))
        row.enterprises += 1
        row.approved += statuses[reg] == RS.APPROVED
        row.pending += statuses[reg] == RS.PENDING
    return {
        "enterprises": len(active),
        "approved": sum(1 for r in active if statuses[r] == RS.APPROVED),
        "pending": sum(1 for r in active if statuses[r] == RS.PENDING),
        "by_town": sorted(by_town.values(), key=lambda r: r.town.code),
        "active": active,
    }


# ---------------------------------------------------------------- findings


STEP_STATUS = {FindingStep.Action.OPENED: FS.OPEN, FindingStep.Action.REJECTED: FS.OPEN,
               FindingStep.Action.RECTIFIED: FS.RECTIFIED, FindingStep.Action.VERIFIED: FS.VERIFIED}


def finding_statuses(event, day, user=None, cutoff=None):
    """{finding: status then} for the findings opened by then."""
    end = end_of(day, cutoff)
    found = {f.pk: f for f in _scoped(Finding.objects.filter(event=event), user)
             .select_related("enterprise", "enterprise__town")}
    status = {}
    for fid, action in (FindingStep.objects.filter(finding_id__in=found, at__lt=end)
                        .order_by("at", "id").values_list("finding_id", "action")):
        status[fid] = STEP_STATUS[action]
    return {found[k]: v for k, v in status.items()}


def findings(event, day, user=None, cutoff=None):
    statuses = finding_statuses(event, day, user, cutoff)
    open_ = [f for f, s in statuses.items() if s == FS.OPEN]
    overdue = sorted((f for f in open_ if f.deadline < day), key=lambda f: (f.deadline, f.pk))
    return {
        "open": len(open_),
        "rectified": sum(1 for s in statuses.values() if s == FS.RECTIFIED),
        "verified": sum(1 for s in statuses.values() if s == FS.VERIFIED),
        "overdue": len(overdue),
        "overdue_list": overdue,
    }


def overdue_findings(user, day=None):
    """Findings still 待整改 past their deadline (now), in the user's scope — the workbench count."""
    day = day or timezone.localdate()
    return (Finding.objects.for_user(user).filter(status=FS.OPEN, deadline__lt=day)
            .select_related("enterprise", "enterprise__town").order_by("deadline", "id"))


# ---------------------------------------------------------------- testing


@dataclass
class PeriodRow:
    regime: object
    start: dt.date
    end: dt.date
    required: int = 0
    tested: int = 0
    over: bool = False  # the period has ended by the day asked for
    rounds: list = field(default_factory=list)
    missed: list = field(default_factory=list)  # enterprises without a round (period over)
    waiting: list = field(default_factory=list)  # without a round yet (period running)

    @property
    def coverage_pct(self):
        return pct(self.tested, self.required) if self.required else None

    @property
    def below(self):
        return [r for r in self.rounds if r.below_required]


def regime_population(regime, registrations):
    """The enterprises (of closed-loop `registrations`) the regime's scope selects."""
    from gongxin.analysis import stats as analysis

    regs = list(registrations)
    if regime.scope == TestingRegime.Scope.TIER:
        tiers = set(analysis.enterprise_tiers(regime.event.started_on.year, tiers=(regime.tier,)))
        regs = [r for r in regs if r.enterprise_id in tiers]
    elif regime.scope == TestingRegime.Scope.GROUP:
        members = set(regime.group.enterprises.values_list("pk", flat=True)) if regime.group_id else set()
        regs = [r for r in regs if r.enterprise_id in members]
    elif regime.scope == TestingRegime.Scope.ENTERPRISE:
        regs = [r for r in regs if r.enterprise_id == regime.enterprise_id]
    return regs


def _hires(regime):
    """{enterprise id: [hire dates]} of a cohort regime's workers (read once per regime)."""
    found = {}
    if regime.cohort == TestingRegime.Cohort.NEW_HIRES:
        for eid, hired in CohortWorker.objects.filter(regime=regime).values_list("enterprise_id", "hired_on"):
            found.setdefault(eid, []).append(hired)
    return found


def testing_period(regime, start, day, registrations, user=None, hires=None):
    hires = _hires(regime) if hires is None else hires
    end = start + dt.timedelta(days=regime.every_days - 1)
    row = PeriodRow(regime, start, end, over=end < day)
    rounds = {r.enterprise_id: r for r in _scoped(TestingRound.objects.filter(regime=regime, period_start=start), user)
              .select_related("enterprise", "enterprise__town", "sampling_point")}
    for reg in regime_population(regime, registrations):
        rnd = rounds.pop(reg.enterprise_id, None)
        if rnd is not None:
            row.rounds.append(rnd)
            row.required += rnd.required
            row.tested += min(rnd.tested, rnd.required)
            continue
        need = required_count(regime, reg.enterprise, reg.workers_inside, start, hires.get(reg.enterprise_id, []))
        if need:
            row.required += need
            (row.missed if row.over else row.waiting).append(reg.enterprise)
    for rnd in rounds.values():  # a round of an enterprise no longer in closed-loop production still counts
        row.rounds.append(rnd)
        row.required += rnd.required
        row.tested += min(rnd.tested, rnd.required)
    row.rounds.sort(key=lambda r: (r.enterprise.town.code, r.enterprise.name))
    row.missed.sort(key=lambda e: (e.town.code, e.name))
    return row


def _regimes(event, day):
    return [r for r in TestingRegime.objects.filter(event=event, starts_on__lte=day).select_related("event", "group")]


def testing_periods(event, day, user=None):
    """Every period of every regime up to `day`, newest first."""
    active = closed_loop(event, day, user)["active"]
    rows = []
    for regime in _regimes(event, day):
        last = min(day, regime.ends_on or day)
        start, hires = regime.starts_on, _hires(regime)
        while start <= last:
            rows.append(testing_period(regime, start, day, active, user, hires))
            start += dt.timedelta(days=regime.every_days)
    return sorted(rows, key=lambda r: (r.start, r.regime.pk), reverse=True)


def testing(event, day, user=None):
    """The measured period of each regime (the one containing `day`, or its last) and the totals."""
    active = closed_loop(event, day, user)["active"]
    periods = []
    for regime in _regimes(event, day):
        periods.append(testing_period(regime, period_start(regime, min(day, regime.ends_on or day)), day, active, user))
    required = sum(p.required for p in periods)
    tested = sum(p.tested for p in periods)
    missed = {e.pk: e for p in periods for e in p.missed}
    by_town = {}
    for e in missed.values():
        by_town.setdefault(e.town, []).append(e)
    return {
        "required": required,
        "tested": tested,
        "coverage_pct": pct(tested, required) if required else None,
        "missed_enterprises": len(missed),
        "periods": periods,
        "missed_by_town": sorted(by_town.items(), key=lambda kv: kv[0].code),
        "below": [r for p in periods for r in p.below],
    }


# ---------------------------------------------------------------- notices


@dataclass
class NoticeRow:
    notice: object
    targets: int
    read: int

    @property
    def unread(self):
        return self.targets - self.read

    @property
    def read_pct(self):
        return pct(self.read, self.targets) if self.targets else None


def notice_rows(event, day, user=None):
    end = end_of(day)
    rows = []
    for notice in PolicyNotice.objects.filter(event=event, published_at__lt=end).order_by("published_at", "id"):
        sent = _scoped(Notice.objects.filter(source=notice.source, enterprise__isnull=False), user)
        read = _scoped(NoticeRead.objects.filter(notice__source=notice.source, enterprise__isnull=False,
                                                 read_at__lt=end), user)
        rows.append(NoticeRow(notice, sent.count(), read.values("enterprise_id").distinct().count()))
    return rows


def notice_by_town(notice, user=None):
    """[(town, targets, read, [unread enterprises])] of one notice, now."""
    sent = _scoped(Notice.objects.filter(source=notice.source, enterprise__isnull=False), user).select_related(
        "enterprise", "enterprise__town")
    read = set(_scoped(NoticeRead.objects.filter(notice__source=notice.source, enterprise__isnull=False), user)
               .values_list("enterprise_id", flat=True))
    towns = {}
    for n in sent:
        row = towns.setdefault(n.enterprise.town, [0, 0, []])
        row[0] += 1
        if n.enterprise_id in read:
            row[1] += 1
        else:
            row[2].append(n.enterprise)
    return [(t, *v) for t, v in sorted(towns.items(), key=lambda kv: kv[0].code)]


# ---------------------------------------------------------------- the whole picture


def summary(event, day, user=None):
    """The command's JSON (issue 14 item 9) — exactly these keys."""
    loop = closed_loop(event, day, user)
    found = findings(event, day, user)
    test = testing(event, day, user)
    return {
        "event": event.code,
        "date": day.isoformat(),
        "closed_loop": {k: loop[k] for k in ("enterprises", "approved", "pending")},
        "findings": {k: found[k] for k in ("open", "rectified", "verified", "overdue")},
        "testing": {"required": test["required"], "tested": test["tested"],
                    "coverage_pct": None if test["coverage_pct"] is None else str(test["coverage_pct"]),
                    "missed_enterprises": test["missed_enterprises"]},
        "notices": [{"title": r.notice.title, "targets": r.targets, "read": r.read, "unread": r.unread}
                    for r in notice_rows(event, day, user)],
    }


def daily_summary(event, day, cutoff, user=None):
    """What happened from the previous day's cut-off to this day's, and the state at the cut-off."""
    end = end_of(day, cutoff)
    start = end - dt.timedelta(days=1)
    steps = _scoped(FindingStep.objects.filter(finding__event=event, at__gte=start, at__lt=end), user,
                    "finding__enterprise__")
    counts = {a: 0 for a in FindingStep.Action.values}
    for action in steps.values_list("action", flat=True):
        counts[action] += 1
    rounds = _scoped(TestingRound.objects.filter(event=event, created_at__gte=start, created_at__lt=end), user)
    reports = _scoped(StatusReport.objects.filter(registration__event=event, created_at__gte=start,
                                                  created_at__lt=end), user, "registration__enterprise__")
    changes = _scoped(StatusChange.objects.filter(registration__event=event, at__gte=start, at__lt=end), user,
                      "registration__enterprise__")
    state = findings(event, day, user, cutoff)
    return {
        "start": start, "end": end,
        "opened": counts["opened"], "rectified": counts["rectified"], "verified": counts["verified"],
        "rejected": counts["rejected"],
        "rounds": rounds.count(), "tested": sum(rounds.values_list("tested", flat=True)),
        "reports": reports.count(),
        "approved": changes.filter(new=RS.APPROVED).count(),
        "back_to_review": changes.filter(new=RS.PENDING).exclude(old="").count(),
        "open_now": state["open"], "overdue_now": state["overdue"],
    }
