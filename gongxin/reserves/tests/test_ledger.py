import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongxin.accounts.audit import entries_for
from gongxin.reserves import services, stats
from gongxin.reserves.models import Balance, Movement

from .utils import DAY, make_material, make_warehouse, staff, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return staff(), make_warehouse(), make_material()


def check_ok():
    call_command("reserves_check", stdout=io.StringIO(), stderr=io.StringIO())


def test_receipt_and_issue_keep_balance_equal_to_ledger_with_warehouse_document_numbers(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 100)
    out = services.issue(user, balance=b, qty=30, day=DAY, reason="write_off", note="破损")
    b.refresh_from_db()
    assert b.on_hand == 70
    assert [m.doc_no for m in Movement.objects.order_by("id")] == ["ZB000001", "ZB000002"]
    assert out.quantity == -30 and out.kind == "out"
    check_ok()


def test_movement_that_would_go_negative_is_refused_and_writes_nothing(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 10)
    with pytest.raises(services.ReservesError, match="可用库存为10"):
        services.issue(user, balance=b, qty=11, day=DAY, reason="write_off", note="过期")
    assert Movement.objects.count() == 1
    b.refresh_from_db()
    assert b.on_hand == 10


def test_back_dated_write_off_that_makes_a_past_balance_negative_is_refused(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 10, day=dt.date(2022, 3, 1))
    services.issue(user, balance=b, qty=10, day=dt.date(2022, 3, 5), reason="transfer_out", note="调往医院")
    stock(user, wh, mat, 10, day=dt.date(2022, 3, 10))  # the same lot comes back later: 10 on hand today
    b.refresh_from_db()
    assert b.on_hand == 10
    # Today 10 are there, but on 3月5日 the lot stood at 0: writing off 5 on 3月3日 would make 3月5日 −5.
    with pytest.raises(services.ReservesError, match="2022-03-05的结存为0"):
        services.issue(user, balance=b, qty=5, day=dt.date(2022, 3, 3), reason="write_off", note="补记报废")
    # A back-dated write-off the history allows is taken.
    services.issue(user, balance=b, qty=5, day=dt.date(2022, 3, 12), reason="write_off", note="补记报废")
    check_ok()


def test_future_business_date_is_refused(setup):
    user, wh, mat = setup
    with pytest.raises(services.ReservesError, match="不能晚于今天"):
        stock(user, wh, mat, 10, day=dt.date.today() + dt.timedelta(days=1))


def test_ledger_rows_are_never_edited_or_deleted(setup):
    user, wh, mat = setup
    stock(user, wh, mat, 10)
    m = Movement.objects.get()
    m.quantity = 99
    with pytest.raises(ValueError, match="只能追加"):
        m.save()
    with pytest.raises(ValueError, match="只能追加"):
        m.delete()


def test_reversal_is_a_new_opposite_row_once_only(setup):
    user, wh, mat = setup
    stock(user, wh, mat, 10)
    original = Movement.objects.get()
    with pytest.raises(services.ReservesError, match="原因"):
        services.reverse_movement(user, original, "")
    room = 200 - len(f"冲销{original.doc_no}：")  # the reversal's note is the prefix and the reason
    with pytest.raises(services.ReservesError, match=f"冲销原因最多{room}个字，收到{room + 1}个字"):
        services.reverse_movement(user, original, "错" * (room + 1))
    assert Movement.objects.count() == 1
    r = services.reverse_movement(user, original, "数量录错")
    assert (r.quantity, r.reverses_id, r.business_date) == (-10, original.pk, original.business_date)
    assert Balance.objects.get().on_hand == 0
    with pytest.raises(services.ReservesError, match="已冲销"):
        services.reverse_movement(user, original, "再来一次")
    assert entries_for(r).get().action == "reserves.reverse"
    check_ok()


def test_reversal_of_a_receipt_already_issued_is_refused(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 10)
    receipt = Movement.objects.get()
    services.issue(user, balance=b, qty=8, day=DAY, reason="transfer_out", note="调出")
    with pytest.raises(services.ReservesError, match="可用库存"):
        services.reverse_movement(user, receipt, "录错")


def test_count_needs_a_reason_sets_the_quantity_and_is_audited(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 100)
    with pytest.raises(services.ReservesError, match="必须填写原因"):
        services.count(user, balance=b, counted=97, day=DAY, note=" ")
    m = services.count(user, balance=b, counted=97, day=DAY, note="盘点短少3件，鼠咬破损")
    assert (m.kind, m.quantity, m.counted) == ("count", -3, 97)
    b.refresh_from_db()
    assert b.on_hand == 97
    entry = entries_for(m).get()
    assert entry.action == "reserves.count"
    assert entry.data["on_hand"] == [100, 97] and "鼠咬" in entry.data["reason"]
    with pytest.raises(services.ReservesError, match="无需调整"):
        services.count(user, balance=b, counted=97, day=DAY, note="复盘")


def test_bad_quantities_are_refused_with_a_message(setup):
    user, wh, mat = setup
    for bad, message in (("abc", "整数"), ("1.5", "整数"), ("-3", "大于0"), ("0", "大于0"), ("1e13", "范围")):
        with pytest.raises(services.ReservesError, match=message):
            stock(user, wh, mat, bad)
    assert not Movement.objects.exists()


def test_an_absurd_exponent_is_refused_at_once():
    """1e999999 is refused as out of range before it becomes an int (a million-digit int took ~24 s of a
    worker: a denial of service from one form post). The bound is a guard against that, not a timing."""
    import time

    start = time.perf_counter()
    for bad in ("1e999999", "-1e999999", "9e99999"):
        with pytest.raises(services.ReservesError):
            services.quantity(bad)
    assert time.perf_counter() - start < 2


def test_the_same_form_sent_twice_posts_once(setup):
    user, wh, mat = setup
    kwargs = dict(warehouse=wh, material=mat, batch="B1", qty=5, day=DAY, reason="donation", form_token="tok-1")
    services.receive(user, **kwargs)
    with pytest.raises(services.ReservesError, match="重复提交"):
        services.receive(user, **kwargs)
    assert Balance.objects.get().on_hand == 5


def test_stock_card_reconciles_to_the_ledger_with_running_balance(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 50, day=dt.date(2022, 3, 1))
    stock(user, wh, mat, 20, batch="B2", day=dt.date(2022, 3, 4))
    services.issue(user, balance=b, qty=15, day=dt.date(2022, 3, 6), reason="rotation", note="轮换")
    card = stats.stock_card(mat, wh)
    assert [r[3] for r in card["rows"]] == [50, 70, 55]
    assert card["closing"] == card["book"] == card["ledger"] == 55 and card["reconciles"]
    part = stats.stock_card(mat, wh, start=dt.date(2022, 3, 3), end=dt.date(2022, 3, 5))
    assert part["opening"] == 50 and part["closing"] == 70 and part["reconciles"]


def test_reserves_check_fails_when_a_balance_drifts_from_the_ledger(setup):
    user, wh, mat = setup
    stock(user, wh, mat, 10)
    check_ok()
    Balance.objects.update(on_hand=12)  # somebody wrote the balance behind the ledger's back
    err = io.StringIO()
    with pytest.raises(CommandError, match="不符"):
        call_command("reserves_check", stdout=io.StringIO(), stderr=err)
    assert "余额12，台账合计10" in err.getvalue()


def test_expiry_rule_usable_through_the_end_of_the_expiry_day(setup):
    user, wh, mat = setup
    b = stock(user, wh, mat, 10, expires_on=dt.date(2022, 3, 20))
    assert b.lot.usable_on(dt.date(2022, 3, 20)) and not b.lot.usable_on(dt.date(2022, 3, 21))
    on = {r.material.code: r for r in stats.materials(dt.date(2022, 3, 20))}["FH01"]
    after = {r.material.code: r for r in stats.materials(dt.date(2022, 3, 21))}["FH01"]
    assert (on.on_hand, on.expired) == (10, 0)
    assert (after.on_hand, after.expired) == (0, 10)
    with pytest.raises(services.ReservesError, match="已过有效期"):
        stock(user, wh, mat, 5, batch="OLD", day=DAY, expires_on=dt.date(2022, 3, 1))
