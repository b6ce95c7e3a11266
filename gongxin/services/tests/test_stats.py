"""`demand_rows` and `gongxin demands` against demands built here, and the eligibility rules."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.services import eligibility, services, stats
from gongxin.services.models import Benefit, Policy
from gongxin.testing import make_enterprise, personas

from .helpers import at, dept, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """Three logistics demands (two resolved in 1 and 3 working days, one overdue), one labour demand
    paused past its deadline (not overdue), one outside the window."""
    e, e2 = make_enterprise(), make_enterprise(town_name="龙泉街道")
    p = personas(e)
    analyst = p["analyst"]

    def demand(day, category="logistics", who=e):
        d = services.raise_demand(analyst, who, category=category, title="t", description="d", tier=tier("priority"),
                                  channel="town", at=at(day))
        return services.assign(d, analyst, dept("C01"), version=d.version, at=at(day, 11))

    a = demand("2022-03-07")  # Monday
    a = services.resolve(a, analyst, "ok", version=a.version, at=at("2022-03-08"))  # 1 working day
    a = services.confirm(a, p["reporter"], 5, version=a.version, at=at("2022-03-09"))
    b = demand("2022-03-10", who=e2)  # Thursday
    services.resolve(b, analyst, "ok", version=b.version, at=at("2022-03-15"))  # Fri, Mon, Tue: 3 days
    demand("2022-03-21")  # never resolved: overdue by 03-31
    c = demand("2022-03-22", category="labour")
    services.pause(c, analyst, "补材料", version=c.version, at=at("2022-03-23"))
    demand("2022-04-02")  # outside the window
    return e, e2


def test_rows_by_category_follow_the_rules(built):
    rows = {r["code"]: r for r in stats.demand_rows(dt.date(2022, 3, 1), dt.date(2022, 3, 31), "category")}
    logistics, labour = rows["logistics"], rows["labour"]
    assert (logistics["received"], logistics["resolved"], logistics["overdue"]) == (3, 2, 1)
    assert logistics["resolution_rate_pct"] == Decimal("66.7")
    assert logistics["median_working_days"] == Decimal("2.0")  # median of 1.0 and 3.0
    assert logistics["satisfaction_pct"] == Decimal("100.0")  # one rated, 5 points
    assert (labour["received"], labour["resolved"], labour["overdue"]) == (1, 0, 0)  # paused: clock stopped
    assert labour["resolution_rate_pct"] == Decimal("0.0") and labour["median_working_days"] is None
    assert rows["land"]["received"] == 0 and rows["land"]["resolution_rate_pct"] is None


def test_rows_by_town_split_the_same_demands(built):
    rows = stats.demand_rows(dt.date(2022, 3, 1), dt.date(2022, 3, 31), "town")
    assert {r["name"]: r["received"] for r in rows} == {"荆河街道": 3, "龙泉街道": 1}


def test_command_prints_the_same_rows_as_json(built):
    out = StringIO()
    call_command("demands", "--from", "2022-03-01", "--to", "2022-03-31", "--by", "category", "--format", "json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["from"] == "2022-03-01" and data["to"] == "2022-03-31"
    logistics = next(r for r in data["rows"] if r["code"] == "logistics")
    assert logistics == {"code": "logistics", "name": "物流运输", "received": 3, "resolved": 2,
                         "resolution_rate_pct": "66.7", "median_working_days": "2.0", "overdue": 1,
                         "satisfaction_pct": "100.0"}


def test_command_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demands", "--from", "2022-13-01", "--to", "2022-03-31")


def test_eligible_but_not_benefited_follows_the_rules():
    fast = make_enterprise("快增长机械有限公司", industry="34")
    slow = make_enterprise("慢增长机械有限公司", industry="34")
    other = make_enterprise("快增长化工有限公司", industry="26")
    for e, ytd in ((fast, 1300), (slow, 1050), (other, 1500)):
        make_return(e, period="2022-03", status=Return.Status.ACCEPTED, vals=values(output_value__ytd=ytd,
                                                                                  output_value__ytd_ly=1000))
    policy = Policy.objects.create(title="稳增长奖励", level="county", issuer="县政府", content="c", year=2022,
                                   min_growth=Decimal(15), divisions="34")
    assert [e for e, _ in eligibility.eligible(policy)] == [fast]
    assert eligibility.eligible(policy)[0][1]["growth"] == Decimal("30.0")
    Benefit.objects.create(policy=policy, enterprise=fast, amount_wan=10, granted_on=dt.date(2022, 4, 20))
    assert eligibility.not_benefited(policy) == []
    policy.divisions = ""
    assert [e for e, _ in eligibility.not_benefited(policy)] == [other]
