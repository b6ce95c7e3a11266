import datetime as dt
import json
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from gongxin.accounts.models import AuditEntry
from gongxin.notices.models import Notice

from .. import services, signing, stats
from ..models import Inspection, Permit, PermitPerson, PersonProfile, VehicleProfile
from .helpers import DRIVER_ID, good_checks, inspect, make_permit

S = Permit.Status


def test_apply_keeps_profiles_and_tells_the_town(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"])
    assert permit.status == S.SUBMITTED and permit.number is None
    assert permit.town.name == "荆河街道"
    assert VehicleProfile.objects.filter(enterprise=cast["e"], plate="苏C12345").exists()
    assert PersonProfile.objects.filter(enterprise=cast["e"], id_number=DRIVER_ID).exists()
    assert Notice.objects.filter(region=permit.town, key=f"permits.apply:{permit.pk}").exists()
    assert AuditEntry.objects.filter(action="permits.apply", object_id=str(permit.pk)).exists()


def test_only_the_enterprise_reporter_may_apply(cast):
    for who in ("town", "analyst", "other_reporter", "leader"):
        with pytest.raises(PermissionDenied):
            make_permit(cast["p"][who], cast["e"], cast["event"])


def test_approval_issues_the_county_date_serial_number_and_records_minutes(cast):
    p = cast["p"]
    first = make_permit(p["reporter"], cast["e"], cast["event"])
    Permit.objects.filter(pk=first.pk).update(applied_at=timezone.now() - dt.timedelta(minutes=17))
    first = services.approve(p["town"], first)
    second = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["analyst"], plate="鲁DD12345")
    day = timezone.localdate().strftime("%Y%m%d")
    assert first.number == f"370481{day}0001" and second.number == f"370481{day}0002"
    assert first.approval_minutes == 17
    assert Notice.objects.filter(key=f"permits.prearrival:{first.pk}", region=first.town).exists()
    with pytest.raises(services.DomainError, match="已批准"):
        services.approve(p["town"], first)


def test_outsider_town_and_enterprise_cannot_decide(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"])
    for who in ("outsider", "reporter", "leader"):
        with pytest.raises(PermissionDenied):
            services.approve(p[who], permit)
    with pytest.raises(services.DomainError, match="理由"):
        services.refuse(p["town"], permit, " ")
    refused = services.refuse(p["town"], permit, "货物不属于保供范围")
    assert refused.status == S.REFUSED and refused.number is None


def test_token_round_trip_and_one_changed_byte_is_refused(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    token = services.token_for(permit)
    payload = signing.verify(token).payload
    assert payload["n"] == permit.number and payload["p"] == "苏C12345"
    assert payload["m"][0] == ["王建国", "驾驶员", DRIVER_ID[-4:]]
    assert DRIVER_ID not in json.dumps(payload)  # the full ID number never travels in the QR code
    body, sig = token.split(".")
    raw = bytearray(signing.b64d(body))
    raw[5] ^= 0x01
    tampered = signing.b64e(bytes(raw)) + "." + sig
    _, _, problems = services.check_token(tampered)
    assert problems and problems[0][0] in ("signature", "format")
    sig_raw = bytearray(signing.b64d(sig))
    sig_raw[0] ^= 0x01
    _, _, problems = services.check_token(body + "." + signing.b64e(bytes(sig_raw)))
    assert problems == [("signature", "签名校验未通过：二维码被篡改或伪造")]


def test_rotated_key_still_verifies_through_old_public_keys(cast, settings, tmp_path):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    old_token = services.token_for(permit)
    old_public = signing.public_keys()["k1"]
    settings.PERMIT_KEY_ID = "k2"
    settings.PERMIT_DEV_KEY_FILE = tmp_path / "new.key"
    assert services.check_token(old_token)[2] == [("unknown_key", services.check_token(old_token)[2][0][1])]
    settings.PERMIT_OLD_PUBLIC_KEYS = {"k1": old_public}
    assert services.check_token(old_token)[2] == []
    assert signing.verify(services.token_for(permit)).payload["k"] == "k2"


def test_expired_revoked_and_second_entry_are_refused_with_reasons(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    token = services.token_for(permit)
    later = permit.window_end + dt.timedelta(minutes=1)
    assert services.check_token(token, at=later)[2][0][0] == "expired"
    inspection, _ = inspect(p["town"], permit, cast["gate"])
    assert inspection.result == Inspection.Result.PASSED
    again, _ = inspect(p["analyst"], permit, cast["gate"])
    assert again.result == Inspection.Result.REFUSED and "不能再次入境" in again.reason
    other = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"], plate="鲁D54321")
    services.revoke(p["analyst"], other, "驾驶员所在地升级为中风险地区")
    refused, _ = inspect(p["town"], other, cast["gate"], token=services.token_for(other))
    assert refused.reason_code == "revoked" and "中风险" in refused.reason


def test_different_plate_and_transfer_vehicle_entering_are_refused(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    wrong, _ = inspect(p["town"], permit, cast["gate"], plate_seen="苏C99999")
    assert wrong.reason_code == "plate" and "实际为苏C99999" in wrong.reason
    transfer = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"], plate="鲁D11111",
                           kind=Permit.Kind.TRANSFER, transfer_point=cast["transfer"])
    entry, _ = inspect(p["town"], transfer, cast["gate"])
    assert entry.reason_code == "transfer_only"
    handed, _ = inspect(p["town"], transfer, cast["transfer"], direction="transfer")
    transfer.refresh_from_db()
    assert handed.result == Inspection.Result.PASSED and transfer.handed_over_at and not transfer.entered_at
    again, _ = inspect(p["town"], transfer, cast["transfer"], direction="transfer")
    assert again.reason_code == "second_transfer"
    direct, _ = inspect(p["town"], permit, cast["transfer"], direction="transfer")
    assert direct.reason_code == "not_transfer"


def test_fever_at_37_5_refuses_entry_and_alerts_bureau_and_town(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    checks = good_checks(permit, {1: {"temperature": "37.5"}})
    inspection, created = inspect(p["outsider"], permit, cast["gate"], people_results=checks)
    assert created and inspection.result == Inspection.Result.REFUSED
    assert inspection.reason == "随车人员李伟：体温37.5℃（≥37.3℃）"
    assert inspection.reason_code == "temperature"
    permit.refresh_from_db()
    assert permit.entered_at is None
    assert Notice.objects.filter(role="bureau_staff", key__startswith=f"permits.refused_at:{inspection.pk}").exists()
    assert Notice.objects.filter(region=permit.town, key__startswith=f"permits.refused_at:{inspection.pk}").exists()


def test_each_check_of_the_event_rule(cast):
    checklist = services.ScreeningRule.for_event(cast["event"]).checklist
    now = timezone.now()
    good = {"health_code": "绿码", "trip_code": "未途经中高风险地区", "contact_code": "无风险",
            "nat": (now - dt.timedelta(hours=47)).isoformat(), "temperature": "37.2"}
    assert services.evaluate_person(checklist, good, now) == []
    assert [c for c, _ in services.evaluate_person(checklist, dict(good, temperature="37.3"), now)] == ["temperature"]
    assert [c for c, _ in services.evaluate_person(checklist, dict(good, health_code="红码"), now)] == ["health_code"]
    stale = dict(good, nat=(now - dt.timedelta(hours=49)).isoformat())
    assert [c for c, _ in services.evaluate_person(checklist, stale, now)] == ["nat"]
    assert [c for c, _ in services.evaluate_person(checklist, dict(good, contact_code=""), now)] == ["unchecked"]
    with pytest.raises(services.DomainError, match="有效的体温读数"):
        services.evaluate_person(checklist, dict(good, temperature="73.5"), now)


def test_a_queued_scan_uploaded_twice_is_recorded_once(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    first, created = inspect(p["town"], permit, cast["gate"], client_id="scan-1", offline=True)
    again, created_again = inspect(p["town"], permit, cast["gate"], client_id="scan-1", offline=True)
    assert created and not created_again and first.pk == again.pk
    assert Inspection.objects.filter(permit=permit).count() == 1


def test_whole_trip_entry_arrival_unloading_exit(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    with pytest.raises(services.DomainError, match="没有入境记录"):
        services.confirm_arrival(p["reporter"], permit)
    exit_first, _ = inspect(p["town"], permit, cast["gate"], direction="exit")
    assert exit_first.reason_code == "not_entered"
    inspect(p["town"], permit, cast["gate"])
    with pytest.raises(PermissionDenied):
        services.confirm_arrival(p["town"], permit)
    services.confirm_arrival(p["reporter"], permit)
    services.confirm_unloading(p["reporter"], permit)
    left, _ = inspect(p["analyst"], permit, cast["gate"], direction="exit")
    permit.refresh_from_db()
    assert left.result == Inspection.Result.PASSED and permit.departed_at and permit.trip_stage == "已离境"


def test_overstays_are_listed_and_alerted_once(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    inspect(p["town"], permit, cast["gate"])
    later = permit.window_end + dt.timedelta(hours=1)
    assert list(Permit.objects.overstaying(later)) == [permit]
    assert services.alert_overstays(later) == [permit]
    assert services.alert_overstays(later) == []
    assert Notice.objects.filter(key__startswith=f"permits.overstay:{permit.pk}").count() == 2


def test_reveal_is_for_the_approver_and_the_checkpoint_with_the_token_and_audited(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    driver = permit.people.get(order=0)
    assert services.reveal(p["town"], driver) == DRIVER_ID
    with pytest.raises(PermissionDenied):
        services.reveal(p["outsider"], driver)
    assert services.reveal(p["outsider"], driver, token=services.token_for(permit)) == DRIVER_ID
    with pytest.raises(PermissionDenied):
        services.reveal(p["reporter"], driver, token=services.token_for(permit))
    assert AuditEntry.objects.filter(action="permits.reveal").count() == 2


def test_purge_erases_personal_data_after_the_event_closes_and_keeps_counts(cast):
    p = cast["p"]
    event = cast["event"]
    permit = make_permit(p["reporter"], cast["e"], event, approver=p["town"])
    refused, _ = inspect(p["town"], permit, cast["gate"], people_results=good_checks(permit, {0: {"temperature": "38"}}))
    assert "王建国" in refused.reason
    assert "王建国" not in Notice.objects.get(key=f"permits.refused_at:{refused.pk}:bureau").body
    with pytest.raises(services.DomainError, match="尚未关闭"):
        services.purge_event(event)
    event.closed_at = timezone.now()
    event.save()
    counts = services.purge_event(event)
    assert counts["permits"] == 1 and counts["people"] == 2 and counts["inspections"] == 1
    refused.refresh_from_db()
    assert "王建国" not in refused.reason and "体温38" in refused.reason
    assert not PermitPerson.objects.exclude(id_number="").exists()
    assert Permit.objects.filter(event=event).count() == 1
    assert services.purge_event(event)["permits"] == 0


def test_day_figures_have_exactly_the_published_keys(cast):
    p = cast["p"]
    a = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    make_permit(p["reporter"], cast["e"], cast["event"], plate="鲁D22222")
    inspect(p["town"], a, cast["gate"])
    figures = stats.day_figures(Permit.objects.all(), Inspection.objects.all(), timezone.localdate())
    assert list(figures) == ["date", "applied", "approved", "refused", "median_approval_minutes", "entries",
                             "refused_at_checkpoint", "in_county", "overstays"]
    assert figures["applied"] == 2 and figures["approved"] == 1 and figures["entries"] == 1
    assert figures["in_county"] == 1 and figures["median_approval_minutes"] == 0


def test_median_and_p90():
    assert stats.median([3, 1, 10, 4]) == 3.5 and stats.median([5]) == 5 and stats.median([]) is None
    assert stats.p90(list(range(1, 11))) == 9 and stats.p90(list(range(1, 21))) == 18


def test_permits_command_json_and_table(cast, capsys):
    p = cast["p"]
    make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    day = timezone.localdate().isoformat()
    call_command("permits", "--date", day, "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == day and data["approved"] == 1 and data["refused_at_checkpoint"] == []
    call_command("permits", "--date", day, "--format", "table")
    assert "审批用时中位数" in capsys.readouterr().out


def test_permit_verify_exit_codes_and_reasons(cast, capsys):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    token = services.token_for(permit)
    call_command("permit_verify", token)
    assert "有效" in capsys.readouterr().out
    cases = [
        (token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:], "签名校验未通过"),
        (token, "已过期"),
    ]
    for bad, reason in cases:
        at = ["--at", (permit.window_end + dt.timedelta(hours=1)).isoformat()] if bad == token else []
        with pytest.raises(SystemExit) as exit_info:
            call_command("permit_verify", bad, *at)
        assert exit_info.value.code == 1
        assert reason in capsys.readouterr().err
    inspect(p["town"], permit, cast["gate"])
    with pytest.raises(SystemExit):
        call_command("permit_verify", token)
    assert "不能再次入境" in capsys.readouterr().err
    services.revoke(p["town"], permit, "测试撤销")
    with pytest.raises(SystemExit):
        call_command("permit_verify", token, "--direction", "exit")
    assert "撤销" in capsys.readouterr().err


# ---------------------------------------------------------------- races (PostgreSQL)


def _parallel(work, n=20):
    results, barrier = [], threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as e:  # noqa: BLE001 - counted by the test
            results.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_approvals_give_one_number(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"])
    results = _parallel(lambda i: services.approve(p["town"] if i % 2 else p["analyst"], permit))
    assert sum(isinstance(r, Permit) for r in results) == 1
    assert all(isinstance(r, Permit | services.DomainError) for r in results)
    permit.refresh_from_db()
    assert permit.number.endswith("0001") and permit.version == 2
    other = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"], plate="鲁D33333")
    assert other.number.endswith("0002")


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_entries_record_one(cast):
    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    token, checks = services.token_for(permit), good_checks(permit)
    results = _parallel(lambda i: services.record_inspection(
        p["town"], token=token, checkpoint=cast["gate"], direction="entry", people_results=checks,
        client_id=f"race-{i}")[0])
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, services.DomainError)]
    assert Inspection.objects.filter(permit=permit, result="passed", direction="entry").count() == 1
    assert Inspection.objects.filter(permit=permit, reason_code="second_entry").count() == 19


def test_refusals_are_counted_by_reason_and_dashboard_splits_by_town(cast):
    p = cast["p"]
    a = make_permit(p["reporter"], cast["e"], cast["event"], approver=p["town"])
    b = make_permit(p["other_reporter"], cast["other"], cast["event"], approver=p["analyst"], plate="鲁D44444")
    inspect(p["town"], a, cast["gate"], people_results=good_checks(a, {0: {"temperature": "37.5"}}))
    inspect(p["town"], b, cast["gate"], people_results=good_checks(b, {1: {"health_code": "黄码"}}))
    inspect(p["town"], b, cast["gate"], people_results=good_checks(b, {0: {"temperature": "38.1"}}))
    figures = stats.day_figures(Permit.objects.all(), Inspection.objects.all(), timezone.localdate())
    assert figures["refused_at_checkpoint"] == [{"reason": "体温异常", "count": 2}, {"reason": "健康码异常", "count": 1}]
    board = stats.dashboard(Permit.objects.all(), Inspection.objects.all())
    by_town = {r.label: (r.applied, r.approved, r.refused_at_checkpoint) for r in board["by_town"]}
    assert by_town == {"荆河街道": (1, 1, 1), "龙泉街道": (1, 1, 2)}
    assert board["approval_median"] == 0 and board["in_county"] == 0


def test_an_application_whose_window_has_passed_cannot_be_approved(cast):
    from ..models import waited_text

    p = cast["p"]
    permit = make_permit(p["reporter"], cast["e"], cast["event"])
    Permit.objects.filter(pk=permit.pk).update(window_start=timezone.now() - dt.timedelta(hours=5),
                                               window_end=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(services.DomainError, match="有效期已过"):
        services.approve(p["town"], permit)
    assert services.refuse(p["town"], permit, "已过期").status == S.REFUSED
    assert [waited_text(m) for m in (45, 120, 135, 4000)] == ["45分钟", "2小时", "2小时15分钟", "2天"]
