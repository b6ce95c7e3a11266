"""The Chinese working-day clock: Monday–Friday, minus 法定节假日, plus 调休 make-up days.

The calendar is Monday–Friday with exceptions stored in `WorkdayOverride` (seeded from the
`chinese_calendar` package for the years it knows, editable by the admin, importable for a new
year). Time on the clock is *working time*: the part of an interval that falls on working days
(a working day counts in full, 24 h, so "3个工作日内" from Friday 10:00 is Wednesday 10:00 when
Monday and Tuesday are working days). A pause stops the clock: its working time is added to the
deadline and left out of durations.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

DAY = 86_400


class Calendar:
    def __init__(self, overrides):
        self.overrides = dict(overrides)  # {date: is_working}

    @classmethod
    def load(cls):
        from .models import WorkdayOverride

        return cls(WorkdayOverride.objects.values_list("date", "is_working"))

    def is_working(self, day):
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def working_seconds(self, start, end):
        """Working time in seconds between two aware datetimes (0 when end ≤ start)."""
        if end <= start:
            return 0
        start, end = timezone.localtime(start), timezone.localtime(end)
        total, day = 0, start.date()
        while day <= end.date():
            if self.is_working(day):
                lo = max(start, _midnight(day, start.tzinfo))
                hi = min(end, _midnight(day + dt.timedelta(days=1), start.tzinfo))
                total += max(0, int((hi - lo).total_seconds()))
            day += dt.timedelta(days=1)
        return total

    def add(self, start, seconds):
        """The instant `seconds` of working time after `start`."""
        moment = timezone.localtime(start)
        remaining = seconds
        while True:
            day = moment.date()
            day_end = _midnight(day + dt.timedelta(days=1), moment.tzinfo)
            if self.is_working(day):
                available = int((day_end - moment).total_seconds())
                if remaining <= available:
                    return moment + dt.timedelta(seconds=remaining)
                remaining -= available
            moment = day_end

    def add_days(self, start, days):
        return self.add(start, days * DAY)

    def next_working_day(self, day):
        day += dt.timedelta(days=1)
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day


def _midnight(day, tz):
    return dt.datetime.combine(day, dt.time.min).replace(tzinfo=tz)


def days(seconds):
    """Working seconds as working days, one decimal, half up."""
    return (Decimal(seconds) / DAY).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def seed_from_package(years):
    """The overrides for `years` from the `chinese_calendar` package: [(date, is_working, name)]."""
    import chinese_calendar

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.year in years and day.weekday() < 5:
            rows.append((day, False, _holiday_name(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.year in years and day.weekday() >= 5:
            rows.append((day, True, f"{_holiday_name(name)}调休上班"))
    return sorted(rows)


HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日"}


def _holiday_name(name):
    text = name.split(",")[0] if isinstance(name, str) else ""
    return HOLIDAY_NAMES.get(text, text)
