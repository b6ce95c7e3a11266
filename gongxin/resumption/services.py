"""Work resumption's changes: status entries, the application flow, blockers, cross-check flags.

Each function runs in one transaction, locks the row it changes (`_locked`: row lock + the version
the user loaded), checks who may act (`PermissionDenied` → 403) and the state (`DomainError` with a
Chinese message), and leaves an audit entry `resumption.<verb>`. A request sent twice applies once:
status entries are recorded under the enterprise's row lock and an identical entry is not added
again; one application in progress per enterprise and event (a constraint); a certificate number is
drawn under the rules' row lock; flags are unique per enterprise, kind and day.

The flow: apply (enterprise, or the town on its behalf) → evaluate (town) → co_review (the
co-reviewing department's opinion, recorded by the bureau, when the event's rules require it) →
approve (bureau: a numbered 复工复产确认书 and a status entry from the planned day). Any step may
return the application with a reason (→ 已退回); the applicant resubmits.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access
from gongxin.lib import bounds
from gongxin.lib.numeric import to_decimal
from gongxin.registry.models import Enterprise

from . import stats
from .models import Application, Blocker, Condition, Flag, Rules, Status, StatusEntry

A = Application.State
ANSWER_MAX_CHARS = 4000  # a text answer to a resumption condition


class DomainError(Exception):
    """A change the current state does not allow; the message is for the user."""


def fit(model, name, value, label=None):
    """What the user typed, whole, or a DomainError when the column cannot hold it (lib/bounds.fit)."""
    return bounds.fit(model, name, value or "", DomainError, label)


class ConflictError(DomainError):
    """Somebody changed the record since the user loaded it."""


# ---------------------------------------------------------------- who may act


def can_record(user, enterprise):
    """Record a status or a blocker: the enterprise itself, its town's officer, the bureau."""
    access = get_access(user)
    return (access.is_bureau or enterprise.id in access.enterprise_ids
            or (access.is_town_officer and enterprise.town_id in access.region_ids))


can_apply = can_record


def can_evaluate(user, enterprise):
    access = get_access(user)
    return access.is_bureau or (access.is_town_officer and enterprise.town_id in access.region_ids)


def can_review(user):
    return get_access(user).is_bureau


def _require(allowed, message):
    if not allowed:
        raise PermissionDenied(message)


def _locked(model, obj, expected_version, what):
    expected = bounds.expected_version(expected_version, DomainError)
    current = model.objects.select_for_update().get(pk=obj.pk)
    if expected is not None and current.version != expected:
        raise ConflictError(f"该{what}已被他人处理（您打开的是第{expected_version}版，当前为第{current.version}版），"
                            "请刷新后再操作。")
    return current


def _require_state(app, allowed, action):
    if app.state not in allowed:
        raise DomainError(f"该申请当前状态为“{app.get_state_display()}”，不能{action}。")


def _bump(obj, *fields):
    obj.version += 1
    obj.save(update_fields=["version", *fields])


def _today():
    return timezone.localdate()


def _reason(text, what="理由"):
    text = (text or "").strip()
    if not text:
        raise DomainError(f"请填写{what}。")
    if len(text) > 300:
        raise DomainError(f"{what}不能超过300字。")
    return text


def _note(text):
    text = (text or "").strip()
    if len(text) > 300:
        raise DomainError("意见不能超过300字。")
    return text


def _actor(user):
    return user.get_username() if getattr(user, "pk", None) else "系统命令"


def _notify(title, app, to_enterprise=None, to_region=None, key=""):
    from gongxin.notices.services import send

    send("task", title, to_enterprise=to_enterprise, to_region=to_region, url=f"/resumption/applications/{app.pk}/",
         source="resumption", key=f"resumption:{app.pk}:{key}")


# ---------------------------------------------------------------- status timeline


def _check_event_day(event, day):
    if day < event.started_on or (event.ended_on and day > event.ended_on):
        end = f"{event.ended_on:%Y-%m-%d}" if event.ended_on else "今"
        raise DomainError(f"生效日期应在事件期间（{event.started_on:%Y-%m-%d}至{end}）。")


def record_status(user, event, enterprise, status, effective_on, *, workers_back=None, workers_usual=None,
                  capacity_pct=None, orders=None, orders_ly=None, note="", source=None, allow_future=False):
    """Append a status entry to the enterprise's timeline (an identical repeat is not added twice)."""
    _require(can_record(user, enterprise), "您不能登记该企业的复工状态")
    if status not in Status.values:
        raise DomainError("请选择复工状态。")
    if event.is_closed:
        raise DomainError("该应急事件已关闭，不能再登记。")
    _check_event_day(event, effective_on)
    if not allow_future and effective_on > _today():
        raise DomainError("生效日期不能晚于今天。")
    if workers_back is not None and workers_usual is not None and workers_back > workers_usual:
        raise DomainError("到岗人数不能超过正常用工人数。")
    if capacity_pct is not None and not Decimal(0) <= capacity_pct <= Decimal(100):
        raise DomainError("产能利用率应在0到100之间。")
    access = get_access(user)
    if source is None:
        source = (StatusEntry.Source.BUREAU if access.is_bureau else StatusEntry.Source.TOWN
                  if access.is_town_officer and enterprise.id not in access.enterprise_ids
                  else StatusEntry.Source.ENTERPRISE)
    note = fit(StatusEntry, "note", note)
    fields = {"status": status, "effective_on": effective_on, "workers_back": workers_back,
              "workers_usual": workers_usual, "capacity_pct": capacity_pct, "orders": orders, "orders_ly": orders_ly}
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)  # one writer per timeline at a time
        last = StatusEntry.objects.filter(event=event, enterprise=enterprise).order_by("-id").first()
        if last is not None and all(getattr(last, k) == v for k, v in fields.items()):
            return last, False
        entry = StatusEntry.objects.create(event=event, enterprise=enterprise, source=source, note=note,
                                           recorded_by=user if getattr(user, "pk", None) else None,
                                           recorded_by_name=_actor(user), **fields)
        log_action(user, "resumption.record_status", entry, {
            "status": [None, entry.get_status_display()], "effective_on": [None, effective_on.isoformat()]})
    return entry, True


# ---------------------------------------------------------------- conditions and applications


def conditions_for(event, phase):
    return [c for c in Condition.objects.filter(event=event, active=True) if c.applies(phase)]


def clean_answers(event, phase, planned_on, raw):
    """{condition code: value} from the form's raw {code: text}; DomainError lists every missing item."""
    answers, problems = {}, []
    for c in conditions_for(event, phase):
        value = raw.get(c.code)
        required = c.is_required(planned_on)
        if c.kind == Condition.Kind.CHECK:
            value = value in (True, "on", "1", "true", "yes")
            if required and not value:
                problems.append(f"“{c.name}”须确认")
        elif c.kind == Condition.Kind.NUMBER:
            try:
                value = to_decimal(value)
            except ValueError:
                problems.append(f"“{c.name}”应为数字")
                continue
            if value is not None and not Decimal(0) <= value <= Decimal(1_000_000):
                problems.append(f"“{c.name}”超出范围")
                continue
            if required and value is None:
                problems.append(f"请填写“{c.name}”")
            elif value is not None and c.min_value is not None and value < c.min_value:
                problems.append(f"“{c.name}”不少于{c.min_value.normalize()}{c.unit}")
            value = None if value is None else format(value, "f")
        else:
            value = (value or "").strip()
            if required and not value:
                problems.append(f"请填写“{c.name}”")
            elif len(value) > ANSWER_MAX_CHARS:
                problems.append(f"“{c.name}”最多{ANSWER_MAX_CHARS}个字，收到{len(value)}个字")
        answers[c.code] = value
    if problems:
        raise DomainError("复工条件不完整：" + "；".join(problems) + "。")
    return answers


def _check_application(event, enterprise, planned_on, workers_planned):
    today = _today()
    if event.is_closed or not event.is_active_on(today):
        raise DomainError("该应急事件当前不在实施期间，不能申请复工复产。")
    if planned_on is None or planned_on < today:
        raise DomainError("计划复工日期不能早于今天。")
    if event.ended_on and planned_on > event.ended_on:
        raise DomainError("计划复工日期应在事件结束之前。")
    if workers_planned is None or not 0 < workers_planned <= 1_000_000:
        raise DomainError("请填写首批返岗人数（大于0）。")
    if not Enterprise.objects.on_list(today.year).filter(pk=enterprise.pk).exists():
        raise DomainError("该企业不在本年度规上工业企业名录中。")


def apply(user, event, enterprise, *, planned_on, workers_planned, status_requested=Status.FULL, answers=None):
    """File an application (the enterprise, or its town on its behalf); one in progress at a time."""
    _require(can_apply(user, enterprise), "您不能为该企业申请复工复产")
    _check_application(event, enterprise, planned_on, workers_planned)
    phase = event.phase_on(_today())
    cleaned = clean_answers(event, phase, planned_on, answers or {})
    if status_requested not in (Status.FULL, Status.PARTIAL):
        raise DomainError("请选择复工方式。")
    access = get_access(user)
    message = "该企业已有一份在办的复工复产申请，请在原申请上办理。"
    if Application.objects.filter(event=event, enterprise=enterprise, state__in=Application.OPEN).exists():
        raise DomainError(message)
    try:
        with transaction.atomic():
            app = Application.objects.create(
                event=event, enterprise=enterprise, phase=phase, planned_on=planned_on,
                workers_planned=workers_planned, status_requested=status_requested, answers=cleaned,
                on_behalf=enterprise.id not in access.enterprise_ids and not access.is_enterprise,
                applied_by=user if getattr(user, "pk", None) else None)
            log_action(user, "resumption.apply", app, {"state": [None, app.get_state_display()],
                                                       "planned_on": [None, planned_on.isoformat()]})
    except IntegrityError:  # a parallel request filed it first
        raise DomainError(message) from None
    _notify(f"{enterprise.name}申请复工复产，待镇街评估", app, to_region=enterprise.town, key="submitted")
    return app


def resubmit(user, app, expected_version, *, planned_on, workers_planned, status_requested=Status.FULL,
             answers=None):
    _require(can_apply(user, app.enterprise), "您不能修改该申请")
    with transaction.atomic():
        app = _locked(Application, app, expected_version, "申请")
        _require_state(app, (A.RETURNED,), "重新提交")
        _check_application(app.event, app.enterprise, planned_on, workers_planned)
        phase = app.event.phase_on(_today())
        app.answers = clean_answers(app.event, phase, planned_on, answers or {})
        app.planned_on, app.workers_planned, app.status_requested, app.phase = (
            planned_on, workers_planned, status_requested, phase)
        app.state = A.SUBMITTED
        _bump(app, "answers", "planned_on", "workers_planned", "status_requested", "phase", "state", "updated_at")
        log_action(user, "resumption.resubmit", app, {"state": [A.RETURNED.label, A.SUBMITTED.label]})
    return app


def evaluate(user, app, expected_version, note=""):
    """The town's evaluation: the conditions are in place (→ 镇街已评估)."""
    _require(can_evaluate(user, app.enterprise), "仅企业所在镇街或工信局可以评估该申请")
    with transaction.atomic():
        app = _locked(Application, app, expected_version, "申请")
        _require_state(app, (A.SUBMITTED,), "评估")
        app.state, app.town_note, app.return_reason = A.EVALUATED, _note(note) or "经现场评估，符合复工复产条件", ""
        _bump(app, "state", "town_note", "return_reason", "updated_at")
        log_action(user, "resumption.evaluate", app, {"state": [A.SUBMITTED.label, A.EVALUATED.label],
                                                      "town_note": ["", app.town_note]})
    return app


def co_review(user, app, expected_version, note=""):
    """The co-reviewing department's opinion (e.g. 卫健局), recorded by the bureau."""
    _require(can_review(user), "仅工信局可以录入会审意见")
    with transaction.atomic():
        app = _locked(Application, app, expected_version, "申请")
        rules = stats.rules_for(app.event)
        if not rules.co_review_required:
            raise DomainError("该事件不需要会审。")
        _require_state(app, (A.EVALUATED,), "会审")
        app.state, app.co_review_note = A.CO_REVIEWED, _note(note) or f"{rules.co_reviewer}会审同意"
        _bump(app, "state", "co_review_note", "updated_at")
        log_action(user, "resumption.co_review", app, {"state": [A.EVALUATED.label, A.CO_REVIEWED.label],
                                                       "co_review_note": ["", app.co_review_note]})
    return app


def approve(user, app, expected_version, note=""):
    """The bureau's review: a numbered certificate, and the status entry from the planned day."""
    _require(can_review(user), "仅工信局可以审核确认复工复产")
    with transaction.atomic():
        app = _locked(Application, app, expected_version, "申请")
        rules = Rules.objects.select_for_update().get(pk=stats.rules_for(app.event).pk)
        _require_state(app, (A.CO_REVIEWED,) if rules.co_review_required else (A.EVALUATED, A.CO_REVIEWED),
                       "审核确认" + ("（须先录入会审意见）" if app.state == A.EVALUATED else ""))
        rules.last_certificate_no += 1
        rules.save(update_fields=["last_certificate_no"])
        year = app.planned_on.year
        app.certificate_no = f"{rules.certificate_prefix}〔{year}〕{rules.last_certificate_no:04d}号"
        app.state, app.bureau_note, app.approved_at = A.APPROVED, _note(note) or "同意复工复产", timezone.now()
        _bump(app, "state", "certificate_no", "bureau_note", "approved_at", "updated_at")
        log_action(user, "resumption.approve", app, {"state": [A.CO_REVIEWED.label, A.APPROVED.label],
                                                     "certificate_no": ["", app.certificate_no]})
        record_status(user, app.event, app.enterprise, app.status_requested, max(app.planned_on, _today()),
                      workers_back=app.workers_planned, note=f"复工复产确认书{app.certificate_no}",
                      source=StatusEntry.Source.CERTIFICATE, allow_future=True)
    _notify(f"复工复产申请已确认：{app.certificate_no}", app, to_enterprise=app.enterprise, key="approved")
    return app


def return_application(user, app, expected_version, reason):
    """Send the application back to the applicant with a reason, from any step before approval."""
    reason = _reason(reason, "退回理由")
    with transaction.atomic():
        app = _locked(Application, app, expected_version, "申请")
        if app.state == A.SUBMITTED:
            _require(can_evaluate(user, app.enterprise), "仅企业所在镇街或工信局可以退回该申请")
        else:
            _require(can_review(user), "仅工信局可以退回已评估的申请")
        _require_state(app, (A.SUBMITTED, A.EVALUATED, A.CO_REVIEWED), "退回")
        old = app.get_state_display()
        app.returned_from, app.state, app.return_reason = app.state, A.RETURNED, reason
        _bump(app, "returned_from", "state", "return_reason", "updated_at")
        log_action(user, "resumption.return", app, {"state": [old, A.RETURNED.label], "reason": [None, reason]})
    _notify(f"复工复产申请被退回：{reason[:60]}", app, to_enterprise=app.enterprise, key=f"returned:{app.version}")
    return app


# ---------------------------------------------------------------- blockers


def report_blocker(user, event, enterprise, category, description):
    _require(can_record(user, enterprise), "您不能登记该企业的困难")
    if category not in Blocker.Category.values:
        raise DomainError("请选择困难类别。")
    description = _reason(description, "困难描述")
    with transaction.atomic():
        Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        same = Blocker.objects.filter(event=event, enterprise=enterprise, category=category,
                                      description=description, state=Blocker.State.OPEN).first()
        if same:
            return same, False
        blocker = Blocker.objects.create(event=event, enterprise=enterprise, category=category,
                                         description=description,
                                         reported_by=user if getattr(user, "pk", None) else None)
        log_action(user, "resumption.report_blocker", blocker, {"category": [None, blocker.get_category_display()],
                                                                "description": [None, description]})
    return blocker, True


def resolve_blocker(user, blocker, expected_version, resolution):
    _require(can_evaluate(user, blocker.enterprise), "仅镇街或工信局可以办结困难")
    resolution = _reason(resolution, "解决情况")
    with transaction.atomic():
        blocker = _locked(Blocker, blocker, expected_version, "困难")
        if blocker.state != Blocker.State.OPEN:
            raise DomainError("该困难已办结。")
        blocker.state, blocker.resolution, blocker.resolved_at = Blocker.State.RESOLVED, resolution, timezone.now()
        _bump(blocker, "state", "resolution", "resolved_at")
        log_action(user, "resumption.resolve_blocker", blocker, {"state": ["待解决", "已解决"],
                                                                 "resolution": ["", resolution]})
    return blocker


# ---------------------------------------------------------------- cross-check flags


def scan(event, day=None, period=None, user=None):
    """Write the flags the cross-checks find on `day` (grid feed) and/or `period` (monthly return).

    Idempotent: a flag already raised (open or resolved) is not raised again. Returns the new flags.
    """
    found = []
    if day is not None:
        found += stats.grid_disagreements(event, day)
    if period is not None:
        found += stats.month_disagreements(event, period)
    return raise_flags(event, found, user)


def raise_flags(event, found, user=None):
    """Create the flags of `found` [(enterprise id, kind, key, detail)] not raised before; returns the new ones."""
    new = []
    for eid, kind, key, detail in found:
        try:
            with transaction.atomic():
                flag = Flag.objects.create(event=event, enterprise_id=eid, kind=kind, key=key, detail=detail[:300])
                log_action(user, "resumption.flag", flag, {"kind": [None, flag.get_kind_display()], "key": [None, key]})
        except IntegrityError:
            continue
        new.append(flag)
    return new


def resolve_flag(user, flag, expected_version, state, note):
    """The town officer's finding: 属实 (the status was corrected) or 无误 (with a note)."""
    _require(can_evaluate(user, flag.enterprise), "仅企业所在镇街或工信局可以核查")
    if state not in (Flag.State.CONFIRMED, Flag.State.DISMISSED):
        raise DomainError("请选择核查结论。")
    note = _reason(note, "核查说明")
    with transaction.atomic():
        flag = _locked(Flag, flag, expected_version, "核查提示")
        if flag.state != Flag.State.OPEN:
            raise DomainError("该提示已核查。")
        flag.state, flag.note, flag.resolved_by, flag.resolved_at = state, note, user, timezone.now()
        _bump(flag, "state", "note", "resolved_by", "resolved_at")
        log_action(user, "resumption.resolve_flag", flag, {"state": ["待核查", flag.get_state_display()],
                                                           "note": ["", note]})
    return flag


# ---------------------------------------------------------------- conditions (bureau) and the grid feed


CONDITION_FIELDS = ("phase", "code", "name", "kind", "required", "required_until", "min_value", "unit",
                    "help_text", "order", "active")


def save_condition(user, event, data, condition=None, expected_version=None):
    """Create or change a checklist item (bureau)."""
    _require(can_review(user), "仅工信局可以维护复工复产条件")
    from gongxin.accounts.audit import changes, snapshot

    with transaction.atomic():
        if condition is None:
            condition = Condition(event=event)
            before = {}
            verb = "resumption.add_condition"
        else:
            condition = _locked(Condition, condition, expected_version, "条件")
            before = snapshot(condition, CONDITION_FIELDS)
            verb = "resumption.change_condition"
            condition.version += 1
        for name in CONDITION_FIELDS:
            if name in data:
                setattr(condition, name, data[name])
        try:
            with transaction.atomic():
                condition.save()
        except IntegrityError:
            raise DomainError(f"代码“{condition.code}”已被本事件的其他条件使用。") from None
        diff = {k: [str(a) if a is not None else None, str(b) if b is not None else None]
                for k, (a, b) in changes(condition, before, CONDITION_FIELDS).items()}
        log_action(user, verb, condition, diff)
    return condition


RULE_FIELDS = ("no_entry_status", "unaffected_counts_as_resumed", "grid_threshold_pct", "grid_days",
               "output_threshold_pct", "co_review_required", "co_reviewer", "certificate_prefix")


def save_rules(user, event, data, expected_version):
    """Change an event's resumption rules (bureau); values were range-checked by the caller."""
    from gongxin.accounts.audit import changes, snapshot

    _require(can_review(user), "仅工信局可以修改复工复产规则")
    with transaction.atomic():
        rules = _locked(Rules, stats.rules_for(event), expected_version, "规则")
        before = snapshot(rules, RULE_FIELDS)
        for name in RULE_FIELDS:
            if name in data:
                setattr(rules, name, data[name])
        diff = {k: [str(a), str(b)] for k, (a, b) in changes(rules, before, RULE_FIELDS).items()}
        if diff:
            _bump(rules, *RULE_FIELDS)
            log_action(user, "resumption.change_rules", rules, diff)
    event._resumption_rules = rules
    return rules


def import_grid(user, rows, source=""):
    """Load the grid's daily feed: rows of (统一社会信用代码, 日期, 日用电量千瓦时). All or nothing.

    Returns (written, errors); with any error nothing is written. A day already loaded is replaced.
    """
    from gongxin.lib.excel import ImportReport, RowError, cell_date, cell_text

    from .models import GridReading

    if user is not None:  # None: the import command
        _require(can_review(user), "仅工信局可以导入电网日用电数据")
    report = ImportReport()
    rows = list(rows)
    if not rows:
        report.errors.append(RowError(1, "", "文件为空"))
        return report
    header = [cell_text(c) for c in rows[0]]
    try:
        cols = [header.index(name) for name in ("统一社会信用代码", "日期", "日用电量")]
    except ValueError:
        report.errors.append(RowError(1, "", "表头应为：统一社会信用代码、日期、日用电量"))
        return report
    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    readings = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * 3
        uscc, day, kwh = (cells[c] for c in cols)
        uscc = cell_text(uscc).upper()
        if not uscc and day in (None, "") and kwh in (None, ""):
            continue
        if uscc not in ids:
            report.errors.append(RowError(n, "统一社会信用代码", f"“{uscc}”不是已登记的企业"))
            continue
        try:
            day = bounds.date(cell_date(day), "日期")
            if day is None:
                raise ValueError
        except bounds.OutOfRange as e:
            report.errors.append(RowError(n, "日期", str(e)))
            continue
        except ValueError:
            report.errors.append(RowError(n, "日期", "日期格式应为YYYY-MM-DD"))
            continue
        try:
            value = to_decimal(kwh)
        except ValueError:
            value = None
        if value is None or not Decimal(0) <= value < Decimal(10**10):
            report.errors.append(RowError(n, "日用电量", "应为0到10,000,000,000之间的数字（千瓦时）"))
            continue
        readings[(ids[uscc], day)] = value.quantize(Decimal("0.1"))
    if report.errors:
        return report
    with transaction.atomic():
        keys = list(readings)
        days = sorted({d for _, d in keys})
        loaded = {(r.enterprise_id, r.day): r for r in GridReading.objects.select_for_update().filter(
            day__in=days).only("id", "enterprise_id", "day", "kwh")}  # by day: a feed's few days, not its 10⁴ ids
        replaced = {k: loaded[k] for k in keys if k in loaded}
        GridReading.objects.filter(pk__in=[r.pk for r in replaced.values()]).delete()
        GridReading.objects.bulk_create([GridReading(enterprise_id=e, day=d, kwh=v, source=source[:100])
                                         for (e, d), v in readings.items()], batch_size=2000)
        if keys:  # the audit entry sits on the first reading written; a replaced value is kept old → new
            uscc = {pk: code for code, pk in ids.items()}
            first = GridReading.objects.get(enterprise_id=keys[0][0], day=keys[0][1])
            log_action(user, "resumption.import_grid", first, {
                "created": [None, len(keys) - len(replaced)], "days": [None, f"{days[0]}—{days[-1]}"],
                "source": [None, source],
                "changes": {f"{uscc[e]} {d}": [str(r.kwh), str(readings[(e, d)])]
                            for (e, d), r in replaced.items() if r.kwh != readings[(e, d)]}})
    report.created = len(readings)
    return report
