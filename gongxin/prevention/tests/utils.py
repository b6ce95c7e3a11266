"""Plain helpers for the prevention tests."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongxin.emergencies.models import Event
from gongxin.prevention import services
from gongxin.prevention.models import ChecklistItem, InspectionTemplate, TemplateItem, TestingRegime
from gongxin.testing import make_enterprise, personas

DAY = dt.date(2022, 3, 20)


def make_event(code="test-covid", **fields):
    fields = {"name": "测试疫情防控", "kind": Event.Kind.EPIDEMIC, "started_on": dt.date(2022, 3, 13), **fields}
    return Event.objects.create(code=code, **fields)


def cast():
    """An event; an enterprise of 荆河街道 (`e`) and one of 龙泉街道 (`other`); the usual personas."""
    e = make_enterprise("滕州防控测试机械有限公司", town_name="荆河街道")
    other = make_enterprise("滕州龙泉测试化工有限公司", town_name="龙泉街道")
    p = personas(e, other)
    event = make_event()
    ChecklistItem.objects.create(event=event, name="封闭区域划定与出入管控", order=0)
    ChecklistItem.objects.create(event=event, name="集中住宿安排", order=1)
    return event, e, other, p


REG_DATA = {"starts_on": DAY, "ends_on": dt.date(2022, 4, 17), "workers_inside": 120, "dormitory": "厂区宿舍",
            "catering": "食堂分餐", "supplies_days": 14, "testing_capability": "每7天全员检测",
            "responsible_name": "王强", "responsible_phone": "13800000000"}


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def register(user, event, enterprise, **data):
    """Registered on DAY (so figures as of later 2022 days count it)."""
    return services.register(user, event, enterprise, {**REG_DATA, **data}, at=at(DAY))


def approved(event, enterprise, officer, **data):
    reg = register(officer, event, enterprise, **data)
    return services.approve_registration(officer, reg, reg.version, at=at(DAY, 15))


def template():
    t, created = InspectionTemplate.objects.get_or_create(name="封闭生产督导检查表")
    if not created:
        return t
    TemplateItem.objects.create(template=t, category="封闭管理", text="出入口专人值守", order=0)
    TemplateItem.objects.create(template=t, category="防护措施", text="消杀记录完整", order=1)
    return t


def finding(event, enterprise, officer, deadline=dt.date(2022, 3, 28)):
    inspection = services.record_inspection(officer, event, enterprise, template(), day=DAY, team="荆河街道督导组",
                                            findings=[{"description": "消杀记录不全", "severity": "minor",
                                                       "deadline": deadline}])
    return inspection.findings.get()


def jpeg(name="photo.jpg", size=(32, 24)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    return buf.getvalue()


def weekly(event, **fields):
    fields = {"name": "每7天全员核酸检测", "every_days": 7, "sample_pct": 100, "pool_size": 10,
              "starts_on": dt.date(2022, 3, 21), "ends_on": dt.date(2022, 4, 3), **fields}
    return TestingRegime.objects.create(event=event, **fields)
