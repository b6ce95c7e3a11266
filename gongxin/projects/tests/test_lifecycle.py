import datetime as dt

import pytest
import time_machine

from gongxin.accounts.audit import entries_for
from gongxin.accounts.models import Role
from gongxin.projects import services
from gongxin.projects.models import LIFECYCLE, Project, Stage
from gongxin.testing import make_enterprise, make_user

from .utils import make_project

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 6, 1)


@pytest.fixture
def analyst():
    return make_user("analyst", Role.BUREAU_STAFF)


@pytest.fixture
def project():
    return make_project(make_enterprise(), stage_since=dt.date(2021, 1, 1))


@pytest.mark.parametrize("current", LIFECYCLE[:-1])
def test_each_stage_moves_to_the_next(analyst, current, project):
    Project.objects.filter(pk=project.pk).update(stage=current, record_number="备-1")
    nxt = LIFECYCLE[LIFECYCLE.index(current) + 1]
    moved = services.advance_project(analyst, project, nxt, DAY)
    assert moved.stage == nxt
    assert moved.stage_since == DAY


@pytest.mark.parametrize("current", LIFECYCLE)
@pytest.mark.parametrize("target", LIFECYCLE)
def test_every_other_jump_is_refused(analyst, project, current, target):
    if LIFECYCLE.index(target) == LIFECYCLE.index(current) + 1:
        return
    Project.objects.filter(pk=project.pk).update(stage=current)
    with pytest.raises(services.ProjectError):
        services.advance_project(analyst, project, target, DAY)
    assert Project.objects.get(pk=project.pk).stage == current


def test_idea_to_operating_is_refused_with_a_chinese_message(analyst, project):
    with pytest.raises(services.ProjectError, match="不能从“谋划”直接变更为“投产”，下一阶段应为“签约”"):
        services.advance_project(analyst, project, Stage.OPERATING, DAY)
    assert project.stage_changes.count() == 0
    assert not entries_for(project).filter(action="projects.stage").exists()


def test_full_lifecycle_leaves_timeline_and_audit_entries(analyst, project):
    dates = [dt.date(2021, 2, d) for d in range(1, 7)]
    for stage, day in zip(LIFECYCLE[1:], dates, strict=True):
        project = services.advance_project(analyst, project, stage, day, record_number="2021-370481-07")
    timeline = list(project.stage_changes.values_list("from_stage", "to_stage", "date"))
    assert timeline == [(a, b, d) for a, b, d in zip(LIFECYCLE[:-1], LIFECYCLE[1:], dates, strict=True)]
    audit = list(entries_for(project).filter(action="projects.stage").order_by("id").values_list("data", flat=True))
    assert [(*e["stage"], e["date"]) for e in audit] == [
        (a, b, d.isoformat()) for a, b, d in zip(LIFECYCLE[:-1], LIFECYCLE[1:], dates, strict=True)]
    assert project.record_number == "2021-370481-07"
    assert project.stage_changes.filter(user=analyst).count() == 6


def test_filing_needs_a_record_number(analyst, project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.SIGNED)
    with pytest.raises(services.ProjectError, match="备案号"):
        services.advance_project(analyst, project, Stage.FILED, DAY)
    assert services.advance_project(analyst, project, Stage.FILED, DAY, record_number="X-1").record_number == "X-1"


def test_date_before_current_stage_or_in_future_is_refused(analyst, project):
    with pytest.raises(services.ProjectError, match="不能早于"):
        services.advance_project(analyst, project, Stage.SIGNED, dt.date(2020, 12, 31))
    with time_machine.travel(dt.datetime(2021, 6, 1, 12)), pytest.raises(services.ProjectError, match="晚于今天"):
        services.advance_project(analyst, project, Stage.SIGNED, dt.date(2021, 6, 2))


def test_pause_needs_reason_and_resume_returns_to_the_paused_stage(analyst, project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.BUILDING)
    with pytest.raises(services.ProjectError, match="原因"):
        services.pause_project(analyst, project, DAY, " ")
    paused = services.pause_project(analyst, project, DAY, "资金不到位")
    assert (paused.stage, paused.paused_from, paused.stage_reason) == (Stage.PAUSED, Stage.BUILDING, "资金不到位")
    with pytest.raises(services.ProjectError, match="请先恢复"):
        services.advance_project(analyst, paused, Stage.COMPLETED, DAY)
    with pytest.raises(services.ProjectError, match="不能暂停"):
        services.pause_project(analyst, paused, DAY, "再次暂停")
    resumed = services.resume_project(analyst, paused, dt.date(2021, 7, 1))
    assert (resumed.stage, resumed.paused_from, resumed.stage_reason) == (Stage.BUILDING, "", "")
    assert list(resumed.stage_changes.values_list("to_stage", flat=True)) == [Stage.PAUSED, Stage.BUILDING]


def test_resume_refused_unless_paused(analyst, project):
    with pytest.raises(services.ProjectError, match="只有暂停"):
        services.resume_project(analyst, project, DAY)


def test_terminate_needs_reason_and_is_final(analyst, project):
    with pytest.raises(services.ProjectError, match="原因"):
        services.terminate_project(analyst, project, DAY, "")
    ended = services.terminate_project(analyst, project, DAY, "企业取消计划")
    assert ended.stage == Stage.TERMINATED
    for call in (lambda: services.advance_project(analyst, ended, Stage.SIGNED, DAY),
                 lambda: services.pause_project(analyst, ended, DAY, "x"),
                 lambda: services.terminate_project(analyst, ended, DAY, "x"),
                 lambda: services.resume_project(analyst, ended, DAY)):
        with pytest.raises(services.ProjectError):
            call()
    assert entries_for(ended).filter(action="projects.stage").count() == 1


def test_operating_project_cannot_be_paused_or_terminated(analyst, project):
    Project.objects.filter(pk=project.pk).update(stage=Stage.OPERATING)
    with pytest.raises(services.ProjectError):
        services.pause_project(analyst, project, DAY, "x")
    with pytest.raises(services.ProjectError):
        services.terminate_project(analyst, project, DAY, "x")


def test_stale_version_is_refused(analyst, project):
    stale = project.version
    services.advance_project(analyst, project, Stage.SIGNED, DAY)
    with pytest.raises(services.ConflictError):
        services.advance_project(analyst, project, Stage.FILED, DAY, record_number="X", expected_version=stale)


def test_new_project_takes_town_and_industry_from_enterprise(analyst):
    e = make_enterprise(town_name="龙泉街道", industry="26")
    p = services.save_project(analyst, Project(code="N1", name="新项目", enterprise=e, total_investment=100))
    assert (p.town.name, p.industry.code) == ("龙泉街道", "26")
    assert p.stage_changes.get().to_stage == Stage.IDEA
    assert entries_for(p).filter(action="projects.create").exists()
