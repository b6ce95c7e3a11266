"""Twenty threads doing the same thing at once → exactly one effect (PostgreSQL, real row locks)."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection, connections

from gongxin.reserves import services
from gongxin.reserves.models import CallOff, CapacityContract, Dispatch, Movement, Purchase
from gongxin.testing import make_enterprise

from .utils import DAY, make_event, make_material, make_warehouse, staff, stock

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(work, n=20):
    """Run `work()` in n threads started together; returns how many succeeded."""
    done, barrier = [], threading.Barrier(n)

    def run():
        try:
            barrier.wait()
            work()
            done.append(True)
        except (services.ReservesError, PermissionDenied):
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(done)


def test_twenty_approvals_of_one_request_reserve_once():
    user, wh, mat = staff(), make_warehouse(), make_material()
    stock(user, wh, mat, 100)
    d = services.create_dispatch(user, event=make_event(), unit_kind="hospital", unit_name="医院", lines={mat: 10},
                                 day=DAY)
    assert race(lambda: services.approve_dispatch(user, d, day=DAY)) == 1
    assert mat.balances.get().reserved == 10
    assert race(lambda: services.ship_dispatch(user, d, day=DAY)) == 1
    assert Movement.objects.filter(reason="dispatch").count() == 1
    line = d.lines.get()
    assert race(lambda: services.confirm_receipt(user, d, day=DAY, received={line.pk: 10}, name="李")) == 1
    assert Dispatch.objects.get(pk=d.pk).version == 4
    call_command("reserves_check", stdout=io.StringIO())


def test_twenty_deliveries_of_a_calloffs_remainder_enter_once():
    user, wh, mat = staff(), make_warehouse(), make_material()
    c = CapacityContract.objects.create(number="BZ-R", enterprise=make_enterprise(), material=mat, daily_capacity=10,
                                        guaranteed_qty=1000, guarantee_days=10, starts_on=dt.date(2022, 1, 1),
                                        ends_on=dt.date(2022, 12, 31))
    co = services.create_calloff(user, c, qty=50, day=DAY, warehouse=wh)
    assert race(lambda: services.deliver_calloff(user, co, qty=50, day=DAY, batch="CN")) == 1
    assert CallOff.objects.get(pk=co.pk).delivered == 50 and mat.balances.get().on_hand == 50
    # Twenty call-offs of the whole remaining guarantee: one is placed.
    assert race(lambda: services.create_calloff(user, c, qty=950, day=DAY, warehouse=wh)) == 1
    call_command("reserves_check", stdout=io.StringIO())


def test_twenty_approvals_and_full_deliveries_of_a_purchase_apply_once():
    author, chief, wh, mat = staff("a"), staff("b"), make_warehouse(), make_material()
    p = services.create_purchase(author, event=make_event(), supplier="甲", day=DAY, lines=[(mat, 30, "2")])
    assert race(lambda: services.approve_purchase(chief, p)) == 1
    line = p.lines.get()
    assert race(lambda: services.deliver_purchase(author, line, qty=30, day=DAY, warehouse=wh, batch="P")) == 1
    assert Purchase.objects.get(pk=p.pk).status == Purchase.Status.COMPLETED
    assert race(lambda: services.record_payment(author, purchase=p, amount=Decimal("60"), day=DAY,
                                                voucher="PZ"), n=1) == 1
    call_command("reserves_check", stdout=io.StringIO())


def test_twenty_reversals_of_one_entry_reverse_once():
    user, wh, mat = staff(), make_warehouse(), make_material()
    stock(user, wh, mat, 10)
    receipt = Movement.objects.get()
    assert race(lambda: services.reverse_movement(user, receipt, "录错")) == 1
    assert mat.balances.get().on_hand == 0
    call_command("reserves_check", stdout=io.StringIO())
