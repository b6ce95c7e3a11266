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


@pytest.mark.django_db
def test_every_job_runs_on_an_empty_database():
    """Each scheduled job is safe to run with nothing to do (a fresh site, a quiet night)."""
    for job in JOBS:
        call_command("scheduler", "--run", job.name, stdout=StringIO())


@pytest.mark.django_db
def test_a_failing_job_run_alone_fails_the_command(monkeypatch):
    import gongxin.jobs

    monkeypatch.setattr(gongxin.jobs, "JOBS", [Job("broken", "api_push", "05:00", ("--period", "2022-13"))])
    with pytest.raises(CommandError, match="任务“broken”失败"):
        call_command("scheduler", "--run", "broken", stdout=StringIO())
