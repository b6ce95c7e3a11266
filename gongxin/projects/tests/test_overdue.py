import datetime as dt

import pytest

from gongxin.projects.models import Project, Stage
from gongxin.testing import make_enterprise

from .utils import invest, make_project

pytestmark = pytest.mark.django_db
REF = dt.date(2022, 3, 31)  # the 2022-03 dashboard's reference date


def flags(project, ref=REF):
    return Project.objects.filter(pk=project.pk).with_flags(ref).values(
        "start_overdue", "completion_overdue", "stalled").get()


@pytest.fixture
def e():
    return make_enterprise()


def test_planned_start_passed_but_not_started_is_flagged(e):
    late = make_project(e, Stage.FILED, planned_start=dt.date(2022, 3, 30))
    on_the_day = make_project(e, Stage.FILED, planned_start=REF)
    started = make_project(e, Stage.STARTED, planned_start=dt.date(2022, 1, 1))
    assert flags(late)["start_overdue"] is True
    assert flags(on_the_day)["start_overdue"] is False
    assert flags(started)["start_overdue"] is False


def test_planned_completion_passed_but_not_completed_is_flagged(e):
    late = make_project(e, Stage.BUILDING, planned_completion=dt.date(2022, 2, 28))
    done = make_project(e, Stage.COMPLETED, planned_completion=dt.date(2022, 2, 28))
    future = make_project(e, Stage.BUILDING, planned_completion=dt.date(2022, 4, 1))
    assert flags(late)["completion_overdue"] is True
    assert flags(done)["completion_overdue"] is False
    assert flags(future)["completion_overdue"] is False
    # The same project was not overdue a month earlier.
    assert flags(late, dt.date(2022, 2, 28))["completion_overdue"] is False


def test_building_without_investment_for_two_months_is_stalled(e):
    stalled = make_project(e, Stage.BUILDING)
    invest(stalled, "2022-01", "50", "50")
    invest(stalled, "2022-02", "0", "50")
    invest(stalled, "2022-03", "0", "50")
    one_month_gap = make_project(e, Stage.BUILDING)
    invest(one_month_gap, "2022-02", "30", "30")
    invest(one_month_gap, "2022-03", "0", "30")
    never = make_project(e, Stage.BUILDING)
    completed = make_project(e, Stage.COMPLETED)
    assert flags(stalled)["stalled"] is True
    assert flags(one_month_gap)["stalled"] is False
    assert flags(never)["stalled"] is True
    assert flags(completed)["stalled"] is False
    # As of 2022-01 the first project was still investing.
    assert flags(stalled, dt.date(2022, 1, 31))["stalled"] is False


def test_terminated_is_never_overdue_and_paused_keeps_its_stage(e):
    ended = make_project(e, Stage.TERMINATED, planned_start=dt.date(2021, 1, 1),
                         planned_completion=dt.date(2021, 6, 1))
    paused = make_project(e, Stage.PAUSED, paused_from=Stage.BUILDING, planned_start=dt.date(2021, 1, 1),
                          planned_completion=dt.date(2022, 1, 1))
    assert flags(ended) == {"start_overdue": False, "completion_overdue": False, "stalled": False}
    assert flags(paused) == {"start_overdue": False, "completion_overdue": True, "stalled": False}


def test_overdue_queryset_lists_each_flagged_project_once(e):
    both = make_project(e, Stage.SIGNED, planned_start=dt.date(2022, 1, 1), planned_completion=dt.date(2022, 3, 1))
    fine = make_project(e, Stage.SIGNED, planned_start=dt.date(2022, 6, 1))
    assert list(Project.objects.overdue(REF)) == [both]
    assert fine not in Project.objects.overdue(REF)
