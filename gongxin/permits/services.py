"""The life of a permit: apply, approve / refuse, revoke, check at a checkpoint, arrive, unload, leave.

Each transition runs in one transaction, locks the permit row, checks who may act (PermissionDenied
→ 403) and that the permit's state allows it (`DomainError` with a Chinese message otherwise), and
leaves an audit entry (`permits.<verb>`). A permit number is issued under a row lock on the day's
`PermitSerial`, so parallel approvals never share or skip a number. A checkpoint inspection is
keyed by the page's `client_id` (an offline scan uploaded twice is recorded once) and a permit's
entry is applied once (row lock + a partial unique constraint).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.notices import services as notices
from gongxin.registry.models import Region

from . import signing
from .models import (
    Checkpoint,
    Inspection,
    Permit,
    PermitPerson,
    PermitSerial,
    PersonProfile,
    ScreeningRule,
    VehicleProfile,
)

S = Permit.Status
DEFAULT_COUNTY_CODE = "370481"

# Reason categories of a refusal at a checkpoint (Inspection.reason_code → label), for counting.
REASONS = {
    "format": "二维码无法识别",
    "signature": "签名校验未通过",
    "unknown_key": "签名密钥未知",
    "unknown": "证明不存在",
    "revoked": "证明已撤销",
    "not_approved": "证明未获批准",
    "not_yet": "未到有效期",
    "expired": "证明已过期",
    "plate": "车牌不符",
    "second_entry": "重复入境",
    "transfer_only": "接驳车辆不得入境",
    "not_entered": "未入境记录",
    "second_exit": "重复离境",
    "not_transfer": "非接驳转运证明",
    "second_transfer": "重复接驳",
    "health_code": "健康码异常",
    "trip_code": "行程码异常",
    "contact_code": "同行密接码异常",
    "nat": "核酸证明不符合要求",
    "temperature": "体温异常",
    "unchecked": "查验项目不全",
}


class DomainError(Exception):
    """A transition the permit's state does not allow, or bad input; the message is for the user."""


# ---------------------------------------------------------------- who may act


def can_apply(user, enterprise):
    return enterprise.id in get_access(user).enterprise_ids


def can_review(user, permit):
    """Approve, refuse or revoke: the destination town's officer, or the bureau."""
    access = get_access(user)
    return access.is_bureau or (access.is_town_officer and permit.town_id in access.region_ids)


def can_confirm_trip(user, permit):
    """Arrival and unloading are confirmed by the destination enterprise (or the bureau for it)."""
    access = get_access(user)
    return access.is_bureau or permit.enterprise_id in access.enterprise_ids


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _require_state(permit, allowed, action):
    if permit.status not in allowed:
        raise DomainError(f"该证明当前状态为“{permit.get_status_display()}”，不能{action}。")


def _locked(permit, expected_version=None):
    expected = bounds.expected_version(expected_version, DomainError)
    current = Permit.objects.select_for_update().get(pk=permit.pk)
    if expected is not None and current.version != expected:
        raise DomainError(f"该证明已被他人处理（您打开的是第{expected_version}版，当前为第{current.version}版），"
                          "请刷新后再操作。")
    return current


def _bump(permit, *fields):
    permit.version += 1
    permit.save(update_fields=["version", *fields])


# ---------------------------------------------------------------- numbers


def county_code():
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    return county.code[:6] if county else DEFAULT_COUNTY_CODE


def next_number(day):
    """`370481` + `20220407` + a 4-digit serial of that day, issued under a row lock."""
    code = county_code()
    PermitSerial.objects.get_or_create(county_code=code, day=day)
    serial = PermitSerial.objects.select_for_update().get(county_code=code, day=day)
    serial.last += 1
    serial.save(update_fields=["last"])
    return f"{code}{day:%Y%m%d}{serial.last:04d}"


# ---------------------------------------------------------------- application


def apply(user, enterprise, event, fields, people, now=None):
    """Create a permit for `enterprise` from validated `fields` and `people` (list of dicts with
    name, id_number, phone, test_sampled_at, certificate (an UploadedFile or None)); keeps the
    vehicle and people as the enterprise's profiles."""
    _require(can_apply(user, enterprise), "只有目的地企业的填报人员可以申请接驳证明")
    if event is None or event.is_closed:
        raise DomainError("当前没有进行中的应急事件，不能申请接驳证明")
    if not people:
        raise DomainError("请至少填写一名驾驶员")
    now = now or timezone.now()
    with transaction.atomic():
        permit = Permit.objects.create(event=event, enterprise=enterprise, town_id=enterprise.town_id,
                                       applied_at=now, applied_by=user if user.pk else None, **fields)
        for order, person in enumerate(people):
            certificate = person.pop("certificate", None)
            row = PermitPerson(permit=permit, order=order, **person)
            if certificate:
                row.certificate.save(certificate.name, certificate, save=False)
            row.save()
            PersonProfile.objects.update_or_create(
                enterprise=enterprise, id_number=person["id_number"],
                defaults={"name": person["name"], "phone": person["phone"], "last_used": now})
        VehicleProfile.objects.update_or_create(
            enterprise=enterprise, plate=permit.plate,
            defaults={"vehicle_type": permit.vehicle_type, "national_pass_no": permit.national_pass_no,
                      "last_used": now})
        log_action(user, "permits.apply", permit, {"plate": permit.plate, "urgency": permit.get_urgency_display(),
                                                   "people": len(people)})
        notices.send("task", f"接驳证明待审批：{enterprise.name} {permit.plate}（{permit.get_urgency_display()}）",
                     to_region=permit.town, url="/permits/review/", sender=user, source=f"permits.permit:{permit.pk}",
                     key=f"permits.apply:{permit.pk}")
    return permit


# ---------------------------------------------------------------- review


def approve(user, permit, expected_version=None, now=None):
    """Approve in one click: number issued, time to decision kept, the destination town told."""
    now = now or timezone.now()
    with transaction.atomic():
        permit = _locked(permit, expected_version)
        _require(can_review(user, permit), "只有目的地镇街或工信局工作人员可以审批")
        _require_state(permit, (S.SUBMITTED,), "批准")
        if permit.window_end <= now:
            raise DomainError(f"申请的有效期已过（至{timezone.localtime(permit.window_end):%m月%d日%H:%M}），"
                              "不能批准，请企业重新申请或不予批准。")
        permit.number = next_number(timezone.localdate(now))
        permit.status = S.APPROVED
        permit.decided_at, permit.decided_by = now, user
        permit.approval_minutes = max(0, int((now - permit.applied_at).total_seconds() // 60))
        permit.prenotified_at = now
        _bump(permit, "number", "status", "decided_at", "decided_by", "approval_minutes", "prenotified_at")
        log_action(user, "permits.approve", permit, {"status": [S.SUBMITTED.label, S.APPROVED.label],
                                                     "number": permit.number,
                                                     "approval_minutes": permit.approval_minutes})
        window = f"{timezone.localtime(permit.window_start):%m月%d日%H:%M}—{timezone.localtime(permit.window_end):%m月%d日%H:%M}"
        notices.send("task", f"车辆到达预告：{permit.plate} 将于{window}到达{permit.enterprise.name}",
                     to_region=permit.town, url=permit.get_absolute_url(), sender=user,
                     body=f"证明编号{permit.number}；货物：{permit.cargo}；路线：{permit.route}",
                     source=f"permits.permit:{permit.pk}", key=f"permits.prearrival:{permit.pk}")
        notices.send("other", f"接驳证明已批准：{permit.plate}（{permit.number}）", to_enterprise=permit.enterprise,
                     url=permit.get_absolute_url(), sender=user, source=f"permits.permit:{permit.pk}",
                     key=f"permits.approved:{permit.pk}")
    return permit


def refuse(user, permit, reason, expected_version=None, now=None):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不予批准的理由")
    reason = bounds.fit(Permit, "refuse_reason", reason, DomainError)
    now = now or timezone.now()
    with transaction.atomic():
        permit = _locked(permit, expected_version)
        _require(can_review(user, permit), "只有目的地镇街或工信局工作人员可以审批")
        _require_state(permit, (S.SUBMITTED,), "不予批准")
        permit.status, permit.refuse_reason = S.REFUSED, reason
        permit.decided_at, permit.decided_by = now, user
        permit.approval_minutes = max(0, int((now - permit.applied_at).total_seconds() // 60))
        _bump(permit, "status", "refuse_reason", "decided_at", "decided_by", "approval_minutes")
        log_action(user, "permits.refuse", permit, {"status": [S.SUBMITTED.label, S.REFUSED.label], "reason": reason})
        notices.send("other", f"接驳证明未获批准：{permit.plate}", body=f"理由：{reason}",
                     to_enterprise=permit.enterprise, url=permit.get_absolute_url(), sender=user,
                     source=f"permits.permit:{permit.pk}", key=f"permits.refused:{permit.pk}")
    return permit


def revoke(user, permit, reason, now=None):
    """Withdraw an approved permit: it goes on the revocation list every checkpoint page caches."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销理由")
    reason = bounds.fit(Permit, "revoke_reason", reason, DomainError)
    with transaction.atomic():
        permit = _locked(permit)
        _require(can_review(user, permit), "只有目的地镇街或工信局工作人员可以撤销证明")
        _require_state(permit, (S.APPROVED,), "撤销")
        permit.status, permit.revoke_reason, permit.revoked_at = S.REVOKED, reason, now or timezone.now()
        _bump(permit, "status", "revoke_reason", "revoked_at")
        log_action(user, "permits.revoke", permit, {"status": [S.APPROVED.label, S.REVOKED.label], "reason": reason})
        notices.send("alert", f"接驳证明已撤销：{permit.plate}（{permit.number}）", body=f"理由：{reason}",
                     to_enterprise=permit.enterprise, url=permit.get_absolute_url(), sender=user,
                     source=f"permits.permit:{permit.pk}", key=f"permits.revoked:{permit.pk}")
    return permit


# ---------------------------------------------------------------- the signed token


def token_payload(permit):
    return {
        "n": permit.number, "p": permit.plate,
        "s": int(permit.window_start.timestamp()), "e": int(permit.window_end.timestamp()),
        "c": permit.enterprise.name, "t": permit.town.name, "o": permit.origin_name, "r": permit.route[:40],
        "x": permit.kind,
        "m": [[p.name, p.get_role_display(), p.id_last4] for p in permit.people.all()],
    }


def token_for(permit):
    if permit.status not in (S.APPROVED, S.REVOKED) or not permit.number:
        raise DomainError("证明尚未批准，没有通行二维码")
    return signing.sign(token_payload(permit))


def check_token(token, at=None, direction=Inspection.Direction.ENTRY, plate_seen=""):
    """(permit or None, payload or None, [(code, message)]): everything wrong with presenting `token`
    at `at` for `direction`. The page runs the same checks offline; this is the authority."""
    at = at or timezone.now()
    try:
        payload = signing.verify(token).payload
    except signing.TokenError as e:
        return None, None, [(e.code, str(e))]
    permit = Permit.objects.filter(number=payload.get("n")).select_related("town", "enterprise").first()
    if permit is None:
        return None, payload, [("unknown", "系统中没有该证明编号")]
    problems = []
    if permit.status == S.REVOKED:
        problems.append(("revoked", f"证明已于{timezone.localtime(permit.revoked_at):%m月%d日%H:%M}撤销：{permit.revoke_reason}"))
    elif permit.status != S.APPROVED:
        problems.append(("not_approved", "证明未获批准"))
    start, end = dt.datetime.fromtimestamp(payload["s"], dt.UTC), dt.datetime.fromtimestamp(payload["e"], dt.UTC)
    if at < start:
        problems.append(("not_yet", f"未到有效期（自{timezone.localtime(start):%m月%d日%H:%M}起有效）"))
    if at > end and direction != Inspection.Direction.EXIT:
        problems.append(("expired", f"证明已过期（有效期至{timezone.localtime(end):%m月%d日%H:%M}）"))
    plate_seen = (plate_seen or "").strip().upper()
    if plate_seen and plate_seen != payload.get("p"):
        problems.append(("plate", f"车牌不符：通行证为{payload.get('p')}，实际为{plate_seen}"))
    if direction == Inspection.Direction.ENTRY:
        if payload.get("x") == Permit.Kind.TRANSFER:
            problems.append(("transfer_only", "接驳转运证明：外地车辆不得入境，请在接驳点交接货物"))
        if permit.entered_at:
            problems.append(("second_entry", f"该车已于{timezone.localtime(permit.entered_at):%m月%d日%H:%M}入境，"
                                             "一车一证一次有效，不能再次入境"))
    elif direction == Inspection.Direction.TRANSFER:
        if payload.get("x") != Permit.Kind.TRANSFER:
            problems.append(("not_transfer", "该证明为点对点直达，不在接驳点交接"))
        elif permit.handed_over_at:
            problems.append(("second_transfer", f"该证明已于{timezone.localtime(permit.handed_over_at):%m月%d日%H:%M}完成接驳"))
    elif direction == Inspection.Direction.EXIT:
        if not permit.entered_at:
            problems.append(("not_entered", "没有该车的入境记录"))
        elif permit.departed_at:
            problems.append(("second_exit", "该车已离境"))
    return permit, payload, problems


# ---------------------------------------------------------------- 四查一测


def _parse_decimal(value):
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def evaluate_person(checklist, results, at):
    """[(code, message)] of the items `results` ({item code: value}) fail under `checklist` at `at`.

    Raises DomainError for a value that cannot be a reading (a temperature outside its range, a
    sample time that is no time): the inspector corrects it, nothing is written.
    """
    failures = []
    for item in checklist:
        code, label, value = item["code"], item["label"], results.get(item["code"])
        if value in (None, ""):
            failures.append(("unchecked", f"{label}未查验"))
            continue
        if item["kind"] == "choice":
            if value not in item["options"]:
                raise DomainError(f"{label}的取值“{value}”无效")
            if value not in item["pass"]:
                failures.append((code, f"{label}：{value}"))
        elif item["kind"] == "temperature":
            reading = _parse_decimal(value)
            if reading is None or not (Decimal(item["min"]) <= reading <= Decimal(item["max"])):
                raise DomainError(f"{label}“{value}”不是有效的体温读数（{item['min']}—{item['max']}℃）")
            if reading >= Decimal(item["fail_at"]):
                failures.append((code, f"{label}{reading}℃（≥{item['fail_at']}℃）"))
        elif item["kind"] == "sample_time":
            sampled = parse_datetime(str(value))
            if sampled is None:
                raise DomainError(f"{label}的采样时间“{value}”无效")
            if timezone.is_naive(sampled):
                sampled = timezone.make_aware(sampled)
            hours = (at - sampled).total_seconds() / 3600
            if hours < 0:
                raise DomainError(f"{label}的采样时间晚于查验时间")
            if hours > item["max_hours"]:
                failures.append((code, f"{label}超过{item['max_hours']}小时（采样于{timezone.localtime(sampled):%m月%d日%H:%M}）"))
    return failures


# ---------------------------------------------------------------- the checkpoint


def record_inspection(user, *, token, checkpoint, direction, people_results=None, plate_seen="",
                      scanned_at=None, client_id, offline=False):
    """Record one vehicle at a checkpoint; returns (inspection, created).

    `people_results` is [{"order": n, "results": {item code: value}}] (entries only: 四查一测 of
    everyone aboard). Any problem refuses with every reason; the bureau and the destination town are
    alerted. A pass records the entry (or exit, or hand-over at a transfer point).
    """
    _require(get_access(user).staffs_checkpoint, "只有卡口值守人员（镇街、工信局工作人员）可以登记查验")
    client_id = (client_id or "").strip()[:40]
    if not client_id:
        raise DomainError("缺少查验记录标识")
    existing = Inspection.objects.filter(client_id=client_id).first()
    if existing:
        return existing, False
    if direction not in Inspection.Direction.values:
        raise DomainError("查验方向无效")
    now = timezone.now()
    at = scanned_at or now
    if at > now + dt.timedelta(minutes=10):
        raise DomainError("查验时间晚于当前时间，请校准手机时间")
    with transaction.atomic():
        permit, payload, problems = check_token(token, at, direction, plate_seen)
        if permit is not None:
            permit = Permit.objects.select_for_update().get(pk=permit.pk)  # one entry / exit at a time
            permit, payload, problems = check_token(token, at, direction, plate_seen)
        if checkpoint.event_id != (permit.event_id if permit else checkpoint.event_id):
            problems.append(("unknown", "该证明不属于本卡口所在的应急事件"))
        checks = []
        if direction in (Inspection.Direction.ENTRY, Inspection.Direction.TRANSFER) and permit is not None:
            checklist = ScreeningRule.for_event(permit.event).checklist
            by_order = {int(r.get("order", -1)): r.get("results") or {} for r in (people_results or [])}
            for person in permit.people.all():
                failures = evaluate_person(checklist, by_order.get(person.order, {}), at)
                checks.append({"order": person.order, "role": person.get_role_display(),
                               "results": by_order.get(person.order, {}),
                               "failures": [m for _, m in failures]})
                problems += [(code, f"{person.get_role_display()}{person.name}：{m}") for code, m in failures]
        passed = not problems
        inspection = Inspection(
            event_id=permit.event_id if permit else checkpoint.event_id, permit=permit,
            permit_number=(payload or {}).get("n", "")[:20], plate=((payload or {}).get("p") or plate_seen)[:10],
            checkpoint=checkpoint, direction=direction,
            result=Inspection.Result.PASSED if passed else Inspection.Result.REFUSED,
            reason="；".join(m for _, m in problems)[:300], reason_code=problems[0][0] if problems else "",
            checks=checks, inspector=user, scanned_at=at, offline=bool(offline), client_id=client_id)
        try:
            with transaction.atomic():
                inspection.save()
        except IntegrityError:
            existing = Inspection.objects.filter(client_id=client_id).first()
            if existing:
                return existing, False
            raise DomainError("该车已有入境（离境）记录，不能重复登记") from None
        if permit is not None and passed:
            if direction == Inspection.Direction.ENTRY:
                permit.entered_at, permit.entry_checkpoint = at, checkpoint
                _bump(permit, "entered_at", "entry_checkpoint")
            elif direction == Inspection.Direction.EXIT:
                permit.departed_at, permit.exit_checkpoint = at, checkpoint
                _bump(permit, "departed_at", "exit_checkpoint")
            else:
                permit.handed_over_at, permit.entry_checkpoint = at, checkpoint
                _bump(permit, "handed_over_at", "entry_checkpoint")
        log_action(user, "permits.inspect", permit or inspection,
                   {"checkpoint": checkpoint.name, "direction": inspection.get_direction_display(),
                    "result": inspection.get_result_display(), "reason": inspection.reason})
        if not passed:
            _alert_refusal(user, inspection, permit)
    return inspection, True


def _without_names(text, permit):
    """`text` with the names of the permit's people taken out (notices outlive the purge)."""
    for name in (permit.people.values_list("name", flat=True) if permit else []):
        if name:
            text = text.replace(name, "")
    return text


def _alert_refusal(user, inspection, permit):
    title = f"卡口劝返：{inspection.plate or '未知车辆'} 于{inspection.checkpoint.name}被劝返"
    body = f"原因：{_without_names(inspection.reason, permit)}"
    url = permit.get_absolute_url() if permit else "/permits/checkpoint/log/"
    source = f"permits.inspection:{inspection.pk}"
    notices.send("alert", title, body=body, to_role="bureau_staff", url=url, sender=user, source=source,
                 key=f"permits.refused_at:{inspection.pk}:bureau")
    if permit is not None:
        notices.send("alert", title, body=body, to_region=permit.town, url=url, sender=user, source=source,
                     key=f"permits.refused_at:{inspection.pk}:town")


def confirm_arrival(user, permit, now=None):
    with transaction.atomic():
        permit = _locked(permit)
        _require(can_confirm_trip(user, permit), "只有目的地企业可以确认车辆到达")
        if not permit.entered_at:
            raise DomainError("该车还没有入境记录，不能确认到达")
        if permit.arrived_at:
            raise DomainError("已确认到达")
        permit.arrived_at = now or timezone.now()
        _bump(permit, "arrived_at")
        log_action(user, "permits.arrive", permit, {"arrived_at": [None, permit.arrived_at.isoformat()]})
    return permit


def confirm_unloading(user, permit, now=None):
    with transaction.atomic():
        permit = _locked(permit)
        _require(can_confirm_trip(user, permit), "只有目的地企业可以确认卸货")
        if not permit.arrived_at:
            raise DomainError("请先确认车辆到达")
        if permit.unloaded_at:
            raise DomainError("已确认卸货")
        permit.unloaded_at = now or timezone.now()
        _bump(permit, "unloaded_at")
        log_action(user, "permits.unload", permit, {"unloaded_at": [None, permit.unloaded_at.isoformat()]})
    return permit


# ---------------------------------------------------------------- privacy


def can_reveal(user, permit, token=""):
    """The approver (destination town, bureau) always; checkpoint staff holding the permit's token."""
    if can_review(user, permit):
        return True
    if get_access(user).staffs_checkpoint and token and permit.number:
        try:
            return signing.verify(token).number == permit.number
        except signing.TokenError:
            return False
    return False


def reveal(user, person, field="id_number", token=""):
    """The full value of a person's ID number (or phone), audited."""
    permit = person.permit
    _require(can_reveal(user, permit, token), "无权查看完整个人信息")
    if permit.purged_at:
        raise DomainError("该证明的个人信息已按规定清除")
    label = PermitPerson._meta.get_field(field).verbose_name
    log_action(user, "permits.reveal", permit, {"person": f"{person.get_role_display()}{person.name}", "field": label})
    return getattr(person, field)


def purge_event(event, user=None, now=None):
    """Erase the personal data of a closed event's permits (names, ID numbers, phones, certificates);
    the permits, trips and counts stay. Idempotent; returns the counts."""
    if not event.is_closed:
        raise DomainError(f"应急事件“{event}”尚未关闭，不能清除个人信息")
    now = now or timezone.now()
    counts = {"permits": 0, "people": 0, "certificates": 0, "profiles": 0, "inspections": 0}
    with transaction.atomic():
        permits = Permit.objects.select_for_update().filter(event=event, purged_at__isnull=True)
        ids = list(permits.values_list("id", flat=True))
        people = PermitPerson.objects.filter(permit_id__in=ids)
        names = {}
        for permit_id, name in people.values_list("permit_id", "name"):
            names.setdefault(permit_id, []).append(name)
        scrubbed = []
        for inspection in Inspection.objects.filter(permit_id__in=ids).exclude(reason=""):
            reason = inspection.reason
            for name in names.get(inspection.permit_id, []):
                reason = reason.replace(name, "") if name else reason
            if reason != inspection.reason:
                inspection.reason = reason
                scrubbed.append(inspection)
        Inspection.objects.bulk_update(scrubbed, ["reason"], batch_size=500)
        counts["inspections"] = len(scrubbed)
        for person in people.exclude(certificate=""):
            person.certificate.delete(save=False)
            counts["certificates"] += 1
        counts["people"] = people.update(name="（已清除）", id_number="", phone="", certificate="")
        counts["permits"] = Permit.objects.filter(id__in=ids).update(purged_at=now)
        enterprises = Permit.objects.filter(event=event).values("enterprise_id")
        counts["profiles"] = PersonProfile.objects.filter(enterprise_id__in=enterprises,
                                                          last_used__lte=event.closed_at).delete()[0]
        log_action(user, "permits.purge", event, counts, actor=None if user else "清除命令")
    return counts


# ---------------------------------------------------------------- overstays


def alert_overstays(now=None):
    """Tell the bureau and the destination town about each vehicle still in the county after its
    window (once per permit); returns the permits alerted now."""
    now = now or timezone.now()
    alerted = []
    for permit in Permit.objects.overstaying(now).filter(overstay_alerted_at__isnull=True).select_related("town"):
        with transaction.atomic():
            title = f"车辆超时滞留：{permit.plate}（{permit.number}）有效期已过仍未离境"
            body = f"有效期至{timezone.localtime(permit.window_end):%m月%d日%H:%M}；目的地：{permit.enterprise.name}"
            for suffix, target in (("bureau", {"to_role": "bureau_staff"}), ("town", {"to_region": permit.town})):
                notices.send("alert", title, body=body, url=permit.get_absolute_url(),
                             source=f"permits.permit:{permit.pk}", key=f"permits.overstay:{permit.pk}:{suffix}", **target)
            Permit.objects.filter(pk=permit.pk).update(overstay_alerted_at=now)
            log_action(None, "permits.overstay_alert", permit, {"window_end": permit.window_end.isoformat()},
                       actor="超时提醒命令")
        alerted.append(permit)
    return alerted


def checkpoints(event):
    return list(Checkpoint.objects.filter(event=event).order_by("code"))
