"""The workbench item of the brief: leaders and bureau staff, the latest period, its link."""

import pytest
from django.test import RequestFactory

from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs import panels
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


def _items(user):
    request = RequestFactory().get("/")
    request.user = user
    return panels.work_items(request)


def test_leader_and_bureau_get_the_latest_brief(client):
    e = make_enterprise()
    make_return(e, "2022-02", values=output(10, 20, 10, 20))
    make_return(e, "2022-03", values=output(10, 30, 10, 30))
    make_return(e, "2022-04", values=output(10, 40, 10, 40), status="draft")  # not counted: not the latest
    people = personas(e)
    for who in ("admin", "analyst", "leader"):
        [item] = _items(people[who])
        assert (item.title, item.url, item.value, item.count) == (
            "运行分析材料", "/analysis/brief/?period=2022-03", "2022年3月", None), who
    client.force_login(people["leader"])
    assert client.get(item.url).context["brief"].period == "2022-03"
    assert client.get("/analysis/brief/").context["brief"].period == "2022-03"  # the page opens on the same period
    for who in ("town", "outsider", "reporter", "nobody"):
        assert _items(people[who]) == [], who


def test_no_brief_item_without_returns():
    people = personas()
    assert _items(people["leader"]) == []
