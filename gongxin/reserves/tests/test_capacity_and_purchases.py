import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.accounts.models import Role
from gongxin.reporting.models import Product, ProductLine, Return
from gongxin.reporting.tests.helpers import make_return
from gongxin.reserves import services, stats
from gongxin.reserves.models import CapacityContract, Document, Purchase
from gongxin.testing import make_enterprise, make_user

from .utils import DAY, make_event, make_material, make_warehouse, staff, stock

pytestmark = pytest.mark.django_db


def contract(enterprise, material, **fields):
    defaults = dict(number="BZ-1", daily_capacity=1000, switch_days=3, guaranteed_qty=20_000, guarantee_days=15,
                    starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 12, 31), subsidy_wan=Decimal("50"))
    defaults.update(fields)
    return CapacityContract.objects.create(enterprise=enterprise, material=material, **defaults)


def test_deliverable_by_date_is_capacity_after_switch_capped_by_guarantee_within_window():
    c = contract(make_enterprise(), make_material())
    order = dt.date(2022, 3, 10)
    assert stats.deliverable(c, order, dt.date(2022, 3, 12)) == 0  # still switching over
    assert stats.deliverable(c, order, dt.date(2022, 3, 20)) == 7_000  # 1000 × (10 − 3)
    assert stats.deliverable(c, order, dt.date(2022, 5, 1)) == 20_000  # the guarantee caps it
    assert stats.deliverable(c, order, dt.date(2022, 5, 1), delivered=15_000) == 5_000
    assert stats.deliverable(c, dt.date(2023, 1, 2), dt.date(2023, 2, 1)) == 0  # outside the contract
    late = contract(make_enterprise(), make_material("FH09"), number="BZ-2", ends_on=dt.date(2022, 3, 15))
    assert stats.deliverable(late, order, dt.date(2022, 3, 30)) == 2_000  # up to the contract's end


def test_coverage_counts_available_stock_and_capacity_within_the_window_against_the_standard():
    user, wh = staff(), make_warehouse()
    mat = make_material(peak=10_000)  # standard 30,000
    stock(user, wh, mat, 6_000)
    contract(make_enterprise(), mat, daily_capacity=500, switch_days=5, guaranteed_qty=20_000)
    row = {r.material.code: r for r in stats.materials(DAY)}["FH01"]
    assert (row.available, row.capacity, row.standard) == (6_000, 12_500, 30_000)  # 500 × (30 − 5)
    assert row.coverage_pct == Decimal("61.7") and row.gap == 11_500
    assert (row.buy, row.contract) == (4_000, 7_500)  # to the 1-month minimum, the rest by contract
    assert row.as_json()["coverage_pct"] == "61.7"


def test_calloff_within_guarantee_delivered_by_the_enterprise_into_the_ledger():
    bureau, wh, mat, event = staff(), make_warehouse(), make_material(), make_event()
    e, other = make_enterprise(), make_enterprise()
    c = contract(e, mat)
    with pytest.raises(services.ReservesError, match="最多还可调用20,000"):
        services.create_calloff(bureau, c, qty=20_001, day=DAY, warehouse=wh)
    co = services.create_calloff(bureau, c, qty=5_000, day=DAY, warehouse=wh, event=event)
    rep = make_user("rep_c", Role.ENTERPRISE, enterprise=e)
    stranger = make_user("rep_o", Role.ENTERPRISE, enterprise=other)
    with pytest.raises(PermissionDenied):
        services.deliver_calloff(stranger, co, qty=100, day=DAY, batch="X")
    m = services.deliver_calloff(rep, co, qty=3_000, day=DAY, batch="CN-1", expires_on=dt.date(2025, 1, 1))
    co.refresh_from_db()
    assert (m.reason, m.quantity, co.delivered, co.remaining, co.status) == ("calloff", 3_000, 3_000, 2_000, "open")
    with pytest.raises(services.ReservesError, match="超过未交付数量2,000"):
        services.deliver_calloff(rep, co, qty=2_001, day=DAY, batch="CN-2")
    services.deliver_calloff(rep, co, qty=2_000, day=DAY, batch="CN-2")
    co.refresh_from_db()
    assert co.status == "done"
    assert stats.check_balances() == []


def test_contract_capacity_is_flagged_against_the_enterprises_own_reported_output():
    e = make_enterprise(industry="17")
    product = Product.objects.get_or_create(code="P019", defaults={"name": "医用防护服", "unit": "件"})[0]
    mat = make_material(product=product)
    ret = make_return(e, period="2022-02", status=Return.Status.ACCEPTED)
    ProductLine.objects.create(ret=ret, product=product, enterprise=e, period="2022-02", qty_month=Decimal("60000"))
    ok = contract(e, mat, daily_capacity=1_500)
    high = contract(e, mat, number="BZ-9", daily_capacity=12_000)
    rows = {r.contract.number: r for r in stats.contract_rows(DAY, DAY + dt.timedelta(days=10))}
    # 60,000 in 1–2月 → 1,000 a day; 12,000 is more than twice that.
    assert rows[ok.number].reported_daily == 1_000 and rows[ok.number].flags == []
    assert rows[high.number].flags == ["合同日产能12,000件，超过企业填报日均最高产量1,000件的2倍"]
    none = contract(make_enterprise(), mat, number="BZ-10")
    assert "未填报" in stats.capacity_flags(none, None)[0]


def test_green_channel_purchase_has_one_approver_other_than_its_author_and_partial_deliveries():
    author, approver, wh, mat, event = staff("buyer"), staff("chief"), make_warehouse(), make_material(), make_event()
    p = services.create_purchase(author, event=event, supplier="某医疗用品公司", day=DAY, lines=[(mat, 1000, "38.00")])
    assert p.filing_deadline == DAY + dt.timedelta(days=30)
    line = p.lines.get()
    with pytest.raises(services.ReservesError, match="未审批"):
        services.deliver_purchase(author, line, qty=10, day=DAY, warehouse=wh, batch="P1")
    with pytest.raises(PermissionDenied, match="经办人以外"):
        services.approve_purchase(author, p)
    services.approve_purchase(approver, p)
    services.deliver_purchase(author, line, qty=600, day=DAY, warehouse=wh, batch="P1")
    with pytest.raises(services.ReservesError, match="超过未到货数量400"):
        services.deliver_purchase(author, line, qty=401, day=DAY, warehouse=wh, batch="P2")
    services.deliver_purchase(author, line, qty=400, day=DAY, warehouse=wh, batch="P2")
    p.refresh_from_db()
    assert p.status == Purchase.Status.COMPLETED and p.approver == approver
    assert stats.procurement(dt.date(2022, 1, 1), DAY) == [{"category": "防护", "unit": "件", "quantity": 1000}]
    assert p.filing_overdue(DAY + dt.timedelta(days=31)) and not p.filing_overdue(DAY + dt.timedelta(days=30))


def test_price_well_above_earlier_purchases_is_flagged():
    user, mat, event = staff(), make_material(), make_event()
    services.create_purchase(user, event=event, supplier="甲", day=dt.date(2022, 3, 1), lines=[(mat, 10, "40")])
    services.create_purchase(user, event=event, supplier="乙", day=dt.date(2022, 3, 2), lines=[(mat, 10, "44")])
    high = services.create_purchase(user, event=event, supplier="丙", day=dt.date(2022, 3, 5), lines=[(mat, 10, "60")])
    flags = stats.price_flags()
    assert [f["line"].purchase for f in flags] == [high]
    assert flags[0]["average"] == Decimal("42.00") and flags[0]["above_pct"] == Decimal("42.9")


def test_bad_prices_are_refused():
    user, mat, event = staff(), make_material(), make_event()
    for bad in ("abc", "0", "-1", "1.234", "1e20"):
        with pytest.raises(services.ReservesError, match="单价"):
            services.create_purchase(user, event=event, supplier="甲", day=DAY, lines=[(mat, 10, bad)])


def test_documents_are_kept_with_type_and_size_checks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user, mat, event = staff(), make_material(), make_event()
    p = services.create_purchase(user, event=event, supplier="甲", day=DAY, lines=[(mat, 10, "40")])
    doc = services.add_document(user, SimpleUploadedFile("合同.pdf", b"%PDF-1.4 test"), kind="contract", purchase=p)
    assert doc.content_type == "application/pdf" and (tmp_path / doc.file.name).exists()
    with pytest.raises(services.ReservesError, match="只接受"):
        services.add_document(user, SimpleUploadedFile("a.exe", b"MZ"), kind="other", purchase=p)
    with pytest.raises(services.ReservesError, match="不符"):
        services.add_document(user, SimpleUploadedFile("fake.pdf", b"<html>"), kind="other", purchase=p)
    settings.MAX_UPLOAD_MB = 0
    with pytest.raises(services.ReservesError, match="上限"):
        services.add_document(user, SimpleUploadedFile("b.pdf", b"%PDF-1.4"), kind="other", purchase=p)
    assert Document.objects.count() == 1


def test_reconciliation_lists_differences_between_contract_ledger_payments_and_documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    author, chief, wh, mat, event = staff("b1"), staff("b2"), make_warehouse(), make_material(), make_event()
    p = services.create_purchase(author, event=event, supplier="甲", day=DAY, lines=[(mat, 100, "10")])
    services.approve_purchase(chief, p)
    services.deliver_purchase(author, p.lines.get(), qty=60, day=DAY, warehouse=wh, batch="R1")
    services.record_payment(author, purchase=p, amount="600", day=DAY, voucher="PZ1")
    row = stats.reconciliation(dt.date(2022, 3, 1), dt.date(2022, 3, 31))[0]
    assert (row["amount"], row["received"], row["paid"]) == (Decimal("1000.00"), Decimal("600.00"), Decimal("600.00"))
    assert row["issues"][0] == "入库金额比合同金额少400.00元（未到货）" and "缺少合同" in row["issues"]
    services.record_payment(author, purchase=p, amount="1500.5", day=DAY, voucher="PZ2")  # paid ahead of delivery
    row = stats.reconciliation(dt.date(2022, 3, 1), dt.date(2022, 3, 31))[0]
    assert row["issues"][:2] == ["入库金额比合同金额少400.00元（未到货）", "付款超过入库金额1,500.50元"]


def test_contract_reconciliation_compares_subsidy_payments_and_contract_text():
    user = staff()
    c = contract(make_enterprise(), make_material(), subsidy_wan=Decimal("50"))
    services.record_payment(user, contract=c, amount="300000", day=DAY, voucher="BZ-PZ1")
    [row] = stats.contract_reconciliation(dt.date(2022, 3, 31))
    assert (row["subsidy"], row["paid"]) == (Decimal("500000.00"), Decimal("300000.00"))
    assert row["issues"] == ["补助资金未拨付200,000.00元", "缺少合同文本"]
