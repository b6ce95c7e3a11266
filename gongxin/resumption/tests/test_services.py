"""The application flow, returns with reasons, conditions and phase rules, versions, audit; races on PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from gongxin.accounts.models import AuditEntry
from gongxin.resumption import services, stats
from gongxin.resumption.models import Application, Blocker, Condition, Flag, Status, StatusEntry
from gongxin.testing import make_enterprise, personas

from .helpers import GOOD_ANSWERS, TODAY, checklist, make_event

pytestmark = pytest.mark.usefixtures("same_day")

A = Application.State


@pytest.fixture
def cast(db):
    year = TODAY.year
    own = make_enterprise("复工测试厂", years=(year - 1, year))
    other = make_enterprise("龙泉测试厂", town_name="龙泉街道", years=(year - 1, year))
    event = make_event()
    checklist(event)
    return event, own, other, personas(own, other)


def _apply(user, event, enterprise, **extra):
    fields = {"planned_on": TODAY + dt.timedelta(days=2), "workers_planned": 50, "answers": dict(GOOD_ANSWERS)}
    fields.update(extra)
    return services.apply(user, event, enterprise, **fields)


@pytest.mark.django_db
def test_application_goes_enterprise_town_co_review_bureau_certificate(cast):
    event, own, _, p = cast
    app = _apply(p["reporter"], event, own)
    assert app.state == A.SUBMITTED and not app.on_behalf
    app = services.evaluate(p["town"], app, app.version, "防控措施落实到位")
    app = services.co_review(p["analyst"], app, app.version)
    app = services.approve(p["analyst"], app, app.version)
    assert app.state == A.APPROVED
    assert app.certificate_no == f"滕工信复〔{app.planned_on.year}〕0001号"
    entry = StatusEntry.objects.get(event=event, enterprise=own)
    assert (entry.status, entry.effective_on, entry.source) == (Status.FULL, app.planned_on, "certificate")
    assert stats.county(event, app.planned_on).resumed == 1
    assert stats.county(event, app.planned_on - dt.timedelta(days=1)).resumed == 0
    codes = list(AuditEntry.objects.filter(object_id=str(app.pk), object_type="resumption.application")
                 .order_by("id").values_list("action", flat=True))
    assert codes == ["resumption.apply", "resumption.evaluate", "resumption.co_review", "resumption.approve"]
    second = _apply(p["reporter"], event, own)  # a new application after approval is allowed
    second = services.evaluate(p["town"], second, second.version)
    second = services.approve(p["admin"], services.co_review(p["admin"], second, second.version), second.version + 1)
    assert second.certificate_no.endswith("0002号")


@pytest.mark.django_db
def test_every_step_can_return_with_a_reason_and_the_applicant_resubmits(cast):
    event, own, _, p = cast
    app = _apply(p["town"], event, own)
    assert app.on_behalf  # the town applied on the enterprise's behalf
    with pytest.raises(services.DomainError, match="退回理由"):
        services.return_application(p["town"], app, app.version, "  ")
    app = services.return_application(p["town"], app, app.version, "返岗名单不完整")
    assert (app.state, app.returned_from, app.return_reason) == (A.RETURNED, A.SUBMITTED, "返岗名单不完整")
    app = services.resubmit(p["reporter"], app, app.version, planned_on=TODAY + dt.timedelta(days=3),
                            workers_planned=60, answers=GOOD_ANSWERS)
    app = services.evaluate(p["town"], app, app.version)
    app = services.return_application(p["analyst"], app, app.version, "会审：隔离场所不足")
    assert app.returned_from == A.EVALUATED
    app = services.resubmit(p["reporter"], app, app.version, planned_on=TODAY + dt.timedelta(days=3),
                            workers_planned=60, answers=GOOD_ANSWERS)
    app = services.co_review(p["analyst"], services.evaluate(p["town"], app, app.version), app.version + 1)
    app = services.return_application(p["analyst"], app, app.version, "确认书信息有误")
    assert app.returned_from == A.CO_REVIEWED


@pytest.mark.django_db
def test_who_may_act(cast):
    event, own, other, p = cast
    with pytest.raises(PermissionDenied):
        _apply(p["other_reporter"], event, own)
    with pytest.raises(PermissionDenied):
        _apply(p["outsider"], event, own)
    with pytest.raises(PermissionDenied):
        _apply(p["leader"], event, own)
    app = _apply(p["reporter"], event, own)
    for who in ("reporter", "outsider", "leader"):
        with pytest.raises(PermissionDenied):
            services.evaluate(p[who], app, app.version)
    app = services.evaluate(p["town"], app, app.version)
    with pytest.raises(PermissionDenied):
        services.co_review(p["town"], app, app.version)
    with pytest.raises(PermissionDenied):
        services.return_application(p["town"], app, app.version, "镇街不能退回已评估的申请")
    with pytest.raises(PermissionDenied):
        services.approve(p["town"], app, app.version)


@pytest.mark.django_db
def test_conditions_are_checked_and_every_missing_item_named(cast):
    event, own, _, p = cast
    with pytest.raises(services.DomainError) as e:
        _apply(p["reporter"], event, own, answers={"plan": "", "supplies": "3"})
    message = str(e.value)
    assert "请填写“疫情防控方案（一企一案）”" in message and "“复工复产承诺书”须确认" in message
    assert "不少于7天" in message and "返岗人员名单" in message
    assert not Application.objects.exists()
    with pytest.raises(services.DomainError, match="应为数字"):
        _apply(p["reporter"], event, own, answers={**GOOD_ANSWERS, "supplies": "十天"})


@pytest.mark.django_db
def test_phase_rule_closed_loop_required_only_before_a_date(cast):
    event, own, other, p = cast
    Condition.objects.create(event=event, code="closed_loop", name="闭环管理措施", kind=Condition.Kind.CHECK,
                             required_until=TODAY + dt.timedelta(days=5))
    with pytest.raises(services.DomainError, match="闭环管理措施"):
        _apply(p["reporter"], event, own)  # planned in 2 days: before the date
    app = _apply(p["reporter"], event, own, planned_on=TODAY + dt.timedelta(days=6))
    assert app.answers["closed_loop"] is False
    assert app.staff == ["张三", "李四"]


@pytest.mark.django_db
def test_one_application_in_progress_and_no_application_outside_the_event(cast):
    event, own, _, p = cast
    _apply(p["reporter"], event, own)
    with pytest.raises(services.DomainError, match="已有一份在办"):
        _apply(p["town"], event, own)
    event.ended_on = TODAY - dt.timedelta(days=1)
    event.save()
    with pytest.raises(services.DomainError, match="不在实施期间"):
        _apply(p["analyst"], event, make_enterprise(years=(TODAY.year,)))


@pytest.mark.django_db
def test_stale_step_is_refused(cast):
    event, own, _, p = cast
    app = _apply(p["reporter"], event, own)
    seen = app.version
    services.evaluate(p["town"], app, seen)
    with pytest.raises(services.ConflictError, match="已被他人处理"):
        services.return_application(p["analyst"], app, seen, "迟到的退回")


@pytest.mark.django_db
def test_approval_requires_the_co_review_when_the_event_requires_it(cast):
    event, own, _, p = cast
    app = services.evaluate(p["town"], _apply(p["reporter"], event, own), 1)
    with pytest.raises(services.DomainError, match="会审"):
        services.approve(p["analyst"], app, app.version)
    rules = stats.rules_for(event)
    rules.co_review_required = False
    rules.save()
    assert services.approve(p["analyst"], app, app.version).state == A.APPROVED


@pytest.mark.django_db
def test_status_entries_validate_and_an_identical_repeat_is_not_added(cast):
    event, own, _, p = cast
    day = TODAY - dt.timedelta(days=1)
    _, created = services.record_status(p["reporter"], event, own, Status.PARTIAL, day, workers_back=10,
                                        workers_usual=20)
    again = services.record_status(p["reporter"], event, own, Status.PARTIAL, day, workers_back=10, workers_usual=20)
    assert created and not again[1]
    assert StatusEntry.objects.filter(enterprise=own).count() == 1
    with pytest.raises(services.DomainError, match="不能超过"):
        services.record_status(p["reporter"], event, own, Status.PARTIAL, day, workers_back=30, workers_usual=20)
    with pytest.raises(services.DomainError, match="晚于今天"):
        services.record_status(p["reporter"], event, own, Status.FULL, TODAY + dt.timedelta(days=1))
    with pytest.raises(services.DomainError, match="事件期间"):
        services.record_status(p["reporter"], event, own, Status.FULL, event.started_on - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.record_status(p["outsider"], event, own, Status.FULL, day)
    entry = StatusEntry.objects.get(enterprise=own)
    assert entry.recorded_by == p["reporter"] and entry.source == "enterprise"


@pytest.mark.django_db
def test_blockers_are_recorded_once_and_resolved_by_town_or_bureau(cast):
    event, own, _, p = cast
    blocker, created = services.report_blocker(p["reporter"], event, own, Blocker.Category.MATERIALS, "原料断供")
    assert created and not services.report_blocker(p["reporter"], event, own, "materials", "原料断供")[1]
    with pytest.raises(PermissionDenied):
        services.resolve_blocker(p["reporter"], blocker, blocker.version, "自己说解决了")
    blocker = services.resolve_blocker(p["town"], blocker, blocker.version, "协调供应商供货")
    assert blocker.state == Blocker.State.RESOLVED
    with pytest.raises(services.DomainError, match="已办结"):
        services.resolve_blocker(p["town"], blocker, blocker.version, "再办一次")


# ---------------------------------------------------------------- races (PostgreSQL)

race = [pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers"),
        pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _twenty(work):
    results = []

    def run():
        try:
            results.append(work())
        except (services.DomainError, PermissionDenied) as e:
            results.append(type(e).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@race[0]
@race[1]
def test_twenty_parallel_applications_make_one(cast):
    event, own, _, p = cast
    results = _twenty(lambda: _apply(p["reporter"], event, own).pk)
    assert Application.objects.filter(enterprise=own).count() == 1
    assert results.count("DomainError") == 19


@race[0]
@race[1]
def test_twenty_parallel_approvals_issue_one_certificate(cast):
    event, own, _, p = cast
    app = _apply(p["reporter"], event, own)
    app = services.co_review(p["analyst"], services.evaluate(p["town"], app, 1), 2)
    results = _twenty(lambda: services.approve(p["analyst"], Application.objects.get(pk=app.pk), 3).certificate_no)
    assert len([r for r in results if r.endswith("号")]) == 1
    assert stats.rules_for(event).last_certificate_no == 1 or Application.objects.get(pk=app.pk).certificate_no
    assert StatusEntry.objects.filter(enterprise=own).count() == 1


@race[0]
@race[1]
def test_twenty_parallel_evaluations_and_returns_apply_once(cast):
    event, own, other, p = cast
    app = _apply(p["reporter"], event, own)
    results = _twenty(lambda: services.evaluate(p["town"], Application.objects.get(pk=app.pk), 1).state)
    assert results.count(A.EVALUATED) == 1
    app.refresh_from_db()
    results = _twenty(lambda: services.return_application(p["analyst"], Application.objects.get(pk=app.pk),
                                                          app.version, "并发退回").state)
    assert results.count(A.RETURNED) == 1
    assert AuditEntry.objects.filter(action="resumption.return").count() == 1


@race[0]
@race[1]
def test_twenty_parallel_identical_status_records_make_one_entry(cast):
    event, own, _, p = cast
    day = TODAY - dt.timedelta(days=1)
    _twenty(lambda: services.record_status(p["reporter"], event, own, Status.FULL, day)[1])
    assert StatusEntry.objects.filter(enterprise=own).count() == 1


@race[0]
@race[1]
def test_twenty_parallel_blocker_reports_and_flag_resolutions_apply_once(cast):
    event, own, _, p = cast
    _twenty(lambda: services.report_blocker(p["reporter"], event, own, "funds", "资金紧张")[1])
    assert Blocker.objects.filter(enterprise=own).count() == 1
    flag = Flag.objects.create(event=event, enterprise=own, kind=Flag.Kind.GRID_LOW, key="2022-04-01", detail="x")
    results = _twenty(lambda: services.resolve_flag(p["town"], Flag.objects.get(pk=flag.pk), 1, "dismissed",
                                                    "核查无误").state)
    assert results.count("dismissed") == 1
    found = [(own.id, Flag.Kind.GRID_HIGH, "2022-04-02", "y")]
    _twenty(lambda: len(services.raise_flags(event, found)))
    assert Flag.objects.filter(kind=Flag.Kind.GRID_HIGH).count() == 1
