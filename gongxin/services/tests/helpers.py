"""Plain helpers for the services tests."""

import datetime as dt

from django.utils import timezone

from gongxin.services.models import Department, Tier


def at(day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute)))


def tier(code="normal"):
    return Tier.objects.get(code=code)


def dept(code):
    return Department.objects.get(code=code)


def town_dept(name="荆河街道"):
    return Department.objects.get(kind="town", region__name=name)
