"""Enterprise-level figures the warnings and the brief need and stats.py does not (yet) offer.

Written in the engine's terms (its tier expression, its counted returns) so they can move into
stats.py unchanged.
"""

from django.db.models import Count, Q

from gongxin.accounts.scoping import enterprise_q
from gongxin.lib.numbers import pct
from gongxin.registry.models import Enterprise, ListYear

from . import stats

KEY_TIERS = (stats.OVER_500M, stats.FROM_100M)


def enterprise_tiers(year, user=None, tiers=KEY_TIERS):
    """{enterprise id: tier code} of `year`'s listed enterprises in `tiers` (previous December's output)."""
    amount, case = stats.tier_expression(f"{year:04d}-01")
    qs = ListYear.objects.filter(Q(year=year), Q() if user is None else enterprise_q(user, "enterprise__"))
    qs = qs.annotate(tier_amount=amount).annotate(tier=case).filter(tier__in=tiers)
    return dict(qs.values_list("enterprise_id", "tier"))


def completeness_by_town(period, user=None):
    """[{"code", "name", "expected", "counted", "pct"}] per town: listed enterprises and counted returns."""
    year = stats.year_of(period)
    listed = Enterprise.objects.filter(Q() if user is None else enterprise_q(user)).on_list(year)
    expected = {r["town__code"]: (r["town__name"], r["n"])
                for r in listed.order_by().values("town__code", "town__name").annotate(n=Count("id"))}
    counted = dict(stats.counted_returns(period, user).order_by().values("enterprise__town__code")
                   .annotate(n=Count("id")).values_list("enterprise__town__code", "n"))
    return [{"code": code, "name": name, "expected": n, "counted": counted.get(code, 0),
             "pct": pct(counted.get(code, 0), n)}
            for code, (name, n) in sorted(expected.items())]


def latest_period():
    """The latest period with a counted 产值 return (the default period of the brief), or None."""
    from gongxin.reporting.models import Return

    return (Return.objects.filter(form__code=stats.OUTPUT_FORM, status__in=Return.COUNTED)
            .order_by("-period").values_list("period", flat=True).first())
