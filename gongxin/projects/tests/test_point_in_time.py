"""A period's project figures are the state at the period's end: stages from the stage history,
overdue flags on those stages, funds from the payments dated by then (issue 11)."""

import datetime as dt

import pytest

from gongxin.accounts.models import Role
from gongxin.projects import services, stats
from gongxin.projects.models import FundProgramme, Project, Stage, StageChange
from gongxin.testing import make_enterprise, make_user

from .utils import invest, make_project

pytestmark = pytest.mark.django_db
FEB, MAR = dt.date(2022, 2, 28), dt.date(2022, 3, 31)


def history(project, *steps):
    """Stage changes (from, to, date) as the services record them."""
    for from_stage, to_stage, day in steps:
        StageChange.objects.create(project=project, from_stage=from_stage, to_stage=to_stage, date=day)
    last = steps[-1]
    Project.objects.filter(pk=project.pk).update(stage=last[1], stage_since=last[2])


@pytest.fixture
def projects():
    e = make_enterprise()
    late = make_project(e, is_key=True, key_year=2022, planned_start=dt.date(2022, 3, 28))
    history(late, ("", Stage.FILED, dt.date(2021, 12, 1)), (Stage.FILED, Stage.STARTED, dt.date(2022, 4, 8)))
    building = make_project(e, is_key=True, key_year=2022)
    history(building, ("", Stage.FILED, dt.date(2021, 6, 1)), (Stage.FILED, Stage.STARTED, dt.date(2021, 9, 1)),
            (Stage.STARTED, Stage.BUILDING, dt.date(2022, 3, 15)))
    newcomer = make_project(e, is_key=True, key_year=2022)
    history(newcomer, ("", Stage.IDEA, dt.date(2022, 4, 2)))
    return late, building, newcomer


def test_stages_are_those_of_the_history_at_the_periods_end(projects):
    def counts(day):
        summary = stats.key_project_summary(2022, as_of=day)
        return summary["count"], {s["stage"]: s["count"] for s in summary["by_stage"] if s["count"]}

    assert counts(FEB) == (2, {"filed": 1, "started": 1})  # the newcomer was entered in April
    assert counts(MAR) == (2, {"filed": 1, "building": 1})
    assert stats.key_project_summary(2022)["count"] == 3  # without as_of: today's stages


def test_a_project_that_started_after_the_period_is_overdue_as_at_its_end(projects):
    late, building, _ = projects
    invest(building, "2022-03", "10", "10")
    overdue = {p.code: p for p in Project.objects.key(2022).overdue(MAR)}
    assert set(overdue) == {late.code} and overdue[late.code].start_overdue
    assert overdue[late.code].stage_at == Stage.FILED  # it is 开工 today, but was 备案 on 03-31
    assert not Project.objects.key(2022).overdue(dt.date(2022, 4, 30)).filter(pk=late.pk).exists()


def test_funds_count_the_payments_dated_by_the_periods_end():
    user = make_user("a", Role.BUREAU_STAFF)
    e = make_enterprise()
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    app = services.apply_for_funds(user, fund, e, "3000", dt.date(2022, 1, 10), project=make_project(e))
    app = services.review_application(user, app, dt.date(2022, 2, 15))
    app = services.approve_application(user, app, dt.date(2022, 3, 1), "2500")
    services.disburse(user, app, dt.date(2022, 3, 10), "1500")
    services.disburse(user, app, dt.date(2022, 4, 2), "1000")
    assert stats.fund_summary(2022, as_of=FEB)["total"] == 0
    assert stats.fund_summary(2022, as_of=MAR) == {"enterprises": 1, "total": 1500}
    assert stats.fund_summary(2022)["total"] == 2500


def test_investment_coverage_counts_projects_under_construction_at_the_end(projects):
    late, building, _ = projects
    invest(building, "2022-03", "10", "10")
    assert stats.investment_coverage("2022-03") == {"expected": 1, "reported": 1, "counted": 1}
    assert stats.investment_coverage("2022-04") == {"expected": 2, "reported": 0, "counted": 0}
