"""Every form reachable: an enterprise's returns due cover every active form, with deadlines, on its workbench."""

import datetime as dt

import pytest
import time_machine

from gongxin.reporting.completeness import owed_returns
from gongxin.reporting.models import Form, Return
from gongxin.testing import make_enterprise, personas

from .helpers import make_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    for period in ("2022-02", "2022-03"):
        make_return(e, period, status=Return.Status.SUBMITTED)
        Return.objects.create(enterprise=e, form=Form.objects.get(code="finance"), period=period,
                              status=Return.Status.SUBMITTED)
    return e, personas(e)


def test_due_covers_every_active_form_with_deadlines(cast):
    e, _ = cast
    Form.objects.create(code="energy", name="能耗", deadline_day=8)
    with time_machine.travel(dt.datetime(2022, 5, 3, 9)):
        due = [(d.form.code, d.period, d.deadline) for d in owed_returns([e]) if d.period == "2022-04"]
    assert sorted(due) == [("energy", "2022-04", dt.date(2022, 5, 8)), ("finance", "2022-04", dt.date(2022, 5, 5)),
                           ("output", "2022-04", dt.date(2022, 5, 5))]


def test_workbench_lists_the_output_and_finance_returns_due_linking_to_them(client, cast):
    e, p = cast
    client.force_login(p["reporter"])
    with time_machine.travel(dt.datetime(2022, 5, 3, 9)):
        home = client.get("/").content.decode()
        mine = client.get("/returns/").content.decode()
    for form in ("output", "finance"):
        assert f"/returns/{e.uscc}/{form}/2022-04/" in home and f"/returns/{e.uscc}/{form}/2022-04/" in mine
    assert "待报送报表" in home and "财务表 · 2022年4月" in home and "截止2022年5月5日" in home


@pytest.mark.parametrize("who", ["admin", "analyst", "town", "outsider", "leader", "nobody"])
def test_no_due_item_for_others(client, cast, who):
    _, p = cast
    client.force_login(p[who])
    with time_machine.travel(dt.datetime(2022, 5, 3, 9)):
        assert "待报送报表" not in client.get("/").content.decode()
