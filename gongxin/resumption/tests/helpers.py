"""Plain helpers for the resumption tests."""

import datetime as dt

from django.utils import timezone

from gongxin.emergencies.models import Event, Phase
from gongxin.resumption.models import Condition, StatusEntry

# The day the tests' dates are relative to, taken once (conftest's `same_day` keeps a run on it).
TODAY = timezone.localdate()


def make_event(code="test-covid", started_on=None, ended_on=None, **fields):
    """An epidemic event (active from ten days ago, open-ended, by default)."""
    start = started_on or timezone.localdate() - dt.timedelta(days=10)
    event = Event.objects.create(code=code, name=fields.pop("name", "测试疫情"), kind=Event.Kind.EPIDEMIC,
                                 started_on=start, ended_on=ended_on, **fields)
    Phase.objects.create(event=event, name="有序复工复产", starts_on=start, order=0)
    return event


def entry(event, enterprise, status, day, **fields):
    return StatusEntry.objects.create(event=event, enterprise=enterprise, status=status, effective_on=day,
                                      recorded_by_name="测试", **fields)


def checklist(event):
    """The usual checklist: a plan (text), a commitment (check), the staff list, supplies ≥ 7 days."""
    return [
        Condition.objects.create(event=event, code="plan", name="疫情防控方案（一企一案）", kind=Condition.Kind.TEXT, order=1),
        Condition.objects.create(event=event, code="commitment", name="复工复产承诺书", kind=Condition.Kind.CHECK,
                                 order=2),
        Condition.objects.create(event=event, code="staff", name="返岗人员名单", kind=Condition.Kind.LIST, order=3),
        Condition.objects.create(event=event, code="supplies", name="防疫物资储备天数", kind=Condition.Kind.NUMBER,
                                 min_value=7, unit="天", order=4),
    ]


GOOD_ANSWERS = {"plan": "成立防控专班，分区作业", "commitment": "on", "staff": "张三\n李四", "supplies": "10"}
