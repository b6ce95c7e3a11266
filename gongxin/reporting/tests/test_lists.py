import datetime as dt

import pytest
import time_machine

from gongxin.notices.models import Notice, NoticeRead
from gongxin.reporting.models import Return
from gongxin.testing import make_enterprise, personas

from .helpers import make_return

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    make_return(e, "2022-04", status=S.SUBMITTED)
    make_return(other, "2022-04", status=S.SUBMITTED)
    return e, other, personas(e, other)


@pytest.mark.parametrize("who,sees_own,sees_other", [
    ("analyst", True, True), ("admin", True, True), ("leader", True, True), ("town", True, False),
    ("outsider", False, True), ("reporter", True, False), ("other_reporter", False, True), ("nobody", False, False),
])
def test_list_is_scoped(client, cast, who, sees_own, sees_other):
    e, other, p = cast
    client.force_login(p[who])
    html = client.get("/returns/?form=output&period=2022-04").content.decode()
    assert (e.name in html) == sees_own
    assert (other.name in html) == sees_other


def test_list_filters_by_town_and_status(client, cast):
    e, other, p = cast
    client.force_login(p["analyst"])
    html = client.get("/returns/?period=2022-04&town=" + e.town.code).content.decode()
    assert e.name in html and other.name not in html
    html = client.get("/returns/?period=2022-04&status=accepted").content.decode()
    assert e.name not in html


def test_reporter_sees_owed_periods_and_notices(client, cast):
    e, _, p = cast
    Notice.objects.create(enterprise=e, kind="remind", title="请尽快报送2022年3月产值表")
    client.force_login(p["reporter"])
    with time_machine.travel(dt.datetime(2022, 5, 3, 9)):
        html = client.get("/returns/").content.decode()
    assert "请尽快报送2022年3月产值表" in html
    assert f"/returns/{e.uscc}/output/2022-03/" in html  # owed
    assert "2022年1-2月" in html
    assert f"/returns/{e.uscc}/output/2022-05/" not in html  # not yet due


def test_bulk_approve_asks_for_confirmation_then_acts(client, cast):
    e, other, p = cast
    ret = Return.objects.get(enterprise=e)
    client.force_login(p["town"])
    response = client.post("/returns/bulk/", {"action": "approve", "id": [ret.pk]})
    assert response.status_code == 200 and "确认" in response.content.decode()
    assert Return.objects.get(pk=ret.pk).status == S.SUBMITTED
    client.post("/returns/bulk/", {"action": "approve", "id": [ret.pk], "confirm": "yes",
                                   f"v-{ret.pk}": ret.version})
    assert Return.objects.get(pk=ret.pk).status == S.APPROVED


def test_bulk_action_ignores_returns_out_of_scope(client, cast):
    e, other, p = cast
    foreign = Return.objects.get(enterprise=other)
    client.force_login(p["town"])
    client.post("/returns/bulk/", {"action": "approve", "id": [foreign.pk], "confirm": "yes"})
    assert Return.objects.get(pk=foreign.pk).status == S.SUBMITTED


@pytest.mark.parametrize("who,action,status", [("reporter", "approve", 403), ("leader", "approve", 403),
                                               ("town", "accept", 403), ("analyst", "accept", 200)])
def test_bulk_action_by_role(client, cast, who, action, status):
    e, _, p = cast
    client.force_login(p[who])
    ret = Return.objects.get(enterprise=e)
    assert client.post("/returns/bulk/", {"action": action, "id": [ret.pk]}).status_code == status


def test_bulk_accept_of_a_changed_return_is_refused(client, cast):
    e, _, p = cast
    ret = Return.objects.get(enterprise=e)
    client.force_login(p["analyst"])
    response = client.post("/returns/bulk/", {"action": "accept", "id": [ret.pk], "confirm": "yes",
                                              f"v-{ret.pk}": ret.version - 1}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert Return.objects.get(pk=ret.pk).status == S.SUBMITTED


@pytest.mark.parametrize("who,shown", [("reporter", True), ("town", True), ("analyst", True), ("leader", True)])
def test_enterprise_page_shows_the_returns_panel(client, cast, who, shown):
    e, _, p = cast
    client.force_login(p[who])
    html = client.get(f"/enterprises/{e.uscc}/").content.decode()
    assert (f"/returns/{e.uscc}/output/2022-04/" in html) == shown


def test_notice_can_be_marked_read_only_by_its_enterprise(client, cast):
    e, other, p = cast
    notice = Notice.objects.create(enterprise=e, kind="remind", title="催报")
    client.force_login(p["other_reporter"])
    assert client.post(f"/returns/notices/{notice.pk}/read/").status_code == 404
    client.force_login(p["reporter"])
    assert client.post(f"/returns/notices/{notice.pk}/read/").status_code == 302
    assert NoticeRead.objects.filter(notice=notice, user=p["reporter"]).exists()
