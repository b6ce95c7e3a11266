"""Warnings stay current: a return's transition re-scans its enterprise and period on commit; 重新扫描."""

from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from gongxin.alerts import scan
from gongxin.alerts.models import EarlyWarning
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.briefs.brief import warnings_section
from gongxin.reporting import services
from gongxin.reporting.events import changed_later
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    with time_machine.travel("2022-05-20"):
        home = make_enterprise("荆河红色企业有限公司", town_name="荆河街道")
        away = make_enterprise("龙泉黄色企业有限公司", town_name="龙泉街道")
        ret = make_return(home, "2022-03", status="submitted", values=output(10, 45, 10, 100))  # −55% red
        make_return(away, "2022-03", values=output(10, 75, 10, 100))  # −25% yellow
        scan.scan("2022-03")
    return home, away, ret, personas(home, away)


def _listed(client, user):
    client.force_login(user)
    return client.get("/analysis/warnings/?period=2022-03").content.decode()


def test_after_the_town_sends_a_return_back_the_warnings_page_and_the_brief_agree(client, setup,
                                                                                   django_capture_on_commit_callbacks):
    home, away, ret, p = setup
    assert "荆河红色企业有限公司" in _listed(client, p["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        services.return_to_enterprise(p["town"], ret, "产值偏低，请核实")
    html = _listed(client, p["analyst"])
    assert "荆河红色企业有限公司" not in html and "龙泉黄色企业有限公司" in html
    stored = EarlyWarning.objects.listed(period="2022-03").count()
    brief = warnings_section("2022-03", p["analyst"], {})
    assert stored == 1 and len(brief.tables[0].rows) == stored
    assert EarlyWarning.objects.get(enterprise=away).status == "open"  # the other enterprise untouched


def test_resubmitting_brings_the_warning_back(setup, django_capture_on_commit_callbacks):
    home, _, ret, p = setup
    with django_capture_on_commit_callbacks(execute=True):
        services.return_to_enterprise(p["town"], ret, "请核实")
    assert not EarlyWarning.objects.listed(period="2022-03").filter(enterprise=home).exists()
    ret.refresh_from_db()
    ret.status = "submitted"
    ret.save()
    with django_capture_on_commit_callbacks(execute=True):
        changed_later("output", {(home.pk, "2022-03")})
    assert EarlyWarning.objects.listed(period="2022-03").get(enterprise=home).level == "red"


def test_nothing_is_scanned_before_commit_or_for_other_forms(setup, django_capture_on_commit_callbacks):
    home, _, ret, p = setup
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.return_to_enterprise(p["town"], ret, "请核实")
    assert callbacks and EarlyWarning.objects.listed(period="2022-03").filter(enterprise=home).exists()
    with django_capture_on_commit_callbacks(execute=True):
        changed_later("finance", {(home.pk, "2022-03")})
    assert EarlyWarning.objects.listed(period="2022-03").filter(enterprise=home).exists()


@pytest.mark.parametrize("who, status", [("admin", 302), ("analyst", 302), ("town", 403), ("outsider", 403),
                                         ("reporter", 403), ("leader", 403), ("nobody", 403)])
def test_rescan_button_is_for_the_bureau(client, setup, who, status):
    home, _, ret, p = setup
    ret.status = "returned"
    ret.save()
    client.force_login(p[who])
    assert client.post("/analysis/warnings/rescan/", {"period": "2022-03"}).status_code == status
    still = EarlyWarning.objects.listed(period="2022-03").filter(enterprise=home).exists()
    assert still == (status != 302)


def test_rescan_button_shown_to_the_bureau_only(client, setup):
    _, _, _, p = setup
    assert 'data-testid="rescan"' in _listed(client, p["analyst"])
    assert 'data-testid="rescan"' not in _listed(client, p["town"])
    assert 'data-testid="rescan"' not in _listed(client, p["leader"])


def test_rescan_returns_to_the_list_as_it_was_filtered(client, setup):
    _, _, _, p = setup
    client.force_login(p["analyst"])
    response = client.post("/analysis/warnings/rescan/", {"period": "2022-03",
                                                          "back": "period=2022-03&level=red&page=2&q=%E8%8D%86"})
    assert response.status_code == 302
    assert response.url.startswith("/analysis/warnings/?")
    assert parse_qs(urlsplit(response.url).query) == {"period": ["2022-03"], "level": ["red"], "q": ["荆"]}
    assert 'name="back" value="period=2022-03"' in client.get("/analysis/warnings/?period=2022-03").content.decode()
