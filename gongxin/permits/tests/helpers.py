"""Plain helpers for the permits tests."""

import datetime as dt
import uuid

from django.utils import timezone

from gongxin.emergencies.models import Event
from gongxin.lib.idcard import make_id_number

from .. import services
from ..models import Checkpoint, Permit, PermitPerson

DRIVER_ID = make_id_number("320311", "19800512", 37)
PASSENGER_ID = make_id_number("370481", "19900101", 12)


def make_event(code="2022-covid"):
    today = timezone.localdate()
    return Event.objects.create(code=code, name="疫情防控（测试）", kind=Event.Kind.EPIDEMIC,
                                started_on=today - dt.timedelta(days=30))


def make_checkpoint(event, code="jt-north", name="京台高速滕州北收费站", transfer=False):
    return Checkpoint.objects.create(event=event, code=code, name=name, is_transfer_point=transfer)


def fields(**changes):
    now = timezone.now()
    values = {"plate": "苏C12345", "vehicle_type": "重型货车", "kind": Permit.Kind.DIRECT, "origin_code": "320311",
              "origin_name": "江苏省徐州市泉山区", "dest_address": "荆河街道工业园1号", "cargo": "钢材", "urgency": 2,
              "purpose": "生产原料", "window_start": now - dt.timedelta(hours=1), "window_end": now + dt.timedelta(hours=23),
              "route": "京台高速—滕州北收费站—企业"}
    values.update(changes)
    return values


def people(two=True):
    sampled = timezone.now() - dt.timedelta(hours=10)
    rows = [{"name": "王建国", "id_number": DRIVER_ID, "phone": "13912345678", "test_sampled_at": sampled,
             "role": "driver"}]
    if two:
        rows.append({"name": "李伟", "id_number": PASSENGER_ID, "phone": "13812345678", "test_sampled_at": sampled,
                     "role": "passenger"})
    return rows


def make_permit(reporter, enterprise, event, approver=None, two=True, **changes):
    """A permit applied by `reporter`; approved by `approver` when given."""
    permit = services.apply(reporter, enterprise, event, fields(**changes), people(two))
    if approver is not None:
        permit = services.approve(approver, permit)
    return permit


def good_checks(permit, override=None):
    """四查一测 results that pass for everyone aboard; override={order: {code: value}}."""
    sampled = (timezone.now() - dt.timedelta(hours=20)).isoformat()
    rows = []
    for person in PermitPerson.objects.filter(permit=permit):
        results = {"health_code": "绿码", "trip_code": "未途经中高风险地区", "contact_code": "无风险", "nat": sampled,
                   "temperature": "36.5"}
        results.update((override or {}).get(person.order, {}))
        rows.append({"order": person.order, "results": results})
    return rows


def inspect(user, permit, checkpoint, direction="entry", token=None, **kwargs):
    kwargs.setdefault("people_results", good_checks(permit) if direction != "exit" else [])
    kwargs.setdefault("client_id", uuid.uuid4().hex)
    return services.record_inspection(user, token=token or services.token_for(permit), checkpoint=checkpoint,
                                      direction=direction, **kwargs)
