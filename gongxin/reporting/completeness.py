"""Completeness (催报): who was expected to file a form for a period, who did, on time, by town."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from gongxin.lib import periods as P
from gongxin.lib.numeric import pct
from gongxin.registry.models import Enterprise, ListYear

from .models import Form, Return

MISSING_LABELS = {None: "未填报", Return.Status.DRAFT: "草稿未报送", Return.Status.RETURNED: "已退回待重报"}


@dataclass
class Tally:
    name: str
    expected: int = 0
    submitted: int = 0  # submitted or later (counted)
    approved: int = 0  # approved or accepted
    accepted: int = 0
    on_time: int = 0
    missing: list = field(default_factory=list)

    @property
    def submitted_pct(self):
        return pct(self.submitted, self.expected)

    @property
    def on_time_pct(self):
        return pct(self.on_time, self.expected)


@dataclass
class Missing:
    enterprise: Enterprise
    status: str
    reminded: bool


def deadline_end(form, period):
    """The end of the deadline day (a submission on the deadline day is on time)."""
    day = P.deadline(period, form.deadline_day) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day))


def completeness(user, form, period):
    """(total Tally, [Tally by town]) over the enterprises on the period's year list that `user` sees
    (user None: the whole county, for commands and the brief).

    On-time rate: returns submitted by the end of the deadline day ÷ expected (imported returns,
    which have no submission time, do not count as on time)."""
    year = P.split(period)[0]
    visible = Enterprise.objects.all() if user is None else Enterprise.objects.for_user(user)
    enterprises = (visible.on_list(year).select_related("town")
                   .order_by("town__code", "uscc"))
    returns = {e: (s, t) for e, s, t in Return.objects.filter(form=form, period=period).values_list(
        "enterprise_id", "status", "submitted_at")}
    from .reminders import reminded_ids  # reminders imports this module

    reminded = reminded_ids(form, period)
    end = deadline_end(form, period)
    total, towns = Tally("合计"), {}
    for e in enterprises:
        town = towns.setdefault(e.town_id, Tally(e.town.name))
        status, submitted_at = returns.get(e.id, (None, None))
        for tally in (total, town):
            tally.expected += 1
            if status in Return.COUNTED:
                tally.submitted += 1
                tally.approved += status in (Return.Status.APPROVED, Return.Status.ACCEPTED)
                tally.accepted += status == Return.Status.ACCEPTED
                tally.on_time += bool(submitted_at and submitted_at < end)
        if status not in Return.COUNTED:
            item = Missing(e, MISSING_LABELS.get(status, status), e.id in reminded)
            total.missing.append(item)
            town.missing.append(item)
    return total, list(towns.values())


def missing_enterprises(form, period):
    """Enterprises on the year's list (all towns) with no counted return for the period."""
    year = P.split(period)[0]
    counted = Return.objects.filter(form=form, period=period, status__in=Return.COUNTED).values("enterprise_id")
    return Enterprise.objects.on_list(year).exclude(pk__in=counted).order_by("uscc")


def period_counts(form, period_list):
    """{period: (expected, counted)} over the whole county: enterprises on the period's year list,
    and those of them with a counted return (one query per year, not per period)."""
    by_year = {}
    for period in period_list:
        by_year.setdefault(P.split(period)[0], []).append(period)
    result = {}
    for year, year_periods in by_year.items():
        expected = ListYear.objects.filter(year=year).count()
        counted = dict(Return.objects.filter(form=form, period__in=year_periods, status__in=Return.COUNTED,
                                             enterprise__list_years__year=year)
                       .values("period").annotate(n=Count("id")).values_list("period", "n"))
        for period in year_periods:
            result[period] = (expected, counted.get(period, 0))
    return result


def latest_period(form):
    """The latest period with any return of `form` (the default period of the lists), else the current one."""
    latest = Return.objects.filter(form=form).order_by("-period").values_list("period", flat=True).first()
    return latest or P.current_period()


def owed_periods(enterprise, form, today=None):
    """Periods of the enterprise's list years, up to the current one, without a counted return."""
    current = P.current_period(today)
    done = set(Return.objects.filter(enterprise=enterprise, form=form, status__in=Return.COUNTED)
               .values_list("period", flat=True))
    closed = set(form.periods.filter(closed_at__isnull=False).values_list("period", flat=True))
    owed = []
    for year in enterprise.years_on_list:
        for period in P.periods_of_year(year, form.merge_jan_feb):
            if period <= current and period not in done and period not in closed:
                owed.append(period)
    return owed


@dataclass
class Owed:
    enterprise: Enterprise
    form: Form
    period: str

    @property
    def label(self):
        return P.label(self.period, self.form.merge_jan_feb)

    @property
    def deadline(self):
        return P.deadline(self.period, self.form.deadline_day)

    @property
    def url(self):
        return f"/returns/{self.enterprise.uscc}/{self.form.code}/{self.period}/"


def owed_returns(enterprises, today=None):
    """Every return the enterprises still owe, one per enterprise × active form × period, oldest first."""
    forms = list(Form.objects.filter(is_active=True))
    owed = [Owed(e, form, p) for e in enterprises for form in forms for p in owed_periods(e, form, today)]
    return sorted(owed, key=lambda o: (o.period, o.form.order, o.enterprise.uscc))
