"""The life of an enterprise demand (企业诉求): 接 → 派 → 办 → 评.

raise_demand → assign (主办 + 协办; due dates from the tier in working days) → [object within one
working day → reassign] → notes / 协办 answers / pause ↔ resume (the clock stops) / extension asked
before the deadline and approved → resolve → the enterprise confirms and rates (closed) or rejects
(back to 办理中); 回访 and reopen after closing; overdue demands are escalated to the leadership.

Each function runs in one transaction, locks the demand (`_locked`, with the version the user
loaded), checks who may act (PermissionDenied → 403) and the state (`DomainError`, a Chinese
message), writes a `DemandStep` for the timeline and an audit entry. A repeated identical request
(a double click) finds the state already changed and is refused: one effect.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.notices.services import send

from .models import Assignment, Demand, DemandStep, Department, Visit
from .workdays import DAY, Calendar

S = Demand.Status
K = DemandStep.Kind


class DomainError(Exception):
    """A step the demand's state does not allow; the message is for the user."""


class ConflictError(DomainError):
    """Somebody changed the demand since the user loaded it."""


# ---------------------------------------------------------------- who may act


def can_handle(user, demand):
    """Bureau staff handle every demand; a town officer those led or assisted by their town."""
    access = get_access(user)
    if access.is_bureau:
        return True
    if demand.anonymous:
        return False
    if access.is_town_officer:
        towns = set(demand.assignments.filter(active=True, department__region__isnull=False)
                    .values_list("department__region_id", flat=True))
        return bool(towns & access.region_ids) or demand.enterprise.town_id in access.region_ids
    return False


def is_reporter_of(user, demand):
    return demand.enterprise_id in get_access(user).enterprise_ids


def _require(allowed, message="您无权办理该诉求"):
    if not allowed:
        raise PermissionDenied(message)


def _require_state(demand, allowed, action):
    if demand.status not in allowed:
        raise DomainError(f"该诉求当前状态为“{demand.get_status_display()}”，不能{action}。")


def _locked(demand, expected_version):
    expected = bounds.expected_version(expected_version, DomainError)
    if expected is not None and expected != demand.version:
        raise ConflictError("该诉求已被他人更新，请刷新页面后再操作。")
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    if expected is not None and expected != locked.version:
        raise ConflictError("该诉求已被他人更新，请刷新页面后再操作。")
    return locked


def _step(demand, kind, user, note="", at=None, **fields):
    return DemandStep.objects.create(demand=demand, kind=kind, at=at or timezone.now(), user=_user(user),
                                     actor=_actor(user), note=note, **fields)


def _user(user):
    return user if getattr(user, "pk", None) else None


def _actor(user):
    return user.get_full_name() or user.get_username() if getattr(user, "pk", None) else "系统"


def _save(demand, user, action, changed, data=None, fields=()):
    demand.version += 1
    demand.save(update_fields=[*fields, "version"])
    log_action(user, action, demand, {**changed, **(data or {})})


# ---------------------------------------------------------------- 接: raise


def _code(demand):
    """SQ + month of receipt + the row's id: unique without a counter to race for."""
    return f"SQ{timezone.localtime(demand.received_at):%Y%m}{demand.pk:05d}"


def raise_demand(user, enterprise, *, category, title, description, tier, channel="enterprise",
                 anonymous=False, contact="", source="", token=None, at=None):
    """A new demand in the pool (待受理). `token` (the form's one-time token) makes a double submit
    create one demand: the second finds the first."""
    access = get_access(user)
    _require(access.is_bureau or enterprise.id in access.enterprise_ids
             or (access.is_town_officer and enterprise.town_id in access.region_ids), "您无权为该企业登记诉求")
    if anonymous and channel != "enterprise":
        raise DomainError("只有企业本身可以匿名反映诉求。")
    at = at or timezone.now()
    if token and (existing := Demand.objects.filter(form_token=token).first()):
        return existing
    try:
        with transaction.atomic():
            demand = Demand.objects.create(
                code=uuid.uuid4().hex[:20], enterprise=enterprise, channel=channel, category=category, title=title,
                description=description, tier=tier, anonymous=anonymous, contact=contact, source=source,
                received_at=at, form_token=token or None, created_by=_user(user))
            demand.code = _code(demand)
            demand.save(update_fields=["code"])
            _step(demand, K.RAISED, user, f"{demand.get_channel_display()}：{title}", at=at)
            log_action(user, "services.raise", demand, {"category": demand.get_category_display(),
                                                         "channel": demand.get_channel_display()})
            send("task", f"新的企业诉求：{title}", to_role="bureau_staff", url=f"/services/demands/{demand.pk}/",
                 source=f"services.demand:{demand.pk}", key=f"services.raise:{demand.pk}")
            return demand
    except IntegrityError:
        if token and (existing := Demand.objects.filter(form_token=token).first()):
            return existing  # the parallel identical submit won
        raise


# ---------------------------------------------------------------- 派: assign, object


@transaction.atomic
def assign(demand, user, lead, assists=(), note="", version=None, at=None):
    """Give the demand its 主办 and 协办 units; the clock's deadlines start now."""
    _require(get_access(user).is_bureau, "只有工信局可以交办诉求")
    demand = _locked(demand, version)
    _require_state(demand, (S.NEW,), "交办")
    assists = [d for d in assists if d.pk != lead.pk]
    at = at or timezone.now()
    cal = Calendar.load()
    demand.assignments.filter(active=True).update(active=False)
    Assignment.objects.create(demand=demand, department=lead, role=Assignment.Role.LEAD,
                              due_at=cal.add_days(at, demand.tier.lead_days))
    for dept in assists:
        Assignment.objects.create(demand=demand, department=dept, role=Assignment.Role.ASSIST,
                                  due_at=cal.add_days(at, demand.tier.assist_days))
    demand.status, demand.lead, demand.assigned_at = S.ASSIGNED, lead, at
    if demand.due_at is None:  # the first assignment sets the clock; a reassignment keeps it
        demand.due_at = cal.add(demand.received_at, demand.tier.lead_days * DAY)
    demand.objection_until = cal.add_days(at, 1)
    names = "、".join(d.name for d in assists)
    _step(demand, K.ASSIGNED, user, f"主办：{lead.name}" + (f"；协办：{names}" if names else "") +
          (f"。{note}" if note else ""), at=at)
    _save(demand, user, "services.assign", {"status": [S.NEW.label, S.ASSIGNED.label]},
          {"lead": lead.name, "assists": [d.name for d in assists]},
          ("status", "lead", "assigned_at", "due_at", "objection_until"))
    _notify_department(lead, demand, f"交办诉求：{demand.title}（主办）")
    for dept in assists:
        _notify_department(dept, demand, f"交办诉求：{demand.title}（协办）")
    return demand


def _notify_department(dept, demand, title):
    url = f"/services/demands/{demand.pk}/"
    if dept.region_id:
        send("task", title, to_region=dept.region, url=url, source=f"services.demand:{demand.pk}",
             key=f"services.assign:{demand.pk}:{dept.pk}:{demand.version}")
    for member in dept.members.all():
        send("task", title, to_user=member, url=url, source=f"services.demand:{demand.pk}",
             key=f"services.assign:{demand.pk}:{dept.pk}:{member.pk}:{demand.version}")


def user_departments(user):
    """The units `user` acts for: those they are a member of, and their towns' units."""
    region_ids = get_access(user).region_ids
    q = Q(members=user) | (Q(region_id__in=region_ids) if region_ids else Q(pk__in=[]))
    return Department.objects.filter(q).distinct()


@transaction.atomic
def object_to_assignment(demand, user, reason, version=None, at=None):
    """The 主办 unit disputes the assignment within one working day; the demand goes back to the
    bureau to reassign. One objection per demand: after it, or after the window, the assignment is final."""
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED,), "提出异议")
    at = at or timezone.now()
    lead = demand.assignments.filter(active=True, role=Assignment.Role.LEAD).select_related("department").first()
    _require(lead and lead.department in user_departments(user), "只有主办单位可以对交办提出异议")
    if not reason.strip():
        raise DomainError("请填写异议理由。")
    if demand.objection_until is None or at > demand.objection_until:
        raise DomainError("已超过1个工作日的异议期限，交办已生效，请按期办理。")
    if demand.steps.filter(kind=K.OBJECTED).exists():
        raise DomainError("该诉求已提出过异议并重新交办，交办为最终决定。")
    lead.objected_at = at
    lead.save(update_fields=["objected_at"])
    demand.assignments.filter(active=True).update(active=False)
    demand.status, demand.lead, demand.objection_until = S.NEW, None, None
    _step(demand, K.OBJECTED, user, reason, at=at)
    _save(demand, user, "services.object", {"status": [S.ASSIGNED.label, S.NEW.label]}, {"reason": reason},
          ("status", "lead", "objection_until"))
    return demand


# ---------------------------------------------------------------- 办: notes, answers, pause, extension, resolve


@transaction.atomic
def add_note(demand, user, note, version=None):
    _require(can_handle(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED, S.PAUSED), "记录办理进展")
    if not note.strip():
        raise DomainError("请填写办理进展。")
    _step(demand, K.NOTE, user, note)
    _save(demand, user, "services.note", {}, {"note": note})
    return demand


@transaction.atomic
def answer_assist(demand, user, answer, version=None, at=None):
    """A 协办 unit's answer (due within its working days)."""
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED, S.PAUSED), "协办答复")
    mine = demand.assignments.filter(active=True, role=Assignment.Role.ASSIST, answered_at__isnull=True,
                                     department__in=user_departments(user)).first()
    _require(mine is not None, "只有尚未答复的协办单位可以答复")
    if not answer.strip():
        raise DomainError("请填写答复意见。")
    mine.answered_at, mine.answer = at or timezone.now(), answer
    mine.save(update_fields=["answered_at", "answer"])
    _step(demand, K.ANSWERED, user, f"{mine.department.name}：{answer}", at=mine.answered_at)
    _save(demand, user, "services.answer", {}, {"department": mine.department.name})
    return demand


@transaction.atomic
def pause(demand, user, reason, version=None, at=None):
    """等待企业补充材料: the clock stops until `resume`."""
    _require(can_handle(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED,), "暂停计时")
    if not reason.strip():
        raise DomainError("请填写暂停原因（需企业补充的材料）。")
    demand.status, demand.paused_since = S.PAUSED, at or timezone.now()
    _step(demand, K.PAUSED, user, reason, at=demand.paused_since)
    _save(demand, user, "services.pause", {"status": [S.ASSIGNED.label, S.PAUSED.label]}, {"reason": reason},
          ("status", "paused_since"))
    send("task", f"请补充诉求材料：{demand.title}", to_enterprise=demand.enterprise, body=reason,
         url=f"/services/demands/{demand.pk}/", source=f"services.demand:{demand.pk}",
         key=f"services.pause:{demand.pk}:{demand.version}")
    return demand


@transaction.atomic
def resume(demand, user, note="", version=None, at=None):
    """The material arrived: the clock runs again and the deadline moves by the paused working time."""
    _require(can_handle(user, demand) or is_reporter_of(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.PAUSED,), "恢复计时")
    at = at or timezone.now()
    cal = Calendar.load()
    paused = cal.working_seconds(demand.paused_since, at)
    demand.paused_seconds += paused
    demand.due_at = cal.add(demand.due_at, paused) if paused else demand.due_at
    demand.status, demand.paused_since = S.ASSIGNED, None
    _step(demand, K.RESUMED, user, note or "企业已补充材料，恢复计时", at=at)
    _save(demand, user, "services.resume", {"status": [S.PAUSED.label, S.ASSIGNED.label]}, {"paused_seconds": paused},
          ("status", "paused_since", "paused_seconds", "due_at"))
    return demand


@transaction.atomic
def request_extension(demand, user, days, reason, version=None, at=None):
    """Asked at least one working day before the deadline, with a reason."""
    _require(can_handle(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED, S.PAUSED), "申请延期")
    at = at or timezone.now()
    if not reason.strip():
        raise DomainError("请填写延期理由。")
    if not 1 <= int(days) <= 30:
        raise DomainError("延期天数应为1至30个工作日。")
    if _extension_pending(demand):
        raise DomainError("已有延期申请待审批。")
    cal = Calendar.load()
    if demand.status == S.ASSIGNED and cal.working_seconds(at, demand.due_at) < DAY:
        raise DomainError("延期须在办结时限前至少1个工作日提出。")
    _step(demand, K.EXTENSION_ASKED, user, reason, at=at, extension_days=int(days))
    _save(demand, user, "services.extension_ask", {}, {"days": int(days), "reason": reason})
    return demand


def _extension_pending(demand):
    """More extension requests than decisions on them."""
    asked = demand.steps.filter(kind=K.EXTENSION_ASKED).count()
    return asked > demand.steps.filter(kind__in=(K.EXTENSION_APPROVED, K.EXTENSION_REFUSED)).count()


@transaction.atomic
def decide_extension(demand, user, approve, note="", version=None):
    _require(get_access(user).is_bureau, "只有工信局可以审批延期")
    demand = _locked(demand, version)
    if not _extension_pending(demand):
        raise DomainError("没有待审批的延期申请。")
    asked = demand.steps.filter(kind=K.EXTENSION_ASKED).order_by("-at", "-id").first()
    if approve:
        cal = Calendar.load()
        demand.extension_days += asked.extension_days
        demand.due_at = cal.add_days(demand.due_at, asked.extension_days)
        _step(demand, K.EXTENSION_APPROVED, user, note or f"批准延期{asked.extension_days}个工作日")
        _save(demand, user, "services.extension_approve", {}, {"days": asked.extension_days},
              ("extension_days", "due_at"))
    else:
        _step(demand, K.EXTENSION_REFUSED, user, note or "不予延期")
        _save(demand, user, "services.extension_refuse", {}, {"note": note})
    return demand


@transaction.atomic
def resolve(demand, user, resolution, version=None, at=None):
    _require(can_handle(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.ASSIGNED,), "办结")
    if not resolution.strip():
        raise DomainError("请填写办理结果。")
    demand.status, demand.resolved_at, demand.resolution = S.RESOLVED, at or timezone.now(), resolution
    _step(demand, K.RESOLVED, user, resolution, at=demand.resolved_at)
    _save(demand, user, "services.resolve", {"status": [S.ASSIGNED.label, S.RESOLVED.label]}, {},
          ("status", "resolved_at", "resolution"))
    send("task", f"诉求已办结，请确认并评价：{demand.title}", to_enterprise=demand.enterprise, body=resolution,
         url=f"/services/demands/{demand.pk}/", source=f"services.demand:{demand.pk}",
         key=f"services.resolve:{demand.pk}:{demand.version}")
    return demand


# ---------------------------------------------------------------- 评: confirm, reject, revisit, reopen


@transaction.atomic
def confirm(demand, user, rating, note="", version=None, at=None):
    """Closed only when the enterprise confirms, with a satisfaction rating (1–5)."""
    _require(is_reporter_of(user, demand), "只有提出诉求的企业可以确认办理结果")
    demand = _locked(demand, version)
    _require_state(demand, (S.RESOLVED,), "确认")
    rating = int(rating)
    if not 1 <= rating <= 5:
        raise DomainError("满意度评分应为1至5分。")
    demand.status, demand.rating, demand.rating_note = S.CLOSED, rating, bounds.fit(
        Demand, "rating_note", note, DomainError)
    demand.closed_at = at or timezone.now()
    _step(demand, K.CONFIRMED, user, f"评分{rating}分" + (f"：{note}" if note else ""), at=demand.closed_at)
    _save(demand, user, "services.confirm", {"status": [S.RESOLVED.label, S.CLOSED.label]}, {"rating": rating},
          ("status", "rating", "rating_note", "closed_at"))
    return demand


@transaction.atomic
def reject(demand, user, reason, version=None):
    """The enterprise does not accept the result: back to 办理中 (the clock runs again)."""
    _require(is_reporter_of(user, demand), "只有提出诉求的企业可以确认办理结果")
    demand = _locked(demand, version)
    _require_state(demand, (S.RESOLVED,), "退回重办")
    if not reason.strip():
        raise DomainError("请说明不认可的原因。")
    demand.status, demand.resolved_at = S.ASSIGNED, None
    _step(demand, K.REJECTED, user, reason)
    _save(demand, user, "services.reject", {"status": [S.RESOLVED.label, S.ASSIGNED.label]}, {"reason": reason},
          ("status", "resolved_at"))
    return demand


@transaction.atomic
def revisit(demand, user, note, version=None):
    _require(get_access(user).is_bureau or can_handle(user, demand))
    demand = _locked(demand, version)
    _require_state(demand, (S.CLOSED,), "回访")
    if not note.strip():
        raise DomainError("请填写回访情况。")
    _step(demand, K.REVISITED, user, note)
    _save(demand, user, "services.revisit", {}, {"note": note})
    return demand


@transaction.atomic
def reopen(demand, user, reason, version=None):
    _require(get_access(user).is_bureau, "只有工信局可以重新办理已关闭的诉求")
    demand = _locked(demand, version)
    _require_state(demand, (S.CLOSED,), "重新办理")
    if not reason.strip():
        raise DomainError("请填写重新办理的原因。")
    demand.status, demand.closed_at, demand.resolved_at, demand.rating = S.ASSIGNED, None, None, None
    _step(demand, K.REOPENED, user, reason)
    _save(demand, user, "services.reopen", {"status": [S.CLOSED.label, S.ASSIGNED.label]}, {"reason": reason},
          ("status", "closed_at", "resolved_at", "rating"))
    return demand


# ---------------------------------------------------------------- escalation, anonymity


def escalate_overdue(now=None, user=None):
    """Escalate every open demand past its deadline to the leadership (idempotent); returns the count."""
    now = now or timezone.now()
    count = 0
    for demand in Demand.objects.filter(status=S.ASSIGNED, due_at__lt=now, escalated_at__isnull=True):
        with transaction.atomic():
            locked = Demand.objects.select_for_update().get(pk=demand.pk)
            if locked.escalated_at is not None or locked.status != S.ASSIGNED:
                continue
            locked.escalated_at = now
            _step(locked, K.ESCALATED, user, f"超过办结时限（{timezone.localtime(locked.due_at):%Y-%m-%d %H:%M}），"
                  "升级至局领导督办", at=now)
            _save(locked, user, "services.escalate", {}, {"due_at": locked.due_at}, ("escalated_at",))
            send("alert", f"超期诉求升级督办：{locked.title}", to_role="leader", url=f"/services/demands/{locked.pk}/",
                 source=f"services.demand:{locked.pk}", key=f"services.escalate:{locked.pk}")
            count += 1
    return count


def reveal(demand, user):
    """Show an anonymous demand's enterprise to a bureau admin; audited and on the timeline."""
    _require(get_access(user).is_admin, "只有系统管理员可以查看匿名诉求的企业")
    with transaction.atomic():
        _step(demand, K.REVEALED, user, "查看匿名企业信息")
        log_action(user, "services.reveal", demand, {"enterprise": demand.enterprise.name})
    return demand.enterprise


# ---------------------------------------------------------------- visits


def record_visit(user, enterprise, *, visited_on, visitors, findings, plan=None, department=None, photo=None,
                 source="", token=None):
    access = get_access(user)
    _require(access.is_bureau or (access.is_town_officer and enterprise.town_id in access.region_ids),
             "您无权登记该企业的走访")
    if token and (existing := Visit.objects.filter(form_token=token).first()):
        return existing
    try:
        with transaction.atomic():
            visit = Visit.objects.create(plan=plan, enterprise=enterprise, department=department,
                                         visited_on=visited_on, visitors=visitors, findings=findings,
                                         photo=photo or "", source=source, form_token=token or None,
                                         created_by=_user(user))
            log_action(user, "services.visit", visit, {"enterprise": enterprise.name, "visited_on": visited_on})
            return visit
    except IntegrityError:
        return Visit.objects.get(form_token=token)


def set_workday(user, date, *, is_working, name=""):
    """Mark `date` a working day (调休上班) or a day off, audited old → new; the same setting again
    writes and audits nothing."""
    from .models import WorkdayOverride

    new = {"is_working": is_working, "name": bounds.fit(WorkdayOverride, "name", name, DomainError)}
    with transaction.atomic():
        row = WorkdayOverride.objects.select_for_update().filter(date=date).first()
        old = {k: getattr(row, k) for k in new} if row else {}
        changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
        if row is not None and not changes:
            return row
        row, _ = WorkdayOverride.objects.update_or_create(date=date, defaults=new)
        log_action(user, "services.calendar_set", row, {"date": str(date), **changes})
    return row
