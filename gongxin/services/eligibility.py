"""Who a policy applies to (免申即享 candidates): its rules over the registry and the bureau's figures.

A rule left empty is no condition. Tiers come from the statistics engine (previous December's
output); growth is the enterprise's own 1-本月 output growth in the latest counted period of the
policy's year (comparable basis: its reported last-year figure); 技改 investment is the 1-本月
completed investment of its projects in that period. Only a 工信局 holds these figures.
"""

from decimal import Decimal

from django.db.models import Sum

from gongxin.analysis import stats
from gongxin.lib.numeric import growth_pct
from gongxin.projects.models import ProjectInvestment
from gongxin.registry.models import Enterprise

from .models import Benefit


def reference_period(year):
    """The latest period of `year` with counted 产值 returns (None when there are none)."""
    from gongxin.reporting.models import Return

    return (Return.objects.filter(form__code=stats.OUTPUT_FORM, period__startswith=f"{year:04d}-",
                                  status__in=Return.COUNTED)
            .order_by("-period").values_list("period", flat=True).first())


def _codes(text):
    return [c.strip() for c in text.split(",") if c.strip()]


def eligible(policy, user=None):
    """[(enterprise, facts)] of enterprises meeting every rule of `policy`, in 统一社会信用代码 order;
    `facts` says the values the rules were judged on."""
    qs = Enterprise.objects.all() if user is None else Enterprise.objects.for_user(user)
    if policy.on_list:
        qs = qs.on_list(policy.year)
    if divisions := _codes(policy.divisions):
        qs = qs.filter(industry__code__in=divisions)
    enterprises = list(qs.select_related("town", "industry").order_by("uscc"))
    tiers = stats.enterprise_tiers(policy.year, tiers=(stats.OVER_500M, stats.FROM_100M, stats.UNDER_100M))
    period = reference_period(policy.year)
    growth, investment = {}, {}
    if period and policy.min_growth is not None:
        for row in stats.counted_values(period, ("output_value",)).values("enterprise_id", "ytd", "ytd_ly"):
            growth[row["enterprise_id"]] = growth_pct(row["ytd"], row["ytd_ly"])
    if period and policy.min_investment_wan is not None:
        investment = dict(ProjectInvestment.objects.filter(period=period).values("project__enterprise_id")
                          .annotate(total=Sum("ytd")).values_list("project__enterprise_id", "total"))
    wanted_tiers = _codes(policy.tiers)
    out = []
    for e in enterprises:
        facts = {"tier": stats.TIER_NAMES.get(tiers.get(e.id), "未分档"), "period": period}
        if wanted_tiers and tiers.get(e.id) not in wanted_tiers:
            continue
        if policy.min_growth is not None:
            g = growth.get(e.id)
            if g is None or g < policy.min_growth:
                continue
            facts["growth"] = g
        if policy.min_investment_wan is not None:
            inv = investment.get(e.id) or Decimal(0)
            if inv < policy.min_investment_wan:
                continue
            facts["investment_wan"] = inv
        out.append((e, facts))
    return out


def not_benefited(policy, user=None):
    """Eligible enterprises that have received nothing under `policy` yet."""
    benefited = set(Benefit.objects.filter(policy=policy).values_list("enterprise_id", flat=True))
    return [(e, facts) for e, facts in eligible(policy, user) if e.id not in benefited]


def policies_for(enterprise):
    """Active policies whose rules `enterprise` meets (the enterprise's own view)."""
    from .models import Policy

    return [p for p in Policy.objects.filter(is_active=True)
            if any(e.id == enterprise.id for e, _ in eligible(p))]
