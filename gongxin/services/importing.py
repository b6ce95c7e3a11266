"""Import a year's working-day calendar (an intranet cannot fetch updates): 日期, 类型, 名称.

类型 is 休息 (a 法定节假日 on a weekday) or 上班 (a 调休 working day on a weekend). All-or-nothing:
any bad row and nothing is written; importing the same file twice changes nothing.
"""


from django.db import transaction

from gongxin.accounts.audit import log_action
from gongxin.lib import bounds
from gongxin.lib.excel import ImportReport, RowError, cell_date

from .models import WorkdayOverride

HEADERS = ("日期", "类型", "名称")
KINDS = {"休息": False, "上班": True}


def import_calendar(rows, user=None):
    report = ImportReport()
    rows = list(rows)
    if not rows or [str(c or "").strip() for c in rows[0][:3]] != list(HEADERS):
        report.errors.append(RowError(1, "表头", f"表头应为：{'、'.join(HEADERS)}"))
        return report
    parsed, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        row = list(row) + [None] * 3
        if all(c in (None, "") for c in row[:3]):
            continue
        try:
            day = cell_date(row[0])
            if day is None:
                raise ValueError
        except ValueError:
            report.errors.append(RowError(number, "日期", f"“{row[0]}”不是日期（YYYY-MM-DD）"))
            continue
        if not 2000 <= day.year <= 2100:
            report.errors.append(RowError(number, "日期", "年份应在2000至2100之间"))
            continue
        kind = str(row[1] or "").strip()
        if kind not in KINDS:
            report.errors.append(RowError(number, "类型", "类型应为“休息”或“上班”"))
            continue
        if KINDS[kind] == (day.weekday() < 5):
            report.errors.append(RowError(number, "类型", f"{day}是{'工作日' if day.weekday() < 5 else '周末'}，无需设为{kind}"))
            continue
        if day in seen:
            report.errors.append(RowError(number, "日期", f"{day}重复"))
            continue
        seen.add(day)
        try:
            name = bounds.text(WorkdayOverride._meta.get_field("name"), str(row[2] or "").strip())
        except bounds.OutOfRange as e:
            report.errors.append(RowError(number, "名称", str(e)))
            continue
        parsed.append((day, KINDS[kind], name))
    if report.errors:
        return report
    with transaction.atomic():
        existing = {o.date: o for o in WorkdayOverride.objects.select_for_update().filter(date__in=seen)}
        days = {}
        for day, is_working, name in parsed:
            old = existing.get(day)
            if old and (old.is_working, old.name) == (is_working, name):
                report.unchanged += 1
                continue
            row, created = WorkdayOverride.objects.update_or_create(date=day, defaults={"is_working": is_working,
                                                                                         "name": name})
            report.created += created
            report.updated += not created
            days[str(day)] = [_describe(old), _describe(row)]
        if days:  # every day set or changed, old → new, on the last row written
            log_action(user, "services.calendar_import", row, {"created": report.created, "updated": report.updated,
                                                                "changes": days})
    return report


def _describe(row):
    return None if row is None else f"{'上班' if row.is_working else '休息'}{'（' + row.name + '）' if row.name else ''}"
