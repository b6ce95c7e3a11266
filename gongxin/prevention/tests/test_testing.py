"""Testing regimes and rounds: "不漏一人" against the set the rules require for each period."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongxin.prevention import services, stats
from gongxin.prevention.models import CohortWorker
from gongxin.prevention.models import TestingRegime as Regime
from gongxin.testing import make_enterprise

from .utils import approved, cast, weekly

pytestmark = pytest.mark.django_db
AFTER = dt.date(2022, 4, 10)


@pytest.fixture
def c():
    event, e, other, p = cast()
    approved(event, e, p["town"], workers_inside=120)
    approved(event, other, p["analyst"], workers_inside=80)
    return event, e, other, p


def test_round_requires_the_sampled_share_rounded_up(c):
    event, e, _, p = c
    regime = weekly(event, sample_pct=30)
    rnd = services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 22), headcount=101, tested=31, tubes=4)
    assert (rnd.required, rnd.period_start, rnd.below_required) == (31, dt.date(2022, 3, 21), False)


def test_a_round_below_the_required_set_is_flagged(c):
    event, e, other, p = c
    regime = weekly(event)
    low = services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 22), headcount=120, tested=110, tubes=11)
    services.record_round(p["analyst"], regime, other, day=dt.date(2022, 3, 23), headcount=80, tested=80, tubes=8)
    assert low.below_required
    t = stats.testing(event, dt.date(2022, 3, 27))
    assert t["below"] == [low]
    assert (t["required"], t["tested"], str(t["coverage_pct"])) == (200, 190, "95.0")


def test_an_enterprise_that_missed_its_round_is_listed_by_town(c):
    event, e, other, p = c
    regime = weekly(event)
    services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 29), headcount=120, tested=120, tubes=12)
    t = stats.testing(event, AFTER)  # the regime ended 04-03: its last period 03-28..04-03 is measured
    assert t["missed_enterprises"] == 1
    [(town, enterprises)] = t["missed_by_town"]
    assert (town.name, enterprises) == ("龙泉街道", [other])
    # Required counts the missed enterprise's registered workers: coverage is against the rule's set.
    assert (t["required"], t["tested"], str(t["coverage_pct"])) == (200, 120, "60.0")


def test_a_running_period_waits_rather_than_misses(c):
    event, e, other, p = c
    weekly(event)
    t = stats.testing(event, dt.date(2022, 3, 23))
    assert t["missed_enterprises"] == 0
    [period] = t["periods"]
    assert len(period.waiting) == 2


def test_regime_scope_by_enterprise_selects_only_it(c):
    event, e, other, p = c
    weekly(event, scope=Regime.Scope.ENTERPRISE, enterprise=e)
    t = stats.testing(event, AFTER)
    assert t["required"] == 120 and t["missed_enterprises"] == 1


def test_new_hire_cohort_requires_days_1_3_7(c):
    event, e, _, p = c
    cohort = Regime.objects.create(event=event, name="新入职人员第1、3、7天检测", every_days=7,
                                          cohort=Regime.Cohort.NEW_HIRES, cohort_days="1,3,7",
                                          starts_on=dt.date(2022, 3, 21))
    CohortWorker.objects.create(event=event, regime=cohort, enterprise=e, name="张伟", id_number="370481199001011234",
                                hired_on=dt.date(2022, 3, 26))
    # Day 1 = 03-26 and day 3 = 03-28 … day 7 = 04-01: one test in the first week, two in the second.
    assert services.required_count(cohort, e, 0, dt.date(2022, 3, 21)) == 1
    assert services.required_count(cohort, e, 0, dt.date(2022, 3, 28)) == 2
    rnd = services.record_round(p["town"], cohort, e, day=dt.date(2022, 3, 29), headcount=1, tested=1, tubes=1)
    assert rnd.required == 2 and rnd.below_required


def test_one_round_per_enterprise_rule_and_period(c):
    event, e, _, p = c
    regime = weekly(event)
    services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 22), headcount=120, tested=120, tubes=12)
    with pytest.raises(services.DomainError, match="已录入"):
        services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 24), headcount=120, tested=120, tubes=12)


def test_round_input_is_checked(c):
    event, e, other, p = c
    regime = weekly(event)
    with pytest.raises(services.DomainError, match="不在"):
        services.record_round(p["town"], regime, e, day=dt.date(2022, 5, 1), headcount=1, tested=1, tubes=1)
    with pytest.raises(services.DomainError, match="超过在岗"):
        services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 22), headcount=10, tested=11, tubes=1)
    with pytest.raises(PermissionDenied):
        services.record_round(p["town"], regime, other, day=dt.date(2022, 3, 22), headcount=1, tested=1, tubes=1)
    with pytest.raises(PermissionDenied):
        services.record_round(p["reporter"], regime, e, day=dt.date(2022, 3, 22), headcount=1, tested=1, tubes=1)


def test_town_officer_sees_only_their_towns_figures(c):
    event, e, other, p = c
    weekly(event)
    assert stats.testing(event, AFTER, p["town"])["required"] == 120
    assert stats.closed_loop(event, AFTER, p["town"])["enterprises"] == 1
    make_enterprise(town_name="荆河街道")  # not in closed-loop production: not required
    assert stats.testing(event, AFTER)["required"] == 200


def test_the_testing_page_flags_and_lists(c, client):
    event, e, other, p = c
    regime = weekly(event)
    services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 29), headcount=120, tested=100, tubes=10)
    client.force_login(p["analyst"])
    html = client.get(f"/prevention/testing/?event={event.code}&date=2022-04-10").content.decode()
    assert "data-below" in html and 'data-missed-enterprise>滕州龙泉测试化工有限公司' in html


def test_a_joint_sampling_point_lists_the_enterprises_it_served(c, client):
    from gongxin.prevention.models import SamplingPoint
    from gongxin.registry.models import Region

    event, e, other, p = c
    regime = weekly(event)
    point = SamplingPoint.objects.create(event=event, name="荆河街道工业企业联合采样点",
                                         town=Region.objects.get(name="荆河街道"))
    second = make_enterprise("滕州第二测试纺织有限公司", town_name="荆河街道")
    approved(event, second, p["town"], workers_inside=50)
    for enterprise in (e, second):
        services.record_round(p["town"], regime, enterprise, day=dt.date(2022, 3, 22), headcount=10, tested=10,
                              tubes=1, sampling_point=point)
    client.force_login(p["town"])
    html = client.get(f"/prevention/testing/?event={event.code}").content.decode()
    assert "服务 2 家企业" in html and "滕州第二测试纺织有限公司" in html
    client.force_login(p["outsider"])
    assert "联合采样点" not in client.get(f"/prevention/testing/?event={event.code}").content.decode()
