"""The periods page: bureau staff close and reopen a form's periods; leaders read; others 403."""

import datetime as dt

import pytest
import time_machine

from gongxin.accounts.audit import entries_for
from gongxin.reporting.completeness import period_counts
from gongxin.reporting.models import ReportingPeriod, Return
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, output_form, post_data

pytestmark = pytest.mark.django_db
S = Return.Status
NOW = dt.datetime(2022, 5, 10, 9)


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    return e, other, personas(e, other)


@pytest.fixture(autouse=True)
def may_2022():
    with time_machine.travel(NOW, tick=False):
        yield


def close(client, period="2022-04", reason="统计局已反馈终审数据", version="0", action="close", form="output"):
    return client.post(f"/returns/periods/{form}/{period}/", {"action": action, "reason": reason, "version": version})


def row(period="2022-04"):
    return ReportingPeriod.objects.filter(form=output_form(), period=period).first()


@pytest.mark.parametrize("who,status", [("analyst", 200), ("admin", 200), ("leader", 200), ("town", 403),
                                        ("outsider", 403), ("reporter", 403), ("nobody", 403)])
def test_who_sees_the_periods_page(client, cast, who, status):
    client.force_login(cast[2][who])
    assert client.get("/returns/periods/").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get("/returns/periods/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_leader_reads_without_actions(client, cast):
    client.force_login(cast[2]["leader"])
    html = client.get("/returns/periods/").content.decode()
    assert "2022年4月" in html and 'value="close"' not in html
    client.force_login(cast[2]["analyst"])
    assert 'value="close"' in client.get("/returns/periods/").content.decode()


@pytest.mark.parametrize("who,status", [("analyst", 302), ("admin", 302), ("leader", 403), ("town", 403),
                                        ("outsider", 403), ("reporter", 403), ("nobody", 403)])
def test_who_may_close_a_period(client, cast, who, status):
    client.force_login(cast[2][who])
    assert close(client).status_code == status
    assert (row() is not None and row().closed_at is not None) == (status == 302)


@pytest.mark.parametrize("who,status", [("analyst", 302), ("leader", 403), ("town", 403), ("reporter", 403)])
def test_who_may_reopen_a_period(client, cast, who, status):
    ReportingPeriod.objects.create(form=output_form(), period="2022-04", closed_at=dt.datetime(2022, 5, 9, tzinfo=dt.UTC))
    client.force_login(cast[2][who])
    assert close(client, action="reopen", reason="企业补报", version="1").status_code == status
    assert (row().closed_at is None) == (status == 302)


def test_unknown_form_or_bad_period_is_404(client, cast):
    client.force_login(cast[2]["analyst"])
    assert close(client, form="nosuch").status_code == 404
    assert close(client, period="2022-13").status_code == 404
    assert client.post("/returns/periods/output/2022-04/", {"action": "delete", "reason": "x"}).status_code == 404


def test_close_and_reopen_need_a_reason_and_are_audited(client, cast):
    client.force_login(cast[2]["analyst"])
    close(client, reason="  ")
    assert row() is None or row().closed_at is None
    close(client)
    closed = row()
    assert closed.closed_by == cast[2]["analyst"] and closed.version == 1
    close(client, action="reopen", reason="", version="1")
    assert row().closed_at is not None
    close(client, action="reopen", reason="企业申请补报", version="1")
    reopened = row()
    assert reopened.closed_at is None and reopened.version == 2
    log = [(a.action, a.data["reason"]) for a in entries_for(reopened).order_by("id")]
    assert log == [("returns.close_period", "统计局已反馈终审数据"), ("returns.reopen_period", "企业申请补报")]
    html = client.get("/returns/periods/?to=2022-04").content.decode()
    assert "重新开放报告期 · analyst1" in html and "企业申请补报" in html


def test_stale_version_is_refused_and_changes_nothing(client, cast):
    client.force_login(cast[2]["analyst"])
    close(client, version="0")
    response = close(client, action="reopen", reason="补报", version="0")  # loaded before it was closed
    assert row().closed_at is not None and row().version == 1
    assert "刚刚已被他人" in client.get(response["Location"]).content.decode()
    close(client, action="reopen", reason="补报", version="1")
    close(client, version="0")  # a page loaded before the first close
    assert row().closed_at is None and row().version == 2


def test_closing_twice_or_january_of_a_merged_form_is_refused(client, cast):
    client.force_login(cast[2]["analyst"])
    close(client)
    close(client, version="1")
    assert row().version == 1
    close(client, period="2022-01")
    assert row("2022-01") is None


def test_closed_period_refuses_submission_until_reopened(client, cast):
    e, _, p = cast
    client.force_login(p["analyst"])
    close(client)
    client.force_login(p["reporter"])
    response = client.post(f"/returns/{e.uscc}/output/2022-04/", post_data(action="submit"))
    assert response.status_code == 400 and "报告期2022年4月未开放填报或已关闭" in response.content.decode()
    assert not Return.objects.filter(status=S.SUBMITTED).exists()
    client.force_login(p["analyst"])
    close(client, action="reopen", reason="企业申请补报", version="1")
    client.force_login(p["reporter"])
    assert client.post(f"/returns/{e.uscc}/output/2022-04/", post_data(action="submit")).status_code == 302
    assert Return.objects.get(enterprise=e).status == S.SUBMITTED


def test_page_lists_fifteen_months_with_state_and_counts(client, cast):
    e, other, p = cast
    make_enterprise(years=(2021,))  # left the list: expected in 2021 only
    make_return(e, "2022-04", status=S.SUBMITTED)
    make_return(other, "2022-04", status=S.DRAFT)
    make_return(e, "2022-03", status=S.ACCEPTED)
    ReportingPeriod.objects.create(form=output_form(), period="2022-02", closed_at=dt.datetime(2022, 4, 1, tzinfo=dt.UTC))
    client.force_login(p["leader"])
    response = client.get("/returns/periods/")
    output = dict(response.context["tables"])[output_form()]
    by_period = {r["period"]: r for r in output}
    # The current period (2022-04) ends the window by default: 15 months back, without the merged January
    assert list(by_period) == ["2022-04", "2022-03", "2022-02", "2021-12", "2021-11", "2021-10", "2021-09",
                               "2021-08", "2021-07", "2021-06", "2021-05", "2021-04", "2021-03", "2021-02"]
    assert (by_period["2022-04"]["expected"], by_period["2022-04"]["counted"]) == (2, 1)
    assert (by_period["2021-12"]["expected"], by_period["2021-12"]["counted"]) == (3, 0)
    assert [by_period[k]["state"] for k in ("2022-04", "2022-03", "2022-02")] == ["open", "open", "closed"]
    later = dict(client.get("/returns/periods/?to=2022-06").context["tables"])[output_form()]
    assert [r["state"] for r in later[:2]] == ["not_started", "not_started"]


def test_period_counts_count_listed_enterprises_only(cast):
    e, other, _ = cast
    gone = make_enterprise(years=(2021,))
    make_return(e, "2022-04", status=S.APPROVED)
    make_return(gone, "2022-04", status=S.ACCEPTED)
    make_return(other, "2022-04", status=S.RETURNED)
    assert period_counts(output_form(), ["2022-04"]) == {"2022-04": (2, 1)}


def test_completeness_links_to_periods_for_bureau_and_leader_only(client, cast):
    p = cast[2]
    for who, shown in (("analyst", True), ("leader", True), ("town", False)):
        client.force_login(p[who])
        html = client.get("/returns/completeness/?period=2022-04").content.decode()
        assert ('href="/returns/periods/?to=2022-04"' in html) == shown, who
