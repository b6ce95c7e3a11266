import datetime as dt
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import action_label, entries_for
from gongxin.accounts.models import AuditEntry
from gongxin.accounts.scoping import get_access, region_q, require_bureau
from gongxin.lib import bounds
from gongxin.lib import periods as P
from gongxin.lib.export import xlsx_response
from gongxin.lib.masking import Masker
from gongxin.lib.numeric import pct
from gongxin.lib.uploads import run_import
from gongxin.notices.models import Notice as AppNotice
from gongxin.notices.models import NoticeRead
from gongxin.notices.services import mark_read
from gongxin.registry.models import Enterprise, Region

from . import reference, services
from .completeness import completeness as completeness_tally
from .completeness import latest_period, owed_returns, period_counts
from .exporters import MissingExporter, ReturnTemplateExporter
from .importing import import_returns
from .models import Form, ProductLine, ReportingPeriod, Return, ReturnValue
from .review import review_rows, unexplained, warnings_by_return
from .routine_views import can_remind
from .validation import (
    COLUMNS,
    Finding,
    columns_of,
    derived_month,
    entry_figures,
    line_figures,
    validate_return,
)

S = Return.Status


# ---------------------------------------------------------------- fetching with scope


def _get_return_context(request, uscc, form_code, period):
    """(enterprise, form, period, return or None) if the user may see the enterprise, else 404."""
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user).select_related("town"),
                                   uscc=uscc.upper())
    form = get_object_or_404(Form, code=form_code, is_active=True)
    # A period not yet filed by anyone is still open for entry: no "reporting period exists" check.
    period = P.period_or_404(period, merge_jan_feb=form.merge_jan_feb, require_reporting=False)
    ret = Return.objects.filter(enterprise=enterprise, form=form, period=period).first()
    if ret is not None:
        ret.enterprise, ret.form = enterprise, form  # already read: no second look-up
    return enterprise, form, period, ret


_latest_period = latest_period  # the lists' default period (reporting/completeness.py)


def _return_url(ret):
    return f"/returns/{ret.enterprise.uscc}/{ret.form.code}/{ret.period}/"


# ---------------------------------------------------------------- lists


@login_required
def return_list(request):
    access = get_access(request.user)
    if access.files_returns:
        return _my_returns(request, access)
    forms = Form.objects.filter(is_active=True)
    form = forms.filter(code=request.GET.get("form") or "output").first() or forms.first()
    period = request.GET.get("period")
    period = P.period_or_404(period, merge_jan_feb=form.merge_jan_feb, require_reporting=False) if period \
        else _latest_period(form)
    f = {k: request.GET.get(k, "").strip() for k in ("town", "status", "q")}
    qs = Return.objects.for_user(request.user).filter(form=form, period=period)
    if f["town"]:
        qs = qs.filter(enterprise__town__code=f["town"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["q"]:
        qs = qs.filter(enterprise__in=Enterprise.objects.search(f["q"]))
    qs = qs.select_related("enterprise__town", "form").order_by("enterprise__town__code", "enterprise__uscc")
    f["flag"] = request.GET.get("flag", "") if request.GET.get("flag") == "warnings" else ""
    if f["flag"]:
        flagged = warnings_by_return(qs)
        qs = [r for r in qs if flagged[r.pk]]
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    flags = flagged if f["flag"] else warnings_by_return(page.object_list)
    for r in page.object_list:
        r.warnings = flags[r.pk]
        r.unexplained = unexplained(r, r.warnings)
    ctx = {
        "page_title": "月度报表", "page": page, "form": form, "forms": forms, "period": period, "filters": f,
        "period_label": P.label(period, form.merge_jan_feb),
        "periods": [P.shift(period, -i) for i in range(-1, 14) if P.is_reported(P.shift(period, -i), form.merge_jan_feb)],
        "towns": Region.objects.towns().filter(region_q(request.user)), "statuses": S.choices,
        "can_approve": access.reviews_returns, "can_accept": access.is_bureau,
        "access": access,
    }
    return render(request, "reporting/return_list.html", ctx)


def _my_returns(request, access):
    enterprises = Enterprise.objects.filter(pk__in=access.enterprise_ids).order_by("uscc")
    owed = [(o.enterprise, o.form, o.period, o.label, o.deadline) for o in owed_returns(enterprises)]
    returns = (Return.objects.for_user(request.user).select_related("enterprise", "form")
               .order_by("-period", "form__order"))
    status = request.GET.get("status", "")
    if status in S.values:
        returns = returns.filter(status=status)
    page = Paginator(returns, 30).get_page(request.GET.get("page"))
    notices = list(AppNotice.objects.for_user(request.user)[:10])
    read = set(NoticeRead.objects.filter(user=request.user, notice__in=notices).values_list("notice_id", flat=True))
    for n in notices:
        n.is_read = n.pk in read
    ctx = {"page_title": "我的月度报表", "page": page, "enterprises": enterprises, "owed": owed[-12:], "owed_count": len(owed),
           "notices": notices, "status": status if status in S.values else "", "status_label": dict(S.choices).get(status)}
    return render(request, "reporting/my_returns.html", ctx)


@login_required
@require_POST
def bulk_action(request):
    """Approve or accept the ticked returns: first a confirmation page, then the transitions."""
    action = request.POST.get("action")
    if action not in services.TRANSITIONS:
        raise Http404
    access = get_access(request.user)
    if not access.reviews_returns or (action == "accept" and not access.is_bureau):
        raise PermissionDenied("您无权执行批量操作")
    ids = [int(i) for i in request.POST.getlist("id") if i.isascii() and i.isdecimal() and len(i) <= 18]
    returns = list(Return.objects.for_user(request.user).filter(pk__in=ids)
                   .select_related("enterprise__town", "form").order_by("enterprise__uscc"))
    back = request.POST.get("back") or "/returns/"
    if not back.startswith("/returns/"):
        back = "/returns/"
    if not returns:
        messages.warning(request, "请先勾选要处理的报表")
        return redirect(back)
    label = "审核通过" if action == "approve" else "受理"
    flags = warnings_by_return(returns)
    skipped = [r for r in returns if unexplained(r, flags[r.pk])]
    returns = [r for r in returns if r not in skipped]
    for r in skipped:
        r.warnings = flags[r.pk]
    if request.POST.get("confirm") != "yes" or not returns:
        ctx = {"page_title": f"批量{label}确认", "returns": returns, "action": action, "label": label, "back": back,
               "skipped": skipped}
        return render(request, "reporting/bulk_confirm.html", ctx)
    versions = {bounds.pk(k[2:]): v for k, v in request.POST.items() if k.startswith("v-") and bounds.pk(k[2:])}
    done, refused = services.bulk_transition(request.user, action, [(r, versions.get(r.pk, "")) for r in returns])
    if done:
        messages.success(request, f"已{label}{len(done)}份报表")
    if skipped:
        messages.warning(request, f"已跳过{len(skipped)}份存在预警但企业未说明原因的报表：" +
                         "、".join(r.enterprise.name for r in skipped) + "；请逐份审核或退回企业说明。")
    for ret, message in refused:
        messages.error(request, f"{ret.enterprise.name}：{message}")
    return redirect(back)


# ---------------------------------------------------------------- the return page


VALUE_FIELDS = {c: ReturnValue._meta.get_field(c) for c in COLUMNS}
LINE_FIELDS = {c: ProductLine._meta.get_field(c) for c in services.PRODUCT_COLUMNS}


def _parse_entry(post, indicators, products):
    """Typed figures → (values, notes, products, findings for cells that are not numbers)."""
    values, notes, lines, bad = {}, {}, {}, []
    for ind in indicators:
        values[ind.code] = {}
        for col in columns_of(ind):
            name = f"{ind.code}.{col}"
            try:
                values[ind.code][col] = bounds.number(VALUE_FIELDS[col], post.get(name), f"{ind.name}“{COLUMNS[col]}”")
            except ValueError as e:
                values[ind.code][col] = None
                bad.append(Finding(name, "error", str(e)))
        if f"note.{ind.code}" in post:
            notes[ind.code] = post.get(f"note.{ind.code}", "")
    new_id = post.get("pnew")
    for product in products:
        prefix = f"p{product.id}" if f"p{product.id}.qty_ytd" in post else ("pnew" if str(product.id) == new_id else None)
        if prefix is None:
            continue
        cols = {}
        for col, label in services.PRODUCT_COLUMNS.items():
            try:
                cols[col] = bounds.number(LINE_FIELDS[col], post.get(f"{prefix}.{col}"), f"{product.name}“{label}”")
            except ValueError as e:
                cols[col] = None
                bad.append(Finding(f"product:{product.code}.{col}", "error", str(e)))
        lines[product] = cols
    return values, notes, lines, bad


def _has_month(indicators):
    """Whether the form reports 本月 at all (财务表 reports 1-本月 only: no month columns, no 推算本月)."""
    return any(ind.has_month for ind in indicators)


def _input_text(value):
    """A figure as its box holds it: 1234567.5 (no grouping: it is sent back as typed)."""
    return "" if value is None else _fmt(value).replace(",", "")


def _shown_text(value):
    """A figure shown read-only: 1,234,567.5; "" for none."""
    return "" if value is None else _fmt(value)


def _entry_rows(indicators, values, notes, previous, last_year, findings):
    """One row per indicator: its cells (value, state), derived month, last-year figures, messages."""
    by_field, by_indicator = {}, {}
    for f in findings:
        by_indicator.setdefault(f.indicator, []).append(f)
        if by_field.get(f.field) != "error":
            by_field[f.field] = f.severity
    rows = []
    for ind in indicators:
        vals = values.get(ind.code, {})
        reported = (last_year or {}).get(ind.code)
        cells = [{"name": f"{ind.code}.{col}", "col": col, "label": COLUMNS[col], "value": _input_text(vals.get(col)),
                  "shown": _shown_text(vals.get(col)), "ly": col in ("month_ly", "ytd_ly"), "state": by_field.get(f"{ind.code}.{col}")}
                 if col in columns_of(ind) else None for col in COLUMNS]
        rows.append({
            "ind": ind, "cells": cells, "note": notes.get(ind.code, ""),
            "derived": derived_month(vals.get("ytd"), previous, ind.code) if ind.has_month else None,
            "reported": reported, "findings": by_indicator.get(ind.code, []),
            "ly_changed": bool(notes.get(ind.code)) or any(
                reported and vals.get(c) is not None and reported.get(c) is not None and vals.get(c) != reported[c]
                for c in ("month_ly", "ytd_ly")),
        })
    return rows


def _saved_lines(ret):
    """The return's saved product lines {product id: line} (each with its product)."""
    if ret is None:
        return {}
    return {line.product_id: line for line in ProductLine.objects.filter(ret=ret).select_related("product")}


def _product_rows(monitored, saved, enterprise, period, posted=None, findings=()):
    """Product lines to show: saved lines, and last year's products pre-filled; plus the products to add."""
    by_product, by_field = {}, {}
    for f in findings:
        if f.field.startswith("product:"):
            by_product.setdefault(f.field[8:].split(".")[0], []).append(f)
            if by_field.get(f.field) != "error":
                by_field[f.field] = f.severity
    last = {line.product_id: line for line in ProductLine.objects.filter(
        enterprise=enterprise, period=P.same_period_last_year(period), ret__status__in=Return.COUNTED)}
    rows = []
    for product in monitored:
        line, ly = saved.get(product.id), last.get(product.id)
        if posted is not None and product in posted:
            vals = posted[product]
        elif line:
            vals = {c: getattr(line, c) for c in services.PRODUCT_COLUMNS}
        elif ly:
            vals = {"qty_month_ly": ly.qty_month, "qty_ytd_ly": ly.qty_ytd, "price_ly": ly.price}
        else:
            continue
        rows.append({"product": product, "findings": by_product.get(product.code, []),
                     "cells": [{"name": f"p{product.id}.{c}", "label": label, "value": _input_text(vals.get(c)),
                                "shown": _shown_text(vals.get(c)), "state": by_field.get(f"product:{product.code}.{c}")}
                               for c, label in services.PRODUCT_COLUMNS.items()]})
    shown = {r["product"].id for r in rows}
    return rows, [p for p in monitored if p.id not in shown]


def _history(ret):
    """The return's changed cells and workflow steps, newest first (read as tuples: no model objects)."""
    if ret is None:
        return []
    items = [{"at": at, "who": actor, "what": f"{label}：{_fmt(old)} → {_fmt(new)}", "why": reason}
             for at, actor, label, old, new, reason
             in ret.changes.values_list("at", "actor", "label", "old", "new", "reason")]
    for at, actor, action, object_type, data in entries_for(ret).values_list("at", "actor", "action", "object_type",
                                                                             "data"):
        data = data or {}
        why = data.get("reason") or data.get("explanation") or (f"文件：{data['file']}" if data.get("file") else "")
        items.append({"at": at, "who": actor, "what": action_label(action, object_type), "why": why,
                      "workflow": True})
    return sorted(items, key=lambda i: i["at"], reverse=True)


def _fmt(value):
    if value is None:
        return "空"
    return f"{value.normalize():,f}" if value != value.to_integral() else f"{value.quantize(1):,f}"


@login_required
@require_http_methods(["GET", "POST"])
def return_page(request, uscc, form_code, period):
    """The return: entry, checks, workflow buttons and history.

    A POST saves or submits. A plain form post answers with a redirect to the page (Post/Redirect/Get);
    the page's own htmx post (`HX-Request`) gets the page itself, rendered after the write, so the
    browser makes one request instead of two. A refused POST renders the page with the typed figures
    and the reasons (400), for htmx too (gongxin.js swaps the entry form's refusals in).
    """
    enterprise, form, period, ret = _get_return_context(request, uscc, form_code, period)
    indicators = reference.indicators(form.pk)
    products = reference.monitored_products(P.split(period)[0]) if form.has_products else []
    if request.method != "POST":
        return _render_return(request, enterprise, form, period, ret, indicators, products)
    if not services.can_fill(request.user, enterprise):
        raise PermissionDenied("您无权填报该企业的报表")
    values, notes, posted_lines, bad = _parse_entry(request.POST, indicators, products)
    explanation = request.POST.get("explanation", "")
    target = ret or Return(enterprise=enterprise, form=form, period=period)
    kwargs = {"notes": notes, "explanation": explanation, "products": posted_lines,
              "expected_version": request.POST.get("version", "")}
    findings, error = [], None
    try:
        if bad:
            raise services.ValidationFailed(bad, "有填写格式错误，请按提示修改")
        if request.POST.get("action") == "submit":
            written = services.submit_return(request.user, target, values, **kwargs)
            messages.success(request, "报表已报送，等待镇街审核")
        else:
            written = services.save_draft(request.user, target, values, **kwargs)
            messages.success(request, "已保存草稿")
    except services.BadVersion as e:
        if not request.htmx:
            return HttpResponseBadRequest(str(e))
        error = str(e)  # shown in place: the page stays, with what was typed
    except services.ValidationFailed as e:
        findings, error = e.findings, str(e)
    except services.DomainError as e:
        error = str(e)
    else:
        if not request.htmx:
            return redirect(_return_url(written))
        written.enterprise, written.form = enterprise, form
        response = _render_return(request, enterprise, form, period, written, indicators, products)
        if urlsplit(request.htmx.current_url or "").path != _return_url(written):
            response["HX-Replace-Url"] = _return_url(written)
        return response
    return _render_return(request, enterprise, form, period, ret, indicators, products,
                          entry=(values, notes, explanation, posted_lines), findings=findings, error=error)


def _render_return(request, enterprise, form, period, ret, indicators, products, *, entry=None, findings=(),
                   error=None):
    """The page of `ret` (None: not filed yet) as stored or, for a refused POST, with the typed
    `entry` (values, notes, explanation, product lines), its `findings` and the `error` (400)."""
    can_fill = services.can_fill(request.user, enterprise)
    editable = can_fill and (ret is None or ret.status in services.editable_statuses(request.user))
    # The figures shown beside the entry.
    previous, last_year = entry_figures(enterprise.id, form, period)
    saved_lines = _saved_lines(ret)
    findings = list(findings)
    if entry is None:
        values, notes = _saved_or_prefilled(ret, last_year)
        explanation, posted_lines = (ret.explanation if ret else ""), None
        if editable and ret is not None:
            findings = validate_return(values, form=form, period=period, enterprise_id=enterprise.id, notes=notes,
                                       previous=previous, last_year=last_year,
                                       products=line_figures(saved_lines.values()))
    else:
        values, notes, explanation, posted_lines = entry
    product_rows, addable = (_product_rows(products, saved_lines, enterprise, period, posted_lines, findings)
                             if form.has_products else ([], []))
    shown_products = {f"product:{r['product'].code}." for r in product_rows}
    access = get_access(request.user)
    status = ret.status if ret else None
    can_review = services.can_review(request.user, enterprise)
    ctx = {
        "page_title": f"{enterprise.name} · {form.name}表 · {P.label(period, form.merge_jan_feb)}",
        "e": enterprise, "form": form, "period": period, "ret": ret, "editable": editable, "error": error,
        "rows": _entry_rows(indicators, values, notes, previous, last_year, findings),
        "entry_month": _has_month(indicators),
        "general_findings": [f for f in findings if not f.field or (
            f.field.startswith("product:") and not any(f.field.startswith(k) for k in shown_products))],
        "warnings": [f for f in findings if not f.is_error], "explanation": explanation,
        "product_rows": product_rows, "addable": addable, "has_products": form.has_products,
        "new_product_columns": services.PRODUCT_COLUMNS.items(),
        # The products to add as the select's options, written here: ~70 options cost ~1.5 ms of
        # template rendering a page (each id localised as a number), ~0.1 ms so.
        "addable_options": format_html_join("", '<option value="{}">{}（{}）</option>',
                                            ((str(p.id), p.name, p.unit) for p in addable)) if editable else "",
        "first_period": previous == {}, "previous_label": _previous_label(form, period),
        "deadline": P.deadline(period, form.deadline_day), "history": _history(ret),
        "can_submit": editable and status in (None, S.DRAFT, S.RETURNED),
        "can_approve": can_review and status == S.SUBMITTED,
        "can_return": can_review and status in (S.SUBMITTED, S.APPROVED),
        "can_accept": services.can_accept(request.user) and status in (S.SUBMITTED, S.APPROVED),
        "can_reopen": access.is_admin and status == S.ACCEPTED,
        "base_url": f"/returns/{enterprise.uscc}/{form.code}/{period}/",
    }
    if can_review and ret is not None and ret.status != S.DRAFT:
        ctx["review"], ctx["review_general"] = review_rows(ret)
        ctx["review_month"] = ctx["entry_month"]  # the review's columns are the entry's (财务表: 1-本月 only)
    return render(request, "reporting/return_page.html", ctx, status=400 if error else 200)


def _previous_label(form, period):
    prev = P.previous_in_year(period, form.merge_jan_feb)
    return P.label(prev, form.merge_jan_feb) if prev else None


def _saved_or_prefilled(ret, last_year):
    """The saved figures, or for a new return last year's figures in the last-year columns."""
    if ret is not None:
        values, notes = {}, {}
        for v in ReturnValue.objects.filter(ret=ret).select_related("indicator"):
            values[v.indicator.code] = {c: getattr(v, c) for c in COLUMNS}
            notes[v.indicator.code] = v.ly_note
        return values, notes
    return {code: dict(cols) for code, cols in (last_year or {}).items()}, {}


@login_required
@require_POST
def return_check(request, uscc, form_code, period):
    """Live check (htmx): the findings for the typed figures, placed next to their fields."""
    enterprise, form, period, ret = _get_return_context(request, uscc, form_code, period)
    if not services.can_fill(request.user, enterprise):
        raise PermissionDenied("您无权填报该企业的报表")
    indicators = reference.indicators(form.pk)
    products = reference.monitored_products(P.split(period)[0]) if form.has_products else []
    values, notes, lines, bad = _parse_entry(request.POST, indicators, products)
    previous, last_year = entry_figures(enterprise.id, form, period)
    findings = bad + validate_return(values, form=form, period=period, enterprise_id=enterprise.id, notes=notes,
                                     previous=previous, last_year=last_year, products=lines)
    by_product = {}
    for f in findings:
        if f.field.startswith("product:"):
            by_product.setdefault(f.field[8:].split(".")[0], []).append(f)
    ctx = {"rows": _entry_rows(indicators, values, notes, previous, last_year, findings),
           "entry_month": _has_month(indicators),
           "product_rows": [{"product": p, "findings": by_product.get(p.code, [])} for p in lines],
           "general_findings": [f for f in findings if not f.field], "warnings": [f for f in findings if not f.is_error],
           "errors": [f for f in findings if f.is_error]}
    return render(request, "reporting/_checks.html", ctx)


@login_required
@require_POST
def return_transition(request, uscc, form_code, period, action):
    enterprise, form, period, ret = _get_return_context(request, uscc, form_code, period)
    if ret is None:
        raise Http404("报表尚未填报")
    version = request.POST.get("version", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.approve_return(request.user, ret, expected_version=version)
            messages.success(request, "已审核通过")
        elif action == "return":
            services.return_to_enterprise(request.user, ret, reason, expected_version=version)
            messages.success(request, "已退回企业")
        elif action == "accept":
            services.accept_return(request.user, ret, expected_version=version)
            messages.success(request, "已受理")
        elif action == "reopen":
            services.reopen_return(request.user, ret, reason, expected_version=version)
            messages.success(request, "已重新开放，报表退回企业修改")
        elif action == "delete":
            services.delete_draft(request.user, ret, expected_version=version)
            messages.success(request, "草稿已删除")
            return redirect("/returns/")
        else:
            raise Http404
    except services.BadVersion as e:
        return HttpResponseBadRequest(str(e))
    except services.DomainError as e:
        messages.error(request, str(e))
    return redirect(f"/returns/{enterprise.uscc}/{form.code}/{period}/")


# ---------------------------------------------------------------- completeness


def _form_and_period(request):
    form = get_object_or_404(Form, code=request.GET.get("form") or "output")
    period = request.GET.get("period")
    if not period:
        return form, _latest_period(form)
    return form, P.period_or_404(period, merge_jan_feb=form.merge_jan_feb, require_reporting=False)


def _require_reviewer(user):
    access = get_access(user)
    if not access.reads_analysis:
        raise PermissionDenied("仅工信局、镇街和领导可以查看报送进度")


@login_required
def completeness(request):
    _require_reviewer(request.user)
    form, period = _form_and_period(request)
    total, towns = completeness_tally(request.user, form, period)
    ctx = {"page_title": f"报送进度 · {form.name}表 · {P.label(period, form.merge_jan_feb)}", "form": form,
           "period": period, "total": total, "towns": towns, "forms": Form.objects.filter(is_active=True),
           "deadline": P.deadline(period, form.deadline_day),
           "closed": form.periods.filter(period=period, closed_at__isnull=False).exists(),
           "can_remind": can_remind(request.user),
           "periods": [P.shift(period, -i) for i in range(-1, 14) if P.is_reported(P.shift(period, -i), form.merge_jan_feb)]}
    return render(request, "reporting/completeness.html", ctx)


# ---------------------------------------------------------------- periods (open / closed)

PERIOD_WINDOW = 15  # months shown on the periods page
def _require_period_viewer(user):
    """Bureau staff manage periods, leaders read; town officers and enterprises may not."""
    if not get_access(user).sees_all:
        raise PermissionDenied("仅工信局和局领导可以查看报告期")


def _period_anchor(request, forms):
    """The last month shown: ?to=, else the current period, else (no returns lately) the latest filed."""
    try:
        return P.parse_period(request.GET["to"])
    except (KeyError, P.PeriodError):
        pass
    current = P.current_period()
    recent = Return.objects.filter(form__in=forms, period__gt=P.shift(current, -PERIOD_WINDOW))
    if recent.exists():
        return current
    latest = Return.objects.filter(form__in=forms).order_by("-period").values_list("period", flat=True).first()
    return latest or current


def _period_state(form, period, row, today):
    if row is not None and row.closed_at:
        return "closed"
    year, month = P.split(P.shift(period, 1))
    return "open" if today >= dt.date(year, month, 1) else "not_started"


def _period_rows(form, to, today):
    months = [P.shift(to, -i) for i in range(PERIOD_WINDOW)]
    shown = [p for p in months if P.is_reported(p, form.merge_jan_feb)]
    saved = {r.period: r for r in ReportingPeriod.objects.filter(form=form, period__in=shown).select_related("closed_by")}
    last = {}
    for entry in AuditEntry.objects.filter(object_type="reporting.reportingperiod",
                                           object_id__in=[str(r.pk) for r in saved.values()]).order_by("at", "id"):
        last[entry.object_id] = entry
    counts = period_counts(form, shown)
    rows = []
    for period in shown:
        row = saved.get(period)
        expected, counted = counts[period]
        entry = last.get(str(row.pk)) if row else None
        rows.append({"period": period, "label": P.label(period, form.merge_jan_feb), "row": row,
                     "version": row.version if row else 0, "state": _period_state(form, period, row, today),
                     "deadline": P.deadline(period, form.deadline_day), "expected": expected, "counted": counted,
                     "counted_pct": pct(counted, expected),
                     "last": entry and {"action": entry.action_label, "who": entry.actor,
                                        "at": entry.at, "reason": (entry.data or {}).get("reason", "")}})
    return rows


@login_required
def period_list(request):
    _require_period_viewer(request.user)
    forms = list(Form.objects.filter(is_active=True))
    to = _period_anchor(request, forms)
    today = dt.date.today()
    ctx = {"page_title": "报告期管理", "to": to, "earlier": P.shift(to, -PERIOD_WINDOW),
           "later": P.shift(to, PERIOD_WINDOW), "window": PERIOD_WINDOW,
           "first": P.shift(to, 1 - PERIOD_WINDOW),
           "tables": [(form, _period_rows(form, to, today)) for form in forms],
           "can_manage": services.can_manage_periods(request.user)}
    return render(request, "reporting/periods.html", ctx)


@login_required
@require_POST
def period_action(request, form_code, period):
    form = get_object_or_404(Form, code=form_code, is_active=True)
    try:
        period = P.parse_period(period)
    except P.PeriodError as e:
        raise Http404("报告期无效") from e
    func = {"close": services.close_period, "reopen": services.reopen_period}.get(request.POST.get("action"))
    if func is None:
        raise Http404
    try:
        func(request.user, form, period, request.POST.get("reason", ""),
             expected_version=request.POST.get("version", ""))
    except services.BadVersion as e:
        return HttpResponseBadRequest(str(e))
    except services.DomainError as e:
        messages.error(request, f"{form.name}表{P.label(period, form.merge_jan_feb)}：{e}")
    else:
        done = "已关闭" if func is services.close_period else "已重新开放"
        messages.success(request, f"{form.name}表{P.label(period, form.merge_jan_feb)}{done}")
    try:
        return redirect(f"/returns/periods/?to={P.parse_period(request.POST.get('to'))}")
    except P.PeriodError:
        return redirect("/returns/periods/")


@login_required
def completeness_export(request):
    _require_reviewer(request.user)
    form, period = _form_and_period(request)
    total, _ = completeness_tally(request.user, form, period)
    exporter = MissingExporter(form, period, total.missing, Masker(get_access(request.user).sees_personal_data))
    return xlsx_response(exporter)


# ---------------------------------------------------------------- import


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    require_bureau(request.user)
    report, error, status = run_import(
        request, lambda rows, upload: import_returns(rows, user=request.user, filename=upload.name))
    ctx = {"page_title": "导入统计局月报数据", "report": report, "error": error}
    return render(request, "reporting/import.html", ctx, status=status)


@login_required
def import_template(request):
    require_bureau(request.user)
    exporter = ReturnTemplateExporter()
    return xlsx_response(exporter)


@login_required
@require_POST
def notice_read(request, pk):
    notice = get_object_or_404(AppNotice.objects.for_user(request.user), pk=pk)
    mark_read(notice, request.user)
    return redirect("/returns/")
