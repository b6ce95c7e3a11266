"""Warning rules over hand-built figures; scans are idempotent; follow-ups are recorded."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from gongxin.accounts.audit import entries_for
from gongxin.accounts.models import Role
from gongxin.alerts import scan, services
from gongxin.alerts.models import EarlyWarning, WarningRule
from gongxin.analysis.models import TownPlan
from gongxin.analysis.tests.helpers import make_return
from gongxin.testing import make_enterprise, make_user, town

pytestmark = pytest.mark.django_db


def values(output, electricity=None):
    v = {"output_value": output}
    if electricity:
        v["electricity"] = electricity
    return v


def found(period, **kw):
    return {(f.enterprise_id or f.town_id): f for f in scan.evaluate(period, **kw)}


def test_output_falls_are_yellow_orange_red_by_depth():
    yellow, orange, red, fine = (make_enterprise() for _ in range(4))
    make_return(yellow, "2022-03", values=values((10, 75, 10, 100)))  # −25%
    make_return(orange, "2022-03", values=values((10, 65, 10, 100)))  # −35%
    make_return(red, "2022-03", values=values((10, 45, 10, 100)))  # −55%
    make_return(fine, "2022-03", values=values((10, 81, 10, 100)))  # −19%: no warning
    result = found("2022-03")
    assert result[yellow.pk].level == "yellow"
    assert result[orange.pk].level == "orange"
    assert result[red.pk].level == "red"
    assert fine.pk not in result
    assert "同比下降55.0%" in result[red.pk].reason and "超过50%" in result[red.pk].reason


def test_two_consecutive_monthly_falls_over_30_percent_are_red_and_replace_the_lesser_warning():
    e = make_enterprise()
    make_return(e, "2022-02", values=values((60, 60, 100, 100)))  # month −40%
    make_return(e, "2022-03", values=values((65, 125, 100, 200)))  # month −35%, ytd −37.5% (orange alone)
    result = scan.evaluate("2022-03")
    assert [(f.rule.code, f.level) for f in result] == [("consecutive_fall_red", "red")]
    one_month = make_enterprise()
    make_return(one_month, "2022-03", values=values((65, 150, 100, 200)))  # ytd −25%, no February return
    assert found("2022-03")[one_month.pk].rule.code == "output_fall_yellow"


def test_electricity_down_while_output_up_is_blue():
    e = make_enterprise()
    make_return(e, "2022-03", values=values((120, 300, 100, 280), electricity=(8, 30, 10, 31)))
    f = found("2022-03")[e.pk]
    assert (f.level, f.rule.kind) == ("blue", "electricity_mismatch")
    assert "用电量同比下降20.0%" in f.reason


def test_town_behind_plan_by_more_than_10_points():
    e = make_enterprise(town_name="荆河街道")
    make_return(e, "2022-06", values=values((10, 300, 10, 300)))
    # Time progress 50.0%; completion 300 / 1000 = 30.0% → 20 points behind.
    TownPlan.objects.create(year=2022, town=town("荆河街道"), output_target=Decimal(1000))
    TownPlan.objects.create(year=2022, town=town("龙泉街道"), output_target=Decimal(0.0001))
    f = found("2022-06")[town("荆河街道").pk]
    assert (f.level, f.enterprise_id) == ("orange", None)
    assert "30.0%" in f.reason and "20.0个百分点" in f.reason


def _key_enterprise():
    e = make_enterprise(years=(2021, 2022))
    make_return(e, "2021-12", values=values((10, 150_000, 10, 140_000)))  # 1.5亿 → 过亿元
    small = make_enterprise(years=(2021, 2022))
    make_return(small, "2021-12", values=values((10, 90_000, 10, 80_000)))
    return e, small


def test_key_enterprise_missing_its_return_after_the_deadline():
    key, small = _key_enterprise()
    with time_machine.travel("2022-04-05 12:00"):
        assert key.pk not in found("2022-03")  # due on 4-05: not late yet
    with time_machine.travel("2022-04-06 12:00"):
        result = found("2022-03")
    assert result[key.pk].rule.code == "missing_return"
    assert small.pk not in result


@time_machine.travel("2022-05-20")
def test_scan_is_idempotent_and_clears_what_no_longer_holds():
    e = make_enterprise()
    ret = make_return(e, "2022-03", values=values((10, 45, 10, 100)))
    assert scan.scan("2022-03") == {"created": 1, "updated": 0, "cleared": 0, "open": 1}
    assert scan.scan("2022-03") == {"created": 0, "updated": 0, "cleared": 0, "open": 1}
    ret.values.update(ytd=Decimal(95))
    assert scan.scan("2022-03")["cleared"] == 1
    w = EarlyWarning.objects.get()
    assert w.status == "cleared"  # kept in history, not deleted


@time_machine.travel("2022-05-20")
def test_follow_up_is_recorded_audited_and_refused_to_leaders_and_other_towns():
    e = make_enterprise(town_name="荆河街道")
    make_return(e, "2022-03", values=values((10, 45, 10, 100)))
    scan.scan("2022-03")
    w = EarlyWarning.objects.get()
    officer = make_user("t1", Role.TOWN_OFFICER, region="荆河街道")
    services.follow_up(w, officer, "已走访，企业订单下降")
    w.refresh_from_db()
    assert w.status == "followed_up"
    assert w.follow_ups.get().note == "已走访，企业订单下降"
    assert entries_for(w).filter(user=officer).exists()
    with pytest.raises(services.WarningError):
        services.follow_up(w, officer, "  ")
    for user in (make_user("l1", Role.LEADER), make_user("t2", Role.TOWN_OFFICER, region="龙泉街道")):
        with pytest.raises(PermissionDenied):
            services.follow_up(w, user, "x")


def test_rules_are_data_a_changed_threshold_changes_the_result():
    e = make_enterprise()
    make_return(e, "2022-03", values=values((10, 85, 10, 100)))  # −15%
    assert e.pk not in found("2022-03")
    admin = make_user("a1", Role.BUREAU_ADMIN)
    rule = WarningRule.objects.get(code="output_fall_yellow")
    services.update_rule(rule, admin, {"threshold": Decimal(10)}, rule.version)
    assert found("2022-03")[e.pk].level == "yellow"
    with pytest.raises(services.WarningError):
        services.update_rule(rule, admin, {"threshold": Decimal(12)}, rule.version)  # stale version
    with pytest.raises(PermissionDenied):
        services.update_rule(rule, make_user("s1", Role.BUREAU_STAFF), {"threshold": Decimal(12)}, 2)


@time_machine.travel("2022-07-20")
def test_the_rescan_of_one_enterprise_finds_what_the_county_wide_evaluation_finds_for_it():
    """After one return changes, only that enterprise and its town are evaluated: the findings that
    concern them are the county-wide ones, every kind of rule included."""
    home, fine, key = (make_enterprise(town_name="荆河街道", years=(2021, 2022)) for _ in range(3))
    away = make_enterprise(town_name="龙泉街道", years=(2021, 2022))
    make_return(key, "2021-12", values=values((10, 150_000, 10, 140_000)))  # 过亿元: owes June, files none
    make_return(home, "2022-05", values=values((60, 300, 100, 400)))  # month −40%
    make_return(home, "2022-06", values=values((65, 365, 100, 500), electricity=(8, 30, 10, 31)))
    make_return(fine, "2022-06", values=values((120, 600, 100, 500), electricity=(8, 30, 10, 31)))  # blue
    make_return(away, "2022-06", values=values((10, 45, 10, 100)))  # red, other town
    TownPlan.objects.create(year=2022, town=town("荆河街道"), output_target=Decimal(100_000))
    TownPlan.objects.create(year=2022, town=town("龙泉街道"), output_target=Decimal(1))
    county = scan.evaluate("2022-06")
    assert {f.rule.kind for f in county} == set(WarningRule.Kind.values)
    # One enterprise, or several at once (the queued rescan's batch, alerts/pending.py).
    for batch in ([home], [fine], [key], [away], [home, away], [fine, key, away]):
        concerns, _ = scan.concerning(batch)
        expected = sorted((f.key, f.level, f.reason) for f in county if concerns(f))
        assert sorted((f.key, f.level, f.reason) for f in scan._evaluate_concerning("2022-06", batch, None)
                      if concerns(f)) == expected
        assert expected
