"""A past period's brief describes the state at the period's end (issue 11): stages and overdue
projects from the stage history, funds from payments dated by then, towns furthest behind first."""

import datetime as dt
from decimal import Decimal

import pytest

from gongxin.accounts.models import Role
from gongxin.analysis.models import TownPlan
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs import brief
from gongxin.projects import services
from gongxin.projects.models import FundProgramme, Project, Stage
from gongxin.testing import make_enterprise, make_user, town

pytestmark = pytest.mark.django_db


def key_project(user, enterprise, code, steps, planned_start=None):
    """A 2022 key project entered on steps[0]'s date, moved along the lifecycle on the others."""
    project = Project(code=code, name=f"{code}智能化改造", enterprise=enterprise, total_investment=Decimal("1000"),
                      is_key=True, key_year=2022, stage=Stage.IDEA, stage_since=steps[0],
                      planned_start=planned_start)
    services.save_project(user, project)
    for stage, day in zip([Stage.SIGNED, Stage.FILED, Stage.STARTED, Stage.BUILDING], steps[1:], strict=False):
        project = services.advance_project(user, project, stage, day, record_number="备案-1")
    return project


@pytest.fixture
def county():
    user = make_user("a", Role.BUREAU_STAFF)
    e = make_enterprise("甲机械有限公司")
    for period in ("2022-02", "2022-03"):
        make_return(e, period, values=output(10, 30, 8, 24))
    jan = dt.date(2022, 1, 5)
    # Filed in January, started only on 04-06 although planned for 03-28.
    key_project(user, e, "JG-1", [jan, jan, jan, dt.date(2022, 4, 6)], planned_start=dt.date(2022, 3, 28))
    key_project(user, e, "JG-2", [jan, jan, jan, dt.date(2022, 3, 10)])  # started in March
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=Decimal("6000"))
    app = services.apply_for_funds(user, fund, e, "3000", dt.date(2022, 1, 10))
    app = services.review_application(user, app, dt.date(2022, 2, 15))
    app = services.approve_application(user, app, dt.date(2022, 3, 1), "2500")
    services.disburse(user, app, dt.date(2022, 3, 10), "1500")
    services.disburse(user, app, dt.date(2022, 3, 28), "1000")
    return e


def projects_text(period):
    return "\n".join(next(s for s in brief.build(period).sections if s.key == "projects").paragraphs)


def test_the_2022_02_brief_reports_no_funds_paid(county):
    text = projects_text("2022-02")
    assert "截至2月底，技改扶持资金尚未拨付" in text
    assert "获得技改扶持资金" not in text
    assert "其中备案2个" in text  # both still 备案 on 02-28


def test_the_2022_03_brief_states_stages_and_overdue_projects_as_at_03_31(county):
    text = projects_text("2022-03")
    assert "其中备案1个、开工1个" in text  # JG-1 started in April: 备案 on 03-31
    assert "1家企业获得技改扶持资金2500万元" in text
    assert "截至3月底，1个重点项目进度滞后（逾期未开工1个）" in text
    table = next(t for t in brief.build("2022-03").tables if t.key == "projects_overdue")
    assert [(r[0], r[4]) for r in table.rows] == [("JG-1", "备案")]


def test_the_brief_built_later_says_the_same_as_then(county):
    # Today (2026) JG-1 is 开工 and not overdue: the 2022-03 brief still says what held on 03-31.
    assert Project.objects.get(code="JG-1").stage == Stage.STARTED
    assert "逾期未开工1个" in projects_text("2022-03")


def test_lagging_towns_are_named_furthest_behind_first():
    for name, ytd in (("荆河街道", 200), ("龙泉街道", 100), ("北辛街道", 240), ("善南街道", 250), ("东沙河街道", 400)):
        make_return(make_enterprise(town_name=name), "2022-03", values=output(1, ytd, 1, ytd))
        TownPlan.objects.create(year=2022, town=town(name), output_target=Decimal(1000))
    towns = brief.build("2022-03").sections[1].paragraphs[1]
    # time progress 25%: 龙泉 10% and 荆河 20% behind (furthest first), 北辛 24%; 善南 exactly 25%
    assert "1个镇街完成率超过时间进度（东沙河街道）" in towns
    assert "1个镇街持平于时间进度（善南街道）" in towns
    assert "3个镇街落后于时间进度（龙泉街道、荆河街道、北辛街道）" in towns
