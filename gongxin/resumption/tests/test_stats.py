"""As of any date from the timeline; groupings sum to the county; the no-entry and unaffected rules;
metrics; the cost of the stoppage and the brief's paragraph."""

import datetime as dt
from decimal import Decimal

import pytest

from gongxin.reporting.tests.helpers import make_return, values
from gongxin.resumption import stats
from gongxin.resumption.models import Status
from gongxin.testing import make_enterprise

from .helpers import entry, make_event

pytestmark = pytest.mark.django_db
D = dt.date
S = Status


@pytest.fixture
def county():
    """An event from 2022-03-13 with four listed enterprises in two towns and one leaver."""
    event = make_event("e2022", started_on=D(2022, 3, 13), ended_on=D(2022, 5, 31))
    a = make_enterprise("甲厂", town_name="荆河街道", industry="34")
    b = make_enterprise("乙厂", town_name="荆河街道", industry="26")
    c = make_enterprise("丙厂", town_name="龙泉街道", industry="34")
    d = make_enterprise("丁厂", town_name="龙泉街道", industry="30")
    make_enterprise("离开名录的厂", town_name="龙泉街道", years=(2021,))
    return event, a, b, c, d


def _counts(event, day, by="county"):
    return [(r.enterprises, r.resumed, r.partial, r.stopped) for r in stats.as_of(event, day, by)]


def test_status_as_of_any_date_is_the_latest_entry_on_or_before_it(county):
    event, a, b, c, d = county
    for e in (a, b, c, d):
        entry(event, e, S.STOPPED, D(2022, 3, 13))
    entry(event, a, S.PARTIAL, D(2022, 3, 25))
    entry(event, a, S.FULL, D(2022, 4, 2))
    entry(event, b, S.FULL, D(2022, 4, 5))
    entry(event, c, S.PARTIAL, D(2022, 4, 10))
    entry(event, c, S.STOPPED, D(2022, 4, 12))  # stopped again
    assert _counts(event, D(2022, 3, 24)) == [(4, 0, 0, 4)]
    assert _counts(event, D(2022, 3, 25)) == [(4, 1, 1, 3)]
    assert _counts(event, D(2022, 4, 5)) == [(4, 2, 0, 2)]
    assert _counts(event, D(2022, 4, 11)) == [(4, 3, 1, 1)]
    assert _counts(event, D(2022, 4, 12)) == [(4, 2, 0, 2)]
    assert stats.county(event, D(2022, 4, 11)).rate_pct == Decimal("75.0")


def test_a_later_record_on_the_same_day_wins(county):
    event, a, *_ = county
    entry(event, a, S.FULL, D(2022, 4, 1))
    entry(event, a, S.PARTIAL, D(2022, 4, 1))
    assert stats.county(event, D(2022, 4, 1)).partial == 1


def test_no_entry_counts_as_the_rule_says_and_as_unaffected_before_the_event(county):
    event, a, *_ = county
    entry(event, a, S.FULL, D(2022, 3, 20))
    assert _counts(event, D(2022, 3, 12)) == [(4, 4, 0, 0)]  # before the event: all working
    assert _counts(event, D(2022, 3, 20)) == [(4, 1, 0, 3)]  # no entry → 停产
    rules = stats.rules_for(event)
    rules.no_entry_status = S.UNAFFECTED
    rules.save()
    event._resumption_rules = None
    assert _counts(event, D(2022, 3, 20)) == [(4, 4, 0, 0)]


def test_unaffected_counts_as_resumed_unless_the_rules_say_otherwise(county):
    event, a, b, c, d = county
    entry(event, a, S.UNAFFECTED, D(2022, 3, 13))
    for e in (b, c, d):
        entry(event, e, S.STOPPED, D(2022, 3, 13))
    assert stats.county(event, D(2022, 3, 14)).resumed == 1
    rules = stats.rules_for(event)
    rules.unaffected_counts_as_resumed = False
    rules.save()
    event._resumption_rules = None
    assert stats.county(event, D(2022, 3, 14)).resumed == 0


def test_towns_industries_and_tiers_sum_to_the_county(county):
    event, a, b, c, d = county
    entry(event, a, S.FULL, D(2022, 4, 1))
    entry(event, c, S.PARTIAL, D(2022, 4, 1))
    day = D(2022, 4, 13)
    whole = stats.county(event, day)
    for by in ("town", "industry", "tier"):
        rows = stats.as_of(event, day, by)
        assert sum(r.enterprises for r in rows) == whole.enterprises == 4
        assert sum(r.resumed for r in rows) == whole.resumed == 2
        assert sum(r.partial for r in rows) == whole.partial == 1
    towns = {r.name: (r.enterprises, r.resumed) for r in stats.as_of(event, day, "town")}
    assert towns == {"荆河街道": (2, 1), "龙泉街道": (2, 1)}


def test_tier_comes_from_the_engine(county):
    from gongxin.reporting.models import Return

    event, a, *_ = county
    make_return(a, "2021-12", Return.Status.ACCEPTED, values(output_value__ytd=600_000))
    entry(event, a, S.FULL, D(2022, 4, 1))
    rows = {r.code: (r.enterprises, r.resumed) for r in stats.as_of(event, D(2022, 4, 2), "tier")}
    # The other three have no 2021-12 (nor 2022-12) return: 未分档, never silently 1亿元以下 (issue 11).
    assert rows == {"over_500m": (1, 1), "100m_500m": (0, 0), "under_100m": (0, 0), "untiered": (3, 0)}


def test_town_officer_sees_only_their_town(county):
    from gongxin.accounts.models import Role
    from gongxin.testing import make_user

    event, a, *_ = county
    officer = make_user("t1", Role.TOWN_OFFICER, region="荆河街道")
    entry(event, a, S.FULL, D(2022, 4, 1))
    whole = stats.county(event, D(2022, 4, 2), officer)
    assert (whole.name, whole.enterprises, whole.resumed) == ("荆河街道", 2, 1)


def test_metrics_attendance_capacity_bands_and_orders(county):
    event, a, b, c, d = county
    entry(event, a, S.FULL, D(2022, 4, 1), workers_back=90, workers_usual=100, capacity_pct=95,
          orders=Decimal(1100), orders_ly=Decimal(1000))
    entry(event, b, S.PARTIAL, D(2022, 4, 1), workers_back=30, workers_usual=100, capacity_pct=85,
          orders=Decimal(800), orders_ly=Decimal(1000))
    entry(event, c, S.PARTIAL, D(2022, 4, 1), workers_back=10, workers_usual=50, capacity_pct=40)
    whole = stats.county(event, D(2022, 4, 2))
    assert whole.attendance_pct == Decimal("52.0")  # 130 / 250
    assert whole.capacity_pct == Decimal("73.3")
    assert whole.capacity_bands == (1, 1, 1)
    assert whole.orders_growth_pct == Decimal("-5.0")


def test_trend_agrees_with_as_of_every_day(county):
    event, a, b, c, d = county
    entry(event, a, S.FULL, D(2022, 3, 20))
    entry(event, b, S.PARTIAL, D(2022, 3, 25))
    entry(event, b, S.STOPPED, D(2022, 3, 27))
    trend = stats.trend(event, D(2022, 3, 12), D(2022, 3, 30))
    for point in trend:
        assert point["resumed"] == stats.county(event, point["day"]).resumed, point["day"]


def test_lost_output_and_its_pull_on_the_county(county):
    from gongxin.reporting.models import Return

    event, a, b, c, d = county
    # April: a stops the whole month (30 days), its April last year 3000 → 100 a day → 3000 lost.
    for e in (a, b, c, d):
        make_return(e, "2022-04", Return.Status.ACCEPTED,
                    values(output_value__month=3000, output_value__month_ly=3000, output_value__ytd=12000,
                           output_value__ytd_ly=12000))
    for e in (b, c, d):
        entry(event, e, S.FULL, D(2022, 3, 13))
    entry(event, a, S.STOPPED, D(2022, 3, 13))
    cost = stats.cost(event, "2022-04")
    assert cost.lost == Decimal("3000.0")
    assert cost.county.output.month_ly == 12000
    assert cost.pull_pp == Decimal("25.0")
    assert cost.growth_without_pct == Decimal("25.0")


def test_partial_days_count_the_capacity_not_used(county):
    from gongxin.reporting.models import Return

    event, a, *_ = county
    make_return(a, "2022-04", Return.Status.ACCEPTED, values(output_value__month_ly=3000))
    entry(event, a, S.PARTIAL, D(2022, 3, 13), capacity_pct=60)
    assert stats.cost(event, "2022-04").lost == Decimal("1200.0")  # 100/day × 30 × 40%


def test_brief_paragraph_states_resumption_and_the_pull_or_nothing_without_an_event(county):
    from gongxin.reporting.models import Return

    event, a, b, c, d = county
    for e in (a, b, c, d):
        make_return(e, "2022-04", Return.Status.ACCEPTED, values(output_value__month_ly=3000))
    for e in (b, c, d):
        entry(event, e, S.FULL, D(2022, 3, 13))
    text = stats.brief_paragraph("2022-04")
    assert "截至4月30日，全市4家规上工业企业中已复工复产3家，复工率75.0%" in text
    # a stopped all April: 3000 lost on the county's 12000 of last April → 25.0 points
    assert "减少产值约300.0万元，拉低全市规上工业总产值当月增速约25.0个百分点" in text
    assert stats.brief_paragraph("2021-06") == ""


def test_the_brief_of_a_month_with_an_active_event_has_the_resumption_section(county):
    from gongxin.briefs.brief import build
    from gongxin.reporting.models import Return

    event, a, *_ = county
    make_return(a, "2022-04", Return.Status.ACCEPTED, values(output_value__month_ly=3000))
    sections = {s.key: s for s in build("2022-04").sections}
    assert "复工率" in sections["resumption"].paragraphs[0]
    assert "resumption" not in {s.key for s in build("2021-06").sections}
