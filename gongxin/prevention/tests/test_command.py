"""`gongxin prevention --event CODE [--date] --format json|table`, and the demo county."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongxin.prevention import services

from .utils import approved, cast, finding, jpeg, register, weekly

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("prevention", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_issues_keys(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event, e, other, p = cast()
    approved(event, e, p["town"])
    register(p["analyst"], event, other)
    f = finding(event, e, p["town"])
    services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    regime = weekly(event)
    services.record_round(p["town"], regime, e, day=dt.date(2022, 3, 29), headcount=120, tested=100, tubes=10)
    services.publish_notice(p["analyst"], event, title="紧急通知", issuer="工信局")
    data = json.loads(run("--event", event.code, "--format", "json"))
    assert list(data) == ["event", "date", "closed_loop", "findings", "testing", "notices"]
    assert data["closed_loop"] == {"enterprises": 2, "approved": 1, "pending": 1}
    assert data["findings"] == {"open": 0, "rectified": 1, "verified": 0, "overdue": 0}
    assert data["testing"] == {"required": 240, "tested": 100, "coverage_pct": "41.7", "missed_enterprises": 1}
    assert data["notices"] == [{"title": "紧急通知", "targets": 2, "read": 0, "unread": 2}]
    early = json.loads(run("--event", event.code, "--date", "2022-03-19"))
    assert early["date"] == "2022-03-19" and early["closed_loop"]["enterprises"] == 0
    assert "封闭生产企业 2 家" in run("--event", event.code, "--format", "table")


def test_bad_arguments_say_so():
    with pytest.raises(CommandError, match="没有代码"):
        run("--event", "nope")
    cast()
    with pytest.raises(CommandError, match="格式不对"):
        run("--event", "test-covid", "--date", "2022-13-01")


def test_demo_has_55_key_enterprises_and_the_articles_notices():
    from gongxin.analysis import stats as analysis
    from gongxin.prevention.models import Finding, Registration, TestingRound

    call_command("load_demo", "--force", stdout=io.StringIO())  # (--reset drops services' seeded tiers on main)
    data = json.loads(run("--event", "2022-covid"))
    assert data["closed_loop"]["enterprises"] == 55
    assert data["findings"]["verified"] >= 3
    assert data["testing"]["missed_enterprises"] == 1
    assert [n["title"] for n in data["notices"]] == [
        "关于从严从真从实从快做好工业企业疫情防控工作保障正常生产经营的紧急通知", "新冠肺炎疫情防控基本常识问答"]
    assert all(0 < n["read"] < n["targets"] == 312 for n in data["notices"])
    key = set(Registration.objects.values_list("enterprise_id", flat=True))
    tiers = analysis.enterprise_tiers(2022)
    assert all(e in tiers or Registration.objects.filter(enterprise_id=e, enterprise__groups__name="防疫物资生产企业")
               .exists() for e in key)
    assert Registration.objects.filter(history__reason="批准后数据变更，重新审核").count() == 1
    assert TestingRound.objects.filter(tested__lt=models_f("required")).count() >= 1
    assert Finding.objects.filter(steps__evidence__content_type="image/jpeg", status="verified").exists()


def models_f(name):
    from django.db.models import F

    return F(name)
