"""The life of a return: save, submit, approve, send back, accept, reopen.

Each function runs in one transaction, locks the return, checks who may act and that the return
is in a state that allows it (raising `DomainError` with a Chinese message otherwise), checks the
version the user loaded (a stale save is refused with `ConflictError`: nothing is lost, the user's
figures stay on the page), records every changed cell in `ValueChange` and leaves an audit entry.
Who-may-act refusals raise `PermissionDenied` (→ 403).

`expected_version` is what the page carried: None (commands, imports) skips the check; anything else
must be a whole number — "0" for a return the user opened before it existed — or `BadVersion` is
raised (→ 400). A return created by somebody else meanwhile is a `ConflictError`, whether it is found
by the version check or by the unique constraint (the same message either way).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.lib import changes as figures
from gongxin.lib import periods as P

from . import reference
from .events import return_changed_later
from .models import ProductLine, ReportingPeriod, Return, ReturnValue, ValueChange
from .notify import notify_transition
from .validation import COLUMNS, PRODUCT_COLUMNS, product_lines_of, validate_return

S = Return.Status


class DomainError(Exception):
    """A transition the return's state does not allow; the message is for the user."""


class ConflictError(DomainError):
    """Somebody saved the return since the user loaded it."""


class BadVersion(DomainError):
    """The request carried no usable version (→ 400)."""


CREATED_MEANWHILE = "该报表刚刚已由他人创建。您填写的内容未保存，已保留在页面上；请刷新后再操作。"


def _version(expected_version):
    if expected_version is None:
        return None
    try:
        return bounds.version(expected_version)
    except bounds.BadVersion as e:
        raise BadVersion(str(e)) from e


class ValidationFailed(DomainError):
    def __init__(self, findings, message="报表未通过审核，请按提示修改后再报送"):
        super().__init__(message)
        self.findings = findings


# ---------------------------------------------------------------- who may act


def can_fill(user, enterprise):
    access = get_access(user)
    return access.is_bureau or enterprise.id in access.enterprise_ids


def can_review(user, enterprise):
    """Approve or send back: the town officer of the enterprise's town, or the bureau."""
    access = get_access(user)
    return access.is_bureau or (access.is_town_officer and enterprise.town_id in access.region_ids)


def can_accept(user):
    return get_access(user).is_bureau


def can_reopen(user):
    return get_access(user).is_admin


def editable_statuses(user):
    """Reporters edit drafts and returned returns; the bureau may also correct returns in review."""
    if get_access(user).is_bureau:
        return (S.DRAFT, S.RETURNED, S.SUBMITTED, S.APPROVED)
    return (S.DRAFT, S.RETURNED)


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _require_state(ret, allowed, action):
    if ret.status not in allowed:
        if ret.status == S.ACCEPTED:
            raise DomainError(f"该报表已受理并锁定，不能{action}；如需更正，请由系统管理员重新开放。")
        raise DomainError(f"该报表当前状态为“{ret.get_status_display()}”，不能{action}。")


def _locked(ret, expected_version):
    """The return re-read under a row lock, after checking the version the user started from."""
    current = Return.objects.select_for_update().select_related("enterprise", "form").get(pk=ret.pk)
    expected_version = _version(expected_version)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(f"该报表已被他人修改或处理（您打开的是第{expected_version}版，当前为第{current.version}版）。您填写的内容未保存，"
                            "已保留在页面上；请刷新查看最新数据后再操作。")
    return current


def _bump(ret, *fields):
    ret.version += 1
    ret.save(update_fields=["version", "updated_at", *fields])


def _cells(changes):
    """{label: [old, new]} of the changed cells, for the central audit log (as text: JSON)."""
    def text(value):
        return None if value is None else f"{Decimal(value).normalize():f}"

    return {c.label: [text(c.old), text(c.new)] for c in changes}


def _actor(user):
    return user.get_username() if getattr(user, "pk", None) else "系统命令"


# ---------------------------------------------------------------- values and history


def _cell_changes(ret, user, reason, old_by_field, new_by_field, labels):
    actor = _actor(user)
    return [ValueChange(ret=ret, field=f, label=labels[f], old=old_by_field.get(f), new=new,
                        user=user if getattr(user, "pk", None) else None, actor=actor, reason=reason[:300])
            for f, new in new_by_field.items() if old_by_field.get(f) != new]


def apply_values(ret, user, values, notes=None, reason="", saved=None):
    """Write {indicator code: {column: Decimal|None}} (and ly notes) onto `ret`; returns the changes.

    New rows are inserted and changed rows updated in one statement each, however many indicators
    the form has. `saved`, a dict, receives the return's figures and notes as they now stand
    ({code: {column: value}}, {code: note}: what `values_of` would read back)."""
    notes = notes or {}
    indicators = {i.code: i for i in reference.indicators(ret.form_id)}
    existing = {v.indicator.code: v for v in ReturnValue.objects.filter(ret=ret).select_related("indicator")}
    changes, created, updated = [], [], []
    for code, cols in values.items():
        ind = indicators.get(code)
        if ind is None:
            continue
        row = existing.get(code) or ReturnValue(ret=ret, indicator=ind, enterprise_id=ret.enterprise_id,
                                                period=ret.period)
        old = {f"{code}.{c}": getattr(row, c) for c in COLUMNS}
        new = {f"{code}.{c}": cols.get(c) for c in COLUMNS if c in cols}
        labels = {f"{code}.{c}": f"{ind.name}·{COLUMNS[c]}" for c in COLUMNS}
        note = (notes.get(code) or "").strip() if code in notes else row.ly_note
        cell_reason = reason
        if note and note != row.ly_note:
            cell_reason = f"{reason}；上年数说明：{note}" if reason else f"上年数说明：{note}"
        found = _cell_changes(ret, user, cell_reason, old, new, labels)
        if found or note != row.ly_note or row.pk is None:
            for c in COLUMNS:
                if c in cols:
                    setattr(row, c, cols[c])
            row.ly_note = bounds.fit(ReturnValue, "ly_note", note, DomainError, f"{ind.name}修改上年数的说明")
            (updated if row.pk else created).append(row)
            existing[code] = row
        changes.extend(found)
    ReturnValue.objects.bulk_create(created)
    ReturnValue.objects.bulk_update(updated, [*COLUMNS, "ly_note"])
    if saved is not None:
        saved["values"] = {code: {c: getattr(row, c) for c in COLUMNS} for code, row in existing.items()}
        saved["notes"] = {code: row.ly_note for code, row in existing.items()}
    return changes


def apply_products(ret, user, products, reason=""):
    """Write product lines {product: {column: value}}; a line with every column blank is removed."""
    existing = {line.product_id: line for line in ProductLine.objects.filter(ret=ret).select_related("product")}
    changes = []
    for product, cols in products.items():
        line = existing.get(product.id)
        if line is None and all(cols.get(c) is None for c in PRODUCT_COLUMNS):
            continue
        line = line or ProductLine(ret=ret, product=product, enterprise_id=ret.enterprise_id, period=ret.period)
        key = f"product:{product.code}"
        old = {f"{key}.{c}": getattr(line, c) for c in PRODUCT_COLUMNS}
        new = {f"{key}.{c}": cols.get(c) for c in PRODUCT_COLUMNS}
        labels = {f"{key}.{c}": f"{product.name}·{label}" for c, label in PRODUCT_COLUMNS.items()}
        found = _cell_changes(ret, user, reason, old, new, labels)
        if not found:
            continue
        if all(v is None for v in new.values()):
            line.delete()
        else:
            for c in PRODUCT_COLUMNS:
                setattr(line, c, cols.get(c))
            line.save()
        changes.extend(found)
    return changes


def _get_or_create(ret, user):
    """The saved return for `ret` (which may be new: enterprise, form and period set)."""
    if ret.pk:
        return ret, False
    try:
        with transaction.atomic():
            ret.save()
    except IntegrityError as e:
        raise ConflictError(CREATED_MEANWHILE) from e
    log_action(user, "returns.create", ret, {"period": ret.period, "form": ret.form.code})
    return ret, True


def _write(user, ret, values, notes, explanation, products, expected_version, reason, action, saved=None):
    _require(can_fill(user, ret.enterprise), "您无权填报或修改该企业的报表")
    expected_version = _version(expected_version)
    if (ret.pk is None and expected_version not in (None, 0)) or (ret.pk and expected_version == 0):
        raise ConflictError(CREATED_MEANWHILE)
    ret, created = _get_or_create(ret, user)
    ret = _locked(ret, None if created else expected_version)
    _require_state(ret, editable_statuses(user), action)
    with figures.return_changing(ret):  # the bureau's edit of a counted return moves the roll-ups
        changes = apply_values(ret, user, values or {}, notes, reason, saved)
        if products:
            changes += apply_products(ret, user, products, reason)
    ValueChange.objects.bulk_create(changes)
    if explanation is not None:
        ret.explanation = explanation.strip()
    return ret, changes


@transaction.atomic
def save_draft(user, ret, values, *, notes=None, explanation=None, products=None, expected_version=None,
               reason=""):
    """Save figures without submitting; the return stays in (or, when new, starts as) its state."""
    ret, changes = _write(user, ret, values, notes, explanation, products, expected_version, reason, "修改")
    _bump(ret, "explanation")
    log_action(user, "returns.save", ret, {"changed": len(changes), "status": ret.status, "changes": _cells(changes)})
    return ret


@transaction.atomic
def submit_return(user, ret, values=None, *, notes=None, explanation=None, products=None, expected_version=None,
                  today=None):
    """Save and submit. Errors, or warnings without an explanation, refuse it: nothing is saved."""
    if ret.pk:
        _require(can_fill(user, ret.enterprise), "您无权报送该企业的报表")
        _require_state(ret, (S.DRAFT, S.RETURNED), "报送")
    saved = {}
    ret, changes = _write(user, ret, values, notes, explanation, products, expected_version, "报送", "报送", saved)
    _require_state(ret, (S.DRAFT, S.RETURNED), "报送")
    # The figures as they now stand (just written: not read back); the product lines are read.
    findings = validate_return(saved["values"], form=ret.form, period=ret.period, enterprise_id=ret.enterprise_id,
                               notes=saved["notes"], products=product_lines_of(ret), today=today)
    errors = [f for f in findings if f.is_error]
    warnings = [f for f in findings if not f.is_error]
    if errors:
        raise ValidationFailed(findings)
    if warnings and not ret.explanation:
        raise ValidationFailed(findings, "报表存在预警，请在“预警说明”中写明原因后再报送")
    with figures.return_changing(ret):
        ret.status, ret.submitted_at = S.SUBMITTED, timezone.now()
        _bump(ret, "status", "submitted_at", "explanation")
    log_action(user, "returns.submit", ret, {"changed": len(changes), "warnings": [f.message for f in warnings],
                                             "explanation": ret.explanation if warnings else "", "changes": _cells(changes)})
    return_changed_later(ret)
    return ret


@transaction.atomic
def approve_return(user, ret, expected_version=None):
    _require(can_review(user, ret.enterprise), "只有企业所在镇街的工业专干或工信局可以审核该报表")
    ret = _locked(ret, expected_version)
    _require_state(ret, (S.SUBMITTED,), "审核通过")
    # Submitted → approved (and → accepted) changes nothing the figures count: no roll-up work.
    ret.status, ret.approved_at = S.APPROVED, timezone.now()
    _bump(ret, "status", "approved_at")
    log_action(user, "returns.approve", ret, {})
    notify_transition(ret, "approved", user)
    return ret


@transaction.atomic
def return_to_enterprise(user, ret, reason, expected_version=None):
    _require(can_review(user, ret.enterprise), "只有企业所在镇街的工业专干或工信局可以退回该报表")
    if not (reason or "").strip():
        raise DomainError("退回报表须填写退回原因")
    ret = _locked(ret, expected_version)
    _require_state(ret, (S.SUBMITTED, S.APPROVED), "退回")
    with figures.return_changing(ret):
        ret.status, ret.return_reason, ret.approved_at = S.RETURNED, reason.strip(), None
        _bump(ret, "status", "return_reason", "approved_at")
    log_action(user, "returns.return", ret, {"reason": ret.return_reason})
    notify_transition(ret, "returned", user, ret.return_reason)
    return ret


@transaction.atomic
def accept_return(user, ret, expected_version=None):
    _require(can_accept(user), "只有工信局工作人员可以受理报表")
    ret = _locked(ret, expected_version)
    _require_state(ret, (S.SUBMITTED, S.APPROVED), "受理")
    ret.status, ret.accepted_at = S.ACCEPTED, timezone.now()
    _bump(ret, "status", "accepted_at")
    log_action(user, "returns.accept", ret, {})
    notify_transition(ret, "accepted", user)
    return ret


@transaction.atomic
def reopen_return(user, ret, reason, expected_version=None):
    """Unlock an accepted return: it goes back to the enterprise (returned) with the reason."""
    _require(can_reopen(user), "只有系统管理员可以重新开放已受理的报表")
    if not (reason or "").strip():
        raise DomainError("重新开放报表须填写原因")
    ret = _locked(ret, expected_version)
    _require_state(ret, (S.ACCEPTED,), "重新开放")
    with figures.return_changing(ret):
        ret.status, ret.return_reason, ret.accepted_at, ret.approved_at = S.RETURNED, reason.strip(), None, None
        _bump(ret, "status", "return_reason", "accepted_at", "approved_at")
    log_action(user, "returns.reopen", ret, {"reason": ret.return_reason})
    notify_transition(ret, "returned", user, ret.return_reason)
    return ret


TRANSITIONS = {"approve": approve_return, "accept": accept_return}


def bulk_transition(user, action, items):
    """Approve or accept several returns [(ret, version)]; returns (done, [(ret, message)] refused).

    Each return is its own transaction: one refused return does not undo the others."""
    func = TRANSITIONS[action]
    done, refused = [], []
    for ret, version in items:
        try:
            done.append(func(user, ret, expected_version=version))
        except (DomainError, PermissionDenied) as e:
            refused.append((ret, str(e)))
    return done, refused


# ---------------------------------------------------------------- periods


def can_manage_periods(user):
    return get_access(user).is_bureau


def _locked_period(form, period, expected_version):
    """The period's row under a row lock (created at version 0 when the period never had one),
    after checking the version the user saw (0 for a period with no row)."""
    if not P.is_reported(period, form.merge_jan_feb):
        raise DomainError(f"{P.label(period, form.merge_jan_feb)}不单独报送，无需开放或关闭")
    ReportingPeriod.objects.get_or_create(form=form, period=period, defaults={"version": 0})
    row = ReportingPeriod.objects.select_for_update().get(form=form, period=period)
    expected_version = _version(expected_version)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError("该报告期刚刚已被他人关闭或重新开放，请刷新后查看当前状态再操作。")
    return row


def _period_reason(reason, action):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"{action}报告期须填写原因")
    return bounds.fit(ReportingPeriod, "note", reason, DomainError, f"{action}报告期的原因")


@transaction.atomic
def close_period(user, form, period, reason, expected_version=None):
    """Close a form's period: entry and submission are refused by the "period not open" rule."""
    _require(can_manage_periods(user), "只有工信局工作人员可以关闭报告期")
    reason = _period_reason(reason, "关闭")
    row = _locked_period(form, period, expected_version)
    if row.closed_at:
        raise DomainError(f"{P.label(period, form.merge_jan_feb)}已于{timezone.localtime(row.closed_at):%Y-%m-%d}关闭")
    row.closed_at, row.closed_by, row.note, row.version = timezone.now(), user, reason, row.version + 1
    row.save(update_fields=["closed_at", "closed_by", "note", "version"])
    log_action(user, "returns.close_period", row, {"form": form.code, "period": period, "reason": reason})
    return row


@transaction.atomic
def reopen_period(user, form, period, reason, expected_version=None):
    """Open a closed period again for entry (its month must still have ended to accept returns)."""
    _require(can_manage_periods(user), "只有工信局工作人员可以重新开放报告期")
    reason = _period_reason(reason, "重新开放")
    row = _locked_period(form, period, expected_version)
    if not row.closed_at:
        raise DomainError(f"{P.label(period, form.merge_jan_feb)}未关闭，无需重新开放")
    row.closed_at, row.closed_by, row.note, row.version = None, None, reason, row.version + 1
    row.save(update_fields=["closed_at", "closed_by", "note", "version"])
    log_action(user, "returns.reopen_period", row, {"form": form.code, "period": period, "reason": reason})
    return row


@transaction.atomic
def delete_draft(user, ret, expected_version=None):
    """Discard a draft that was never submitted. Its figures stay in the audit entry (nothing is
    lost), and the changes feed reports the deletion as a tombstone with the return's key."""
    _require(can_fill(user, ret.enterprise), "您无权删除该企业的报表")
    ret = _locked(ret, expected_version)
    _require_state(ret, (S.DRAFT,), "删除")
    if ret.submitted_at is not None:
        raise DomainError("该报表曾经报送，不能删除；请修改后重新报送。")
    values = {f"{v.indicator.code}.{c}": str(getattr(v, c)) for v in ret.values.select_related("indicator")
              for c in COLUMNS if getattr(v, c) is not None}
    key = {"uscc": ret.enterprise.uscc, "form": ret.form.code, "period": ret.period}
    log_action(user, "returns.delete", ret, {"key": key, "values": values})
    ret.delete()  # a draft counts nowhere: the roll-ups do not change
    return key
