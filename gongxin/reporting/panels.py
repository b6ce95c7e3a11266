"""The returns panel on the enterprise page and the returns work on the workbench (工作台).

Work items (listed in gongxin/panels.py), each counting exactly what its link lists:
- enterprise reporter: every return still owed (all active forms, one row each, with its deadline)
  → /returns/; returns sent back with the reason → /returns/?status=returned;
- town officer: submitted returns to review, one item per form × period → the filtered list;
  the town's enterprises that have not filed the latest period → /returns/completeness/;
- bureau: approved returns to accept, per form × period; completeness of the latest period.
"""

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from gongxin.accounts.scoping import get_access
from gongxin.lib import periods as P
from gongxin.lib.work import WorkItem
from gongxin.registry.models import Enterprise

from .completeness import completeness, latest_period, owed_returns
from .models import Form, Return

S = Return.Status


def enterprise_panel(request, enterprise):
    """The enterprise's 12 most recent returns with status and links (the page already checked scope)."""
    returns = Return.objects.for_user(request.user).filter(enterprise=enterprise).select_related("form")
    returns = returns.order_by("-period", "form__order")[:12]
    return render_to_string("reporting/panel.html", {"returns": returns, "e": enterprise}, request=request)


def work_items(request):
    access = get_access(request.user)
    items = []
    if access.is_enterprise and not (access.sees_all or access.is_town_officer):
        items += _reporter_items(request.user, access)
    if access.is_town_officer and not access.is_bureau:
        items += _per_period(request.user, S.SUBMITTED, "待审核", "镇街审核", order=10)
        items += _missing(request.user, "本镇街未报送企业", order=20)
    if access.is_bureau:
        items += _per_period(request.user, S.APPROVED, "待受理", "工信局受理", order=10)
        items += _completeness_item(request.user, order=20)
    return items


def _date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _reporter_items(user, access):
    today = timezone.localdate()
    enterprises = Enterprise.objects.filter(pk__in=access.enterprise_ids).order_by("uscc")
    several = len(access.enterprise_ids) > 1
    owed = owed_returns(enterprises, today)
    items = []
    if owed:
        overdue = sum(o.deadline < today for o in owed)
        rows = [(f"{o.enterprise.name} · " * several + f"{o.form.name}表 · {o.label}", o.url,
                 ("已逾期 " if o.deadline < today else "") + f"截止{_date(o.deadline)}") for o in owed]
        items.append(WorkItem("待报送报表", "/returns/", count=len(owed), level="danger" if overdue else "warning",
                              note=f"其中{overdue}份已过截止日" if overdue else f"最近截止{_date(owed[0].deadline)}",
                              section="待办", rows=rows, order=10, unit="份"))
    returned = (Return.objects.for_user(user).filter(status=S.RETURNED).select_related("enterprise", "form")
                .order_by("-period", "form__order"))
    returned = list(returned)
    if returned:
        rows = [(f"{r.form.name}表 · {P.label(r.period, r.form.merge_jan_feb)}",
                 f"/returns/{r.enterprise.uscc}/{r.form.code}/{r.period}/", f"退回原因：{r.return_reason}")
                for r in returned]
        items.append(WorkItem("被退回待重报", "/returns/?status=returned", count=len(returned), level="danger",
                              note="请按退回原因修改后重新报送", section="待办", rows=rows, order=5, unit="份"))
    return items


def _per_period(user, status, verb, note, order):
    """One item per form × period with returns in `status` within the user's scope."""
    counts = (Return.objects.for_user(user).filter(status=status, form__is_active=True)
              .values("form_id", "period").annotate(n=Count("id")).order_by("-period", "form_id"))
    forms = {f.pk: f for f in Form.objects.filter(is_active=True)}
    items = []
    for row in counts:
        form = forms[row["form_id"]]
        label = P.label(row["period"], form.merge_jan_feb)
        items.append(WorkItem(f"{verb}：{form.name}表 {label}",
                              f"/returns/?form={form.code}&period={row['period']}&status={status}",
                              count=row["n"], level="warning", note=f"等待{note}", section="待办",
                              order=order + form.order, unit="份"))
    return items


def _output_form():
    return Form.objects.filter(code="output", is_active=True).first()


def _missing(user, title, order):
    form = _output_form()
    if form is None:
        return []
    period = latest_period(form)
    total, _ = completeness(user, form, period)
    if not total.missing:
        return []
    rows = [(m.enterprise.name, f"/enterprises/{m.enterprise.uscc}/", m.status) for m in total.missing[:8]]
    return [WorkItem(title, f"/returns/completeness/?form={form.code}&period={period}", count=len(total.missing),
                     level="danger", note=f"{form.name}表 {P.label(period, form.merge_jan_feb)}，"
                     f"截止{_date(P.deadline(period, form.deadline_day))}", section="待办", rows=rows, order=order, unit="家")]


def _completeness_item(user, order):
    form = _output_form()
    if form is None:
        return []
    period = latest_period(form)
    total, _ = completeness(user, form, period)
    pct = total.submitted_pct
    return [WorkItem(f"报送进度：{form.name}表 {P.label(period, form.merge_jan_feb)}",
                     f"/returns/completeness/?form={form.code}&period={period}",
                     value="—" if pct is None else f"{pct}%",
                     note=f"已报送{total.submitted}/{total.expected}家，未报送{len(total.missing)}家，已受理{total.accepted}家",
                     level="success" if not total.missing else "info", section="运行概况", order=order)]
