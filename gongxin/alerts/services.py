"""What people do with warnings: follow one up, change a rule. Each atomic, row-locked and audited."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access

from .models import EarlyWarning, WarningFollowUp, WarningRule


class WarningError(Exception):
    """A follow-up or rule change that cannot be done; the message is for the user."""


def can_follow_up(user, warning):
    access = get_access(user)
    return access.follows_up_warnings and (access.is_bureau or warning.current_town_id in access.region_ids)


@transaction.atomic
def follow_up(warning, user, note, token=""):
    """Record a follow-up (note required); the warning becomes 已跟进 unless already cleared.

    `token` is the form's one-time submission token: a submission already recorded (double click,
    retry, 20 at once) returns the stored follow-up and records nothing more."""
    if not can_follow_up(user, warning):
        raise PermissionDenied("只有工信局工作人员和所在镇街可以跟进预警")
    note = (note or "").strip()
    if not note:
        raise WarningError("请填写跟进情况")
    if len(note) > 1000:
        raise WarningError("跟进情况不能超过1000字")
    warning = EarlyWarning.objects.select_for_update().get(pk=warning.pk)
    token = (token or "")[:40]
    if token and (done := WarningFollowUp.objects.filter(warning=warning, token=token).first()):
        return done
    try:
        with transaction.atomic():
            entry = WarningFollowUp.objects.create(warning=warning, note=note, user=user,
                                                   actor=user.get_username(), token=token)
    except IntegrityError:  # the same token stored meanwhile: applied once, as sequentially
        return WarningFollowUp.objects.get(warning=warning, token=token)
    data = {"follow_up": note}
    if warning.status == EarlyWarning.Status.OPEN:
        warning.status = EarlyWarning.Status.FOLLOWED_UP
        warning.save(update_fields=["status", "scanned_at"])
        data["status"] = [EarlyWarning.Status.OPEN, EarlyWarning.Status.FOLLOWED_UP]
    log_action(user, "alerts.follow_up", warning, data)
    return entry


RULE_FIELDS = ("name", "level", "threshold", "months", "message", "active")


@transaction.atomic
def update_rule(rule, user, data, version):
    """A bureau admin changes a rule's level, thresholds, message or activity (version-checked)."""
    if not get_access(user).is_admin:
        raise PermissionDenied("仅系统管理员可以修改预警规则")
    current = WarningRule.objects.select_for_update().get(pk=rule.pk)
    if current.version != version:
        raise WarningError("该规则已被他人修改，请刷新后重试")
    diff = {k: [str(getattr(current, k)), str(data[k])] for k in RULE_FIELDS
            if k in data and getattr(current, k) != data[k]}
    if not diff:
        return current
    for k in diff:
        setattr(current, k, data[k])
    current.version += 1
    current.save()
    log_action(user, "alerts.rule_update", current, diff)
    return current
