"""Workbench items count what their pages list; the enterprise page shows the prevention panel."""

import pytest

from gongxin.prevention import services
from gongxin.prevention.panels import enterprise_panel, work_items

from .utils import cast, finding, jpeg, register

pytestmark = pytest.mark.django_db


def items(rf, user):
    request = rf.get("/")
    request.user = user
    return {i.title: i for i in work_items(request)}


def test_pending_and_to_verify_counts_match_their_pages(rf, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event, e, other, p = cast()
    register(p["reporter"], event, e)
    register(p["other_reporter"], event, other)
    f = finding(event, e, p["town"])
    services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    for who, pending in (("town", 1), ("analyst", 2), ("outsider", 1)):
        got = items(rf, p[who])
        assert got["待审核封闭生产"].count == pending
        client.force_login(p[who])
        html = client.get(got["待审核封闭生产"].url).content.decode()
        assert f"<span data-total>{pending}</span>" in html
    to_verify = items(rf, p["town"])["待核验整改"]
    client.force_login(p["town"])
    assert to_verify.count == 1 and "<span data-total>1</span>" in client.get(to_verify.url).content.decode()
    assert "待审核封闭生产" not in items(rf, p["reporter"]) and items(rf, p["leader"]) == {}


def test_the_enterprise_page_shows_registration_and_findings(rf, client):
    event, e, other, p = cast()
    register(p["reporter"], event, e)
    finding(event, e, p["town"])
    request = rf.get("/")
    request.user = p["reporter"]
    html = enterprise_panel(request, e)
    assert "封闭生产" in html and "消杀记录不全" in html
    request.user = p["other_reporter"]
    assert enterprise_panel(request, e) == ""
    client.force_login(p["town"])
    assert "防控督导" in client.get(f"/enterprises/{e.uscc}/").content.decode()
