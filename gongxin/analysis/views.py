"""Analysis pages. Every figure comes from stats.py; views only choose the period and scope.

Who: bureau staff and leaders see the county, town officers their town (every stats call gets
`request.user` and scopes itself); enterprise users and users without a role get 403. Changes
(PPI, official figure, plans, imports) are for bureau staff only (403 for leaders and towns).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import log_action
from gongxin.accounts.scoping import get_access, require_bureau
from gongxin.lib import bounds, phrasing
from gongxin.lib.export import xlsx_response
from gongxin.lib.numeric import qian_to_wan, round_half_up, to_decimal
from gongxin.lib.periods import current_period, label, period_or_404, split, ytd_label
from gongxin.lib.uploads import run_import
from gongxin.registry.models import Enterprise, Industry, Region
from gongxin.replica import analysis_reads
from gongxin.reporting.models import Return

from . import imports, stats
from .exporters import PERIOD_EXPORTERS, PlanExporter, PlanTemplateExporter, ProductTemplateExporter
from .models import AddedValueRate, OfficialAddedValue, PriceIndex, TownPlan


def require_analysis(user):
    """Bureau, leaders and town officers read the analysis; enterprise users do not."""
    access = get_access(user)
    if not access.reads_analysis:
        raise PermissionDenied("运行分析仅对工信局、镇街和领导开放")
    return access


def _period(request):
    """The period asked for (?period=YYYY-MM), else the latest with counted returns."""
    text = request.GET.get("period") or request.POST.get("period")
    if text:
        return period_or_404(text, quarters=True)
    latest = (Return.objects.filter(form__code=stats.OUTPUT_FORM, status__in=Return.COUNTED)
              .aggregate(p=Max("period"))["p"])
    return latest or current_period()


def _period_choices(period):
    periods = set(Return.objects.filter(form__code=stats.OUTPUT_FORM).values_list("period", flat=True).distinct())
    periods.add(period)
    return [(p, label(p)) for p in sorted(periods, reverse=True)]


def _num(value):
    """Decimal → float for chart JSON only (tables show the exact Decimal)."""
    return None if value is None else float(value)


# ---------------------------------------------------------------- overview


@login_required
@analysis_reads
def overview(request):
    access = require_analysis(request.user)
    period = _period(request)
    user = request.user
    dashboard = stats.dashboard_totals(period, user)
    tier_coverage = stats.coverage(period, user, "tier")
    coverage = stats.total_coverage(tier_coverage)  # every listed enterprise is in one tier
    whole, towns, industries = dashboard["county"], dashboard["town"], dashboard["industry"]
    plan_rows = {r.code: r for r in stats.plans(period, "output", user)}
    series = stats.series(period, user)
    town_rows = [(r, s, c, p, plan_rows.get(r.code)) for r, s, c, p in stats.with_structure(towns, whole)]
    industry_rows = sorted(stats.with_structure(industries, whole),
                           key=lambda x: -(x[0].output.ytd_change))
    ctx = {
        "page_title": f"工业经济运行分析 · {whole.name}",
        "period": period, "period_label": label(period), "ytd_label": ytd_label(period),
        "periods": _period_choices(period),
        "whole": whole, "output": whole.output,
        "added_value": stats.added_value(period, user),
        "products": stats.products(period, user),
        "completeness": stats.completeness(period, user),
        "coverage": coverage,
        "coverage_text": f"{label(period)}{phrasing.coverage(coverage)}，以下数据仅含已报送企业"
                         f"（未计入{coverage.missing}家）。",
        "town_rows": town_rows,
        "industry_rows": industry_rows,
        "tier_rows": stats.with_structure(dashboard["tier"], whole),
        "group_rows": stats.with_structure(stats.totals(period, "group", user, ("output_value",)), whole),
        "risers": stats.enterprise_changes(period, user),
        "fallers": stats.enterprise_changes(period, user, fallers=True),
        "is_town_view": not access.sees_all,
        # A town officer sees every enterprise of the town (not only the top risers and fallers).
        "town_enterprises": (stats.enterprise_rows(period, "town", whole.code, user, "growth")[1]
                             if not access.sees_all and whole.code else None),
        "charts": _charts(period, series, town_rows, industry_rows),
        "tier_members": _tier_members(tier_coverage),
        **_main_rows(period, user),
    }
    return render(request, "analysis/overview.html", ctx)


MAIN_INDICATORS = (("output_value", "工业总产值", "万元"), ("sales_value", "工业销售产值", "万元"),
                   ("export_value", "其中：出口交货值", "万元"), ("electricity", "企业用电量", "万千瓦时"))


def _main_rows(period, user):
    """The four indicators with 同比, 环比 and 两年平均, and 产销率 with its change (overview card)."""
    whole = stats.county(period, user)
    mom, two_year = stats.month_on_month(period, user), stats.two_year_average(period, user, whole=whole)
    rows = []
    for code, name, unit in MAIN_INDICATORS:
        f = whole.indicators[code]
        shown = (round_half_up(f.month), round_half_up(f.ytd)) if unit == "万千瓦时" else \
            (qian_to_wan(f.month), qian_to_wan(f.ytd))
        rows.append({"name": name, "unit": unit, "figures": f, "month": shown[0], "ytd": shown[1],
                     "mom": mom[code], "two_year": two_year[code]["ytd"]})
    sell_through = {"month": stats.sell_through_pct(whole, "month"), "ytd": stats.sell_through_pct(whole, "ytd"),
                    "change_text": phrasing.pp_change(stats.sell_through_change_pp(whole))}
    return {"main_rows": rows, "sell_through": sell_through}


def _tier_members(by_tier):
    """Each tier's members on the year's list (reported or not) and how many of them reported."""
    return [{"name": name, "members": by_tier[code].expected, "reported": by_tier[code].reported}
            for code, name in stats.TIER_NAMES.items() if code in by_tier]


def _charts(period, series, town_rows, industry_rows):
    year = split(period)[0]
    top = industry_rows[:10] + [x for x in industry_rows[10:] if x[0].output.ytd_change < 0][-5:]
    return {
        "trend": {
            "months": [label(p["period"]).removeprefix(f"{year}年") for p in series],
            "this_month": [_num(p["this"].month_growth_pct) for p in series],
            "this_ytd": [_num(p["this"].ytd_growth_pct) for p in series],
            "last_month": [_num(p["last"].month_growth_pct) if p["last"] else None for p in series],
            "last_ytd": [_num(p["last"].ytd_growth_pct) if p["last"] else None for p in series],
            "year": year,
        },
        "towns": {
            "names": [r.name for r, *_ in town_rows],
            "completion": [_num(plan.completion_pct) if plan else None for *_, plan in town_rows],
            "growth": [_num(r.output.ytd_growth_pct) for r, *_ in town_rows],
            "progress": _num(stats.time_progress_pct(period)),
        },
        "industries": {
            "names": [r.name for r, *_ in top],
            "contribution": [_num(c) for _, _, c, _ in top],
            "pull": [_num(p) for _, _, _, p in top],
        },
    }


@login_required
@analysis_reads
def export(request, identifier):
    require_analysis(request.user)
    exporter_class = PERIOD_EXPORTERS.get(identifier)
    if exporter_class is None:
        raise Http404("没有这个导出")
    return xlsx_response(exporter_class(_period(request), request.user))


# ---------------------------------------------------------------- enterprise drill-down


@login_required
def enterprise(request, uscc):
    require_analysis(request.user)
    e = get_object_or_404(Enterprise.objects.for_user(request.user).select_related("town", "division"),
                          uscc=uscc.upper())
    period = _period(request)
    year = split(period)[0]
    this, last = stats.enterprise_series(e, year), stats.enterprise_series(e, year - 1)
    chart = {"months": [r["period"][5:] + "月" for r in this],
             "ytd": [_num(qian_to_wan(r["output_value"].ytd)) if "output_value" in r else None
                     for r in this],
             "growth": [_num(r["output_value"].ytd_growth_pct) if "output_value" in r else None for r in this]}
    ctx = {"page_title": e.name, "e": e, "period": period, "year": year, "this": this, "last": last,
           "returns": e.returns.select_related("form").order_by("-period")[:36],
           "years": e.years_on_list, "chart": chart}
    return render(request, "analysis/enterprise.html", ctx)


# ---------------------------------------------------------------- key products


@login_required
@analysis_reads
def products(request):
    require_analysis(request.user)
    period = _period(request)
    ctx = {"page_title": "重点监测工业产品", "period": period, "period_label": label(period),
           "ytd_label": ytd_label(period), "periods": _period_choices(period),
           "result": stats.products(period, request.user)}
    return render(request, "analysis/products.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def products_import(request):
    require_bureau(request.user)
    return _import_page(request, imports.import_products, "导入重点产品产量",
                        "表头须为：" + "、".join(imports.PRODUCT_HEADERS) + "。产品行挂到企业该报告期的产值报表上；"
                        "企业尚无该期报表时，新建一份“已受理·官方数据导入”的报表。",
                        "/analysis/products/import/template.xlsx")


@login_required
def products_template(request):
    require_bureau(request.user)
    return xlsx_response(ProductTemplateExporter())


def _import_page(request, importer, title, help_text, template_url):
    report, error, status = run_import(request, lambda rows, upload: importer(rows, user=request.user))
    ctx = {"page_title": title, "report": report, "error": error, "help_text": help_text,
           "template_url": template_url}
    return render(request, "analysis/import.html", ctx, status=status)


# ---------------------------------------------------------------- guidance plans


@login_required
@analysis_reads
def plans(request):
    access = require_analysis(request.user)
    period = _period(request)
    kind = request.GET.get("kind", "output")
    if kind not in stats.PLAN_KINDS:
        raise Http404("未知的计划类别")
    rows = stats.plans(period, kind, request.user)
    if request.GET.get("export"):
        return xlsx_response(PlanExporter(period, request.user, kind))
    investment_missing = kind == "investment" and stats.investment_by_town(period) is None
    ctx = {"page_title": "镇街指导计划完成情况", "period": period, "period_label": label(period),
           "ytd_label": ytd_label(period), "periods": _period_choices(period), "kind": kind,
           "kind_name": stats.PLAN_KINDS[kind], "unit": stats.PLAN_UNITS[kind], "rows": rows,
           "progress": stats.time_progress_pct(period), "kinds": stats.PLAN_KINDS.items(),
           "can_edit": access.is_bureau, "investment_missing": investment_missing, "kind_param": [("kind", kind)]}
    template = "analysis/plans_table.html" if request.GET.get("fragment") else "analysis/plans.html"
    return render(request, template, ctx)


@login_required
@require_http_methods(["GET", "POST"])
def plans_edit(request):
    require_bureau(request.user)
    year = _year(request)
    towns = list(Region.objects.towns())
    current = {p.town_id: p for p in TownPlan.objects.filter(year=year)}
    errors = {}
    if request.method == "POST":
        # A POST changes only the towns and fields it carries (a partial POST leaves the rest alone);
        # a town whose plan exists must carry the version it was loaded at.
        values, versions = {}, {}
        for t in towns:
            for field in ("output_target", "investment_target"):
                key = f"{field}_{t.pk}"
                if key not in request.POST:
                    continue
                try:
                    values[(t.pk, field)] = bounds.number(bounds.field(TownPlan, field), request.POST[key])
                except ValueError as e:
                    errors[key] = str(e)
            if t.pk in current and any(k[0] == t.pk for k in values):
                try:
                    versions[t.pk] = bounds.version(request.POST.get(f"version_{t.pk}"))
                except bounds.BadVersion as e:
                    return HttpResponseBadRequest(f"{t.name}：{e}")
        if not errors:
            try:
                with transaction.atomic():
                    for t in towns:
                        plan = current.get(t.pk)
                        carried = {f: values[(t.pk, f)] for f in ("output_target", "investment_target")
                                   if (t.pk, f) in values}
                        if not carried:
                            continue
                        output = carried.get("output_target", plan.output_target if plan else None)
                        investment = carried.get("investment_target", plan.investment_target if plan else None)
                        imports.save_plan(year, t, output, investment, user=request.user,
                                          expected_version=versions.get(t.pk))
            except imports.ConflictError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, f"{year}年镇街指导计划已保存")
                return redirect(f"/analysis/plans/?period={year}-{_last_month(year)}")
    rows = [{"town": t, "plan": current.get(t.pk),
             "output": request.POST.get(f"output_target_{t.pk}") if errors else _plain(current.get(t.pk), "output_target"),
             "investment": request.POST.get(f"investment_target_{t.pk}") if errors else _plain(current.get(t.pk), "investment_target"),
             "output_error": errors.get(f"output_target_{t.pk}"),
             "investment_error": errors.get(f"investment_target_{t.pk}")} for t in towns]
    ctx = {"page_title": f"{year}年镇街指导计划", "year": year, "rows": rows, "has_errors": bool(errors)}
    return render(request, "analysis/plans_edit.html", ctx, status=400 if errors else 200)


def _text(value):
    return None if value is None else str(value)


def _plain(plan, field):
    value = getattr(plan, field) if plan else None
    return "" if value is None else format(value.normalize(), "f")


def _year(request):
    text = request.GET.get("year") or request.POST.get("year") or ""
    if 2000 <= (bounds.whole(text, 4) or 0) <= 2100:
        return int(text)
    return split(_period(request))[0]


def _last_month(year):
    latest = (Return.objects.filter(form__code=stats.OUTPUT_FORM, period__startswith=f"{year}-")
              .aggregate(p=Max("period"))["p"])
    return latest[5:] if latest else "12"


@login_required
@require_http_methods(["GET", "POST"])
def plans_import(request):
    require_bureau(request.user)
    return _import_page(request, imports.import_plans, "导入镇街指导计划",
                        "表头：" + "、".join(imports.PLAN_HEADERS) + "。目标留空的单元格保持原值不变。",
                        f"/analysis/plans/template.xlsx?year={_year(request)}")


@login_required
def plans_template(request):
    require_bureau(request.user)
    return xlsx_response(PlanTemplateExporter(_year(request)))


# ---------------------------------------------------------------- PPI and added value


@login_required
@require_http_methods(["GET", "POST"])
def ppi(request):
    access = require_analysis(request.user)
    period = _period(request)
    year = split(period)[0]
    divisions = list(Industry.objects.filter(parent__isnull=True).order_by("code"))
    found = {p.division_id: p for p in PriceIndex.objects.filter(period=period)}
    rates = {(r.division_id, r.year): r.rate_pct for r in AddedValueRate.objects.filter(year__in=(year, year - 1))}
    errors = {}
    if request.method == "POST":
        require_bureau(request.user)
        parsed = {}
        for d in divisions:
            for field in ("month_index", "ytd_index"):
                try:
                    value = bounds.number(bounds.field(PriceIndex, field), request.POST.get(f"{field}_{d.pk}", ""))
                    if value is not None and not (Decimal(1) <= value <= Decimal(1000)):
                        raise ValueError("指数应在1到1000之间")
                except ValueError as e:
                    errors[f"{field}_{d.pk}"] = str(e)
                    value = None
                parsed[(d.pk, field)] = value
            try:
                rate = to_decimal(request.POST.get(f"rate_{d.pk}", ""))
                if rate is not None and not (Decimal(0) < rate <= Decimal(100)):
                    raise ValueError("增加值率应大于0、不超过100")
                if rate is not None and rate != rate.quantize(Decimal("0.01")):
                    raise ValueError("增加值率最多两位小数")
            except ValueError as e:
                errors[f"rate_{d.pk}"] = str(e)
                rate = None
            parsed[(d.pk, "rate")] = rate
        if not errors:
            with transaction.atomic():
                for d in divisions:
                    if f"rate_{d.pk}" in request.POST:
                        imports.save_rate(d, year, parsed[(d.pk, "rate")], user=request.user)
                    if f"month_index_{d.pk}" not in request.POST and f"ytd_index_{d.pk}" not in request.POST:
                        continue  # a partial POST changes only the divisions it carries
                    month, ytd = parsed[(d.pk, "month_index")], parsed[(d.pk, "ytd_index")]
                    if month is None and ytd is None:
                        if d.pk in found:
                            log_action(request.user, "analysis.delete", found[d.pk])
                            found[d.pk].delete()
                        continue
                    imports.save_ppi(d, period, month, ytd, user=request.user)
            messages.success(request, f"{label(period)}价格指数已保存")
            return redirect(f"/analysis/ppi/?period={period}")
    rows = [{"d": d, "p": found.get(d.pk),
             "month": request.POST.get(f"month_index_{d.pk}") if errors else getattr(found.get(d.pk), "month_index", None),
             "ytd": request.POST.get(f"ytd_index_{d.pk}") if errors else getattr(found.get(d.pk), "ytd_index", None),
             "rate": request.POST.get(f"rate_{d.pk}") if errors else rates.get((d.pk, year)),
             "rate_ly": rates.get((d.pk, year - 1)),
             "error": errors.get(f"month_index_{d.pk}") or errors.get(f"ytd_index_{d.pk}")
             or errors.get(f"rate_{d.pk}")} for d in divisions]
    ctx = {"page_title": "工业生产者出厂价格指数与增加值", "period": period, "period_label": label(period),
           "year": year,
           "periods": _period_choices(period), "rows": rows, "can_edit": access.is_bureau,
           "added_value": stats.added_value(period, request.user),
           "official": OfficialAddedValue.objects.filter(period=period).first(), "has_errors": bool(errors)}
    return render(request, "analysis/ppi.html", ctx, status=400 if errors else 200)


@login_required
@require_POST
def official_save(request):
    require_bureau(request.user)
    period = _period(request)
    try:
        ytd = bounds.growth(bounds.field(OfficialAddedValue, "ytd_growth_pct"), request.POST.get("ytd_growth_pct"))
        month = bounds.growth(bounds.field(OfficialAddedValue, "month_growth_pct"),
                              request.POST.get("month_growth_pct"))
        note = bounds.text(bounds.field(OfficialAddedValue, "note"), request.POST.get("note", ""), "来源")
    except ValueError as e:
        messages.error(request, f"官方数有误：{e}")
        return redirect(f"/analysis/ppi/?period={period}")
    with transaction.atomic():
        current = OfficialAddedValue.objects.filter(period=period).first()
        if ytd is None:
            if current:
                log_action(request.user, "analysis.delete", current, {"ytd_growth_pct": str(current.ytd_growth_pct)})
                current.delete()
                messages.success(request, "已删除官方数，页面改为显示估算数")
            return redirect(f"/analysis/ppi/?period={period}")
        fields = ("ytd_growth_pct", "month_growth_pct", "note")
        before = {f: getattr(current, f) for f in fields} if current else None
        obj, created = OfficialAddedValue.objects.update_or_create(period=period, defaults={
            "ytd_growth_pct": round_half_up(ytd), "month_growth_pct": round_half_up(month),
            "note": note, "updated_by": request.user})
        if created:
            log_action(request.user, "analysis.create", obj, {f: _text(getattr(obj, f)) for f in fields})
        else:
            diff = {f: [_text(before[f]), _text(getattr(obj, f))] for f in fields if before[f] != getattr(obj, f)}
            if diff:
                log_action(request.user, "analysis.update", obj, diff)
    messages.success(request, f"{label(period)}规上工业增加值官方数已保存")
    return redirect(f"/analysis/ppi/?period={period}")


@login_required
@require_http_methods(["GET", "POST"])
def ppi_import(request):
    require_bureau(request.user)
    return _import_page(request, imports.import_ppi, "导入价格指数",
                        "表头：" + "、".join(imports.PPI_HEADERS) + "（行业名称可省略）。指数以上年同期为100。",
                        f"/analysis/export/ppi/?period={_period(request)}")
