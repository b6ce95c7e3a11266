import datetime as dt
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, connections

from gongxin.accounts.models import Role
from gongxin.reserves import services, stats
from gongxin.reserves.models import Balance, Dispatch, Movement, Pick
from gongxin.testing import make_enterprise, make_user, town

from .utils import DAY, make_event, make_material, make_warehouse, staff, stock

pytestmark = pytest.mark.django_db
# Row locks are real on PostgreSQL only (SQLite serialises writers anyway); the race tests run there.
ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.fixture
def world():
    user, wh, mat = staff(), make_warehouse(), make_material(peak=100)
    return {"user": user, "wh": wh, "mat": mat, "event": make_event()}


def request(w, qty, user=None, **kw):
    kw.setdefault("town", town("荆河街道"))
    return services.create_dispatch(user or w["user"], event=w["event"], unit_kind="hospital", unit_name="县人民医院",
                                    lines={w["mat"]: qty}, day=DAY, **kw)


def test_approval_reserves_first_expiring_lot_first_and_skips_expired(world):
    w = world
    stock(w["user"], w["wh"], w["mat"], 50, batch="LATE", expires_on=dt.date(2024, 1, 1))
    stock(w["user"], w["wh"], w["mat"], 30, batch="SOON", expires_on=dt.date(2022, 6, 1))
    stock(w["user"], w["wh"], w["mat"], 40, batch="GONE", day=dt.date(2022, 3, 1), expires_on=dt.date(2022, 3, 10))
    d = services.approve_dispatch(w["user"], request(w, 60), day=DAY)
    picks = [(p.balance.lot.batch, p.quantity) for p in Pick.objects.order_by("id")]
    assert picks == [("SOON", 30), ("LATE", 30)]
    assert d.status == Dispatch.Status.APPROVED
    row = {r.material.code: r for r in stats.materials(DAY)}["FH01"]
    assert (row.on_hand, row.reserved, row.available, row.expired) == (80, 60, 20, 40)


def test_reserved_stock_cannot_be_written_off(world):
    w = world
    b = stock(w["user"], w["wh"], w["mat"], 10)
    services.approve_dispatch(w["user"], request(w, 8), day=DAY)
    with pytest.raises(services.ReservesError, match="已预留8"):
        services.issue(w["user"], balance=b, qty=5, day=DAY, reason="write_off", note="破损")


def test_short_stock_is_refused_unless_partial_then_the_rest_is_called_off(world):
    w = world
    stock(w["user"], w["wh"], w["mat"], 10)
    d = request(w, 25)
    with pytest.raises(services.ReservesError, match="缺15件"):
        services.approve_dispatch(w["user"], d, day=DAY)
    assert not Pick.objects.exists() and Balance.objects.get().reserved == 0
    d = services.approve_dispatch(w["user"], d, day=DAY, allow_partial=True)
    assert d.lines.get().approved == 10


def test_full_flow_ship_and_partial_receipt_through_the_ledger(world):
    w = world
    stock(w["user"], w["wh"], w["mat"], 100)
    d = services.approve_dispatch(w["user"], request(w, 40), day=DAY)
    before = {r.material.code: r for r in stats.materials(DAY)}["FH01"].coverage_pct
    d = services.ship_dispatch(w["user"], d, day=DAY, vehicle="鲁D12345")
    m = Movement.objects.get(reason="dispatch")
    assert m.quantity == -40 and m.pick_id
    b = Balance.objects.get()
    assert (b.on_hand, b.reserved) == (60, 0)
    line = d.lines.get()
    officer = make_user("town_r", Role.TOWN_OFFICER, region="荆河街道")
    d = services.confirm_receipt(officer, d, day=DAY, received={line.pk: 38}, name="李医生")
    assert d.status == Dispatch.Status.RECEIVED and d.lines.get().received == 38
    # Coverage counts available stock: reserved already did not count, shipping leaves it unchanged.
    assert {r.material.code: r for r in stats.materials(DAY)}["FH01"].coverage_pct == before == 20
    with pytest.raises(services.ReservesError, match="不能签收"):
        services.confirm_receipt(officer, d, day=DAY, received={}, name="李医生")
    call_command("reserves_check", stdout=io.StringIO())


def test_only_the_requesting_unit_or_the_bureau_confirms_receipt(world):
    w = world
    stock(w["user"], w["wh"], w["mat"], 10)
    d = services.approve_dispatch(w["user"], request(w, 5), day=DAY)
    d = services.ship_dispatch(w["user"], d, day=DAY)
    outsider = make_user("town_x", Role.TOWN_OFFICER, region="龙泉街道")
    with pytest.raises(PermissionDenied):
        services.confirm_receipt(outsider, d, day=DAY, received={}, name="某人")


def test_town_officer_requests_only_for_own_town_and_enterprise_for_itself(world):
    w = world
    officer = make_user("town_q", Role.TOWN_OFFICER, region="荆河街道")
    assert request(w, 5, user=officer).town.name == "荆河街道"
    with pytest.raises(PermissionDenied):
        request(w, 5, user=officer, town=town("龙泉街道"))
    e = make_enterprise()
    reporter = make_user("rep_q", Role.ENTERPRISE, enterprise=e)
    d = request(w, 5, user=reporter, town=None, enterprise=e)
    assert (d.enterprise, d.town) == (e, e.town)
    with pytest.raises(PermissionDenied):
        services.approve_dispatch(officer, d, day=DAY)


def test_stale_version_and_wrong_state_are_refused(world):
    w = world
    stock(w["user"], w["wh"], w["mat"], 10)
    d = request(w, 5)
    services.approve_dispatch(w["user"], d, day=DAY, version=1)
    with pytest.raises(services.ConflictError):
        services.ship_dispatch(w["user"], d, day=DAY, version=1)
    with pytest.raises(services.ReservesError, match="不能审批"):
        services.approve_dispatch(w["user"], d, day=DAY)


@ON_POSTGRES
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_dispatches_of_the_last_ten_units_ship_exactly_ten():
    user, wh, mat, event = staff(), make_warehouse(), make_material(), make_event()
    stock(user, wh, mat, 10)
    requests = [services.create_dispatch(user, event=event, unit_kind="hospital", unit_name=f"医院{i}",
                                         lines={mat: 1}, day=DAY) for i in range(20)]
    results, barrier = [], threading.Barrier(20)

    def run(d):
        try:
            barrier.wait()
            services.approve_dispatch(user, d, day=DAY)
            services.ship_dispatch(user, d, day=DAY)
            results.append("ok")
        except services.ReservesError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(d,)) for d in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 10 and results.count("refused") == 10
    b = Balance.objects.get()
    assert (b.on_hand, b.reserved) == (0, 0)
    assert Movement.objects.filter(reason="dispatch").count() == 10
    assert Dispatch.objects.filter(status=Dispatch.Status.SHIPPED).count() == 10
    call_command("reserves_check", stdout=io.StringIO())


@ON_POSTGRES
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_write_offs_of_ten_units_take_exactly_ten():
    user, wh, mat = staff(), make_warehouse(), make_material()
    b = stock(user, wh, mat, 10)
    results, barrier = [], threading.Barrier(20)

    def run():
        try:
            barrier.wait()
            services.issue(user, balance=b, qty=1, day=DAY, reason="write_off", note="过期报废")
            results.append("ok")
        except services.ReservesError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 10
    assert Balance.objects.get().on_hand == 0
    assert len(set(Movement.objects.values_list("doc_no", flat=True))) == 11
    call_command("reserves_check", stdout=io.StringIO())


def test_text_longer_than_its_column_is_refused_whole_and_nothing_is_written(world):
    w = world
    with pytest.raises(services.ReservesError, match="用途最多200个字，收到201个字"):
        request(w, 5, purpose="救" * 201)
    assert not Dispatch.objects.exists()
    with pytest.raises(services.ReservesError, match="批号最多40个字"):
        stock(w["user"], w["wh"], w["mat"], 10, batch="B" * 41)
    assert not Movement.objects.exists() and not Balance.objects.exists()
    stock(w["user"], w["wh"], w["mat"], 10)
    d = request(w, 5, purpose="救" * 200)
    assert d.purpose == "救" * 200  # what fits is kept whole
    with pytest.raises(services.ReservesError, match="不予批准的理由最多200个字"):
        services.reject_dispatch(w["user"], d, reason="否" * 201)
    d.refresh_from_db()
    assert d.status == Dispatch.Status.REQUESTED and d.note == ""
