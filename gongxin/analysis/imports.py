"""Workbook imports of analysis data: product lines, PPI table, town plans.

Each import is all-or-nothing: every row is checked first, every bad row is reported
(row, column, reason) and a file with any error writes nothing. Importing the same file again
changes nothing. Every write is audited.
"""

from django.db import transaction
from django.db.models import F

from gongxin.accounts.audit import log_action
from gongxin.lib import bounds, changes
from gongxin.lib.excel import ImportReport, RowError, WorkbookError, cell_text, header_index
from gongxin.lib.numeric import to_decimal
from gongxin.lib.periods import PeriodError, parse_period
from gongxin.lib.uscc import normalize
from gongxin.registry.models import Enterprise, Industry, Region
from gongxin.reporting.models import Form, Product, ProductLine, Return, ValueChange

from .models import PriceIndex, TownPlan

PRODUCT_HEADERS = ["统一社会信用代码", "报告期", "产品代码", "产品名称", "计量单位", "本月产量", "1-本月产量",
                   "上年同月产量", "上年1-同月产量", "本月平均出厂价格", "上年同月平均出厂价格"]
PRODUCT_FIELDS = {"本月产量": "qty_month", "1-本月产量": "qty_ytd", "上年同月产量": "qty_month_ly",
                  "上年1-同月产量": "qty_ytd_ly", "本月平均出厂价格": "price", "上年同月平均出厂价格": "price_ly"}
PPI_HEADERS = ["报告期", "行业代码", "行业名称", "本月PPI（上年同月=100）", "1-本月PPI（上年同期=100）"]
PLAN_HEADERS = ["年度", "镇街", "规上工业总产值目标（千元）", "工业技改投资目标（万元）"]


def _data_rows(rows, headers, required=None):
    """Yield (row number, {header: cell}) for the non-empty data rows."""
    if not rows:
        raise WorkbookError("工作簿为空")
    index = header_index(rows[0], required or headers)
    for optional in headers:
        if optional not in index and optional in [cell_text(c) for c in rows[0]]:
            index.update(header_index(rows[0], [optional]))
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        if all(v in (None, "") for v in cells.values()):
            continue
        yield number, cells


def _number(cells, header, errors, *, minimum=0, maximum=None, field=None):
    """The cell as a Decimal within `field`'s column precision and domain (lib/bounds.py)."""
    try:
        value = to_decimal(cells.get(header))
    except ValueError as e:
        errors.append((header, str(e)))
        return None
    before = len(errors)
    if value is not None and minimum is not None and value < minimum:
        errors.append((header, "不能为负数" if minimum == 0 else f"不能小于{minimum}"))
    if value is not None and maximum is not None and value > maximum:
        errors.append((header, f"不能大于{maximum}"))
    if value is not None and value.as_tuple().exponent < -4:
        errors.append((header, "最多保留4位小数"))
    if field is not None and value is not None and len(errors) == before:
        try:
            bounds.number(field, value, header)
        except bounds.OutOfRange as e:
            errors.append((header, str(e).removeprefix(header)))
    return value


def _period(cells, header, errors):
    try:
        return parse_period(cells.get(header))
    except PeriodError as e:
        errors.append((header, str(e)))
        return None


# ---------------------------------------------------------------- product lines


def import_products(rows, user=None, actor=None, dry_run=False):
    """Product lines onto each enterprise's 产值 return of the period (created accepted/import if none)."""
    report = ImportReport()
    enterprises = {e.uscc: e for e in Enterprise.objects.only("id", "uscc", "name", "town_id")}
    catalogue = {p.code: p for p in Product.objects.all()}
    parsed, seen = [], {}
    for number, cells in _data_rows(rows, PRODUCT_HEADERS):
        errors = []
        uscc = normalize(cell_text(cells["统一社会信用代码"]))
        enterprise = enterprises.get(uscc)
        if enterprise is None:
            errors.append(("统一社会信用代码", f"未找到企业“{uscc}”" if uscc else "不能为空"))
        period = _period(cells, "报告期", errors)
        code = cell_text(cells["产品代码"])
        product = catalogue.get(code)
        if product is None:
            errors.append(("产品代码", f"产品目录中没有产品代码“{code}”" if code else "不能为空"))
        else:
            unit = cell_text(cells["计量单位"])
            if unit and unit != product.unit:
                errors.append(("计量单位", f"应为产品目录中的“{product.unit}”，而非“{unit}”"))
            name = cell_text(cells["产品名称"])
            if name and name != product.name:
                report.warnings.append(RowError(number, "产品名称", f"与产品目录名称“{product.name}”不同，按产品代码导入"))
        values = {field: _number(cells, header, errors, field=bounds.field(ProductLine, field))
                  for header, field in PRODUCT_FIELDS.items()}
        key = (uscc, period, code)
        if None not in key and key in seen:
            errors.append(("产品代码", f"与第{seen[key]}行重复（同一企业、报告期、产品）"))
        seen.setdefault(key, number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        if not errors:
            parsed.append((enterprise, period, product, values))
    if report.errors or dry_run:
        return report
    with transaction.atomic(), changes.returns_changing({(e.pk, period) for e, period, _, _ in parsed}):
        _write_product_lines(parsed, report, user, actor)
    return report


def _write_product_lines(parsed, report, user, actor):
    form = Form.objects.get(code="output")
    name = actor or (user.get_username() if getattr(user, "pk", None) else "系统命令")
    returns = {}
    for enterprise, period, product, values in parsed:
        ret = returns.get((enterprise.pk, period))
        if ret is None:
            ret = Return.objects.filter(enterprise=enterprise, form=form, period=period).first()
            if ret is None:
                ret = Return.objects.create(enterprise=enterprise, form=form, period=period,
                                            status=Return.Status.ACCEPTED, source=Return.Source.IMPORT,
                                            source_note="重点产品产量导入")
                log_action(user, "analysis.products_import", ret, {"source": ret.source, "products": True}, actor=actor)
            returns[(enterprise.pk, period)] = ret
            ret.changed_products = {}
        line = ProductLine.objects.filter(ret=ret, product=product).first()
        if line is None:
            ProductLine.objects.create(ret=ret, product=product, enterprise=enterprise, period=period, **values)
            report.created += 1
            ret.changed_products[product.code] = "新增"
            continue
        diffs = [(f, getattr(line, f), v) for f, v in values.items() if getattr(line, f) != v]
        if not diffs:
            report.unchanged += 1
            continue
        for f, old, new in diffs:
            setattr(line, f, new)
            ValueChange.objects.create(
                ret=ret, field=f"product:{product.code}.{f}", user=user if getattr(user, "pk", None) else None,
                label=f"{product.name}·{ProductLine._meta.get_field(f).verbose_name}", old=old, new=new,
                actor=name, reason="产品产量导入")
        line.save(update_fields=[f for f, _, _ in diffs])
        report.updated += 1
        ret.changed_products[product.code] = "修改"
    for ret in returns.values():
        if ret.changed_products:
            Return.objects.filter(pk=ret.pk).update(version=F("version") + 1)
            log_action(user, "analysis.products_import", ret, {"products": ret.changed_products}, actor=actor)


# ---------------------------------------------------------------- PPI table


def import_ppi(rows, user=None, actor=None, dry_run=False):
    """PPI per division and period (上年同期=100); creates or updates, all-or-nothing."""
    report = ImportReport()
    divisions = {i.code: i for i in Industry.objects.filter(parent__isnull=True)}
    parsed, seen = [], {}
    required = ["报告期", "行业代码"]
    for number, cells in _data_rows(rows, PPI_HEADERS, required):
        errors = []
        period = _period(cells, "报告期", errors)
        code = cell_text(cells["行业代码"]).split(" ")[0].zfill(2)
        division = divisions.get(code)
        if division is None:
            errors.append(("行业代码", f"未知的行业大类代码“{code}”"))
        month = _number(cells, "本月PPI（上年同月=100）", errors, minimum=1, maximum=1000,
                        field=bounds.field(PriceIndex, "month_index"))
        ytd = _number(cells, "1-本月PPI（上年同期=100）", errors, minimum=1, maximum=1000,
                      field=bounds.field(PriceIndex, "ytd_index"))
        if month is None and ytd is None:
            errors.append(("1-本月PPI（上年同期=100）", "本月与1-本月PPI至少填写一项"))
        if (period, code) in seen:
            errors.append(("行业代码", f"与第{seen[(period, code)]}行重复"))
        seen.setdefault((period, code), number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        if not errors:
            parsed.append((division, period, month, ytd))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for division, period, month, ytd in parsed:
            save_ppi(division, period, month, ytd, user=user, actor=actor, report=report)
    return report


def save_ppi(division, period, month_index, ytd_index, user=None, actor=None, report=None):
    """Create or update one PPI cell pair; audited when something changes."""
    ppi = PriceIndex.objects.filter(division=division, period=period).first()
    if ppi is None:
        ppi = PriceIndex.objects.create(division=division, period=period, month_index=month_index,
                                        ytd_index=ytd_index)
        log_action(user, "analysis.create", ppi, {"month_index": str(month_index), "ytd_index": str(ytd_index)}, actor=actor)
        if report:
            report.created += 1
        return ppi
    if (ppi.month_index, ppi.ytd_index) == (month_index, ytd_index):
        if report:
            report.unchanged += 1
        return ppi
    data = {"month_index": [str(ppi.month_index), str(month_index)], "ytd_index": [str(ppi.ytd_index), str(ytd_index)]}
    ppi.month_index, ppi.ytd_index = month_index, ytd_index
    ppi.save()
    log_action(user, "analysis.update", ppi, data, actor=actor)
    if report:
        report.updated += 1
    return ppi


def save_rate(division, year, rate_pct, user=None):
    """Create, update or (rate None) delete one division's 增加值率 for a year; audited when it changes."""
    from .models import AddedValueRate

    current = AddedValueRate.objects.filter(division=division, year=year).first()
    if rate_pct is None:
        if current is not None:
            log_action(user, "analysis.delete", current, {"rate_pct": str(current.rate_pct)})
            current.delete()
        return None
    if current is None:
        current = AddedValueRate.objects.create(division=division, year=year, rate_pct=rate_pct)
        log_action(user, "analysis.create", current, {"rate_pct": str(rate_pct)})
    elif current.rate_pct != rate_pct:
        data = {"rate_pct": [str(current.rate_pct), str(rate_pct)]}
        current.rate_pct, current.note = rate_pct, ""
        current.save()
        log_action(user, "analysis.update", current, data)
    return current


# ---------------------------------------------------------------- town plans


def import_plans(rows, user=None, actor=None, dry_run=False):
    """Yearly town targets; a blank target cell leaves that target as it is."""
    report = ImportReport()
    towns = {}
    for region in Region.objects.towns():
        towns[region.name] = towns[region.code] = region
    parsed, seen = [], {}
    for number, cells in _data_rows(rows, PLAN_HEADERS):
        errors = []
        year_text = cell_text(cells["年度"]).removesuffix("年")
        year = int(year_text) if 2000 <= (bounds.whole(year_text, 4) or 0) <= 2100 else None
        if year is None:
            errors.append(("年度", f"年度“{year_text}”应为四位年份"))
        town = towns.get(cell_text(cells["镇街"]))
        if town is None:
            errors.append(("镇街", f"未知的镇街“{cell_text(cells['镇街'])}”"))
        output = _number(cells, "规上工业总产值目标（千元）", errors, field=bounds.field(TownPlan, "output_target"))
        investment = _number(cells, "工业技改投资目标（万元）", errors,
                             field=bounds.field(TownPlan, "investment_target"))
        if (year, town) in seen and town:
            errors.append(("镇街", f"与第{seen[(year, town)]}行重复"))
        seen.setdefault((year, town), number)
        report.errors.extend(RowError(number, col, reason) for col, reason in errors)
        if not errors:
            parsed.append((year, town, output, investment))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for year, town, output, investment in parsed:
            save_plan(year, town, output, investment, user=user, actor=actor, report=report, keep_blank=True)
    return report


class ConflictError(Exception):
    """Somebody else saved the plan since it was loaded."""


def save_plan(year, town, output_target, investment_target, user=None, actor=None, report=None,
              keep_blank=False, expected_version=None):
    """Create or update a town's plan for the year (version-checked when `expected_version` given)."""
    plan = TownPlan.objects.select_for_update().filter(year=year, town=town).first()
    if plan is None:
        plan = TownPlan.objects.create(year=year, town=town, output_target=output_target,
                                       investment_target=investment_target)
        log_action(user, "analysis.create", plan, {"output_target": str(output_target),
                                          "investment_target": str(investment_target)}, actor=actor)
        if report:
            report.created += 1
        return plan
    if expected_version is not None and plan.version != expected_version:
        raise ConflictError("该镇街计划已被他人修改，请刷新后重新填写。")
    new = {"output_target": output_target, "investment_target": investment_target}
    if keep_blank:
        new = {k: v for k, v in new.items() if v is not None}
    data = {k: [str(getattr(plan, k)), str(v)] for k, v in new.items() if getattr(plan, k) != v}
    if not data:
        if report:
            report.unchanged += 1
        return plan
    for k, v in new.items():
        setattr(plan, k, v)
    plan.version += 1
    plan.save()
    log_action(user, "analysis.update", plan, data, actor=actor)
    if report:
        report.updated += 1
    return plan
