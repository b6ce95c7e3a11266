"""Cross-checks: status against the grid's daily electricity (30% of last December's daily average, threshold
as data) and against the monthly return; the grid feed import is all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.resumption import services, stats
from gongxin.resumption.models import Flag, GridReading, Status
from gongxin.testing import make_enterprise, personas

from .helpers import entry, make_event

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def setup():
    event = make_event("grid-2022", started_on=D(2022, 3, 13), ended_on=D(2022, 5, 31))
    low, fine, stopped = (make_enterprise(n) for n in ("报复工但不用电厂", "正常复工厂", "报停产但用电厂"))
    for e in (low, fine, stopped):
        GridReading.objects.bulk_create([GridReading(enterprise=e, day=D(2021, 12, d), kwh=Decimal(10000))
                                         for d in range(1, 32)])
    entry(event, low, Status.FULL, D(2022, 4, 5))
    entry(event, fine, Status.FULL, D(2022, 4, 5))
    entry(event, stopped, Status.STOPPED, D(2022, 3, 13))
    for day in range(8, 14):
        d = D(2022, 4, day)
        GridReading.objects.create(enterprise=low, day=d, kwh=Decimal(2500))  # 25% < 30%
        GridReading.objects.create(enterprise=fine, day=d, kwh=Decimal(9000))
        GridReading.objects.create(enterprise=stopped, day=d, kwh=Decimal(8000))
    return event, low, fine, stopped


def test_resumed_enterprise_whose_electricity_stayed_below_the_threshold_is_flagged(setup):
    event, low, fine, stopped = setup
    new = services.scan(event, day=D(2022, 4, 13))
    flags = {(f.enterprise_id, f.kind) for f in new}
    assert flags == {(low.id, Flag.Kind.GRID_LOW), (stopped.id, Flag.Kind.GRID_HIGH)}
    flag = Flag.objects.get(enterprise=low)
    assert flag.key == "2022-04-05" and "低于上年12月日均10,000千瓦时，阈值30.0%即3,000千瓦时" in flag.detail
    assert services.scan(event, day=D(2022, 4, 13)) == []  # idempotent
    assert Flag.objects.count() == 2


def test_threshold_is_data(setup):
    event, low, *_ = setup
    rules = stats.rules_for(event)
    rules.grid_threshold_pct = Decimal(20)
    rules.save()
    event._resumption_rules = None
    assert not any(f.enterprise_id == low.id for f in services.scan(event, day=D(2022, 4, 13)))


def test_baseline_falls_back_to_the_december_return(setup):
    event, *_ = setup
    e = make_enterprise("无12月日数据厂")
    make_return(e, "2021-12", Return.Status.ACCEPTED, values(electricity__month=31))  # 31万千瓦时 → 10000/day
    assert stats.december_baselines(D(2022, 4, 13), [e.id]) == {e.id: Decimal(10000)}


def test_monthly_return_disagreements(setup):
    event, low, fine, stopped = setup
    make_return(low, "2022-04", Return.Status.ACCEPTED, values(output_value__month=100, output_value__month_ly=1000))
    make_return(stopped, "2022-05", Return.Status.ACCEPTED, values(output_value__month=800))
    april = {(e, k) for e, k, _, _ in stats.month_disagreements(event, "2022-04")}
    assert (low.id, Flag.Kind.MONTH_OUTPUT_LOW) in april
    may = {(e, k) for e, k, _, _ in stats.month_disagreements(event, "2022-05")}
    assert (stopped.id, Flag.Kind.MONTH_OUTPUT_STOPPED) in may


def test_grid_import_is_all_or_nothing_and_replaces_a_day(setup):
    event, low, fine, stopped = setup
    p = personas()
    header = ("统一社会信用代码", "日期", "日用电量")
    bad = [header, (low.uscc, "2022-04-14", "1200"), ("91370481MA000000XX", "2022-04-14", "1"),
           (fine.uscc, "2022/04/14", "5"), (fine.uscc, "2022-04-14", "-3")]
    report = services.import_grid(p["analyst"], bad, "feed.xlsx")
    assert [e.row for e in report.errors] == [3, 4, 5]
    assert not GridReading.objects.filter(day=D(2022, 4, 14)).exists()
    report = services.import_grid(p["analyst"], [header, (low.uscc, "2022-04-13", "9999"),
                                                 (fine.uscc, dt.datetime(2022, 4, 14), 5000)], "feed.xlsx")
    assert report.ok and report.created == 2
    assert GridReading.objects.get(enterprise=low, day=D(2022, 4, 13)).kwh == Decimal("9999.0")
    with pytest.raises(services.PermissionDenied):
        services.import_grid(p["town"], [header], "x.csv")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2022-04-140", "2022-04-14 以电网为准",
                                 dt.datetime(1800, 1, 1)])
def test_grid_import_refuses_a_date_it_cannot_take_whole(setup, day):
    event, low, *_ = setup
    before = GridReading.objects.count()
    report = services.import_grid(personas()["analyst"], [("统一社会信用代码", "日期", "日用电量"),
                                                          (low.uscc, day, "1200")], "feed.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(2, "日期")]
    assert GridReading.objects.count() == before


def test_grid_import_keeps_a_replaced_reading_old_to_new_in_the_audit(setup):
    from gongxin.accounts.models import AuditEntry

    event, low, fine, _ = setup
    analyst, header = personas()["analyst"], ("统一社会信用代码", "日期", "日用电量")
    services.import_grid(analyst, [header, (low.uscc, "2022-04-14 00:00:00", "1200"),
                                   (fine.uscc, "2022-04-14", "800")], "a.xlsx")
    report = services.import_grid(analyst, [header, (low.uscc, "2022-04-14", "1300"), (fine.uscc, "2022-04-14", "800"),
                                            (fine.uscc, "2022-04-15", "900")], "b.xlsx")
    assert report.ok and report.created == 3
    assert GridReading.objects.filter(day__gte=D(2022, 4, 14)).count() == 3
    assert GridReading.objects.get(enterprise=low, day=D(2022, 4, 14)).kwh == Decimal("1300.0")
    entry = AuditEntry.objects.filter(action="resumption.import_grid").latest("id")
    assert entry.data["changes"] == {f"{low.uscc} 2022-04-14": ["1200.0", "1300.0"]}
    assert entry.data["created"] == [None, 1]


def test_grid_import_page_uploads_a_csv_and_scans(client, setup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    event, low, fine, stopped = setup
    p = personas()
    client.force_login(p["analyst"])
    csv = f"统一社会信用代码,日期,日用电量\n{low.uscc},2022-04-14,2000\n".encode()
    response = client.post(f"/resumption/grid/import/?event={event.code}",
                           {"file": SimpleUploadedFile("feed.csv", csv, "text/csv"), "scan_date": "2022-04-14"},
                           follow=True)
    assert response.status_code == 200 and "新发现" in response.content.decode()
    assert Flag.objects.filter(enterprise=low, kind=Flag.Kind.GRID_LOW).exists()
