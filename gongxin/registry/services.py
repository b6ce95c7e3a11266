"""Changes to the registry: every write in a transaction, version-checked, audited."""

import datetime as dt
from contextlib import nullcontext

from django.db import IntegrityError, transaction

from gongxin.accounts.audit import changes, log_action, snapshot
from gongxin.lib import bounds
from gongxin.lib import changes as figures
from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_date, cell_text, header_index
from gongxin.lib.uscc import USCCError, normalize, validate_uscc

from .models import Enterprise, EnterpriseGroup, Industry, ListYear, Region

AUDITED_FIELDS = ["uscc", "name", "former_names", "town_id", "industry_id", "address", "legal_rep",
                  "contact_name", "contact_phone", "founded", "status", "uscc_override",
                  "uscc_override_reason"]


def join_names(names):
    """Former names as stored: one per line, trimmed, blanks dropped (form, import and export agree)."""
    return "\n".join(n.strip() for n in names if n.strip())


class ConflictError(Exception):
    """Somebody else saved the object since it was loaded."""


USCC_TAKEN = "该统一社会信用代码的企业已存在"
TEXT_FIELDS = {"uscc": "统一社会信用代码", "name": "企业名称", "address": "地址", "legal_rep": "法定代表人",
               "contact_name": "统计联系人", "contact_phone": "联系电话"}


def founded_bounds(value):
    """成立日期 between 1900-01-01 and today (0001-01-01 and 9999-12-31 are typing errors)."""
    return bounds.date(value, "成立日期", latest=dt.date.today())


def _audit_data(instance, before):
    diff = changes(instance, before, AUDITED_FIELDS)
    return {k: [str(v) if v is not None else None for v in pair] for k, pair in diff.items()}


def set_list_years(enterprise, years):
    """Make the enterprise's 规上 list years exactly `years`; returns True if anything changed."""
    current = set(enterprise.list_years.values_list("year", flat=True))
    wanted = set(years)
    if current == wanted:
        return False
    enterprise.list_years.filter(year__in=current - wanted).delete()
    ListYear.objects.bulk_create([ListYear(enterprise=enterprise, year=y) for y in sorted(wanted - current)])
    return True


def _moves_figures(current, enterprise, list_years, groups):
    """The change moves the enterprise's figures: another town or industry, list years or groups."""
    if (current.town_id, current.industry_id) != (enterprise.town_id, enterprise.industry_id):
        return True
    if list_years is not None and set(list_years) != set(current.years_on_list):
        return True
    return groups is not None and {getattr(g, "pk", g) for g in groups} != set(current.groups.values_list("pk", flat=True))


@transaction.atomic
def save_enterprise(user, enterprise, *, list_years=None, groups=None, expected_version=None, actor=None):
    """Create or update `enterprise` (already holding the new values) with audit and version check.

    An update bumps `version`; with `expected_version` (the version the editor loaded) it is refused
    with ConflictError when somebody else saved in between. Nothing is logged when nothing changed.
    """
    creating = enterprise.pk is None
    if creating:
        try:
            with transaction.atomic():
                enterprise.save()
        except IntegrityError as e:  # two creates of one code at once: the form's own message
            raise ConflictError(USCC_TAKEN) from e
        log_action(user, "registry.create", enterprise, {"uscc": enterprise.uscc}, actor=actor)
        before_years, before_groups, data = [], [], {}
    else:
        current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError("该企业信息已被他人修改，请刷新后重新编辑。")
        before = snapshot(current, AUDITED_FIELDS)
        before_years = current.years_on_list
        before_groups = sorted(current.groups.values_list("name", flat=True))
    with (figures.enterprises_changing([enterprise.pk])
          if not creating and _moves_figures(current, enterprise, list_years, groups) else nullcontext()):
        if not creating:
            enterprise.version = current.version + 1
            enterprise.save()
            data = _audit_data(enterprise, before)
        if list_years is not None:
            set_list_years(enterprise, list_years)
        if groups is not None:
            enterprise.groups.set(groups)
    if not creating:
        years, names = enterprise.years_on_list, sorted(enterprise.groups.values_list("name", flat=True))
        if years != before_years:
            data["list_years"] = [before_years, years]
        if names != before_groups:
            data["groups"] = [before_groups, names]
        if data:
            log_action(user, "registry.update", enterprise, data, actor=actor)
    if enterprise.uscc_override and (creating or "uscc_override" in data or "uscc" in data):
        log_action(user, "registry.uscc_override", enterprise,
                   {"uscc": enterprise.uscc, "reason": enterprise.uscc_override_reason}, actor=actor)
    return enterprise


# ---------------------------------------------------------------- Excel import / export

IMPORT_HEADERS = ["统一社会信用代码", "企业名称", "曾用名", "所属镇街", "行业代码", "地址", "法定代表人",
                  "统计联系人", "联系电话", "成立日期", "经营状态", "规上名录年份", "企业分组"]
REQUIRED_HEADERS = ["统一社会信用代码", "企业名称", "所属镇街", "行业代码"]
STATUS_BY_LABEL = {label: value for value, label in Enterprise.Status.choices}


def _parse_row(cells, towns, industries, groups, overridden):
    """One data row → (values dict, [(column, reason)]).

    `cells` holds only the columns the file has: an optional column that is absent leaves the
    field as it is (so a file with the four required columns does not wipe addresses).
    """
    from .forms import parse_years

    errors = []
    values = {}
    code = normalize(cell_text(cells.get("统一社会信用代码")))
    values["uscc"] = code
    if not code:
        errors.append(("统一社会信用代码", "不能为空"))
    elif code not in overridden:
        try:
            validate_uscc(code)
        except USCCError as e:
            errors.append(("统一社会信用代码", str(e)))
    values["name"] = cell_text(cells.get("企业名称"))
    if not values["name"]:
        errors.append(("企业名称", "不能为空"))
    if "曾用名" in cells:
        values["former_names"] = join_names(cell_text(cells["曾用名"]).replace("；", ";").split(";"))
    town_text = cell_text(cells.get("所属镇街"))
    town = towns.get(town_text)
    if town is None:
        errors.append(("所属镇街", f"未知的镇街“{town_text}”" if town_text else "不能为空"))
    values["town"] = town
    ind_text = cell_text(cells.get("行业代码")).split(" ")[0]
    if ind_text.isdecimal() and len(ind_text) in (1, 3):
        ind_text = ind_text.zfill(len(ind_text) + 1)
    industry = industries.get(ind_text)
    if industry is None:
        errors.append(("行业代码", f"未知的行业代码“{ind_text}”（应为GB/T 4754-2017 B/C/D门类的大类或小类代码）"
                       if ind_text else "不能为空"))
    values["industry"] = industry
    for header, field in (("地址", "address"), ("法定代表人", "legal_rep"), ("统计联系人", "contact_name"),
                          ("联系电话", "contact_phone")):
        if header in cells:
            values[field] = cell_text(cells[header])
    if "成立日期" in cells:
        try:
            values["founded"] = founded_bounds(cell_date(cells["成立日期"], typed=True))
        except ValueError as e:
            errors.append(("成立日期", str(e)))
    for field, header in TEXT_FIELDS.items():
        if field in values:
            try:
                bounds.text(Enterprise._meta.get_field(field), values[field], header)
            except bounds.OutOfRange as e:
                errors.append((header, str(e)))
    if "经营状态" in cells:
        status_text = cell_text(cells["经营状态"]) or "在营"
        if status_text not in STATUS_BY_LABEL:
            errors.append(("经营状态", f"应为{'、'.join(STATUS_BY_LABEL)}之一"))
        values["status"] = STATUS_BY_LABEL.get(status_text)
    years_cell = cells.get("规上名录年份")
    try:
        values["list_years"] = None if years_cell in (None, "") else parse_years(cell_text(years_cell))
    except Exception as e:  # ValidationError carries a list of messages
        errors.append(("规上名录年份", "；".join(getattr(e, "messages", [str(e)]))))
        values["list_years"] = None
    group_text = cell_text(cells.get("企业分组"))
    values["groups"] = None
    if group_text:
        names = sorted({g.strip() for g in group_text.replace("；", ";").split(";") if g.strip()})
        unknown = [n for n in names if n not in groups]
        if unknown:
            errors.append(("企业分组", f"未知的企业分组：{'、'.join(unknown)}"))
        values["groups"] = names
    return values, errors


def import_enterprises(rows, user=None, actor=None, dry_run=False):
    """Create or update enterprises from workbook rows; all-or-nothing. Returns an ImportReport."""
    report = ImportReport()
    if not rows:
        raise WorkbookError("工作簿为空")
    index = header_index(rows[0], REQUIRED_HEADERS)
    for optional in IMPORT_HEADERS:
        if optional not in index:
            try:
                index.update(header_index(rows[0], [optional]))
            except WorkbookError:
                pass
    towns = {}
    for region in Region.objects.towns():
        for key in (region.name, region.code, region.code9):
            if key:
                towns[key] = region
    industries = {i.code: i for i in Industry.objects.all()}
    groups = {g.name: g for g in EnterpriseGroup.objects.all()}
    overridden = set(Enterprise.objects.filter(uscc_override=True).values_list("uscc", flat=True))
    parsed, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        values, errors = _parse_row(cells, towns, industries, groups, overridden)
        if values["uscc"] and values["uscc"] in seen:
            errors.append(("统一社会信用代码", f"与第{seen[values['uscc']]}行重复"))
        seen.setdefault(values["uscc"], number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        parsed.append(values)
    if report.errors or dry_run:
        return report
    existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=seen)}
    try:
        _write_import(parsed, existing, groups, report, user, actor)
    except ConflictError as e:
        raise WorkbookError("导入期间有企业信息被他人修改，未写入任何数据，请重新导入。") from e
    return report


@transaction.atomic
def _write_import(parsed, existing, groups, report, user, actor):
    for values in parsed:
        list_years, group_names = values.pop("list_years"), values.pop("groups")
        enterprise = existing.get(values["uscc"])
        if enterprise is None:
            enterprise = Enterprise(**values)
            save_enterprise(user, enterprise, list_years=list_years or [],
                            groups=[groups[n] for n in group_names or []], actor=actor)
            report.created += 1
            continue
        before = snapshot(enterprise, AUDITED_FIELDS) | {
            "years": enterprise.years_on_list,
            "groups": sorted(enterprise.groups.values_list("name", flat=True))}
        for field, value in values.items():
            setattr(enterprise, field, value)
        same = (snapshot(enterprise, AUDITED_FIELDS) == {k: before[k] for k in AUDITED_FIELDS}
                and (list_years is None or list_years == before["years"])
                and (group_names is None or group_names == before["groups"]))
        if same:
            report.unchanged += 1
            continue
        save_enterprise(user, enterprise, list_years=list_years, expected_version=enterprise.version,
                        groups=None if group_names is None else [groups[n] for n in group_names],
                        actor=actor)
        report.updated += 1
    log_action(user, "registry.import", Enterprise(pk=0, name="企业名录导入"),
               {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
               actor=actor)
    return report
