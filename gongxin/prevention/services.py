"""Every change in prevention supervision. Contract (as reporting/services.py):

- Each function is one transaction; a transition locks its row (`_locked`, which also checks the
  version the user loaded → `ConflictError`) and checks the state (`_require_state` → `DomainError`
  with a Chinese message); who-may-act refusals raise `PermissionDenied` (403).
- Every change leaves an audit entry `prevention.<verb>` with old → new values.
- Applies once: unique constraints (one registration per enterprise × event, one round per rule ×
  enterprise × period, one report per day) and notice keys (one reminder per enterprise × notice ×
  day) make a repeated request a no-op or the same clear message.
- Approval stores a hash of the approved data; any later change whose hash differs sends the
  registration back to 待审核 with a history entry (Eden ASP's rule).
"""

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.notices import services as notices
from gongxin.notices.models import Notice
from gongxin.registry.models import Enterprise

from .files import MAX_ATTACHMENT_BYTES, check_upload
from .files import UploadRefused as UploadRefused  # re-exported: views catch services.UploadRefused
from .models import (
    ChecklistItem,
    CohortWorker,
    Evidence,
    Finding,
    FindingStep,
    Inspection,
    InspectionAnswer,
    NoticeAttachment,
    PolicyNotice,
    Registration,
    RegistrationItem,
    StatusChange,
    StatusReport,
    TestingRegime,
    TestingRound,
)

RS = Registration.Status
FS = Finding.Status


class DomainError(Exception):
    """A change the record's state does not allow; the message is for the user."""


class ConflictError(DomainError):
    """Somebody changed the record since the user loaded it."""


# ---------------------------------------------------------------- who may act


def can_supervise(user, enterprise):
    """Approve, inspect, verify, record testing: bureau staff, or the officer of the enterprise's town."""
    access = get_access(user)
    return access.is_bureau or (access.is_town_officer and enterprise.town_id in access.region_ids)


def can_answer(user, enterprise):
    """Register, report, rectify: the enterprise itself, or those who supervise it."""
    return enterprise.id in get_access(user).enterprise_ids or can_supervise(user, enterprise)


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _locked(model, obj, expected_version):
    expected = bounds.expected_version(expected_version, DomainError)
    current = model.objects.select_for_update().get(pk=obj.pk)
    if expected is not None and current.version != expected:
        raise ConflictError(f"该记录已被他人修改或处理（您打开的是第{expected_version}版，当前为第{current.version}版），"
                            "请刷新后再操作。")
    return current


def _require_state(obj, allowed, action):
    if obj.status not in allowed:
        raise DomainError(f"当前状态为“{obj.get_status_display()}”，不能{action}。")


def _fit(model, name, value, label=None):
    """What the user typed, whole, or a DomainError when the column cannot hold it (lib/bounds.fit)."""
    return bounds.fit(model, name, value, DomainError, label)


def _actor(user):
    return user.get_username() if getattr(user, "pk", None) else "系统命令"


def _user(user):
    return user if getattr(user, "pk", None) else None


# ---------------------------------------------------------------- notices (政策文件转发)


def target_enterprises(notice):
    """The enterprises a notice is sent to (its target resolved now), on the event year's list."""
    from gongxin.analysis import stats

    year = notice.event.started_on.year
    qs = Enterprise.objects.on_list(year)
    if notice.target == PolicyNotice.Target.GROUPS:
        qs = qs.filter(groups__in=notice.target_groups.all())
    elif notice.target == PolicyNotice.Target.TOWNS:
        qs = qs.filter(town__in=notice.target_towns.all())
    elif notice.target == PolicyNotice.Target.TIERS:
        tiers = [t for t in notice.target_tiers.split(",") if t]
        qs = qs.filter(pk__in=list(stats.enterprise_tiers(year, tiers=tiers)))
    elif notice.target == PolicyNotice.Target.LIST:
        qs = Enterprise.objects.filter(pk__in=notice.target_enterprises.all())
    return qs.distinct().order_by("town__code", "name")


def notice_url(notice):
    return f"/prevention/notices/{notice.pk}/"


@transaction.atomic
def publish_notice(user, event, *, title, issuer, doc_number="", body="", target=PolicyNotice.Target.ALL,
                   groups=(), towns=(), tiers=(), enterprises=(), files=(), at=None, token=None):
    """Create the notice, store its attachments (checked) and send it to every target enterprise.

    A repeated `token` (the same form posted twice) returns the notice published the first time."""
    _require(get_access(user).is_bureau, "仅工信局工作人员可以转发政策文件")
    if token and (done := PolicyNotice.objects.filter(token=token).first()):
        return done
    if event.is_closed:
        raise DomainError("事件已关闭，不能再转发文件")
    title = title.strip()
    if not title:
        raise DomainError("请填写文件标题")
    checked = []
    for upload in files:
        checked.append((upload, check_upload(upload, images=True, documents=True, max_bytes=MAX_ATTACHMENT_BYTES)))
    try:
        with transaction.atomic():
            notice = PolicyNotice.objects.create(event=event, title=_fit(PolicyNotice, "title", title), issuer=_fit(PolicyNotice, "issuer", issuer.strip()),
                                                 doc_number=_fit(PolicyNotice, "doc_number", doc_number.strip()), body=body, target=target,
                                                 target_tiers=",".join(tiers), published_at=at or timezone.now(),
                                                 published_by=_user(user), token=token or None)
    except IntegrityError:  # the same form, posted in parallel
        return PolicyNotice.objects.get(token=token)
    notice.target_groups.set(groups)
    notice.target_towns.set(towns)
    notice.target_enterprises.set(enterprises)
    for upload, content_type in checked:
        att = NoticeAttachment(notice=notice, name=Path(upload.name).name, size=upload.size,
                               content_type=content_type)
        att.file.save(Path(upload.name).name, upload, save=False)
        att.save()
    recipients = list(target_enterprises(notice))
    if not recipients:
        raise DomainError("发送范围内没有企业，请重新选择")
    for e in recipients:  # one notice per enterprise; the key makes a retried publish send nothing twice
        notices.send(Notice.Kind.POLICY, notice.title, to_enterprise=e, body=_notice_body(notice),
                     url=notice_url(notice), sender=user, source=notice.source, key=f"{notice.source}:{e.pk}")
    log_action(user, "prevention.publish", notice, {"title": notice.title, "target": notice.get_target_display(),
                                                    "recipients": len(recipients)})
    return notice


def _notice_body(notice):
    head = f"{notice.issuer} {notice.doc_number}".strip()
    return f"{head}\n\n{notice.body}".strip()


def read_receipts(notice):
    """{enterprise id: first read time} of the notice's recipients."""
    from gongxin.notices.models import NoticeRead

    found = {}
    for eid, at in (NoticeRead.objects.filter(notice__source=notice.source, enterprise__isnull=False)
                    .order_by("read_at").values_list("enterprise_id", "read_at")):
        found.setdefault(eid, at)
    return found


def remind_unread(user, notice, day=None):
    """One 阅读提醒 to each enterprise that has not read `notice`, once per day; returns how many sent."""
    _require(get_access(user).is_bureau, "仅工信局工作人员可以发送阅读提醒")
    day = day or timezone.localdate()
    with transaction.atomic():
        notice = PolicyNotice.objects.select_for_update().get(pk=notice.pk)  # one reminder run at a time
        read = read_receipts(notice)
        unread = (Notice.objects.filter(source=notice.source, enterprise__isnull=False)
                  .exclude(enterprise_id__in=read).select_related("enterprise"))
        sent = 0
        for n in unread:
            _, created = notices.send(Notice.Kind.READ_REMIND, f"请阅读：{notice.title}", to_enterprise=n.enterprise,
                                      body=f"您尚未确认阅读《{notice.title}》，请及时阅读并确认。", url=f"/notices/{n.pk}/",
                                      sender=user, source=notice.source + ":remind",
                                      key=f"{notice.source}:remind:{n.enterprise_id}:{day:%Y-%m-%d}")
            sent += created
        if sent:
            log_action(user, "prevention.remind", notice, {"day": str(day), "reminded": sent})
    return sent


# ---------------------------------------------------------------- closed-loop production


def _history(reg, old, new, user, reason="", at=None):
    StatusChange.objects.create(registration=reg, old=old, new=new, user=_user(user), actor=_actor(user),
                                reason=_fit(StatusChange, "reason", reason), at=at or timezone.now())


def _check_registration_data(data):
    if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
        raise DomainError("封闭结束日期不能早于开始日期")
    for name, top in (("workers_inside", 100_000), ("supplies_days", 365)):
        value = data.get(name)
        if value is not None and not (0 <= int(value) <= top):
            raise DomainError(f"{Registration._meta.get_field(name).verbose_name}应在0～{top}之间")


def _set_items(reg, item_statuses):
    """Write {ChecklistItem id: (status, note)}; items not given keep their status."""
    existing = {i.item_id: i for i in reg.items.all()}
    for item_id, (status, note) in item_statuses.items():
        if status not in RegistrationItem.Status.values:
            raise DomainError("检查项落实情况无效")
        row, note = existing.get(item_id), _fit(RegistrationItem, "note", note)
        if row is None:
            RegistrationItem.objects.create(registration=reg, item_id=item_id, status=status, note=note)
        elif (row.status, row.note) != (status, note):
            row.status, row.note = status, note
            row.save()


@transaction.atomic
def register(user, event, enterprise, data, item_statuses=None, at=None):
    """A new closed-loop registration, 待审核, with every active checklist item."""
    _require(can_answer(user, enterprise), "您不能为该企业登记封闭生产")
    if event.is_closed:
        raise DomainError("事件已关闭，不能再登记")
    _check_registration_data(data)
    if Registration.objects.filter(event=event, enterprise=enterprise).exists():
        raise DomainError(f"{enterprise.name}已登记本事件的封闭生产，请在原登记上修改")
    try:
        with transaction.atomic():
            reg = Registration.objects.create(event=event, enterprise=enterprise, created_at=at or timezone.now(),
                                              **{k: data[k] for k in Registration.DATA_FIELDS if k in data})
    except IntegrityError as e:
        raise DomainError(f"{enterprise.name}已登记本事件的封闭生产，请在原登记上修改") from e
    statuses = {i.pk: ("not_met", "") for i in ChecklistItem.objects.filter(event=event, active=True)}
    statuses.update(item_statuses or {})
    _set_items(reg, statuses)
    _history(reg, "", RS.PENDING, user, "登记", at=at)
    log_action(user, "prevention.register", reg, {k: str(data.get(k, "")) for k in Registration.DATA_FIELDS})
    return reg


@transaction.atomic
def update_registration(user, reg, expected_version, data, item_statuses=None):
    """Save changed data; an approved registration whose data hash changes goes back to 待审核."""
    _require(can_answer(user, reg.enterprise), "您不能修改该企业的封闭生产登记")
    reg = _locked(Registration, reg, expected_version)
    _require_state(reg, (RS.PENDING, RS.APPROVED, RS.RETURNED, RS.SUSPENDED), "修改")
    _check_registration_data({**{k: getattr(reg, k) for k in Registration.DATA_FIELDS}, **data})
    before = {k: getattr(reg, k) for k in Registration.DATA_FIELDS}
    before_items = {i.item_id: (i.status, i.note) for i in reg.items.all()}
    for name in Registration.DATA_FIELDS:
        if name in data:
            setattr(reg, name, data[name])
    _set_items(reg, item_statuses or {})
    diff = {k: [str(before[k]), str(getattr(reg, k))] for k in Registration.DATA_FIELDS if before[k] != getattr(reg, k)}
    after_items = {i.item_id: (i.status, i.note) for i in reg.items.all()}
    changed_items = {str(ChecklistItem.objects.get(pk=k).name): [before_items.get(k, ("", ""))[0], v[0]]
                     for k, v in after_items.items() if before_items.get(k) != v}
    if not diff and not changed_items:
        return reg
    old_status = reg.status
    if reg.status in (RS.APPROVED, RS.RETURNED) and reg.data_hash() != reg.approved_hash:
        reg.status = RS.PENDING
        _history(reg, old_status, RS.PENDING, user,
                 "批准后数据变更，重新审核" if old_status == RS.APPROVED else "修改后重新提交")
    reg.version += 1
    reg.save()
    audit = {**diff, **changed_items}
    if reg.status != old_status:
        audit["status"] = [old_status, reg.status]
    log_action(user, "prevention.update", reg, audit)
    return reg


@transaction.atomic
def approve_registration(user, reg, expected_version, at=None):
    _require(can_supervise(user, reg.enterprise), "仅企业所在镇街或工信局可以审核")
    reg = _locked(Registration, reg, expected_version)
    _require_state(reg, (RS.PENDING,), "批准")
    reg.status, reg.approved_at, reg.approved_by = RS.APPROVED, at or timezone.now(), _user(user)
    reg.approved_hash = reg.data_hash()
    reg.version += 1
    reg.save()
    _history(reg, RS.PENDING, RS.APPROVED, user, "审核通过", at=at)
    log_action(user, "prevention.approve", reg, {"status": [RS.PENDING, RS.APPROVED], "hash": reg.approved_hash})
    return reg


def _transition(user, reg, expected_version, allowed, new, verb, label, reason):
    _require(can_supervise(user, reg.enterprise), "仅企业所在镇街或工信局可以执行此操作")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{label}原因")
    reg = _locked(Registration, reg, expected_version)
    _require_state(reg, allowed, label)
    old = reg.status
    reg.status = new
    reg.version += 1
    reg.save()
    _history(reg, old, new, user, reason)
    log_action(user, verb, reg, {"status": [old, new], "reason": reason})
    return reg


@transaction.atomic
def return_registration(user, reg, expected_version, reason):
    return _transition(user, reg, expected_version, (RS.PENDING,), RS.RETURNED, "prevention.return_reg", "退回", reason)


@transaction.atomic
def suspend_registration(user, reg, expected_version, reason):
    return _transition(user, reg, expected_version, (RS.APPROVED,), RS.SUSPENDED, "prevention.suspend", "暂停", reason)


@transaction.atomic
def revoke_registration(user, reg, expected_version, reason):
    return _transition(user, reg, expected_version, (RS.PENDING, RS.APPROVED, RS.SUSPENDED, RS.RETURNED),
                       RS.REVOKED, "prevention.revoke", "撤销", reason)


@transaction.atomic
def add_status_report(user, reg, *, kind, day, workers_on_site, capacity_pct, problems=""):
    _require(can_answer(user, reg.enterprise), "您不能为该企业报告封闭生产情况")
    if reg.status not in (RS.APPROVED, RS.PENDING):
        raise DomainError(f"登记状态为“{reg.get_status_display()}”，不能报告情况")
    capacity_pct = Decimal(capacity_pct)
    if not (0 <= capacity_pct <= 100):
        raise DomainError("产能利用率应在0～100之间")
    if not (0 <= int(workers_on_site) <= 100_000):
        raise DomainError("在岗人数应在0～100000之间")
    try:
        with transaction.atomic():
            report = StatusReport.objects.create(registration=reg, kind=kind, day=day, workers_on_site=workers_on_site,
                                                 capacity_pct=capacity_pct, problems=_fit(StatusReport, "problems", problems),
                                                 user=_user(user))
    except IntegrityError as e:
        raise DomainError(f"{day:%Y-%m-%d}的{StatusReport.Kind(kind).label}已报告") from e
    log_action(user, "prevention.report", reg, {"kind": kind, "day": str(day), "workers_on_site": workers_on_site,
                                                "capacity_pct": str(capacity_pct), "problems": problems})
    return report


# ---------------------------------------------------------------- inspections and rectification


@transaction.atomic
def record_inspection(user, event, enterprise, template, *, day, team, note="", answers=None, findings=(), at=None,
                      token=None):
    """An inspection visit with its checklist answers {TemplateItem id: result} and its findings
    [{"description", "severity", "deadline", "category"}]; a repeated `token` returns the first."""
    _require(can_supervise(user, enterprise), "仅企业所在镇街或工信局可以录入督导检查")
    if token and (done := Inspection.objects.filter(token=token).first()):
        return done
    if event.is_closed:
        raise DomainError("事件已关闭，不能再录入检查")
    if not team.strip():
        raise DomainError("请填写检查组")
    for f in findings:
        if f["deadline"] < day:
            raise DomainError("整改期限不能早于检查日期")
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(event=event, enterprise=enterprise, template=template, day=day,
                                                   team=_fit(Inspection, "team", team.strip()),
                                                   note=_fit(Inspection, "note", note), inspector=_user(user),
                                                   created_at=at or timezone.now(), token=token or None)
    except IntegrityError:  # the same form, posted in parallel
        return Inspection.objects.get(token=token)
    valid = set(template.items.values_list("pk", flat=True))
    InspectionAnswer.objects.bulk_create([InspectionAnswer(inspection=inspection, item_id=k, result=v)
                                          for k, v in (answers or {}).items() if k in valid
                                          and v in InspectionAnswer.Result.values])
    log_action(user, "prevention.inspect", inspection, {"day": str(day), "team": team, "findings": len(findings)})
    for f in findings:
        add_finding(user, inspection, at=at, **f)
    return inspection


def add_finding(user, inspection, *, description, severity, deadline, category="", at=None):
    _require(can_supervise(user, inspection.enterprise), "仅企业所在镇街或工信局可以录入问题")
    description = description.strip()
    if not description:
        raise DomainError("请填写问题描述")
    if severity not in Finding.Severity.values:
        raise DomainError("严重程度无效")
    if deadline < inspection.day:
        raise DomainError("整改期限不能早于检查日期")
    finding = Finding.objects.create(inspection=inspection, event_id=inspection.event_id,
                                     enterprise_id=inspection.enterprise_id, category=category[:30],
                                     description=_fit(Finding, "description", description), severity=severity,
                                     deadline=deadline,
                                     created_at=at or timezone.now())
    FindingStep.objects.create(finding=finding, action=FindingStep.Action.OPENED, user=_user(user),
                               actor=_actor(user), note=description, at=at or timezone.now())
    log_action(user, "prevention.finding", finding, {"description": description, "severity": severity,
                                                     "deadline": str(deadline)})
    return finding


def rectify(user, finding, expected_version, note, files=(), at=None):
    """The enterprise reports the rectification with evidence (photos/files, checked by content)."""
    _require(can_answer(user, finding.enterprise), "您不能为该企业报告整改")
    note = (note or "").strip()
    if not note:
        raise DomainError("请说明整改情况")
    if not files:
        raise DomainError("请上传整改照片或佐证材料")
    checked = [(f, check_upload(f)) for f in files]  # before anything is written
    with transaction.atomic():
        finding = _locked(Finding, finding, expected_version)
        _require_state(finding, (FS.OPEN,), "报告整改")
        step = FindingStep.objects.create(finding=finding, action=FindingStep.Action.RECTIFIED, user=_user(user),
                                          actor=_actor(user), note=_fit(FindingStep, "note", note), at=at or timezone.now())
        for upload, content_type in checked:
            ev = Evidence(step=step, name=Path(upload.name).name, size=upload.size, content_type=content_type)
            ev.file.save(Path(upload.name).name, upload, save=False)
            ev.save()
        finding.status = FS.RECTIFIED
        finding.version += 1
        finding.save()
        log_action(user, "prevention.rectify", finding, {"status": [FS.OPEN, FS.RECTIFIED], "note": note,
                                                         "files": [Path(f.name).name for f, _ in checked]})
    return finding


@transaction.atomic
def verify(user, finding, expected_version, note="", at=None):
    _require(can_supervise(user, finding.enterprise), "仅企业所在镇街或工信局可以核验整改")
    finding = _locked(Finding, finding, expected_version)
    _require_state(finding, (FS.RECTIFIED,), "核验销号")
    FindingStep.objects.create(finding=finding, action=FindingStep.Action.VERIFIED, user=_user(user),
                               actor=_actor(user), note=_fit(FindingStep, "note", note or "整改到位"),
                               at=at or timezone.now())
    finding.status = FS.VERIFIED
    finding.version += 1
    finding.save()
    log_action(user, "prevention.verify", finding, {"status": [FS.RECTIFIED, FS.VERIFIED], "note": note})
    return finding


@transaction.atomic
def reject(user, finding, expected_version, reason):
    _require(can_supervise(user, finding.enterprise), "仅企业所在镇街或工信局可以核验整改")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写核验未通过的原因")
    finding = _locked(Finding, finding, expected_version)
    _require_state(finding, (FS.RECTIFIED,), "退回整改")
    FindingStep.objects.create(finding=finding, action=FindingStep.Action.REJECTED, user=_user(user),
                               actor=_actor(user), note=_fit(FindingStep, "note", reason, "原因"))
    finding.status = FS.OPEN
    finding.version += 1
    finding.save()
    log_action(user, "prevention.reject", finding, {"status": [FS.RECTIFIED, FS.OPEN], "reason": reason})
    return finding


# ---------------------------------------------------------------- testing


def period_start(regime, day):
    """The first day of the regime's N-day period that contains `day`."""
    offset = (day - regime.starts_on).days
    return regime.starts_on + dt.timedelta(days=offset - offset % regime.every_days)


def required_count(regime, enterprise, headcount, start, hires=None):
    """Whom the rule requires in the period from `start`: the sampled share of the headcount
    (rounded up), or for a cohort the worker-days falling in the period (`hires`: the cohort's
    hire dates at the enterprise, read here when not given)."""
    if regime.cohort == TestingRegime.Cohort.NEW_HIRES:
        if hires is None:
            hires = CohortWorker.objects.filter(regime=regime, enterprise=enterprise).values_list("hired_on", flat=True)
        end = start + dt.timedelta(days=regime.every_days - 1)
        days = regime.cohort_day_numbers
        return sum(1 for hired in hires for d in days if start <= hired + dt.timedelta(days=d - 1) <= end)
    return math.ceil(Decimal(headcount) * regime.sample_pct / 100)


@transaction.atomic
def record_round(user, regime, enterprise, *, day, headcount, tested, tubes, team="", sampling_point=None):
    _require(can_supervise(user, enterprise), "仅企业所在镇街或工信局可以录入检测轮次")
    if day < regime.starts_on or (regime.ends_on and day > regime.ends_on):
        raise DomainError("检测日期不在该检测制度的执行期内")
    for label, value in (("在岗人数", headcount), ("实检人数", tested), ("采样管数", tubes)):
        if not (0 <= int(value) <= 100_000):
            raise DomainError(f"{label}应在0～100000之间")
    start = period_start(regime, day)
    required = required_count(regime, enterprise, headcount, start)
    if tested > headcount and regime.cohort == TestingRegime.Cohort.ALL:
        raise DomainError("实检人数不能超过在岗人数")
    try:
        with transaction.atomic():
            rnd = TestingRound.objects.create(event_id=regime.event_id, regime=regime, enterprise=enterprise, day=day,
                                              period_start=start, headcount=headcount, required=required,
                                              tested=tested, tubes=tubes, team=_fit(TestingRound, "team", team),
                                              sampling_point=sampling_point, user=_user(user))
    except IntegrityError as e:
        raise DomainError(f"{enterprise.name}在{start:%m月%d日}起的检测周期已录入检测轮次") from e
    log_action(user, "prevention.round", rnd, {"day": str(day), "headcount": headcount, "required": required,
                                               "tested": tested, "tubes": tubes})
    return rnd


REGIME_FIELDS = ["name", "scope", "tier", "group", "enterprise", "every_days", "sample_pct", "pool_size", "cohort",
                 "cohort_days", "starts_on", "ends_on"]


@transaction.atomic
def create_regime(user, event, fields):
    _require(get_access(user).is_bureau, "仅工信局工作人员可以设置检测制度")
    if event.is_closed:
        raise DomainError("事件已关闭，不能再设置检测制度")
    regime = TestingRegime.objects.create(event=event, **{k: fields[k] for k in REGIME_FIELDS if k in fields})
    log_action(user, "prevention.regime", regime, {k: str(getattr(regime, k) or "") for k in REGIME_FIELDS})
    return regime


@transaction.atomic
def add_checklist_item(user, event, name):
    _require(get_access(user).is_bureau, "仅工信局工作人员可以设置检查项")
    name = name.strip()
    if not name:
        raise DomainError("请填写检查项")
    if ChecklistItem.objects.filter(event=event, name=name).exists():
        raise DomainError(f"检查项“{name}”已存在")
    item = ChecklistItem.objects.create(event=event, name=_fit(ChecklistItem, "name", name),
                                        order=ChecklistItem.objects.filter(event=event).count())
    log_action(user, "prevention.checklist", item, {"name": item.name, "active": True})
    return item


@transaction.atomic
def toggle_checklist_item(user, item):
    _require(get_access(user).is_bureau, "仅工信局工作人员可以设置检查项")
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    item.active = not item.active
    item.save(update_fields=["active"])
    log_action(user, "prevention.checklist", item, {"active": [not item.active, item.active]})
    return item


def unmask_worker(user, worker):
    """The worker's name and ID number for someone who needs them; the look is audited."""
    _require(can_supervise(user, worker.enterprise), "您无权查看人员身份信息")
    log_action(user, "prevention.unmask", worker, {"fields": ["name", "id_number"]})
    return worker.name, worker.id_number


def purge_personal_data(event, user=None):
    """Empty the names and ID numbers of a closed event's cohort workers; returns how many were purged.

    Idempotent (a second run purges 0 and writes nothing); counts (workers, hire dates, tests) stay.
    """
    if not event.is_closed:
        raise DomainError(f"事件“{event.code}”尚未关闭，不能清除个人信息")
    with transaction.atomic():
        workers = CohortWorker.objects.select_for_update().filter(event=event, purged_at__isnull=True)
        ids = list(workers.values_list("pk", flat=True))
        if not ids:
            return 0
        CohortWorker.objects.filter(pk__in=ids).update(name="", id_number="", purged_at=timezone.now())
        log_action(user, "prevention.purge", event, {"workers": len(ids), "fields": ["name", "id_number"]},
                   actor=None if getattr(user, "pk", None) else "gongxin prevention_purge")
    return len(ids)
