"""Reporting periods: a calendar month written `YYYY-MM` (DESIGN.md "Periods")."""

import datetime as dt
import re

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
# Excel's day zero (with the 1900 leap-year bug accounted for by starting on 1899-12-30).
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class PeriodError(ValueError):
    pass


def parse_period(value):
    """`YYYY-MM` from text ('2022-03', '2022/3', '2022年3月'), a date, or an Excel serial date."""
    if value is None or value == "":
        raise PeriodError("报告期为空")
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            return f"{day.year:04d}-{day.month:02d}"
        raise PeriodError(f"报告期“{value}”无法识别")
    text = str(value).strip()
    m = re.match(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}(?:\s.*)?)?$", text)
    if not m:
        raise PeriodError(f"报告期“{text}”格式应为YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        raise PeriodError(f"报告期“{text}”不是有效的年月")
    return f"{year:04d}-{month:02d}"


def split(period):
    m = _PERIOD_RE.match(period or "")
    if not m:
        raise PeriodError(f"报告期“{period}”格式应为YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def make(year, month):
    return f"{year:04d}-{month:02d}"


def shift(period, months):
    year, month = split(period)
    index = year * 12 + (month - 1) + months
    return make(index // 12, index % 12 + 1)


def same_period_last_year(period):
    return shift(period, -12)


def is_reported(period, merge_jan_feb=True):
    """January is not a period of its own when January and February are merged."""
    return not (merge_jan_feb and split(period)[1] == 1)


def previous_in_year(period, merge_jan_feb=True):
    """The period whose 1-本月 precedes this one within the year, or None for the year's first."""
    year, month = split(period)
    first = 2 if merge_jan_feb else 1
    if month <= first:
        return None
    return make(year, month - 1)


def months_in_period(period, merge_jan_feb=True):
    """Calendar months the period's 本月 covers (1–2月 → 2)."""
    year, month = split(period)
    return 2 if merge_jan_feb and month == 2 else 1


def periods_of_year(year, merge_jan_feb=True, upto=12):
    first = 2 if merge_jan_feb else 1
    return [make(year, m) for m in range(first, upto + 1)]


def label(period, merge_jan_feb=True):
    """'2022-03' → '2022年3月'; merged February → '2022年1-2月'."""
    year, month = split(period)
    if merge_jan_feb and month == 2:
        return f"{year}年1-2月"
    return f"{year}年{month}月"


def ytd_label(period):
    """'2022-03' → '1-3月'."""
    _, month = split(period)
    return "1月" if month == 1 else f"1-{month}月"


def quarter_end(period):
    year, month = split(period)
    return month % 3 == 0


def time_progress_pct(period):
    """Months elapsed ÷ 12, as a Decimal percentage (one decimal, half-up)."""
    from .numeric import pct

    return pct(split(period)[1], 12)


def deadline(period, day=5):
    """The date a period's return is due: `day` of the following month."""
    year, month = split(shift(period, 1))
    return dt.date(year, month, day)


def current_period(today=None):
    """The most recent period whose month has ended (what enterprises are filing now)."""
    today = today or dt.date.today()
    return shift(make(today.year, today.month), -1)


_QUARTER_RE = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})\s*年?$")


def parse_span(value):
    """A period, or a quarter ('2022Q1', '2022-Q1') or a year ('2022') as the period at its end."""
    if isinstance(value, str):
        text = value.strip().upper()
        if m := _QUARTER_RE.match(text):
            return make(int(m.group(1)), int(m.group(2)) * 3)
        if m := _YEAR_RE.match(text):
            return make(int(m.group(1)), 12)
    return parse_period(value)


def check_period(value, *, quarters=False, merge_jan_feb=True, today=None, require_reporting=True):
    """THE check of a period a user asks for: every page (→ 404), command (→ exit 2) and API call.

    Returns `YYYY-MM`, or raises PeriodError with a Chinese message that says what to ask instead:
    - malformed text (parse_period's message; quarters and years are named when the page takes them);
    - with `quarters`, '2022Q1' / '2022-Q1' / '2022' mean the period at their end (2022-03 / 2022-12);
    - January when January and February are merged: points to the 1-2月 period (YYYY-02);
    - a month not yet ended (the future, or the current month);
    - with `require_reporting`, a month for which no return and no reporting period exists.
    """
    try:
        period = parse_span(value) if quarters else parse_period(value)
    except PeriodError as e:
        if quarters:
            raise PeriodError(f"{e}（也可填季度YYYYQ1–Q4或年度YYYY）") from e
        raise
    year, month = split(period)
    if merge_jan_feb and month == 1:
        raise PeriodError(f"报告期{year}年1月不单独报送：1-2月合并为一个报告期，请选择{make(year, 2)}（{year}年1-2月）")
    latest = current_period(today)
    if period > latest:
        raise PeriodError(f"报告期{label(period, merge_jan_feb)}尚未结束，还没有数据"
                          f"（最近的报告期为{label(latest, merge_jan_feb)}）")
    if require_reporting and not _has_reporting_period(period):
        raise PeriodError(f"报告期{label(period, merge_jan_feb)}不存在：系统中没有该月的报表")
    return period


def period_or_404(value, **options):
    """check_period for a page: a bad period answers 404 with the same message (404.html shows it)."""
    from django.http import Http404

    try:
        return check_period(value, **options)
    except PeriodError as e:
        raise Http404(str(e)) from e


def _has_reporting_period(period):
    """Whether any form has a return or a reporting-period record for `period`.

    Imported here, not at the top: lib has no models of its own, and only this question needs one.
    Filters by form ids so that the (form, period, status) index answers it.
    """
    from gongxin.reporting.models import Form, ReportingPeriod, Return

    forms = list(Form.objects.values_list("id", flat=True))
    return (Return.objects.filter(form_id__in=forms, period=period).exists()
            or ReportingPeriod.objects.filter(form_id__in=forms, period=period).exists())
