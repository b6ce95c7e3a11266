import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gongxin.accounts.audit import entries_for
from gongxin.reserves import panels, services
from gongxin.reserves.models import Balance, CallOff, CapacityContract, Dispatch, Movement
from gongxin.testing import make_enterprise, personas, town

from .utils import DAY, make_event, make_material, make_warehouse, stock

pytestmark = pytest.mark.django_db
NAMES = ["admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody"]
SEES_ALL = {"admin", "analyst", "leader"}


@pytest.fixture
def world():
    e = make_enterprise("滕州保障防护用品有限公司", industry="17")
    other = make_enterprise("滕州另一消毒用品有限公司", town_name="龙泉街道", industry="26")
    p = personas(e, other)
    event, wh, mat = make_event(), make_warehouse(), make_material(peak=100)
    stock(p["analyst"], wh, mat, 50, expires_on=dt.date(2030, 1, 1))
    mine = CapacityContract.objects.create(number="BZ-E", enterprise=e, material=mat, daily_capacity=100,
                                           switch_days=1, guaranteed_qty=1000, guarantee_days=10,
                                           starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2030, 12, 31),
                                           subsidy_wan=Decimal("50"))
    theirs = CapacityContract.objects.create(number="BZ-O", enterprise=other, material=mat, daily_capacity=100,
                                             switch_days=1, guaranteed_qty=1000, guarantee_days=10,
                                             starts_on=dt.date(2022, 1, 1), ends_on=dt.date(2030, 12, 31))
    calloff = services.create_calloff(p["admin"], mine, qty=100, day=DAY, warehouse=wh, event=event)
    jinghe = services.create_dispatch(p["admin"], event=event, unit_kind="town", unit_name="荆河街道办事处",
                                      town=town("荆河街道"), lines={mat: 5}, day=DAY)
    longquan = services.create_dispatch(p["admin"], event=event, unit_kind="town", unit_name="龙泉街道办事处",
                                        town=town("龙泉街道"), lines={mat: 5}, day=DAY)
    purchase = services.create_purchase(p["analyst"], event=event, supplier="甲", day=DAY, lines=[(mat, 10, "5")])
    return {"p": p, "mine": mine, "theirs": theirs, "calloff": calloff, "jinghe": jinghe, "longquan": longquan,
            "purchase": purchase, "mat": mat, "wh": wh, "e": e}


def client(user):
    c = Client()
    c.force_login(user)
    return c


def statuses(world, url):
    return {name: client(world["p"][name]).get(url).status_code for name in NAMES}


def only(allowed, yes=200, no=403):
    return {name: yes if name in allowed else no for name in NAMES}


def test_books_are_read_by_bureau_and_leaders_only(world):
    m = world["mat"]
    for url in ["/reserves/", "/reserves/?date=2022-03-15&by=2022-03-30", "/reserves/export.xlsx",
                "/reserves/stock/", f"/reserves/stock/card/{m.code}/ZB/", "/reserves/purchases/",
                f"/reserves/purchases/{world['purchase'].number}/", "/reserves/reconciliation/?period=2022-03"]:
        assert statuses(world, url) == only(SEES_ALL), url
    assert Client().get("/reserves/").status_code == 302


def test_dispatches_are_scoped_to_the_town_of_the_request(world):
    assert statuses(world, "/reserves/dispatches/") == only(SEES_ALL | {"town", "outsider", "reporter",
                                                                        "other_reporter"})
    for url in [f"/reserves/dispatches/{world['jinghe'].number}/", f"/reserves/dispatches/{world['jinghe'].number}/note.docx"]:
        assert statuses(world, url) == only(SEES_ALL | {"town"}, no=404), url
    page = client(world["p"]["town"]).get("/reserves/dispatches/").content.decode()
    assert world["jinghe"].number in page and world["longquan"].number not in page
    assert statuses(world, "/reserves/dispatches/new/") == only({"admin", "analyst", "town", "outsider", "reporter",
                                                                 "other_reporter"})


def test_enterprise_sees_only_its_own_contracts_404_for_anothers(world):
    assert statuses(world, "/reserves/contracts/") == only(SEES_ALL | {"reporter", "other_reporter"})
    assert statuses(world, "/reserves/contracts/BZ-E/") == only(SEES_ALL | {"reporter"}, no=404)
    assert statuses(world, "/reserves/contracts/BZ-O/") == only(SEES_ALL | {"other_reporter"}, no=404)
    page = client(world["p"]["reporter"]).get("/reserves/contracts/").content.decode()
    assert "BZ-E" in page and "BZ-O" not in page


def test_approval_post_by_bureau_only_outsiders_get_404(world):
    url = f"/reserves/dispatches/{world['jinghe'].number}/action/"
    for name, code in (("leader", 403), ("town", 403), ("outsider", 404), ("reporter", 404)):
        assert client(world["p"][name]).post(url, {"action": "approve"}).status_code == code, name
    r = client(world["p"]["analyst"]).post(url, {"action": "approve", "version": 1})
    assert r.status_code == 302
    world["jinghe"].refresh_from_db()
    assert world["jinghe"].status == Dispatch.Status.APPROVED
    # Sent again (a double click): refused with a message, nothing reserved twice.
    r = client(world["p"]["analyst"]).post(url, {"action": "approve", "version": 1}, follow=True)
    assert "已被他人处理" in r.content.decode()
    assert Balance.objects.get().reserved == 5


def test_enterprise_confirms_delivery_of_its_own_calloff_not_anothers(world):
    url = f"/reserves/calloffs/{world['calloff'].pk}/deliver/"
    data = {"qty": "40", "batch": "CN-1", "day": "2022-03-20"}
    assert client(world["p"]["other_reporter"]).post(url, data).status_code == 404
    assert client(world["p"]["town"]).post(url, data).status_code == 404
    assert client(world["p"]["reporter"]).post(url, data).status_code == 302
    world["calloff"].refresh_from_db()
    assert world["calloff"].delivered == 40
    assert client(world["p"]["reporter"]).post("/reserves/contracts/BZ-E/calloffs/", {"qty": "5"}).status_code == 403


def test_ledger_posts_by_bureau_only_and_bad_input_writes_nothing(world):
    data = {"warehouse": "ZB", "material": world["mat"].code, "reason": "donation", "qty": "10", "batch": "D1",
            "day": "2022-03-16", "token": "t1"}
    for name in ("leader", "town", "reporter", "nobody"):
        assert client(world["p"][name]).post("/reserves/stock/receive/", data).status_code == 403
    before = Movement.objects.count()
    r = client(world["p"]["analyst"]).post("/reserves/stock/receive/", {**data, "qty": "十"}, follow=True)
    assert "应为整数" in r.content.decode() and Movement.objects.count() == before
    client(world["p"]["analyst"]).post("/reserves/stock/receive/", data)
    client(world["p"]["analyst"]).post("/reserves/stock/receive/", data)  # the same form twice
    assert Movement.objects.count() == before + 1
    balance = Balance.objects.get(lot__batch="D1")
    r = client(world["p"]["analyst"]).post(f"/reserves/stock/balances/{balance.pk}/",
                                          {"kind": "count", "counted": "8", "day": "2022-03-16", "note": ""},
                                          follow=True)
    assert "必须填写原因" in r.content.decode()
    client(world["p"]["analyst"]).post(f"/reserves/stock/balances/{balance.pk}/",
                                      {"kind": "count", "counted": "8", "day": "2022-03-16", "note": "破损2件"})
    count = Movement.objects.get(reason="count")
    assert count.quantity == -2 and entries_for(count).get().user == world["p"]["analyst"]


def test_stock_card_page_shows_the_reconciliation(world):
    page = client(world["p"]["leader"]).get(f"/reserves/stock/card/{world['mat'].code}/ZB/").content.decode()
    assert "账实相符" in page and "ZB000001" in page


def test_work_item_counts_match_their_pages(world, rf):
    req = rf.get("/")
    req.user = world["p"]["analyst"]
    items = {i.title: i for i in panels.work_items(req)}
    todo = items["待审批物资调度"]
    page = client(world["p"]["analyst"]).get(todo.url).content.decode()
    assert todo.count == 2 == page.count("/reserves/dispatches/DD")
    req.user = world["p"]["reporter"]
    items = {i.title: i for i in panels.work_items(req)}
    assert items["待交付产能调用"].count == CallOff.objects.for_user(req.user).filter(status="open").count() == 1
    req.user = world["p"]["leader"]
    assert panels.work_items(req) == []
    services.approve_dispatch(world["p"]["analyst"], world["jinghe"], day=DAY)
    services.ship_dispatch(world["p"]["analyst"], world["jinghe"], day=DAY)
    req.user = world["p"]["town"]
    item = {i.title: i for i in panels.work_items(req)}["待签收调度物资"]
    page = client(world["p"]["town"]).get(item.url).content.decode()
    assert item.count == 1 == page.count("/reserves/dispatches/DD")


def test_enterprise_panel_shows_own_contracts_to_the_enterprise(world, rf):
    req = rf.get("/")
    req.user = world["p"]["reporter"]
    html = panels.enterprise_panel(req, world["e"])
    assert "BZ-E" in html and "1单待交付" in html
    req.user = world["p"]["other_reporter"]
    assert panels.enterprise_panel(req, world["e"]) == ""


def test_bureau_reminders_count_what_the_dashboard_lists(world, rf):
    soon = dt.date.today() + dt.timedelta(days=20)
    stock(world["p"]["analyst"], world["wh"], world["mat"], 5, batch="SOON", day=dt.date.today(), expires_on=soon)
    make_material("XS01", "84消毒液", "disinfectant", "瓶(桶)", peak=50)  # none in stock: a gap
    req = rf.get("/")
    req.user = world["p"]["analyst"]
    items = {i.title: i for i in panels.work_items(req)}
    page = client(world["p"]["analyst"]).get("/reserves/").content.decode()
    assert items["近效期/过期储备物资"].count == page.count('class="expiring-row"') == 1
    assert items["储备缺口物资"].count == page.count('class="table-danger"') == 1
    assert "20天后到期，请轮换" in page


def test_stock_expiring_on_the_day_asked_says_so(world):
    today = dt.date.today()
    stock(world["p"]["analyst"], world["wh"], world["mat"], 5, batch="TODAY", day=today, expires_on=today)
    page = client(world["p"]["analyst"]).get("/reserves/").content.decode()
    assert "当日到期，请轮换" in page and "0天后到期" not in page


def test_requester_is_notified_when_the_bureau_approves(world):
    from gongxin.notices.models import Notice

    officer = world["p"]["town"]
    d = services.create_dispatch(officer, event=world["jinghe"].event, unit_kind="town", unit_name="荆河街道办事处",
                                 town=town("荆河街道"), lines={world["mat"]: 3}, day=DAY)
    services.approve_dispatch(world["p"]["analyst"], d, day=DAY)
    assert Notice.objects.for_user(officer).filter(title__contains=d.number).count() == 1
    assert Notice.objects.filter(enterprise=world["e"], title__contains=world["calloff"].number).exists()


def test_bureau_staff_register_contracts_and_set_standards_audited_others_cannot(world):
    from gongxin.accounts.audit import entries_for as audit_of
    from gongxin.reserves.models import ReserveStandard

    data = {"number": "BZ-NEW", "uscc": world["e"].uscc, "material": world["mat"].code, "daily_capacity": "800",
            "switch_days": "2", "guaranteed_qty": "5000", "guarantee_days": "10", "starts_on": "2022-03-01",
            "ends_on": "2023-02-28", "subsidy_wan": "30.5"}
    for name in ("leader", "reporter", "town"):
        assert client(world["p"][name]).post("/reserves/contracts/new/", data).status_code == 403
    r = client(world["p"]["analyst"]).post("/reserves/contracts/new/", {**data, "ends_on": "2021-01-01"}, follow=True)
    assert "合同期" in r.content.decode() and not CapacityContract.objects.filter(number="BZ-NEW").exists()
    client(world["p"]["analyst"]).post("/reserves/contracts/new/", data)
    c = CapacityContract.objects.get(number="BZ-NEW")
    assert c.subsidy_wan == Decimal("30.50") and audit_of(c).get().action == "reserves.contract"
    r = client(world["p"]["analyst"]).post("/reserves/contracts/new/", data, follow=True)
    assert "已存在" in r.content.decode()

    assert statuses(world, "/reserves/materials/") == only(SEES_ALL)
    standard = {"material": world["mat"].code, "peak_monthly": "200", "months": "3", "min_months": "1",
                "window_days": "20"}
    assert client(world["p"]["leader"]).post("/reserves/materials/", standard).status_code == 403
    client(world["p"]["analyst"]).post("/reserves/materials/", standard)
    s = ReserveStandard.objects.get(material=world["mat"])
    assert (s.quantity, s.window_days) == (600, 20)
    assert audit_of(s).get().data["peak_monthly"] == [100, 200]
    r = client(world["p"]["analyst"]).post("/reserves/materials/", {**standard, "min_months": "5"}, follow=True)
    assert "不小于最低储备月数" in r.content.decode()


def test_every_other_change_is_refused_to_non_bureau_and_works_for_bureau(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongxin.reserves.models import Document, Purchase

    settings.MEDIA_ROOT = tmp_path
    balance = Balance.objects.get()
    receipt = Movement.objects.get()
    pu = world["purchase"]
    posts = [
        (f"/reserves/stock/balances/{balance.pk}/", {"kind": "issue", "reason": "write_off", "qty": "1",
                                                     "day": "2022-03-16", "note": "破损"}),
        (f"/reserves/movements/{receipt.doc_no}/reverse/", {"note": "录错"}),
        ("/reserves/purchases/new/", {"supplier": "乙", "day": "2022-03-16", "material_1": world["mat"].code,
                                      "qty_1": "5", "price_1": "6"}),
        (f"/reserves/purchases/{pu.number}/action/", {"action": "file", "day": "2022-03-20"}),
    ]
    for url, data in posts:
        for name in ("leader", "town", "reporter", "nobody"):
            assert client(world["p"][name]).post(url, data).status_code == 403, (url, name)
    for url, data in posts[:1] + posts[2:]:
        assert client(world["p"]["admin"]).post(url, data).status_code == 302
    assert Movement.objects.filter(reason="write_off").count() == 1
    assert Purchase.objects.count() == 2 and Purchase.objects.get(pk=pu.pk).filed_on == dt.date(2022, 3, 20)
    # The receipt was partly written off: its reversal is refused with a message, nothing written.
    r = client(world["p"]["admin"]).post(posts[1][0], posts[1][1], follow=True)
    assert "可用库存" in r.content.decode() and not Movement.objects.filter(reason="reversal").exists()

    upload = {"kind": "contract", "title": "保障供应合同", "file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x")}
    assert client(world["p"]["reporter"]).post("/reserves/contracts/BZ-E/documents/", upload).status_code == 403
    upload["file"] = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x")
    assert client(world["p"]["analyst"]).post("/reserves/contracts/BZ-E/documents/", upload).status_code == 302
    doc = Document.objects.get()
    url = f"/reserves/documents/{doc.pk}/"
    assert statuses(world, url) == only(SEES_ALL | {"reporter"}, no=404)


def test_dispatch_note_is_a_word_document_with_the_lines_and_lots(world):
    import io

    from docx import Document as Docx

    services.approve_dispatch(world["p"]["analyst"], world["jinghe"], day=DAY)
    r = client(world["p"]["town"]).get(f"/reserves/dispatches/{world['jinghe'].number}/note.docx")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    doc = Docx(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert world["jinghe"].number in text and "荆河街道办事处" in text
    assert "一次性医用防护服" in cells and "B1×5（ZB）" in cells


def test_a_purchase_and_a_payment_sent_twice_from_one_form_apply_once(world):
    """A double click sends the form's one token ({% once %}) twice: the second applies nothing."""
    from gongxin.lib.once import new_token
    from gongxin.reserves.models import Payment, Purchase

    admin, pu = client(world["p"]["admin"]), world["purchase"]
    posts = [
        ("/reserves/purchases/new/", {"supplier": "乙", "day": "2022-03-16", "material_1": world["mat"].code,
                                      "qty_1": "5", "price_1": "6"}, lambda: Purchase.objects.count()),
        (f"/reserves/purchases/{pu.number}/action/", {"action": "pay", "amount": "100", "voucher": "PZ-1",
                                                      "day": "2022-03-20"}, lambda: Payment.objects.count()),
    ]
    for url, data, count in posts:
        data["once"], before = new_token(), count()
        assert admin.post(url, data).status_code == 302
        assert count() == before + 1
        assert "该表单已提交，未重复办理" in admin.post(url, data, follow=True).content.decode()
        assert count() == before + 1, url
