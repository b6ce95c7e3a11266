import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongxin.jobs import JOBS, Job
from gongxin.lib.management.commands.scheduler import due


def at(hh, mm):
    return dt.datetime(2022, 4, 6, hh, mm)


def test_daily_and_hourly_slots():
    daily, hourly = Job("d", "x", "09:00"), Job("h", "x", ":15")
    assert due(daily, at(9, 0), at(8, 59)) and not due(daily, at(9, 1), at(9, 0))
    assert due(daily, at(9, 5), at(8, 50))  # a missed minute is caught up
    assert due(hourly, at(10, 15), at(10, 14)) and not due(hourly, at(10, 16), at(10, 15))


def test_every_job_names_a_real_command():
    from django.core.management import get_commands

    commands = get_commands()
    assert all(job.command in commands for job in JOBS)


@pytest.mark.django_db
def test_list_and_run_one():
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    assert "services_escalate" in out.getvalue()
    call_command("scheduler", "--run", "escalate", stdout=out)
    assert "升级督办0件" in out.getvalue()
    with pytest.raises(CommandError, match="没有任务"):
        call_command("scheduler", "--run", "nothing")
