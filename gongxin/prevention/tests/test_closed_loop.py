"""Closed-loop production: registration, town approval with history, any change after approval back
to review (data hash), suspend/revoke with a reason, status reports once a day."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongxin.accounts.audit import entries_for
from gongxin.prevention import services
from gongxin.prevention.models import ChecklistItem, Registration, RegistrationItem

from .utils import approved, cast, register

pytestmark = pytest.mark.django_db
RS = Registration.Status


@pytest.fixture
def c():
    return cast()


def test_enterprise_registers_and_town_approves_with_a_timestamped_history(c):
    event, e, _, p = c
    reg = register(p["reporter"], event, e)
    assert reg.status == RS.PENDING and reg.items.count() == 2
    reg = services.approve_registration(p["town"], reg, reg.version)
    assert reg.status == RS.APPROVED and reg.approved_hash == reg.data_hash()
    assert [(h.old, h.new, h.actor) for h in reg.history.all()] == [("", "pending", "reporter1"),
                                                                      ("pending", "approved", "town1")]
    assert all(h.at for h in reg.history.all())
    assert [a.action for a in entries_for(reg)][::-1] == ["prevention.register", "prevention.approve"]


def test_an_edit_to_approved_data_sends_it_back_to_review(c):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    reg = services.update_registration(p["reporter"], reg, reg.version, {"workers_inside": 150})
    assert reg.status == RS.PENDING
    assert reg.data_hash() != reg.approved_hash
    last = reg.history.last()
    assert (last.old, last.new, last.reason) == ("approved", "pending", "批准后数据变更，重新审核")
    audit = entries_for(reg).first()
    assert audit.action == "prevention.update"
    assert audit.data["workers_inside"] == ["120", "150"] and audit.data["status"] == ["approved", "pending"]


def test_a_checklist_item_change_after_approval_also_sends_it_back(c):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    item = ChecklistItem.objects.filter(event=event).first()
    reg = services.update_registration(p["reporter"], reg, reg.version, {}, {item.pk: (RegistrationItem.Status.MET, "")})
    assert reg.status == RS.PENDING


def test_saving_the_same_data_keeps_the_approval(c):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    reg = services.update_registration(p["reporter"], reg, reg.version, {"workers_inside": 120})
    assert reg.status == RS.APPROVED and reg.history.count() == 2


def test_a_stale_edit_is_refused(c):
    event, e, _, p = c
    reg = register(p["reporter"], event, e)
    seen = reg.version
    services.approve_registration(p["town"], reg, seen)
    with pytest.raises(services.ConflictError):
        services.update_registration(p["reporter"], reg, seen, {"workers_inside": 1})


def test_suspend_and_revoke_need_a_reason_and_leave_history(c):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    with pytest.raises(services.DomainError, match="原因"):
        services.suspend_registration(p["town"], reg, reg.version, "")
    reg = services.suspend_registration(p["town"], reg, reg.version, "发现阳性病例")
    reg = services.revoke_registration(p["analyst"], reg, reg.version, "停止封闭生产")
    assert reg.status == RS.REVOKED
    assert [h.reason for h in reg.history.all()][-2:] == ["发现阳性病例", "停止封闭生产"]
    with pytest.raises(services.DomainError, match="已撤销"):
        services.update_registration(p["reporter"], reg, reg.version, {"workers_inside": 3})


def test_one_registration_per_enterprise_and_event(c):
    event, e, _, p = c
    register(p["reporter"], event, e)
    with pytest.raises(services.DomainError, match="已登记"):
        register(p["reporter"], event, e)


def test_who_may_register_and_approve(c):
    event, e, other, p = c
    with pytest.raises(PermissionDenied):
        register(p["other_reporter"], event, e)
    with pytest.raises(PermissionDenied):
        register(p["leader"], event, e)
    reg = register(p["reporter"], event, e)
    for who in ("reporter", "outsider", "leader", "nobody"):
        with pytest.raises(PermissionDenied):
            services.approve_registration(p[who], reg, reg.version)


def test_bad_numbers_are_refused_with_a_message(c):
    event, e, _, p = c
    with pytest.raises(services.DomainError, match="结束日期"):
        register(p["reporter"], event, e, ends_on=dt.date(2022, 3, 1))


def test_status_report_once_per_day(c):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    services.add_status_report(p["reporter"], reg, kind="daily", day=dt.date(2022, 3, 22), workers_on_site=110,
                               capacity_pct="85.5")
    with pytest.raises(services.DomainError, match="已报告"):
        services.add_status_report(p["reporter"], reg, kind="daily", day=dt.date(2022, 3, 22), workers_on_site=110,
                                   capacity_pct="85.5")
    with pytest.raises(services.DomainError, match="0～100"):
        services.add_status_report(p["reporter"], reg, kind="daily", day=dt.date(2022, 3, 23), workers_on_site=110,
                                   capacity_pct="120")


def test_edit_page_tells_the_enterprise_it_went_back_to_review(c, client):
    event, e, _, p = c
    reg = approved(event, e, p["town"])
    client.force_login(p["reporter"])
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in {
        "starts_on": reg.starts_on, "ends_on": reg.ends_on, "workers_inside": 200, "dormitory": reg.dormitory,
        "catering": reg.catering, "supplies_days": 14, "testing_capability": "", "responsible_name": "王强",
        "responsible_phone": "13800000000", "version": reg.version}.items()}
    for i in reg.items.all():
        data[f"item_{i.item_id}"] = i.status
    response = client.post(f"/prevention/closed-loop/{reg.pk}/edit/", data, follow=True)
    assert "已退回待审核" in response.content.decode()
    reg.refresh_from_db()
    assert reg.status == RS.PENDING and reg.workers_inside == 200


def test_approve_through_the_page_applies_once(c, client):
    event, e, _, p = c
    reg = register(p["reporter"], event, e)
    client.force_login(p["town"])
    url = f"/prevention/closed-loop/{reg.pk}/approve/"
    client.post(url, {"version": reg.version})
    response = client.post(url, {"version": reg.version}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert reg.history.filter(new="approved").count() == 1
