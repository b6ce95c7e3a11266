import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from gongxin.accounts.models import AuditEntry
from gongxin.reporting import services
from gongxin.reporting.models import Return, ReturnValue, ValueChange
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, output_form, values

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    return e, personas(e, other)


def new_return(e, period="2022-03"):
    return Return(enterprise=e, form=output_form(), period=period)


def test_reporter_saves_a_draft_and_history_records_every_cell(cast):
    e, p = cast
    ret = services.save_draft(p["reporter"], new_return(e), values())
    assert ret.status == S.DRAFT and ret.version == 2
    assert ValueChange.objects.filter(ret=ret).count() == 16  # every cell of the four indicators is new
    ret = services.save_draft(p["reporter"], ret, values(output_value__month=1100), expected_version=ret.version)
    change = ValueChange.objects.filter(ret=ret, field="output_value.month").last()
    assert (change.old, change.new, change.actor) == (1000, 1100, "reporter1")


@pytest.mark.parametrize("who", ["town", "outsider", "leader", "nobody", "other_reporter"])
def test_only_the_reporter_and_bureau_may_fill(cast, who):
    e, p = cast
    with pytest.raises(PermissionDenied):
        services.save_draft(p[who], new_return(e), values())
    assert not Return.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_bureau_may_fill_for_an_enterprise(cast, who):
    e, p = cast
    assert services.save_draft(p[who], new_return(e), values()).pk


def test_submit_with_an_error_saves_nothing(cast):
    e, p = cast
    with pytest.raises(services.ValidationFailed) as info:
        services.submit_return(p["reporter"], new_return(e), values(output_value__ytd=-5))
    assert any(f.field == "output_value.ytd" and f.is_error for f in info.value.findings)
    assert not Return.objects.exists() and not ValueChange.objects.exists()


def test_submit_with_a_warning_needs_an_explanation(cast):
    e, p = cast
    ret = make_return(e)
    jump = values(output_value__ytd=5000, sales_value__ytd=4800)
    with pytest.raises(services.ValidationFailed, match="预警说明"):
        services.submit_return(p["reporter"], ret, jump, expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.status == S.DRAFT and ReturnValue.objects.get(ret=ret, indicator__code="output_value").ytd == 3000
    ret = services.submit_return(p["reporter"], ret, jump, explanation="新生产线投产", expected_version=ret.version)
    assert ret.status == S.SUBMITTED and ret.submitted_at and ret.explanation == "新生产线投产"


def test_full_workflow_with_history(cast):
    e, p = cast
    ret = services.submit_return(p["reporter"], new_return(e), values())
    ret = services.return_to_enterprise(p["town"], ret, "用电量请核实", expected_version=ret.version)
    assert (ret.status, ret.return_reason) == (S.RETURNED, "用电量请核实")
    ret = services.submit_return(p["reporter"], ret, values(electricity__month=11, electricity__ytd=31),
                                 expected_version=ret.version)
    ret = services.approve_return(p["town"], ret, expected_version=ret.version)
    ret = services.accept_return(p["analyst"], ret, expected_version=ret.version)
    assert ret.status == S.ACCEPTED
    actions = list(AuditEntry.objects.filter(object_type="reporting.return", object_id=str(ret.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["returns.create", "returns.submit", "returns.return", "returns.submit", "returns.approve",
                       "returns.accept"]
    assert ValueChange.objects.filter(ret=ret, field="electricity.ytd").values_list("old", "new").last() == (30, 31)


@pytest.mark.parametrize("who,allowed", [("town", True), ("analyst", True), ("admin", True), ("outsider", False),
                                         ("reporter", False), ("leader", False), ("nobody", False)])
def test_who_may_approve(cast, who, allowed):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    if allowed:
        assert services.approve_return(p[who], ret).status == S.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            services.approve_return(p[who], ret)


@pytest.mark.parametrize("who,allowed", [("town", True), ("analyst", True), ("outsider", False),
                                         ("reporter", False), ("leader", False)])
def test_who_may_return(cast, who, allowed):
    e, p = cast
    ret = make_return(e, status=S.APPROVED)
    if allowed:
        assert services.return_to_enterprise(p[who], ret, "请核实").status == S.RETURNED
    else:
        with pytest.raises(PermissionDenied):
            services.return_to_enterprise(p[who], ret, "请核实")


def test_return_needs_a_reason(cast):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    with pytest.raises(services.DomainError, match="退回原因"):
        services.return_to_enterprise(p["town"], ret, "  ")


@pytest.mark.parametrize("who,allowed", [("analyst", True), ("admin", True), ("town", False), ("outsider", False),
                                         ("reporter", False), ("leader", False)])
def test_who_may_accept(cast, who, allowed):
    e, p = cast
    ret = make_return(e, status=S.APPROVED)
    if allowed:
        assert services.accept_return(p[who], ret).status == S.ACCEPTED
    else:
        with pytest.raises(PermissionDenied):
            services.accept_return(p[who], ret)


@pytest.mark.parametrize("who,allowed", [("admin", True), ("analyst", False), ("town", False), ("reporter", False),
                                         ("leader", False)])
def test_who_may_reopen(cast, who, allowed):
    e, p = cast
    ret = make_return(e, status=S.ACCEPTED)
    if allowed:
        ret = services.reopen_return(p[who], ret, "统计局更正数据")
        assert (ret.status, ret.return_reason) == (S.RETURNED, "统计局更正数据")
    else:
        with pytest.raises(PermissionDenied):
            services.reopen_return(p[who], ret, "统计局更正数据")


@pytest.mark.parametrize("status,func", [
    (S.DRAFT, "approve_return"), (S.APPROVED, "approve_return"), (S.DRAFT, "accept_return"),
    (S.RETURNED, "accept_return"), (S.ACCEPTED, "accept_return"), (S.DRAFT, "reopen_return"),
    (S.SUBMITTED, "reopen_return"),
])
def test_illegal_transitions_are_refused_with_a_message(cast, status, func):
    e, p = cast
    ret = make_return(e, status=status)
    args = ("原因",) if func == "reopen_return" else ()
    with pytest.raises(services.DomainError) as info:
        getattr(services, func)(p["admin"], ret, *args)
    assert "不能" in str(info.value)
    ret.refresh_from_db()
    assert ret.status == status


def test_submitted_return_cannot_be_submitted_again(cast):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    with pytest.raises(services.DomainError, match="不能报送"):
        services.submit_return(p["reporter"], ret, values())


def test_accepted_return_is_locked_even_for_the_bureau(cast):
    e, p = cast
    ret = make_return(e, status=S.ACCEPTED)
    for who in ("reporter", "analyst", "admin"):
        with pytest.raises(services.DomainError, match="锁定"):
            services.save_draft(p[who], ret, values(output_value__month=1))
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == 1000


def test_reporter_cannot_edit_a_submitted_return(cast):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    with pytest.raises(services.DomainError):
        services.save_draft(p["reporter"], ret, values(output_value__month=1))


def test_reopened_return_can_be_corrected_and_resubmitted(cast):
    e, p = cast
    ret = make_return(e, status=S.ACCEPTED)
    ret = services.reopen_return(p["admin"], ret, "更正用电量")
    ret = services.submit_return(p["reporter"], ret, values(electricity__month=12, electricity__ytd=32))
    assert ret.status == S.SUBMITTED


def test_stale_save_is_refused_and_nothing_is_lost(cast):
    e, p = cast
    ret = make_return(e)
    loaded = ret.version
    services.save_draft(p["reporter"], ret, values(output_value__month=1100), expected_version=loaded)
    with pytest.raises(services.ConflictError, match="已被他人修改"):
        services.save_draft(p["analyst"], ret, values(output_value__month=1200), expected_version=loaded)
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == 1100


def test_stale_transition_is_refused(cast):
    e, p = cast
    ret = make_return(e, status=S.SUBMITTED)
    seen = ret.version
    services.return_to_enterprise(p["town"], ret, "请核实", expected_version=seen)
    with pytest.raises(services.ConflictError):
        services.approve_return(p["analyst"], ret, expected_version=seen)


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="SQLite serialises writers; the version check is covered by the stale-save test")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_saves_from_the_same_version_one_wins(cast):
    e, p = cast
    ret = make_return(e)
    loaded = ret.version
    results = []

    def save(user, month):
        try:
            services.save_draft(user, Return.objects.get(pk=ret.pk), values(output_value__month=month),
                                expected_version=loaded)
            results.append("ok")
        except services.ConflictError:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(p["reporter"], 1100)),
               threading.Thread(target=save, args=(p["analyst"], 1200))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    ret.refresh_from_db()
    assert ret.version == loaded + 1


def test_bulk_accept_skips_what_it_may_not_do(cast):
    e, p = cast
    ok = make_return(e, status=S.APPROVED)
    draft = make_return(make_enterprise(), status=S.DRAFT)
    done, refused = services.bulk_transition(p["analyst"], "accept", [(ok, ok.version), (draft, draft.version)])
    assert [r.pk for r in done] == [ok.pk] and refused[0][0] == draft


def test_product_lines_are_saved_with_history(cast):
    from gongxin.reporting.models import Product, ProductLine

    e, p = cast
    product = Product.objects.create(code="X01", name="水泥", unit="吨")
    ret = services.save_draft(p["reporter"], new_return(e), values(),
                              products={product: {"qty_month": 10, "qty_ytd": 30}})
    line = ProductLine.objects.get(ret=ret)
    assert (line.qty_month, line.qty_ytd, line.price) == (10, 30, None)
    services.save_draft(p["reporter"], ret, values(), products={product: {"qty_month": 12, "qty_ytd": 32}},
                        expected_version=ret.version)
    change = ValueChange.objects.filter(ret=ret, field="product:X01.qty_month").last()
    assert (change.old, change.new) == (10, 12)


def test_a_last_year_note_longer_than_its_column_is_refused_and_nothing_is_written(cast):
    e, p = cast
    with pytest.raises(services.DomainError, match="工业总产值修改上年数的说明最多200个字，收到201个字"):
        services.save_draft(p["reporter"], new_return(e), values(), notes={"output_value": "调" * 201})
    assert not Return.objects.exists() and not ReturnValue.objects.exists() and not ValueChange.objects.exists()
    ret = services.save_draft(p["reporter"], new_return(e), values(), notes={"output_value": "调" * 200})
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").ly_note == "调" * 200
