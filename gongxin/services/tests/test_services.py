"""The demand's life: 接-派-办-评 with the working-day clock, pauses, extensions and confirmation."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from gongxin.accounts.models import AuditEntry, Role
from gongxin.notices.models import Notice
from gongxin.services import services
from gongxin.services.models import Demand, DemandStep
from gongxin.testing import make_enterprise, make_user, personas

from .helpers import at, dept, tier, town_dept

pytestmark = pytest.mark.django_db
S = Demand.Status


@pytest.fixture
def cast():
    e = make_enterprise("滕州诉求测试机械有限公司")
    return e, personas(e, make_enterprise(town_name="龙泉街道"))


def raise_one(cast, when="2022-04-01", **kw):
    e, p = cast
    fields = {"category": "logistics", "title": "原料车辆无法进园", "description": "库存仅够7天", "tier": tier("priority")}
    return services.raise_demand(p["reporter"], e, at=at(when), **(fields | kw))


def test_raise_assign_pause_resume_resolve_confirm(cast):
    e, p = cast
    d = raise_one(cast)
    assert d.status == S.NEW and d.code == f"SQ202204{d.pk:05d}"
    with time_machine.travel(at("2022-04-01", 11)):
        d = services.assign(d, p["analyst"], dept("C01"), [town_dept()], version=d.version)
    assert d.status == S.ASSIGNED
    assert d.due_at == at("2022-04-07")  # 3 working days from receipt across 清明
    d = services.pause(d, p["town"], "请补充运输车辆信息", version=d.version, at=at("2022-04-06"))
    d = services.resume(d, p["reporter"], "已补充", version=d.version, at=at("2022-04-07"))
    assert d.due_at == at("2022-04-08")  # the paused working day moved the deadline
    assert d.paused_seconds == 86_400
    d = services.resolve(d, p["town"], "已协调通行证", version=d.version, at=at("2022-04-07", 15))
    d = services.confirm(d, p["reporter"], 5, "很及时", version=d.version)
    assert d.status == S.CLOSED and d.rating == 5
    kinds = list(d.steps.values_list("kind", flat=True))
    assert kinds == ["raised", "assigned", "paused", "resumed", "resolved", "confirmed"]
    assert AuditEntry.objects.filter(object_type="services.demand", action="services.confirm").exists()
    assert Notice.objects.filter(enterprise=e, kind="task").exists()  # pause and resolve told the enterprise


def test_only_the_enterprise_closes_a_demand(cast):
    e, p = cast
    d = raise_one(cast)
    d = services.assign(d, p["analyst"], dept("C01"), version=d.version)
    d = services.resolve(d, p["analyst"], "已办", version=d.version)
    for who in ("analyst", "town", "leader"):
        with pytest.raises(PermissionDenied):
            services.confirm(d, p[who], 5, version=d.version)
    d = services.reject(d, p["reporter"], "车辆仍不能进园", version=d.version)
    assert d.status == S.ASSIGNED and d.resolved_at is None


def test_a_double_click_applies_once(cast):
    e, p = cast
    d = raise_one(cast)
    loaded = d.version
    services.assign(d, p["analyst"], dept("C01"), version=loaded)
    with pytest.raises(services.ConflictError):
        services.assign(d, p["analyst"], dept("C01"), version=loaded)
    assert d.assignments.filter(active=True).count() == 1


def test_a_repeated_form_token_raises_one_demand(cast):
    first = raise_one(cast, token="tok-1")
    second = raise_one(cast, token="tok-1")
    assert first.pk == second.pk and Demand.objects.count() == 1


def test_objection_within_one_working_day_then_final(cast):
    e, p = cast
    d = raise_one(cast)
    d = services.assign(d, p["analyst"], town_dept(), version=d.version, at=at("2022-04-01", 11))
    with pytest.raises(services.DomainError, match="异议期限"):
        services.object_to_assignment(d, p["town"], "不属我镇职责", version=d.version, at=at("2022-04-06", 12))
    d = services.object_to_assignment(d, p["town"], "不属我镇职责", version=d.version, at=at("2022-04-02", 9))
    assert d.status == S.NEW
    d = services.assign(d, p["analyst"], town_dept(), version=d.version, at=at("2022-04-02", 10))
    with pytest.raises(services.DomainError, match="最终决定"):
        services.object_to_assignment(d, p["town"], "仍有异议", version=d.version, at=at("2022-04-02", 11))


def test_extension_must_be_asked_a_working_day_before_the_deadline(cast):
    e, p = cast
    d = raise_one(cast)
    d = services.assign(d, p["analyst"], dept("C01"), version=d.version, at=at("2022-04-01", 11))
    with pytest.raises(services.DomainError, match="至少1个工作日"):
        services.request_extension(d, p["analyst"], 2, "协调中", version=d.version, at=at("2022-04-06", 12))
    d = services.request_extension(d, p["analyst"], 2, "需市级协调", version=d.version, at=at("2022-04-02", 10))
    d = services.decide_extension(d, p["admin"], True, version=d.version)
    assert d.extension_days == 2 and d.due_at == at("2022-04-11")


def test_overdue_demands_escalate_once_and_reach_the_leaders(cast):
    e, p = cast
    d = raise_one(cast)
    services.assign(d, p["analyst"], dept("C01"), version=d.version, at=at("2022-04-01", 11))
    assert services.escalate_overdue(now=at("2022-04-06")) == 0
    assert services.escalate_overdue(now=at("2022-04-08")) == 1
    assert services.escalate_overdue(now=at("2022-04-09")) == 0
    assert DemandStep.objects.filter(kind="escalated").count() == 1
    assert Notice.objects.unread_by(p["leader"]).filter(kind="alert").count() == 1


def test_town_officer_handles_only_their_towns_demands(cast):
    e, p = cast
    d = raise_one(cast)
    d = services.assign(d, p["analyst"], dept("C01"), version=d.version)
    services.add_note(d, p["town"], "已联系企业", version=d.version)  # the enterprise is in 荆河街道
    with pytest.raises(PermissionDenied):
        services.add_note(d, p["outsider"], "越权", version=d.version + 1)


def test_anonymous_demand_hidden_from_town_and_revealed_only_by_admin(cast):
    e, p = cast
    d = raise_one(cast, anonymous=True)
    assert not Demand.objects.for_user(p["town"]).filter(pk=d.pk).exists()
    assert Demand.objects.for_user(p["reporter"]).filter(pk=d.pk).exists()
    with pytest.raises(PermissionDenied):
        services.reveal(d, p["analyst"])
    assert services.reveal(d, p["admin"]) == e
    assert AuditEntry.objects.filter(action="services.reveal", object_id=str(d.pk)).exists()


def test_only_the_enterprise_raises_anonymously(cast):
    e, p = cast
    with pytest.raises(services.DomainError, match="匿名"):
        services.raise_demand(p["analyst"], e, category="other", title="t", description="d", tier=tier(),
                              channel="town", anonymous=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_identical_requests_have_one_effect():
    e = make_enterprise()
    reporter = make_user("race_rep", Role.ENTERPRISE, enterprise=e)
    analyst = make_user("race_an", Role.BUREAU_STAFF)
    results = []

    def run(fn):
        try:
            results.append(fn())
        except services.DomainError as err:
            results.append(err)
        finally:
            connection.close()

    def parallel(fn):
        results.clear()
        threads = [threading.Thread(target=run, args=(fn,)) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return list(results)

    parallel(lambda: services.raise_demand(reporter, e, category="labour", title="缺工", description="d", tier=tier(),
                                           token="same-token"))
    assert Demand.objects.count() == 1
    d = Demand.objects.get()
    out = parallel(lambda: services.assign(Demand.objects.get(pk=d.pk), analyst, dept("C02"), version=d.version))
    assert sum(isinstance(r, Demand) for r in out) == 1
    assert d.assignments.filter(active=True).count() == 1
    assert DemandStep.objects.filter(demand=d, kind="assigned").count() == 1
    # Different demands raised at once all get their own code.
    parallel(lambda: services.raise_demand(reporter, e, category="labour", title="缺工", description="d", tier=tier()))
    codes = list(Demand.objects.values_list("code", flat=True))
    assert len(codes) == 21 and len(set(codes)) == 21
    assert dt.date.today()  # clock untouched


def test_a_rating_note_longer_than_its_column_is_refused_whole_not_cut(cast):
    e, p = cast
    d = raise_one(cast)
    d = services.assign(d, p["analyst"], dept("C01"), [town_dept()], version=d.version)
    d = services.resolve(d, p["town"], "已协调", version=d.version)
    with pytest.raises(services.DomainError, match="评价意见最多300个字，收到301个字"):
        services.confirm(d, p["reporter"], 5, "很" * 301, version=d.version)
    d.refresh_from_db()
    assert d.status == S.RESOLVED and d.rating_note == ""  # nothing written
    assert services.confirm(d, p["reporter"], 5, "很" * 300, version=d.version).rating_note == "很" * 300
