"""Import of official returns (县统计局数据) from a workbook: all-or-nothing, fast, with history.

One row per enterprise and period in exactly the `IMPORT_HEADERS` columns (others are ignored),
money in 千元. Every row is checked with the same rules as entry (`validate_return`, without the
period-open and last-year-note checks, which concern enterprises filing). Any error refuses the
whole file and names every bad cell; warnings are reported. Imported returns land accepted with
source=import. Existing returns are compared cell by cell: unchanged files change nothing, changed
cells are updated and recorded in `ValueChange`. Reads, compares and writes in bulk (no per-row
queries): ~50,000 rows in a few seconds.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from gongxin.accounts.audit import log_action
from gongxin.lib import changes
from gongxin.lib import periods as P
from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_text, header_index
from gongxin.lib.numeric import to_decimal
from gongxin.registry.models import Enterprise

from .events import changed_later
from .models import Form, Return, ReturnValue, ValueChange
from .validation import COLUMNS, RuleSet, validate_return

INDICATOR_HEADERS = [("工业总产值", "output_value"), ("工业销售产值", "sales_value"), ("出口交货值", "export_value"),
                     ("用电量", "electricity")]
COLUMN_HEADERS = [("本月", "month"), ("1-本月", "ytd"), ("上年同月", "month_ly"), ("上年1-同月", "ytd_ly")]
VALUE_HEADERS = {f"{name}{col_name}": (code, col) for name, code in INDICATOR_HEADERS for col_name, col in COLUMN_HEADERS}
IMPORT_HEADERS = ["统一社会信用代码", "企业名称", "报告期", *VALUE_HEADERS]
HEADER_OF_FIELD = {f"{code}.{col}": header for header, (code, col) in VALUE_HEADERS.items()}
BATCH = 2000
FOUR_DP = Decimal("0.0001")
MAX_AMOUNT = Decimal(10) ** 15


def _amount(cell):
    """A cell as the database stores it (4 decimals, half-up), so a re-import compares equal."""
    value = to_decimal(cell)
    if value is None:
        return None
    if abs(value) >= MAX_AMOUNT:
        raise ValueError(f"数值“{cell}”过大")
    return value if value.as_tuple().exponent >= -4 else value.quantize(FOUR_DP, rounding=ROUND_HALF_UP)


def _parse(rows, form):
    """Rows → ([(row number, enterprise id, period, values)], [RowError], [RowError] warnings)."""
    if not rows:
        raise WorkbookError("工作簿为空")
    index = header_index(rows[0], IMPORT_HEADERS)
    enterprises = {uscc: (pk, name) for uscc, pk, name in Enterprise.objects.values_list("uscc", "id", "name")}
    parsed, errors, warnings, seen = [], [], [], {}
    positions = list(index.values())
    value_cols = [(index[h], code, col, h) for h, (code, col) in VALUE_HEADERS.items()]
    uscc_at, name_at, period_at = index["统一社会信用代码"], index["企业名称"], index["报告期"]
    for number, row in enumerate(rows[1:], start=2):
        width = len(row)
        if all(i >= width or row[i] is None or row[i] == "" for i in positions):
            continue
        uscc = cell_text(row[uscc_at] if uscc_at < width else None).upper()
        name = cell_text(row[name_at] if name_at < width else None)
        found = enterprises.get(uscc)
        if not uscc:
            errors.append(RowError(number, "统一社会信用代码", "不能为空"))
        elif found is None:
            errors.append(RowError(number, "统一社会信用代码", f"企业“{uscc}”不在企业名录中，请先导入企业"))
        elif name and name != found[1]:
            warnings.append(RowError(number, "企业名称", f"与名录中的名称“{found[1]}”不一致（按信用代码匹配）"))
        try:
            period = P.parse_period(row[period_at] if period_at < width else None)
            if not P.is_reported(period, form.merge_jan_feb):
                errors.append(RowError(number, "报告期", "1月不单独报送，请按1-2月（报告期为2月）填报"))
                period = None
        except P.PeriodError as e:
            errors.append(RowError(number, "报告期", str(e)))
            period = None
        values = defaultdict(dict)
        for i, code, col, header in value_cols:
            cell = row[i] if i < width else None
            kind = type(cell)
            if cell is None:
                values[code][col] = None
            elif kind is int and abs(cell) < MAX_AMOUNT:
                values[code][col] = Decimal(cell)
            elif kind is float and cell == round(cell, 4) and abs(cell) < MAX_AMOUNT:
                values[code][col] = Decimal(repr(cell))  # the fast path for typical numeric cells
            else:
                try:
                    values[code][col] = _amount(cell)
                except ValueError as e:
                    errors.append(RowError(number, header, str(e)))
        if found and period:
            key = (found[0], period)
            if key in seen:
                errors.append(RowError(number, "报告期", f"与第{seen[key]}行重复（同一企业同一报告期）"))
            else:
                seen[key] = number
                parsed.append((number, found[0], period, dict(values)))
    return parsed, errors, warnings


def _existing_values(form, periods):
    """{(enterprise id, period): {code: {column: value}}} of the form's saved returns in `periods`."""
    codes = {i.id: i.code for i in form.indicators.all()}
    found = defaultdict(dict)
    rows = ReturnValue.objects.filter(period__in=periods, indicator__form=form).values_list(
        "enterprise_id", "period", "indicator_id", "id", *COLUMNS)
    for enterprise_id, period, indicator_id, pk, *cols in rows.iterator(chunk_size=10000):
        found[(enterprise_id, period)][codes[indicator_id]] = dict(zip(COLUMNS, cols, strict=True)) | {"pk": pk}
    return found


def _check(parsed, form, ruleset, existing):
    """Rule findings per row, with the previous period's 1-本月 from the file or the database."""
    in_file = {(e, p): v for _, e, p, v in parsed}
    errors, warnings = [], []
    for number, enterprise_id, period, values in parsed:
        prev = P.previous_in_year(period, form.merge_jan_feb)
        if prev is None:
            previous = {}
        else:
            source = in_file.get((enterprise_id, prev)) or existing.get((enterprise_id, prev))
            previous = {code: cols.get("ytd") for code, cols in source.items()} if source else None
        for f in validate_return(values, form=form, period=period, previous=previous, last_year=None,
                                 check_period=False, ruleset=ruleset):
            item = RowError(number, HEADER_OF_FIELD.get(f.field, "报告期"), f.message)
            (errors if f.is_error else warnings).append(item)
    return errors, warnings


def import_returns(rows, *, user=None, actor=None, filename="", dry_run=False):
    """Check and write a workbook of official 产值 returns; returns an ImportReport."""
    form = Form.objects.get(code="output")
    ruleset = RuleSet.load(form)
    report = ImportReport()
    parsed, report.errors, report.warnings = _parse(rows, form)
    file_periods = {p for _, _, p, _ in parsed}
    needed = file_periods | {P.previous_in_year(p, form.merge_jan_feb) for p in file_periods} - {None}
    existing = _existing_values(form, needed)
    errors, warnings = _check(parsed, form, ruleset, existing)
    report.errors = sorted(report.errors + errors, key=lambda e: e.row)
    report.warnings = sorted(report.warnings + warnings, key=lambda e: e.row)
    if report.errors or dry_run:
        return report
    with transaction.atomic(), changes.returns_changing({(e, p) for _, e, p, _ in parsed}):
        _write(parsed, form, existing, file_periods, report, user, actor, filename)
        log_action(user, "returns.import", form, {"file": filename, "created": report.created, "updated": report.updated,
                                          "unchanged": report.unchanged, "warnings": len(report.warnings)},
                   actor=actor)
        changed_later(form.code, {(None, p) for p in file_periods})
    return report


def _insert_many(model, fields, rows):
    """INSERT rows (tuples in `fields` order) in bulk without building model objects, whose per-object
    cost is otherwise the bulk of an import's time: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for start in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[start:start + BATCH * 5])


def _write(parsed, form, existing, file_periods, report, user, actor, filename):
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    note = f"导入：{filename}"[:200] if filename else "导入"
    indicators = {i.code: i for i in form.indicators.all()}
    returns = {(e, p): r for e, p, *r in Return.objects.filter(form=form, period__in=file_periods).values_list(
        "enterprise_id", "period", "id", "status", "source", "version")}
    new_returns, new_values, changed_values, history, touched = [], [], [], [], []
    who = user if getattr(user, "pk", None) else None
    actor = actor or (user.get_username() if who else "系统命令")
    for _number, enterprise_id, period, values in parsed:
        key = (enterprise_id, period)
        if key not in returns:
            new_returns.append(key)
            continue
        ret_id, status, source, version = returns[key]
        saved = existing.get(key, {})
        changed = False
        for code, cols in values.items():
            row = saved.get(code)
            if row is None:
                new_values.append((ret_id, indicators[code].id, enterprise_id, period,
                                   *(cols.get(c) for c in COLUMNS)))
                changed = changed or any(v is not None for v in cols.values())
                continue
            diff = {c: v for c, v in cols.items() if row[c] != v}
            if not diff:
                continue
            changed = True
            changed_values.append(ReturnValue(pk=row["pk"], **{c: cols[c] for c in COLUMNS}))
            history.extend(ValueChange(ret_id=ret_id, field=f"{code}.{c}", label=f"{indicators[code].name}·{COLUMNS[c]}",
                                       old=row[c], new=v, user=who, actor=actor, reason=note) for c, v in diff.items())
        if changed or status != Return.Status.ACCEPTED or source != Return.Source.IMPORT:
            touched.append(Return(pk=ret_id, status=Return.Status.ACCEPTED, source=Return.Source.IMPORT,
                                  source_note=note, accepted_at=now, version=version + 1, updated_at=now))
            report.updated += 1
        else:
            report.unchanged += 1
    _insert_many(Return, ["enterprise", "form", "period", "status", "source", "source_note", "explanation",
                          "return_reason", "accepted_at", "version", "created_at", "updated_at"],
                 [(e, form.id, p, Return.Status.ACCEPTED, Return.Source.IMPORT, note, "", "", db_now, 1, db_now, db_now)
                  for e, p in new_returns])
    if new_returns:
        ids = {(e, p): pk for e, p, pk in Return.objects.filter(form=form, period__in=file_periods).values_list(
            "enterprise_id", "period", "id")}
        values_by_key = {(e, p): v for _, e, p, v in parsed}
        for key in new_returns:
            ret_id = ids[key]
            new_values.extend((ret_id, indicators[code].id, key[0], key[1], *(cols.get(c) for c in COLUMNS))
                              for code, cols in values_by_key[key].items())
    report.created = len(new_returns)
    _insert_many(ReturnValue, ["ret", "indicator", "enterprise", "period", *COLUMNS, "ly_note"],
                 [(*row, "") for row in new_values])
    ReturnValue.objects.bulk_update(changed_values, list(COLUMNS), batch_size=BATCH)
    Return.objects.bulk_update(touched, ["status", "source", "source_note", "accepted_at", "version", "updated_at"],
                               batch_size=BATCH)
    ValueChange.objects.bulk_create(history, batch_size=BATCH)
