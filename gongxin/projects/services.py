"""Changes to projects: every write in a transaction, state-checked, version-checked, audited.

A state-changing request applies once: the row is locked and its version compared with the one the
page carried (a double click finds the version moved on), and where a rule says "one" a database
constraint holds it; a unique-constraint race is answered with the same message as the sequential
case (`_unique`).
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from gongxin.accounts.audit import changes, log_action, snapshot
from gongxin.lib import bounds, periods
from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_text, header_index
from gongxin.lib.numeric import to_decimal

from .models import (
    LIFECYCLE,
    Disbursement,
    FundApplication,
    InvestmentChange,
    Project,
    ProjectDocument,
    ProjectInvestment,
    Stage,
    StageChange,
)


class ProjectError(Exception):
    """A business rule refused the change; the message is for the user (Chinese)."""


class ConflictError(ProjectError):
    """Somebody else saved the object since it was loaded."""


def _actor(user, actor=None):
    """The name shown in timelines and histories: the user's full name, else the login name."""
    if actor:
        return actor
    if getattr(user, "pk", None):
        return user.get_full_name() or user.get_username()
    return "系统命令"


@contextmanager
def _unique(message):
    """A write in a savepoint; a unique-constraint race raises ProjectError(message), the sequential
    check's own message."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as e:
        raise ProjectError(message) from e


def _bump_version(model, obj, expected_version):
    if expected_version is None:
        model.objects.filter(pk=obj.pk).update(version=F("version") + 1)
        obj.version += 1
        return
    if not model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1):
        raise ConflictError("该记录已被他人修改，请刷新后重试。")
    obj.version = expected_version + 1


# ---------------------------------------------------------------- projects

CODE_TAKEN = "该项目编号已存在，请换一个编号"
PROJECT_FIELDS = ["code", "name", "enterprise_id", "town_id", "industry_id", "type", "content",
                  "total_investment", "equipment_investment", "planned_start", "planned_completion",
                  "is_key", "key_year", "record_number"]


def _plain(value):
    return None if value is None else str(value)


@transaction.atomic
def save_project(user, project, *, programmes=None, officers=None, expected_version=None):
    """Create or update `project` (already holding the new values); audited, version-checked."""
    if project.is_key and not project.key_year:
        raise ProjectError("重点项目须填写重点项目年度")
    if (project.equipment_investment or 0) > (project.total_investment or 0):
        raise ProjectError("设备投资不能大于计划总投资")
    if project.pk is None:
        project.stage_since = project.stage_since or dt.date.today()
        with _unique(CODE_TAKEN.format(code=project.code)):
            project.save()
        StageChange.objects.create(project=project, from_stage="", to_stage=project.stage,
                                   date=project.stage_since, note="项目入库", user=_user(user),
                                   actor=_actor(user))
        log_action(user, "projects.create", project, {"code": project.code, "stage": project.stage})
        data = None
    else:
        before = snapshot(Project.objects.get(pk=project.pk), PROJECT_FIELDS)
        _bump_version(Project, project, expected_version)
        project.save()
        data = {k: [_plain(a), _plain(b)] for k, (a, b) in changes(project, before, PROJECT_FIELDS).items()}
    if programmes is not None:
        old = sorted(project.programmes.values_list("name", flat=True))
        project.programmes.set(programmes)
        new = sorted(p.name for p in programmes)
        if data is not None and old != new:
            data["programmes"] = [old, new]
    if officers is not None:
        project.officers.set(officers)
    if data:
        log_action(user, "projects.update", project, data)
    return project


def _user(user):
    return user if getattr(user, "pk", None) else None


def next_stage(stage):
    if stage not in LIFECYCLE or stage == Stage.OPERATING:
        return None
    return LIFECYCLE[LIFECYCLE.index(stage) + 1]


def _check_date(project, date):
    if date is None:
        raise ProjectError("请填写日期")
    if date > dt.date.today():
        raise ProjectError("日期不能晚于今天")
    if project.stage_since and date < project.stage_since:
        raise ProjectError(f"日期不能早于进入“{project.get_stage_display()}”阶段的日期"
                           f"（{project.stage_since:%Y-%m-%d}）")


def _move(user, project, to_stage, date, note="", expected_version=None, **fields):
    """Record the change of stage (timeline + audit) after the caller checked it is allowed."""
    from_stage = project.stage
    _bump_version(Project, project, expected_version)
    project.stage = to_stage
    project.stage_since = date
    for name, value in fields.items():
        setattr(project, name, value)
    project.save(update_fields=["stage", "stage_since", "version", "updated_at", *fields])
    StageChange.objects.create(project=project, from_stage=from_stage, to_stage=to_stage, date=date, note=note,
                               user=_user(user), actor=_actor(user))
    log_action(user, "projects.stage", project, {"stage": [from_stage, to_stage], "date": date.isoformat(),
                                                 "note": note})
    return project


@transaction.atomic
def advance_project(user, project, to_stage, date, *, note="", record_number="", expected_version=None):
    """Move a project one step along 谋划 → 签约 → 备案 → 开工 → 在建 → 竣工 → 投产."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    to_stage = Stage(to_stage)
    current = Stage(project.stage)
    if current in (Stage.PAUSED, Stage.TERMINATED):
        raise ProjectError(f"项目已{current.label}，不能变更为“{to_stage.label}”"
                           + ("，请先恢复项目" if current == Stage.PAUSED else ""))
    expected = next_stage(current)
    if expected is None:
        raise ProjectError(f"项目已{current.label}，生命周期已结束")
    if to_stage != expected:
        raise ProjectError(f"不能从“{current.label}”直接变更为“{to_stage.label}”，下一阶段应为“{expected.label}”")
    _check_date(project, date)
    fields = {}
    if to_stage == Stage.FILED:
        record_number = (record_number or project.record_number).strip()
        if not record_number:
            raise ProjectError("进入备案阶段须填写备案号")
        fields["record_number"] = record_number
    return _move(user, project, to_stage, date, note, expected_version, **fields)


@transaction.atomic
def pause_project(user, project, date, reason, *, expected_version=None):
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage in (Stage.PAUSED, Stage.TERMINATED, Stage.OPERATING):
        raise ProjectError(f"项目已{project.get_stage_display()}，不能暂停")
    if not (reason or "").strip():
        raise ProjectError("暂停项目须填写原因")
    _check_date(project, date)
    return _move(user, project, Stage.PAUSED, date, reason.strip(), expected_version,
                 paused_from=project.stage, stage_reason=reason.strip())


@transaction.atomic
def resume_project(user, project, date, *, note="", expected_version=None):
    """A paused project returns to the stage it was paused in."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage != Stage.PAUSED:
        raise ProjectError("只有暂停的项目才能恢复")
    _check_date(project, date)
    return _move(user, project, Stage(project.paused_from or Stage.IDEA), date, note or "恢复建设",
                 expected_version, paused_from="", stage_reason="")


@transaction.atomic
def terminate_project(user, project, date, reason, *, expected_version=None):
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage in (Stage.TERMINATED, Stage.OPERATING):
        raise ProjectError(f"项目已{project.get_stage_display()}，不能终止")
    if not (reason or "").strip():
        raise ProjectError("终止项目须填写原因")
    _check_date(project, date)
    return _move(user, project, Stage.TERMINATED, date, reason.strip(), expected_version,
                 paused_from="", stage_reason=reason.strip())


def transition(user, project, action, date, *, note="", record_number="", expected_version=None):
    """Dispatch a stage form's action ("advance:<stage>", "pause", "resume", "terminate")."""
    if action == "pause":
        return pause_project(user, project, date, note, expected_version=expected_version)
    if action == "resume":
        return resume_project(user, project, date, note=note, expected_version=expected_version)
    if action == "terminate":
        return terminate_project(user, project, date, note, expected_version=expected_version)
    if action.startswith("advance:") and action[8:] in Stage.values:
        return advance_project(user, project, action[8:], date, note=note, record_number=record_number,
                               expected_version=expected_version)
    raise ProjectError("未知的操作")


# ---------------------------------------------------------------- investment

def _check_amounts(period, month, ytd, previous_ytd):
    """Reasons the figures are wrong (list of (column, reason)); empty when fine."""
    errors = []
    if month is not None and month < 0:
        errors.append(("本月完成投资", "不能为负数"))
    if ytd is not None and ytd < 0:
        errors.append(("1-本月完成投资", "不能为负数"))
    if month is not None and ytd is not None and month > ytd:
        errors.append(("本月完成投资", "不能大于1-本月完成投资"))
    if ytd is not None and previous_ytd is not None and ytd < previous_ytd:
        errors.append(("1-本月完成投资", f"不能小于上月的1-本月完成投资（{previous_ytd}）"))
    return errors


def _previous_ytd(project, period):
    if periods.split(period)[1] == 1:
        return None
    return (ProjectInvestment.objects.filter(project=project, period=periods.shift(period, -1))
            .values_list("ytd", flat=True).first())


INVESTMENT_TAKEN = "{period}的完成投资刚刚已由他人填报，您的数字未保存；请刷新查看后再修改。"


def _write_investment(user, project, period, month, ytd, *, source="entry", actor=None, expected_version=None):
    """Create or update one record with its history; returns "created" / "updated" / "unchanged".

    `expected_version` is the record's version the page showed (0: no record yet); None skips the
    check (imports)."""
    record = ProjectInvestment.objects.select_for_update().filter(project=project, period=period).first()
    who = {"user": _user(user), "actor": _actor(user, actor), "source": source}
    taken = INVESTMENT_TAKEN.format(period=periods.label(period, merge_jan_feb=False))
    if expected_version is not None and (record is None) != (expected_version == 0):
        raise ConflictError(taken if record is not None else "该记录已被他人修改，请刷新后重试。")
    if record is None:
        with _unique(taken):
            record = ProjectInvestment.objects.create(project=project, period=period, month=month, ytd=ytd)
        InvestmentChange.objects.bulk_create([
            InvestmentChange(investment=record, field="month", old=None, new=month, **who),
            InvestmentChange(investment=record, field="ytd", old=None, new=ytd, **who)])
        log_action(user, "projects.investment", project, {"period": period, "month": str(month), "ytd": str(ytd)},
                   actor=actor)
        return "created"
    diff = [(f, getattr(record, f), v) for f, v in (("month", month), ("ytd", ytd)) if getattr(record, f) != v]
    if not diff:
        return "unchanged"
    _bump_version(ProjectInvestment, record, expected_version)
    record.month, record.ytd = month, ytd
    record.save(update_fields=["month", "ytd", "updated_at"])
    InvestmentChange.objects.bulk_create([InvestmentChange(investment=record, field=f, old=old, new=new, **who)
                                          for f, old, new in diff])
    log_action(user, "projects.investment", project,
               {"period": period} | {f: [str(old), str(new)] for f, old, new in diff}, actor=actor)
    return "updated"


@transaction.atomic
def report_investment(user, project, period, month, ytd, *, expected_version=None):
    """One month's completed investment of a project, entered on its page."""
    period = periods.parse_period(period)
    try:
        month = bounds.number(bounds.field(ProjectInvestment, "month"), month)
        ytd = bounds.number(bounds.field(ProjectInvestment, "ytd"), ytd)
    except bounds.OutOfRange as e:
        raise ProjectError(str(e)) from e
    if month is None or ytd is None:
        raise ProjectError("请填写本月完成投资和1-本月完成投资")
    if project.stage in NOT_REPORTING:
        raise ProjectError(f"项目处于“{project.get_stage_display()}”阶段，尚未开工，不能填报完成投资")
    errors = _check_amounts(period, month, ytd, _previous_ytd(project, period))
    if errors:
        raise ProjectError("；".join(f"{col}{reason}" for col, reason in errors))
    return _write_investment(user, project, period, month, ytd, expected_version=expected_version)


NOT_REPORTING = (Stage.IDEA, Stage.SIGNED)

IMPORT_HEADERS = ["项目编号", "报告期", "本月完成投资", "1-本月完成投资"]


def import_investment(rows, user=None, actor=None, dry_run=False, projects=None):
    """Monthly investment from workbook rows (万元); all-or-nothing; returns an ImportReport.

    `projects` limits which projects may be named (a user's scope); others are "unknown".
    """
    if not rows:
        raise WorkbookError("工作簿为空")
    index = header_index(rows[0], IMPORT_HEADERS)
    known = {p.code: p for p in (projects if projects is not None else Project.objects.all())}
    report, parsed, seen = ImportReport(), [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        errors, values = _parse_investment_row(cells, known)
        key = (values.get("code"), values.get("period"))
        if None not in key:
            if key in seen:
                errors.append(("项目编号", f"与第{seen[key]}行重复（同一项目同一报告期）"))
            seen.setdefault(key, number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        parsed.append((number, values))
    if not report.errors:
        _check_sequence(parsed, report)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for _, v in parsed:
            outcome = _write_investment(user, known[v["code"]], v["period"], v["month"], v["ytd"],
                                        source="import", actor=actor)
            setattr(report, outcome, getattr(report, outcome) + 1)
        if report.created or report.updated:
            log_action(user, "projects.import", Project(pk=0, code="", name="项目完成投资导入"),
                       {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                       actor=actor)
    return report


def _parse_investment_row(cells, known):
    errors, values = [], {}
    code = cell_text(cells["项目编号"]).upper()
    if not code:
        errors.append(("项目编号", "不能为空"))
    elif code not in known:
        errors.append(("项目编号", f"未知的项目编号“{code}”"))
    else:
        values["code"] = code
        if known[code].stage in NOT_REPORTING:
            errors.append(("项目编号", f"项目处于“{known[code].get_stage_display()}”阶段，尚未开工"))
    try:
        values["period"] = periods.parse_period(cells["报告期"])
    except periods.PeriodError as e:
        errors.append(("报告期", str(e)))
    for header, field in (("本月完成投资", "month"), ("1-本月完成投资", "ytd")):
        try:
            value = to_decimal(cells[header])
            if value is not None and value >= 0:
                bounds.number(bounds.field(ProjectInvestment, field), value, header)
        except ValueError as e:
            errors.append((header, str(e).removeprefix(header)))
            continue
        if value is None:
            errors.append((header, "不能为空"))
        elif value < 0:
            errors.append((header, "不能为负数"))
        elif value != value.quantize(Decimal("0.01")):
            errors.append((header, "最多保留两位小数（单位：万元）"))
        else:
            values[field] = value
    if "month" in values and "ytd" in values:
        errors += _check_amounts(values.get("period"), values["month"], values["ytd"], None)
    return errors, values


def _check_sequence(parsed, report):
    """1-本月 may not fall below the previous month's (from the file itself, else from the database)."""
    in_file = {(v["code"], v["period"]): v["ytd"] for _, v in parsed}
    codes = {v["code"] for _, v in parsed}
    stored = {(code, period): ytd for code, period, ytd in ProjectInvestment.objects.filter(
        project__code__in=codes).values_list("project__code", "period", "ytd")}
    for number, v in parsed:
        if periods.split(v["period"])[1] == 1:
            continue
        key = (v["code"], periods.shift(v["period"], -1))
        previous = in_file.get(key, stored.get(key))
        if previous is not None and v["ytd"] < previous:
            report.errors.append(RowError(number, "1-本月完成投资",
                                          f"不能小于上月的1-本月完成投资（{previous}）"))


# ---------------------------------------------------------------- documents

DOCUMENT_EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                       ".png": "image/png", ".doc": "application/msword",
                       ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       ".xls": "application/vnd.ms-excel",
                       ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# Magic numbers of the accepted types: the extension alone is not trusted.
_SIGNATURES = {".pdf": [b"%PDF"], ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"],
               ".png": [b"\x89PNG"], ".docx": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"],
               ".doc": [b"\xd0\xcf\x11\xe0"], ".xls": [b"\xd0\xcf\x11\xe0"]}


def check_document(upload):
    """Raise ProjectError unless the upload is an accepted type within the size limit."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS:
        raise ProjectError("只接受 PDF、JPG、PNG、Word、Excel 文件")
    if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise ProjectError(f"文件超过{settings.MAX_UPLOAD_MB}MB上限")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _SIGNATURES[suffix]):
        raise ProjectError("文件内容与扩展名不符")
    return DOCUMENT_EXTENSIONS[suffix]


@transaction.atomic
def add_document(user, project, upload, *, title="", kind=ProjectDocument.Kind.OTHER, number=""):
    content_type = check_document(upload)
    doc = ProjectDocument(project=project, kind=kind, number=number.strip(),
                          title=bounds.fit(ProjectDocument, "title", (title or Path(upload.name).stem).strip(),
                                           ProjectError, "标题（未填时取文件名）"), size=upload.size,
                          content_type=content_type, uploaded_by=_user(user))
    doc.file.save(Path(upload.name).name, upload, save=False)
    doc.save()
    log_action(user, "projects.document", project, {"title": doc.title, "kind": doc.get_kind_display(), "number": doc.number,
                                           "size": doc.size})
    return doc


# ---------------------------------------------------------------- support funds

FUND_FLOW = {
    "review": (FundApplication.Status.APPLIED, FundApplication.Status.REVIEWED, "reviewed_on"),
    "approve": (FundApplication.Status.REVIEWED, FundApplication.Status.APPROVED, "approved_on"),
}
FUND_ACTIONS = {"review": "projects.fund_review", "approve": "projects.fund_approve"}


@transaction.atomic
def apply_for_funds(user, fund, enterprise, requested, applied_on, *, project=None, note=""):
    requested = to_decimal(requested)
    if requested is None or requested <= 0:
        raise ProjectError("申请金额须大于0")
    if project is not None and project.enterprise_id != enterprise.pk:
        raise ProjectError("项目不属于该企业")
    if project is not None and project.stage == Stage.TERMINATED:
        raise ProjectError("项目已终止，不能申报扶持资金")
    taken = f"该项目已申报“{fund}”，不能重复申报"
    if project is not None and FundApplication.objects.filter(fund=fund, project=project).exclude(
            status=FundApplication.Status.REJECTED).exists():
        raise ProjectError(taken)
    with _unique(taken):  # the constraint fund_application_once_per_project holds it under a race
        app = FundApplication.objects.create(fund=fund, enterprise=enterprise, project=project,
                                             requested=requested, applied_on=applied_on, note=note)
    log_action(user, "projects.fund_apply", app, {"fund": fund.name, "requested": str(requested)})
    return app


# ---------------------------------------------------------------- programmes and fund programmes

PROGRAMME_FIELDS = ["name", "year", "level", "description"]
FUND_FIELDS = ["name", "year", "budget", "description"]


def _save_master(user, obj, fields, expected_version):
    """Create or update a programme / fund programme (holding the new values); audited, version-checked."""
    model = type(obj)
    taken = f"{obj.year}年已有“{obj.name}”"
    if model.objects.filter(name=obj.name, year=obj.year).exclude(pk=obj.pk).exists():
        raise ProjectError(taken)
    if obj.pk is None:
        with _unique(taken):
            obj.save()
        log_action(user, "projects.create", obj, {f: _plain(getattr(obj, f)) for f in fields})
        return obj
    before = snapshot(model.objects.get(pk=obj.pk), fields)
    _bump_version(model, obj, expected_version)
    with _unique(taken):
        obj.save(update_fields=fields)
    data = {k: [_plain(a), _plain(b)] for k, (a, b) in changes(obj, before, fields).items()}
    if data:
        log_action(user, "projects.update", obj, data)
    return obj


@transaction.atomic
def save_programme(user, programme, *, expected_version=None):
    programme.name = (programme.name or "").strip()
    if not programme.name:
        raise ProjectError("请填写计划名称")
    return _save_master(user, programme, PROGRAMME_FIELDS, expected_version)


@transaction.atomic
def save_fund_programme(user, fund, *, expected_version=None):
    """A fund programme's budget may not fall below what it has already approved."""
    fund.name = (fund.name or "").strip()
    if not fund.name:
        raise ProjectError("请填写资金名称")
    budget = to_decimal(fund.budget)
    if budget is None or budget <= 0:
        raise ProjectError("预算须大于0")
    if fund.pk:
        approved = fund.approved_total()
        if approved and budget < approved:
            raise ProjectError(f"预算不能低于已批准金额合计（{approved:.2f}万元）")
    fund.budget = budget
    return _save_master(user, fund, FUND_FIELDS, expected_version)


@transaction.atomic
def review_application(user, app, date, *, expected_version=None):
    return _fund_step(user, app, "review", date, expected_version=expected_version)


@transaction.atomic
def approve_application(user, app, date, amount, *, expected_version=None):
    amount = to_decimal(amount)
    if amount is None or amount <= 0:
        raise ProjectError("批准金额须大于0")
    if amount > app.requested:
        raise ProjectError("批准金额不能大于申请金额")
    return _fund_step(user, app, "approve", date, expected_version=expected_version, approved=amount)


@transaction.atomic
def reject_application(user, app, date, reason, *, expected_version=None):
    app = FundApplication.objects.select_for_update().get(pk=app.pk)
    if app.status not in (FundApplication.Status.APPLIED, FundApplication.Status.REVIEWED):
        raise ProjectError(f"申报{app.get_status_display()}，不能驳回")
    if not (reason or "").strip():
        raise ProjectError("请填写未通过原因")
    _bump_version(FundApplication, app, expected_version)
    app.status, app.note = FundApplication.Status.REJECTED, reason.strip()
    app.save(update_fields=["status", "note"])
    log_action(user, "projects.fund_reject", app, {"date": date.isoformat(), "reason": app.note})
    return app


def _fund_step(user, app, step, date, *, expected_version=None, **fields):
    app = FundApplication.objects.select_for_update().get(pk=app.pk)
    before, after, date_field = FUND_FLOW[step]
    if app.status != before:
        raise ProjectError(f"申报当前为“{app.get_status_display()}”，不能{'审核' if step == 'review' else '批准'}")
    if date is None:
        raise ProjectError("请填写日期")
    _bump_version(FundApplication, app, expected_version)
    app.status = after
    setattr(app, date_field, date)
    for name, value in fields.items():
        setattr(app, name, value)
    app.save(update_fields=["status", date_field, *fields])
    log_action(user, FUND_ACTIONS[step], app, {"date": date.isoformat()} | {k: str(v) for k, v in fields.items()})
    return app


@transaction.atomic
def disburse(user, app, date, amount, *, voucher="", expected_version=None):
    """Pay out (part of) an approved amount; the application becomes 已拨付.

    Applies once: the page's version must match (a repeated POST finds it moved on), and a voucher
    number pays once (constraint disbursement_once_per_voucher)."""
    app = FundApplication.objects.select_for_update().get(pk=app.pk)
    if expected_version is not None and app.version != expected_version:
        raise ConflictError("该申报刚刚已有拨付或变更（可能是重复提交），本次未拨付；请刷新后核对。")
    if app.status not in (FundApplication.Status.APPROVED, FundApplication.Status.DISBURSED):
        raise ProjectError("只有已批准的申报才能拨付")
    voucher = bounds.fit(Disbursement, "voucher", (voucher or "").strip(), ProjectError)
    if voucher and app.disbursements.filter(voucher=voucher).exists():
        raise ProjectError(f"凭证号“{voucher}”已拨付过，不能重复拨付")
    amount = to_decimal(amount)
    if amount is None or amount <= 0:
        raise ProjectError("拨付金额须大于0")
    paid = sum(app.disbursements.values_list("amount", flat=True), Decimal(0))
    if paid + amount > app.approved:
        raise ProjectError(f"累计拨付不能超过批准金额（已拨付{paid}万元，批准{app.approved}万元）")
    with _unique(f"凭证号“{voucher}”已拨付过，不能重复拨付"):
        payment = Disbursement.objects.create(application=app, date=date, amount=amount, voucher=voucher,
                                              user=_user(user))
    if app.status != FundApplication.Status.DISBURSED:
        app.status = FundApplication.Status.DISBURSED
        app.save(update_fields=["status"])
    FundApplication.objects.filter(pk=app.pk).update(version=F("version") + 1)
    log_action(user, "projects.fund_disburse", app, {"date": date.isoformat(), "amount": str(amount), "voucher": voucher})
    return payment
