"""Plain helpers for the reserves tests."""

import datetime as dt

from gongxin.accounts.models import Role
from gongxin.emergencies.models import Event
from gongxin.reserves import services
from gongxin.reserves.models import Material, ReserveStandard, Warehouse
from gongxin.testing import make_user

DAY = dt.date(2022, 3, 15)


def make_event():
    return Event.objects.create(code="t-covid", name="测试疫情", kind=Event.Kind.EPIDEMIC, started_on=dt.date(2022, 3, 1))


def make_material(code="FH01", name="一次性医用防护服", category="protective", unit="件", peak=None, **fields):
    m = Material.objects.create(code=code, name=name, category=category, unit=unit, **fields)
    if peak:
        ReserveStandard.objects.create(material=m, peak_monthly=peak, months=3, min_months=1, window_days=30)
    return m


def make_warehouse(code="ZB", name="县应急物资储备库", **fields):
    return Warehouse.objects.create(code=code, name=name, **fields)


def staff(username="keeper"):
    return make_user(username, Role.BUREAU_STAFF)


def stock(user, warehouse, material, qty, batch="B1", day=DAY, expires_on=None):
    """Receive `qty` into `warehouse`; returns the balance row."""
    m = services.receive(user, warehouse=warehouse, material=material, batch=batch, qty=qty, day=day,
                         expires_on=expires_on, reason="donation")
    return m.lot.balances.get(warehouse=warehouse)
