"""Creating, editing and closing emergency events. Contract (as reporting/services.py):

each function is one transaction; edits and closing lock the event row and check the version the
user loaded (`ConflictError` when somebody saved since); a closed event is not edited again
(`DomainError`); every change leaves an audit entry `emergencies.<verb>` with old → new values.
Only bureau staff manage events (`PermissionDenied` → 403).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongxin.accounts.audit import changes, log_action, snapshot
from gongxin.accounts.scoping import require_bureau

from .models import Event, Phase

CLOSE_REASON_MAX_CHARS = 300  # kept in the audit log only
EVENT_FIELDS = ["code", "name", "kind", "level", "started_on", "ended_on", "description"]


class DomainError(Exception):
    """A change the event's state does not allow; the message is for the user."""


class ConflictError(DomainError):
    """Somebody saved the event since the user loaded it."""


def _locked(event, expected_version):
    current = Event.objects.select_for_update().get(pk=event.pk)
    if expected_version not in (None, "") and current.version != int(expected_version):
        raise ConflictError(f"该事件已被他人修改（您打开的是第{expected_version}版，当前为第{current.version}版），"
                            "请刷新后再操作。")
    return current


def _check_dates(started_on, ended_on):
    if ended_on and started_on and ended_on < started_on:
        raise DomainError("结束日期不能早于开始日期")


@transaction.atomic
def create_event(user, **fields):
    require_bureau(user)
    _check_dates(fields.get("started_on"), fields.get("ended_on"))
    if Event.objects.filter(code=fields["code"]).exists():
        raise DomainError(f"事件代码“{fields['code']}”已存在")
    try:
        with transaction.atomic():
            event = Event.objects.create(**{k: v for k, v in fields.items() if k in EVENT_FIELDS})
    except IntegrityError as e:  # a parallel create of the same code
        raise DomainError(f"事件代码“{fields['code']}”已存在") from e
    log_action(user, "emergencies.create", event, {k: str(getattr(event, k)) for k in EVENT_FIELDS})
    return event


@transaction.atomic
def update_event(user, event, expected_version, **fields):
    require_bureau(user)
    event = _locked(event, expected_version)
    if event.is_closed:
        raise DomainError("事件已关闭，不能再修改")
    _check_dates(fields.get("started_on", event.started_on), fields.get("ended_on", event.ended_on))
    before = snapshot(event, EVENT_FIELDS)
    for name, value in fields.items():
        if name in EVENT_FIELDS and name != "code":
            setattr(event, name, value)
    diff = changes(event, before, EVENT_FIELDS)
    if not diff:
        return event
    event.version += 1
    event.save()
    log_action(user, "emergencies.update", event, {k: [str(a), str(b)] for k, (a, b) in diff.items()})
    return event


@transaction.atomic
def close_event(user, event, expected_version, reason=""):
    """Close the event for good (its end date defaults to today); personal-data purges key on it."""
    require_bureau(user)
    if len(reason or "") > CLOSE_REASON_MAX_CHARS:
        raise DomainError(f"关闭原因最多{CLOSE_REASON_MAX_CHARS}个字，收到{len(reason)}个字")
    event = _locked(event, expected_version)
    if event.is_closed:
        raise DomainError("事件已关闭")
    event.closed_at = timezone.now()
    if event.ended_on is None:
        event.ended_on = max(timezone.localdate(), event.started_on)
    event.version += 1
    event.save()
    log_action(user, "emergencies.close", event, {"closed_at": str(event.closed_at), "reason": reason})
    return event


@transaction.atomic
def save_phase(user, event, *, name, starts_on, ends_on=None, note="", phase=None):
    require_bureau(user)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_closed:
        raise DomainError("事件已关闭，不能再修改阶段")
    _check_dates(starts_on, ends_on)
    if Phase.objects.filter(event=event, name=name).exclude(pk=getattr(phase, "pk", None)).exists():
        raise DomainError(f"阶段“{name}”已存在")
    if phase is None:
        phase = Phase.objects.create(event=event, name=name, starts_on=starts_on, ends_on=ends_on, note=note,
                                     order=event.phases.count())
        log_action(user, "emergencies.phase", event, {"phase": name, "starts_on": str(starts_on),
                                                      "ends_on": str(ends_on or "")})
    else:
        phase.name, phase.starts_on, phase.ends_on, phase.note = name, starts_on, ends_on, note
        phase.save()
        log_action(user, "emergencies.phase", event, {"phase": name, "starts_on": str(starts_on),
                                                      "ends_on": str(ends_on or "")})
    event.version += 1
    event.save(update_fields=["version"])
    return phase
