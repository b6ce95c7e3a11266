import datetime as dt
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gongxin.accounts.models import AuditEntry

from .. import services
from ..models import Inspection, Permit
from .helpers import DRIVER_ID, PASSENGER_ID, good_checks, inspect, make_permit

EVERYONE = ("admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")
STAFF = {"admin", "analyst", "town", "outsider"}
READERS = {"admin", "analyst", "town", "outsider", "leader"}
LISTERS = EVERYONE[:-1]
IN_SCOPE = {"admin", "analyst", "town", "reporter", "leader"}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def form_data(**changes):
    now = timezone.now()
    data = {"plate": "苏C12345", "vehicle_type": "重型货车", "kind": "direct", "origin_province": "320000",
            "origin_city": "320300", "origin_county": "320311", "dest_address": "荆河街道工业园1号", "cargo": "钢材",
            "urgency": "1", "purpose": "防疫物资生产原料", "window_start": local(now + dt.timedelta(hours=1)),
            "window_end": local(now + dt.timedelta(hours=25)), "route": "京台高速—滕州北收费站—企业",
            "p0_name": "王建国", "p0_id_number": DRIVER_ID, "p0_phone": "13912345678",
            "p0_test_sampled_at": local(now - dt.timedelta(hours=5)),
            "p1_name": "李伟", "p1_id_number": PASSENGER_ID, "p1_phone": "13812345678",
            "p1_test_sampled_at": local(now - dt.timedelta(hours=5))}
    data.update(changes)
    return data


def expected(allowed, who, ok=200, refused=403):
    return ok if who in allowed else refused


@pytest.fixture
def approved(cast):
    p = cast["p"]
    return make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])


@pytest.mark.parametrize("who", EVERYONE)
def test_page_access_matrix(cast, approved, who):
    c = client_for(cast["p"][who])
    pages = {
        "/permits/": expected(LISTERS, who),
        "/permits/new/": expected({"reporter", "other_reporter"}, who),
        "/permits/review/": expected(STAFF, who),
        "/permits/overstays/": expected(READERS, who),
        "/permits/dashboard/": expected(READERS, who),
        "/permits/export.xlsx": expected(LISTERS, who),
        "/permits/checkpoint/": expected(STAFF, who),
        "/permits/checkpoint/config.json": expected(STAFF, who),
        "/permits/checkpoint/log/": expected(READERS, who),
        f"/permits/{approved.pk}/": expected(IN_SCOPE, who, refused=404),
        f"/permits/{approved.pk}/print/": expected(IN_SCOPE, who, refused=404),
        f"/permits/{approved.pk}/pass/": expected(IN_SCOPE, who, refused=404),
        "/permits/divisions/?parent=370400": 200,
        "/permits/checkpoint/sw.js": 200,  # static code, no data
    }
    got = {path: c.get(path).status_code for path in pages}
    assert got == pages


def test_service_worker_precaches_the_checkpoint_page_and_its_scripts(cast):
    response = Client().get("/permits/checkpoint/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert '"/permits/checkpoint/"' in body and "nacl-fast.min.js" in body and "jsQR.js" in body


def test_anonymous_is_sent_to_login(cast, approved):
    for path in ("/permits/", "/permits/checkpoint/", f"/permits/{approved.pk}/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who,status", [("admin", 302), ("analyst", 302), ("town", 302), ("outsider", 404),
                                        ("reporter", 403), ("other_reporter", 404), ("leader", 403), ("nobody", 404)])
def test_approve_matrix(cast, who, status):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"])
    response = client_for(p[who]).post(f"/permits/{permit.pk}/approve/", {"version": permit.version})
    assert response.status_code == status
    permit.refresh_from_db()
    assert (permit.status == Permit.Status.APPROVED) == (status == 302)


@pytest.mark.parametrize("who,status", [("analyst", 302), ("town", 302), ("outsider", 404), ("reporter", 403),
                                        ("leader", 403), ("nobody", 404)])
def test_refuse_and_revoke_matrix(cast, who, status):
    p = cast["p"]
    waiting = make_permit(p["reporter"], cast["e"], cast["event"])
    c = client_for(p[who])
    assert c.post(f"/permits/{waiting.pk}/refuse/", {"reason": "货物不属于保供范围"}).status_code == status
    issued = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["admin"], plate="鲁D54321")
    assert c.post(f"/permits/{issued.pk}/revoke/", {"reason": "驾驶员所在地升级"}).status_code == status
    issued.refresh_from_db()
    assert (issued.status == Permit.Status.REVOKED) == (status == 302)


def test_a_refusal_or_revocation_reason_longer_than_its_column_is_refused_whole_not_cut(cast):
    p = cast["p"]
    waiting = make_permit(p["reporter"], cast["e"], cast["event"])
    issued = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["admin"], plate="鲁D54321")
    c = client_for(p["analyst"])
    response = c.post(f"/permits/{waiting.pk}/refuse/", {"reason": "理" * 201, "version": waiting.version},
                      follow=True)
    assert "最多200个字，收到201个字" in response.content.decode()
    response = c.post(f"/permits/{issued.pk}/revoke/", {"reason": "理" * 201}, follow=True)
    assert "最多200个字，收到201个字" in response.content.decode()
    waiting.refresh_from_db(), issued.refresh_from_db()
    assert (waiting.status, waiting.refuse_reason) == (Permit.Status.SUBMITTED, "")
    assert (issued.status, issued.revoke_reason) == (Permit.Status.APPROVED, "")
    assert c.post(f"/permits/{issued.pk}/revoke/", {"reason": "理" * 200}).status_code == 302
    issued.refresh_from_db()
    assert issued.revoke_reason == "理" * 200


@pytest.mark.parametrize("who,status", [("reporter", 302), ("analyst", 302), ("town", 403), ("outsider", 404),
                                        ("other_reporter", 404), ("leader", 403), ("nobody", 404)])
def test_arrival_and_unloading_matrix(cast, approved, who, status):
    inspect(cast["p"]["town"], approved, cast["gate"])
    c = client_for(cast["p"][who])
    assert c.post(f"/permits/{approved.pk}/arrive/").status_code == status
    assert c.post(f"/permits/{approved.pk}/unload/").status_code == status
    approved.refresh_from_db()
    assert bool(approved.unloaded_at) == (status == 302)


@pytest.mark.parametrize("who,status", [("admin", 200), ("analyst", 200), ("town", 200), ("outsider", 404),
                                        ("reporter", 403), ("other_reporter", 404), ("leader", 403), ("nobody", 404)])
def test_reveal_on_the_permit_page_matrix_and_audit(cast, approved, who, status):
    person = approved.people.get(order=0)
    response = client_for(cast["p"][who]).post(f"/permits/people/{person.pk}/reveal/")
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"value": DRIVER_ID}
    assert AuditEntry.objects.filter(action="permits.reveal").count() == (1 if status == 200 else 0)


@pytest.mark.parametrize("who", EVERYONE)
def test_checkpoint_record_and_reveal_matrix(cast, approved, who):
    c = client_for(cast["p"][who])
    token = services.token_for(approved)
    body = {"token": token, "checkpoint": cast["gate"].pk, "direction": "entry", "client_id": f"c-{who}",
            "people": good_checks(approved), "scanned_at": timezone.now().isoformat()}
    response = c.post("/permits/checkpoint/record/", json.dumps(body), content_type="application/json")
    assert response.status_code == expected(STAFF, who)
    reveal = c.post("/permits/checkpoint/reveal/", {"token": token, "order": 1})
    assert reveal.status_code == expected(STAFF, who)
    if who in STAFF:
        assert response.json()["result"] == "passed" and reveal.json() == {"value": PASSENGER_ID}


@pytest.mark.parametrize("change", [{"checkpoint": 1e308}, {"checkpoint": "²"}, {"checkpoint": [1]},
                                    {"scanned_at": "0001-01-01T00:00:00"}, {"scanned_at": "9999-12-31T23:59:59"},
                                    {"scanned_at": "2022-13-01T00:00:00"}, None])
def test_a_malformed_scan_is_refused_with_a_message_and_records_nothing(cast, approved, change):
    """What an old or tampered phone queue may send: a 卡口 that is not a key, a clock in year 1 or
    9999, a body that is not an object — a 400 with the reason, never a 500, and no inspection."""
    body = {"token": services.token_for(approved), "checkpoint": cast["gate"].pk, "direction": "entry",
            "client_id": "m1", "people": good_checks(approved), "scanned_at": timezone.now().isoformat()}
    payload = json.dumps([body] if change is None else dict(body, **change))
    response = client_for(cast["p"]["town"]).post("/permits/checkpoint/record/", payload,
                                                 content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] in ("请选择卡口", "扫码时间无效")
    assert not Inspection.objects.filter(client_id="m1").exists()


def test_checkpoint_record_reports_the_refusal_reason(cast, approved):
    body = {"token": services.token_for(approved), "checkpoint": cast["gate"].pk, "direction": "entry",
            "client_id": "x1", "people": good_checks(approved, {0: {"temperature": "37.5"}}), "offline": True}
    data = client_for(cast["p"]["town"]).post("/permits/checkpoint/record/", json.dumps(body),
                                             content_type="application/json").json()
    assert data["result"] == "refused" and data["reason"] == "驾驶员王建国：体温37.5℃（≥37.3℃）"
    assert Inspection.objects.get(client_id="x1").offline
    bad = dict(body, client_id="x2", people=good_checks(approved, {0: {"temperature": "abc"}}))
    response = client_for(cast["p"]["town"]).post("/permits/checkpoint/record/", json.dumps(bad),
                                                 content_type="application/json")
    assert response.status_code == 400 and "有效的体温读数" in response.json()["error"]
    assert not Inspection.objects.filter(client_id="x2").exists()


def test_apply_from_the_form_creates_the_permit(cast):
    c = client_for(cast["p"]["reporter"])
    pdf = SimpleUploadedFile("核酸.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = c.post("/permits/new/", dict(form_data(), p0_certificate=pdf))
    assert response.status_code == 302, response.content.decode()[:2000]
    permit = Permit.objects.get()
    assert permit.origin_name == "江苏省徐州市泉山区" and permit.urgency == 1 and permit.people.count() == 2
    assert permit.people.get(order=0).certificate.name.endswith(".pdf")


def test_an_application_sent_twice_from_one_form_files_one_permit(cast):
    """A double click on 提交申请 (or a resend over a poor connection) sends the form's one token twice."""
    c = client_for(cast["p"]["reporter"])
    token = re.search(r'name="once" value="(\w+)"', c.get("/permits/new/").content.decode()).group(1)
    assert c.post("/permits/new/", form_data(once=token)).status_code == 302
    again = c.post("/permits/new/", form_data(once=token), follow=True)
    assert "该表单已提交，未重复办理" in again.content.decode()
    assert Permit.objects.count() == 1


def test_wrong_id_check_digit_is_refused_and_nothing_written(cast):
    wrong = DRIVER_ID[:17] + ("0" if DRIVER_ID[17] != "0" else "1")
    response = client_for(cast["p"]["reporter"]).post("/permits/new/", form_data(p0_id_number=wrong))
    assert response.status_code == 400
    assert f"校验位错误（第18位应为{DRIVER_ID[17]}）" in response.content.decode()
    assert not Permit.objects.exists()


@pytest.mark.parametrize("changes,message", [
    ({"plate": "鲁DI2345"}, "车牌号“鲁DI2345”格式不正确"),
    ({"plate": "AB12345"}, "省份简称"),
    ({"origin_county": "320300"}, "请选择出发地的县"),
    ({"p1_phone": ""}, "请填写手机号码"),
])
def test_bad_application_fields_are_refused(cast, changes, message):
    response = client_for(cast["p"]["reporter"]).post("/permits/new/", form_data(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Permit.objects.exists()


def test_certificate_is_checked_by_content_not_name(cast):
    fake = SimpleUploadedFile("核酸.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(cast["p"]["reporter"]).post("/permits/new/", dict(form_data(), p0_certificate=fake))
    assert response.status_code == 400 and "按文件内容识别" in response.content.decode()


def test_new_energy_plate_is_accepted(cast):
    response = client_for(cast["p"]["reporter"]).post("/permits/new/", form_data(plate="鲁dd12345"))
    assert response.status_code == 302 and Permit.objects.get().plate == "鲁DD12345"


def test_prefill_from_a_national_pass_number(cast):
    p = cast["p"]
    make_permit(p["reporter"], cast["e"], cast["event"], national_pass_no="TX2022-0001")
    page = client_for(p["reporter"]).get("/permits/new/?pass=TX2022-0001").content.decode()
    assert 'value="苏C12345"' in page and 'value="王建国"' in page and 'value="320311" selected' in page


def test_lists_and_export_mask_id_numbers_and_phones(cast, approved):
    c = client_for(cast["p"]["analyst"])
    page = c.get("/permits/").content.decode()
    assert DRIVER_ID not in page and "**************" + DRIVER_ID[-4:] in page and "139****5678" in page
    review_page = c.get("/permits/review/").content.decode()
    detail = c.get(f"/permits/{approved.pk}/").content.decode()
    assert DRIVER_ID not in review_page + detail
    response = c.get("/permits/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(cell.value) for row in ws.iter_rows() for cell in row)
    assert DRIVER_ID not in text and PASSENGER_ID not in text and DRIVER_ID[-4:] in text
    assert AuditEntry.objects.filter(action="permits.export").exists()


def test_town_officer_lists_only_permits_to_their_town(cast, approved):
    p = cast["p"]
    theirs = make_permit(p["other_reporter"], cast["other"], cast["event"], plate="鲁D77777")
    page = client_for(p["town"]).get("/permits/").content.decode()
    assert approved.number in page and "鲁D77777" not in page
    assert client_for(p["outsider"]).get(f"/permits/{approved.pk}/").status_code == 404
    queue = client_for(p["outsider"]).get("/permits/review/").content.decode()
    assert f"/permits/{theirs.pk}/approve/" in queue


def test_review_queue_orders_by_urgency_and_work_item_count_matches(cast):
    from ..panels import work_items

    p = cast["p"]
    later = make_permit(p["reporter"], cast["e"], cast["event"], urgency=3, plate="鲁D10001")
    first = make_permit(p["reporter"], cast["e"], cast["event"], urgency=1, plate="鲁D10002")
    page = client_for(p["town"]).get("/permits/review/").content.decode()
    assert page.index(f"/permits/{first.pk}/approve/") < page.index(f"/permits/{later.pk}/approve/")

    class Request:
        user = p["town"]

    items = [i for i in work_items(Request) if i.url == "/permits/review/"]
    assert items[0].count == page.count("/approve/") == 2


def test_overstay_work_item_count_matches_the_list(cast, approved):
    from ..panels import work_items

    inspect(cast["p"]["town"], approved, cast["gate"])
    Permit.objects.filter(pk=approved.pk).update(window_end=timezone.now() - dt.timedelta(minutes=1),
                                                 window_start=timezone.now() - dt.timedelta(hours=3))

    class Request:
        user = cast["p"]["analyst"]

    item = next(i for i in work_items(Request) if i.url == "/permits/overstays/")
    page = client_for(cast["p"]["analyst"]).get("/permits/overstays/").content.decode()
    assert item.count == 1 and page.count(f"/permits/{approved.pk}/") == 1


def test_enterprise_panel_lists_its_permits(cast, approved):
    page = client_for(cast["p"]["reporter"]).get(f"/enterprises/{cast['e'].uscc}/").content.decode()
    assert 'id="permits-panel"' in page and approved.plate in page


def test_dashboard_shows_figures(cast, approved):
    inspect(cast["p"]["town"], approved, cast["gate"])
    page = client_for(cast["p"]["leader"]).get("/permits/dashboard/").content.decode()
    assert "在境车辆" in page and "荆河街道" in page


def test_timeline_shows_each_step(cast, approved):
    p = cast["p"]
    inspect(p["town"], approved, cast["gate"])
    services.confirm_arrival(p["reporter"], approved)
    services.confirm_unloading(p["reporter"], approved)
    inspect(p["town"], approved, cast["gate"], direction="exit")
    page = client_for(p["reporter"]).get(f"/permits/{approved.pk}/").content.decode()
    steps = ["申请", "批准", "到达预告", "卡口入境", "到达企业", "卸货完成", "卡口离境"]
    positions = [page.index(f">{s}</span>") for s in steps]
    assert positions == sorted(positions)


def test_a_person_profile_fills_a_slot(cast):
    from ..models import PersonProfile

    p = cast["p"]
    make_permit(p["reporter"], cast["e"], cast["event"])
    profile = PersonProfile.objects.get(id_number=PASSENGER_ID)
    c = client_for(p["reporter"])
    page = c.get("/permits/new/").content.decode()
    assert "李伟 **************" + PASSENGER_ID[-4:] in page and PASSENGER_ID not in page
    data = form_data(p1_name="", p1_id_number="", p1_phone="", p1_profile=str(profile.pk), plate="鲁D12121")
    assert c.post("/permits/new/", data).status_code == 302
    assert Permit.objects.get(plate="鲁D12121").people.get(order=1).id_number == PASSENGER_ID


def test_a_profile_of_another_enterprise_cannot_be_used(cast):
    from ..models import PersonProfile

    p = cast["p"]
    make_permit(p["other_reporter"], cast["other"], cast["event"])
    foreign = PersonProfile.objects.get(enterprise=cast["other"], id_number=PASSENGER_ID)
    data = form_data(p1_name="", p1_id_number="", p1_phone="", p1_profile=str(foreign.pk))
    response = client_for(p["reporter"]).post("/permits/new/", data)
    assert response.status_code == 400 and not Permit.objects.filter(enterprise=cast["e"]).exists()


def test_apply_for_another_enterprise_is_not_found(cast):
    response = client_for(cast["p"]["reporter"]).get(f"/permits/new/?enterprise={cast['other'].pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("body", [b"not json", b'{"checkpoint": "x"}', b'{"checkpoint": 999999}',
                                  b'{"checkpoint": 1, "token": "abc", "direction": "entry"}'])
def test_checkpoint_record_refuses_bad_input_without_crashing(cast, body):
    body = body.replace(b'"checkpoint": 1', f'"checkpoint": {cast["gate"].pk}'.encode())
    response = client_for(cast["p"]["town"]).post("/permits/checkpoint/record/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert not Inspection.objects.exists()


def test_an_unreadable_token_is_recorded_as_refused(cast):
    body = {"checkpoint": cast["gate"].pk, "token": "abc.def", "direction": "entry", "client_id": "bad-1"}
    data = client_for(cast["p"]["town"]).post("/permits/checkpoint/record/", json.dumps(body),
                                             content_type="application/json").json()
    assert data["result"] == "refused" and "无法识别" in data["reason"]


def test_permits_command_refuses_a_bad_date():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("permits", "--date", "2022-13-01")


def test_the_permit_list_and_the_inspection_log_are_paged(cast):
    from ..views import PAGE_SIZE

    p = cast["p"]
    for i in range(PAGE_SIZE + 3):
        make_permit(p["reporter"], cast["e"], cast["event"], plate=f"鲁D{20000 + i}")
    c = client_for(p["admin"])
    first, last = c.get("/permits/").content.decode(), c.get("/permits/?page=2").content.decode()
    assert first.count("/permits/") > PAGE_SIZE and f"共{PAGE_SIZE + 3}份" in first and "第 1/2 页" in first
    # Newest first: the last three applied are on page 1, the first three on page 2 only.
    assert "鲁D20000" in last and "鲁D20000" not in first and f"鲁D{20000 + PAGE_SIZE + 2}" in first
    assert last.count("<tr>") - 1 == 3  # the header row and three permits
    assert "第 2/2 页" in c.get("/permits/?page=99").content.decode()  # a page beyond the end: the last one
