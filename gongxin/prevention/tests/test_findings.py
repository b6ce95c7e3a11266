"""Inspections and rectification: open → rectified (with a photo) → verified, each step in the
timeline and the audit log; rejection with a reason; uploads checked by content and size;
overdue findings on the workbench with the page's count."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.accounts.audit import entries_for
from gongxin.prevention import files, services
from gongxin.prevention.models import Evidence, Finding, FindingStep
from gongxin.prevention.panels import work_items

from .utils import cast, finding, jpeg, png_bytes

pytestmark = pytest.mark.django_db
FS = Finding.Status


@pytest.fixture
def c(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return cast()


def test_a_finding_goes_open_rectified_verified_with_timeline_and_audit(c):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    assert f.status == FS.OPEN
    f = services.rectify(p["reporter"], f, f.version, "已补齐消杀记录", [jpeg()])
    assert f.status == FS.RECTIFIED
    evidence = Evidence.objects.get(step__finding=f)
    assert evidence.content_type == "image/jpeg" and evidence.file.name.startswith("prevention/evidence/")
    f = services.verify(p["town"], f, f.version, "现场复核到位")
    assert f.status == FS.VERIFIED
    assert [(s.action, s.actor) for s in f.steps.all()] == [("opened", "town1"), ("rectified", "reporter1"),
                                                            ("verified", "town1")]
    assert [a.action for a in entries_for(f)][::-1] == ["prevention.finding", "prevention.rectify", "prevention.verify"]


def test_the_inspector_rejects_with_a_reason_and_the_finding_reopens(c):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    f = services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    with pytest.raises(services.DomainError, match="原因"):
        services.reject(p["town"], f, f.version, "")
    f = services.reject(p["town"], f, f.version, "照片看不清消杀记录")
    assert f.status == FS.OPEN and f.steps.last().note == "照片看不清消杀记录"


def test_verify_needs_a_rectification_first(c):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    with pytest.raises(services.DomainError, match="待整改"):
        services.verify(p["town"], f, f.version)


def test_who_may_rectify_and_verify(c):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    for who in ("other_reporter", "leader", "outsider", "nobody"):
        with pytest.raises(PermissionDenied):
            services.rectify(p[who], f, f.version, "x", [jpeg()])
    f = services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    for who in ("reporter", "other_reporter", "leader", "outsider"):
        with pytest.raises(PermissionDenied):
            services.verify(p[who], f, f.version)


def test_upload_refuses_a_non_image_renamed_jpg(c):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    fake = SimpleUploadedFile("photo.jpg", b"this is not a photo at all", content_type="image/jpeg")
    with pytest.raises(files.UploadRefused, match="不是有效的图片"):
        services.rectify(p["reporter"], f, f.version, "已整改", [fake])
    png_as_jpg = SimpleUploadedFile("photo.jpg", png_bytes(), content_type="image/jpeg")
    with pytest.raises(files.UploadRefused, match="与扩展名不符"):
        services.rectify(p["reporter"], f, f.version, "已整改", [png_as_jpg])
    f.refresh_from_db()
    assert f.status == FS.OPEN and not FindingStep.objects.filter(finding=f, action="rectified").exists()


def test_upload_refuses_an_oversized_file_and_other_types(c, monkeypatch):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    monkeypatch.setattr(files, "MAX_EVIDENCE_BYTES", 1024)
    big = jpeg(size=(600, 600))
    assert big.size > 1024
    with pytest.raises(files.UploadRefused, match="超过1KB|超过"):
        services.rectify(p["reporter"], f, f.version, "已整改", [big])
    assert not Evidence.objects.exists()
    with pytest.raises(files.UploadRefused, match="不支持"):
        files.check_upload(SimpleUploadedFile("run.exe", b"MZ..."))
    with pytest.raises(files.UploadRefused, match="不符"):
        files.check_upload(SimpleUploadedFile("report.pdf", b"<html>"))
    assert files.check_upload(SimpleUploadedFile("report.pdf", b"%PDF-1.7 ...")) == "application/pdf"


def test_the_rectify_page_refuses_a_fake_photo_and_writes_nothing(c, client):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    client.force_login(p["reporter"])
    fake = SimpleUploadedFile("现场.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    response = client.post(f"/prevention/findings/{f.pk}/rectify/", {"note": "已整改", "version": f.version,
                                                                       "files": [fake]})
    assert response.status_code == 400
    assert "不是有效的图片文件" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_rectify_page_stores_a_real_photo_and_shows_it_in_the_timeline(c, client):
    event, e, _, p = c
    f = finding(event, e, p["town"])
    client.force_login(p["reporter"])
    response = client.post(f"/prevention/findings/{f.pk}/rectify/", {"note": "已整改", "version": f.version,
                                                                       "files": [jpeg()]}, follow=True)
    html = response.content.decode()
    assert "已报告整改" in html and 'data-step="rectified"' in html
    ev = Evidence.objects.get()
    assert f"/prevention/evidence/{ev.pk}/" in html
    assert client.get(f"/prevention/evidence/{ev.pk}/").status_code == 200
    client.force_login(p["other_reporter"])
    assert client.get(f"/prevention/evidence/{ev.pk}/").status_code == 404


def test_overdue_findings_on_the_workbench_match_the_page(c, rf, client):
    event, e, other, p = c
    finding(event, e, p["town"], deadline=dt.date(2022, 3, 25))
    finding(event, other, p["analyst"], deadline=dt.date(2022, 3, 25))
    request = rf.get("/")
    request.user = p["town"]
    [item] = [i for i in work_items(request) if i.title == "逾期未整改问题"]
    assert item.count == 1
    client.force_login(p["town"])
    html = client.get(item.url).content.decode()
    assert '<span data-total>1</span>' in html
    request.user = p["analyst"]
    [item] = [i for i in work_items(request) if i.title == "逾期未整改问题"]
    assert item.count == 2
    request.user = p["reporter"]
    [item] = [i for i in work_items(request) if i.title == "待整改问题"]
    assert item.count == 1


def test_inspection_form_posted_twice_records_once(c, client):
    from .utils import template

    event, e, _, p = c
    t = template()
    from gongxin.prevention.models import Registration

    Registration.objects.create(event=event, enterprise=e, starts_on=dt.date(2022, 3, 20), workers_inside=10,
                                dormitory="x", catering="x", supplies_days=7, responsible_name="x",
                                responsible_phone="1")
    client.force_login(p["town"])
    data = {"enterprise": e.pk, "day": "2022-03-22", "team": "荆河街道督导组", "finding": "未登记外来车辆",
            "severity": "major", "deadline": "2022-03-25", "token": "abc123",
            **{f"item_{i.pk}": "problem" for i in t.items.all()}}
    first = client.post(f"/prevention/inspections/new/?event={event.code}", data)
    second = client.post(f"/prevention/inspections/new/?event={event.code}", data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Finding.objects.count() == 1


def test_daily_summary_counts_by_cutoff(c):
    from django.utils import timezone

    from gongxin.prevention import stats

    event, e, _, p = c
    f = finding(event, e, p["town"])
    services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    today = timezone.localdate()
    s = stats.daily_summary(event, today, dt.time(23, 59))
    assert (s["opened"], s["rectified"], s["verified"]) == (1, 1, 0)
    s = stats.daily_summary(event, today - dt.timedelta(days=3), dt.time(17, 0))
    assert s["opened"] == 0


def test_text_longer_than_its_column_is_refused_and_nothing_is_written(c):
    from gongxin.prevention.models import Inspection

    from .utils import template

    event, e, _, p = c
    with pytest.raises(services.DomainError, match="问题描述最多300个字，收到301个字"):
        services.record_inspection(p["town"], event, e, template(), day=dt.date(2022, 3, 20), team="督导组",
                                   findings=[{"description": "缺" * 301, "severity": "minor",
                                              "deadline": dt.date(2022, 3, 28)}])
    assert not Inspection.objects.exists() and not Finding.objects.exists()  # the visit is not half written
    f = finding(event, e, p["town"])
    with pytest.raises(services.DomainError, match="说明最多500个字，收到501个字"):
        services.rectify(p["reporter"], f, f.version, "改" * 501, [jpeg()])
    f.refresh_from_db()
    assert f.status == FS.OPEN and not Evidence.objects.exists() and f.steps.count() == 1
