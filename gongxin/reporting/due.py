"""Returns an enterprise owes: every active form (产值, 财务, any form the bureau adds) × every period of
its list years up to now without a counted return, with the deadline. The workbench item and the
reporter's 我的月度报表 page both list these, so the count is the same on both."""

from dataclasses import dataclass
from datetime import date

from gongxin.lib import periods as P

from .models import Form, Return


@dataclass
class Due:
    enterprise: object
    form: Form
    period: str
    label: str
    deadline: date

    @property
    def url(self):
        return f"/returns/{self.enterprise.uscc}/{self.form.code}/{self.period}/"

    @property
    def overdue(self):
        return date.today() > self.deadline


def owed_periods(enterprise, form, today=None):
    """Periods of the enterprise's list years, up to the current one, without a counted return
    (periods the bureau closed are not owed)."""
    current = P.current_period(today)
    done = set(Return.objects.filter(enterprise=enterprise, form=form, status__in=Return.COUNTED)
               .values_list("period", flat=True))
    closed = set(form.periods.filter(closed_at__isnull=False).values_list("period", flat=True))
    return [period for year in enterprise.years_on_list for period in P.periods_of_year(year, form.merge_jan_feb)
            if period <= current and period not in done and period not in closed]


def due_returns(enterprises, today=None):
    """[Due] over every active form, oldest period first (then form order)."""
    forms = list(Form.objects.filter(is_active=True))
    items = [Due(e, form, p, P.label(p, form.merge_jan_feb), P.deadline(p, form.deadline_day))
             for e in enterprises for form in forms for p in owed_periods(e, form, today)]
    return sorted(items, key=lambda d: (d.period, d.form.order, d.form.code, d.enterprise.uscc))
