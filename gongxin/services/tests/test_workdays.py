"""The working-day clock on the 2022 calendar as seeded from chinese_calendar."""

import datetime as dt

import pytest

from gongxin.services.models import WorkdayOverride
from gongxin.services.workdays import DAY, Calendar, days

from .helpers import at

pytestmark = pytest.mark.django_db


def test_seed_knows_qingming_2022_and_its_make_up_days():
    cal = Calendar.load()
    assert not cal.is_working(dt.date(2022, 4, 4))  # 清明 Monday: a holiday
    assert not cal.is_working(dt.date(2022, 4, 5))
    assert cal.is_working(dt.date(2022, 4, 2))  # Saturday make-up for 清明
    assert cal.is_working(dt.date(2022, 4, 24))  # Sunday make-up for 劳动节
    assert not cal.is_working(dt.date(2022, 4, 9))  # an ordinary Saturday
    assert WorkdayOverride.objects.get(date=dt.date(2022, 4, 4)).name == "清明节"


def test_deadline_across_qingming_counts_the_make_up_saturday_and_skips_the_holiday():
    cal = Calendar.load()
    # Friday 04-01 10:00 + 3 working days: Sat 04-02 (make-up), Wed 04-06, Thu 04-07.
    assert cal.add_days(at("2022-04-01"), 3) == at("2022-04-07")


def test_deadline_across_the_labour_day_make_up_sunday():
    cal = Calendar.load()
    # Friday 04-22 10:00 + 1 working day lands on Sunday 04-24 (a make-up working day).
    assert cal.add_days(at("2022-04-22"), 1) == at("2022-04-24")
    # Friday 04-29 + 1: 04-30..05-04 are holidays, 05-05 is the next working day.
    assert cal.add_days(at("2022-04-29"), 1) == at("2022-05-05")


def test_working_seconds_leave_out_holidays_and_weekends():
    cal = Calendar.load()
    assert cal.working_seconds(at("2022-04-01"), at("2022-04-07")) == 3 * DAY
    assert cal.working_seconds(at("2022-04-08"), at("2022-04-11")) == DAY  # Fri 10:00 → Mon 10:00
    assert cal.working_seconds(at("2022-04-07"), at("2022-04-01")) == 0
    assert days(cal.working_seconds(at("2022-04-01", 10), at("2022-04-01", 22))) == 0.5


def test_an_edited_calendar_moves_deadlines():
    WorkdayOverride.objects.create(date=dt.date(2022, 4, 6), is_working=False, name="临时休息")
    assert Calendar.load().add_days(at("2022-04-01"), 3) == at("2022-04-08")


def test_calendar_import_sets_days_once_and_audits_each_old_to_new():
    from gongxin.accounts.models import AuditEntry
    from gongxin.services.importing import import_calendar
    from gongxin.testing import personas

    admin = personas()["admin"]
    rows = [("日期", "类型", "名称"), ("2027-01-01", "休息", "元旦"), (dt.date(2027, 2, 6), "上班", "春节调休")]
    report = import_calendar(rows, user=admin)
    assert (report.ok, report.created, report.updated) == (True, 2, 0)
    assert Calendar.load().is_working(dt.date(2027, 2, 6))
    entry = AuditEntry.objects.filter(action="services.calendar_import").latest("id")
    assert entry.data["changes"] == {"2027-01-01": [None, "休息（元旦）"], "2027-02-06": [None, "上班（春节调休）"]}
    again = import_calendar(rows, user=admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(action="services.calendar_import").count() == 1
    import_calendar([rows[0], ("2027-01-01", "休息", "元旦假期")], user=admin)
    entry = AuditEntry.objects.filter(action="services.calendar_import").latest("id")
    assert entry.data["changes"] == {"2027-01-01": ["休息（元旦）", "休息（元旦假期）"]}


def test_calendar_import_refuses_a_name_longer_than_the_column_and_writes_nothing():
    from gongxin.services.importing import import_calendar

    report = import_calendar([("日期", "类型", "名称"), ("2027-01-01", "休息", "元旦"),
                              ("2027-02-11", "休息", "长" * 31)])
    assert [(e.row, e.column) for e in report.errors] == [(3, "名称")]
    assert "最多30个字，收到31个字" in report.errors[0].reason
    assert not WorkdayOverride.objects.filter(date__year=2027).exists()
