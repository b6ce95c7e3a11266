"""技改 figures: pure functions over querysets, aggregated in the database.

The same functions feed the dashboard, the list, the `gongxin investment` command and the analysis
app (plan completion, brief). Amounts are 万元 (Decimal, two places); growth is Decimal with one
decimal (half-up) or None when the base is zero or missing.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from gongxin.lib import periods
from gongxin.lib.numeric import growth_pct
from gongxin.registry.models import Region

from .models import LIFECYCLE, Disbursement, FundApplication, Programme, Project, ProjectInvestment, Stage

ZERO = Decimal("0.00")
GROUPS = {
    "county": None,
    "town": ("project__town__code", "project__town__name"),
    "industry": ("project__industry__code", "project__industry__name"),
}


def _money(value):
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def latest_period(today=None):
    """The latest period with investment data (the default reference period), else last month."""
    latest = ProjectInvestment.objects.order_by("-period").values_list("period", flat=True).first()
    return latest or periods.current_period(today)


def available_periods():
    return list(ProjectInvestment.objects.order_by("-period").values_list("period", flat=True).distinct())


def period_end(period):
    """The last day of a period: the reference date of its overdue flags."""
    year, month = periods.split(periods.shift(period, 1))
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def investment_rows(period, by="county", projects=None):
    """工业技改投资 of `period`: Σ 1-本月 over projects, against the same projects' 1-本月 a year earlier.

    One dict per county / town / industry division: {"code", "name", "projects" (projects reporting
    this period), "ytd", "ytd_ly", "ytd_growth_pct"}. `projects` narrows the set (a user's scope).
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    last_year = periods.same_period_last_year(period)
    records = ProjectInvestment.objects.filter(period__in=[period, last_year])
    if projects is not None:
        records = records.filter(project__in=projects.values("pk"))
    sums = {
        "n": Count("id", filter=Q(period=period)),
        "cur": Sum("ytd", filter=Q(period=period)),
        "base": Sum("ytd", filter=Q(period=last_year)),
    }
    if by == "county":
        county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
        groups = [records.aggregate(**sums) | {"code": county.code if county else "",
                                               "name": county.name if county else "全县"}]
    else:
        code, name = GROUPS[by]
        groups = [dict(row, code=row[code], name=row[name])
                  for row in records.order_by().values(code, name).annotate(**sums).order_by(code)]
    return [_row(g) for g in groups]


def _row(group):
    ytd, ytd_ly = _money(group["cur"]), _money(group["base"])
    return {"code": group["code"], "name": group["name"], "projects": group["n"] or 0,
            "ytd": ytd, "ytd_ly": ytd_ly, "ytd_growth_pct": growth_pct(ytd, ytd_ly)}


def investment_coverage(period, projects=None):
    """Coverage of `period`'s investment figures: `expected` — projects under construction (开工、在建)
    at the period's end, who owe the month's investment; `reported` — of them, those with a record
    for the period; `counted` — every project whose record of the period is in the totals."""
    qs = Project.objects.all() if projects is None else Project.objects.filter(pk__in=projects.values("pk"))
    building = qs.at(period_end(period)).filter(stage_at__in=[Stage.STARTED, Stage.BUILDING])
    with_record = ProjectInvestment.objects.filter(period=period)
    if projects is not None:
        with_record = with_record.filter(project__in=projects.values("pk"))
    return {"expected": building.count(),
            "reported": building.filter(pk__in=with_record.values("project_id")).count(),
            "counted": with_record.count()}


def investment_series(project):
    """A project's monthly investment, oldest first: [{"period", "month", "ytd"}] (for its chart)."""
    return list(project.investments.order_by("period").values("period", "month", "ytd"))


def key_project_summary(year, projects=None, as_of=None):
    """Key projects of `year`: count, Σ planned total investment, and the same by stage (all stages).

    With `as_of` (a date, normally the period's end) the stages are those of the stage history on
    that day, and only projects entered by then count; without it, today's stages.
    """
    qs = Project.objects.key(year)
    if projects is not None:
        qs = qs.filter(pk__in=projects.values("pk"))
    stage = "stage"
    if as_of is not None:
        qs, stage = qs.at(as_of), "stage_at"
    totals = qs.aggregate(count=Count("id"), total=Sum("total_investment"))
    found = {row[stage]: row for row in qs.order_by().values(stage).annotate(
        count=Count("id"), total=Sum("total_investment"))}
    by_stage = []
    for value in LIFECYCLE + [Stage.PAUSED, Stage.TERMINATED]:
        row = found.get(value, {})
        by_stage.append({"stage": value.value, "label": value.label, "count": row.get("count", 0),
                         "total_investment": _money(row.get("total"))})
    return {"count": totals["count"], "total_investment": _money(totals["total"]), "by_stage": by_stage}


def programme_rows(year, projects=None):
    """Programmes of `year` with their number of projects and Σ planned investment."""
    flt = Q() if projects is None else Q(projects__in=projects.values("pk"))
    qs = Programme.objects.filter(year=year).annotate(
        n=Count("projects", filter=flt, distinct=True), total=Sum("projects__total_investment", filter=flt))
    return [{"id": p.pk, "name": p.name, "year": p.year, "level": p.level, "level_label": p.get_level_display(),
             "projects": p.n, "total_investment": _money(p.total)}
            for p in qs.order_by("-level", "name")]


def _disbursements(year=None, applications=None, as_of=None):
    qs = Disbursement.objects.all()
    if year is not None:
        qs = qs.filter(application__fund__year=year)
    if as_of is not None:
        qs = qs.filter(date__lte=as_of)
    if applications is not None:
        qs = qs.filter(application__in=applications.values("pk"))
    return qs


def fund_summary(year=None, applications=None, as_of=None):
    """Support funds actually paid out (拨付): number of enterprises and the total (万元); with
    `as_of` (the period's end) only the payments dated on or before it."""
    totals = _disbursements(year, applications, as_of).aggregate(
        enterprises=Count("application__enterprise", distinct=True), total=Sum("amount"))
    return {"enterprises": totals["enterprises"], "total": _money(totals["total"])}


FUND_GROUPS = {
    "programme": ("fund_id", "fund__name"),
    "enterprise": ("enterprise__uscc", "enterprise__name"),
    "town": ("enterprise__town__code", "enterprise__town__name"),
}


def fund_rows(year=None, by="programme", applications=None, as_of=None):
    """Support funds per programme / enterprise / town: applications, requested, approved, disbursed
    (with `as_of`, disbursed counts the payments dated on or before it)."""
    code, name = FUND_GROUPS[by]
    qs = FundApplication.objects.all()
    if year is not None:
        qs = qs.filter(fund__year=year)
    if applications is not None:
        qs = qs.filter(pk__in=applications.values("pk"))
    paid = dict(_disbursements(year, qs, as_of).order_by().values_list(f"application__{code}").annotate(Sum("amount")))
    rows = qs.order_by().values(code, name).annotate(
        applications=Count("id"), requested_sum=Sum("requested"),
        approved_sum=Sum("approved", filter=Q(status__in=[FundApplication.Status.APPROVED,
                                                       FundApplication.Status.DISBURSED]))).order_by(code)
    return [{"code": r[code], "name": r[name], "applications": r["applications"],
             "requested": _money(r["requested_sum"]), "approved": _money(r["approved_sum"]),
             "disbursed": _money(paid.get(r[code]))} for r in rows]
