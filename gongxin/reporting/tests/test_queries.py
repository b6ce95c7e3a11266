"""The reporter's deadline-day flow makes a fixed number of queries per request (bench/load.py's flow).

Open the return, save, open, submit, open — each request through the full middleware stack, the
submission's after-commit work included: queueing the warning rescan, as in production (the scan
itself runs off the request, alerts/pending.py). The ceilings are what the flow needs
today; a change that adds a query per request fails here. The form's indicators, rules and products
and the last-year figures are read once per request, so a form with more of them costs no more
queries.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongxin.analysis.tests.helpers import make_product
from gongxin.reporting.models import Indicator, Return, ValidationRule
from gongxin.testing import make_enterprise, make_user

from .helpers import make_return, output_form, values

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture(autouse=True)
def _rescan_queued(settings, monkeypatch):
    # As in production: the rescan is queued at commit and drained by a background thread (not started here).
    from gongxin.alerts import pending

    settings.RESCAN_DELAY_MS = 1000
    monkeypatch.setattr(pending._drainer, "kick", lambda: None)


PERIOD = "2022-05"

# Queries per request of the flow (SQLite and PostgreSQL alike): session, user and memberships;
# the enterprise in scope, the form and the return; the form's reference rows; the figures shown
# beside the entry (previous 1-本月, last year's values and products); history and unread notices.
CEILINGS = {
    "open (new)": 11,  # 13 before the request path was made lean
    "save": 20,  # 26
    "open (draft)": 17,  # 21
    "submit": 26,  # 45 before, of which 19 were the warning rescan after commit (now 1 queues it); 7 keep the roll-ups
    "open (submitted)": 15,  # 17
}

# The page's own flow (htmx): open, save and submit, each answered with the page after the write — a
# save or submission above plus the page's reads, without the redirect's second request.
HTMX_CEILINGS = {
    "open (new)": 11,
    "save (htmx)": 29,  # save 20 + open (draft) 17 as two requests
    "submit (htmx)": 33,  # 52 with the rescan in the request; submit 26 + open (submitted) 15 as two requests
}

# Last year's May (2021-05: GOOD's 本月 and 1-本月) + 10%, consistent with April's 1-本月.
TYPED = {"output_value": {"month": 1100, "ytd": 3300, "month_ly": 1000, "ytd_ly": 3000},
         "sales_value": {"month": 1045, "ytd": 3190, "month_ly": 950, "ytd_ly": 2900},
         "export_value": {"month": 0, "ytd": 0, "month_ly": 0, "ytd_ly": 0},
         "electricity": {"month": 11, "ytd": 33, "month_ly": 10, "ytd_ly": 30}}
APRIL = values(output_value__ytd=2200, sales_value__ytd=2145, electricity__ytd=22)


def _history(e):
    make_return(e, "2021-05", status=S.ACCEPTED, vals=values())  # last year's return: pre-filled figures
    make_return(e, "2022-04", status=S.SUBMITTED, vals=APRIL)


@pytest.fixture
def reporter():
    e = make_enterprise(town_name="荆河街道")
    _history(e)
    for code in ("P901", "P902"):
        make_product(code)
    user = make_user("reporter1", "enterprise", enterprise=e)
    return e, user


def _flow(client, e, django_capture_on_commit_callbacks):
    """{request: queries} of one flow."""
    url = f"/returns/{e.uscc}/output/{PERIOD}/"
    typed = {f"{code}.{col}": str(v) for code, cols in TYPED.items() for col, v in cols.items()}
    counts = {}

    def request(name, method, data=None):
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
            response = getattr(client, method)(url, data) if data else client.get(url)
        counts[name] = len(ctx.captured_queries)
        return response

    assert request("open (new)", "get").status_code == 200
    assert request("save", "post", typed | {"version": "0", "action": "save"}).status_code == 302
    version = str(Return.objects.get(enterprise=e, period=PERIOD).version)
    assert request("open (draft)", "get").status_code == 200
    response = request("submit", "post", typed | {"version": version, "action": "submit", "explanation": "增长较快"})
    assert response.status_code == 302, [m for m in response.content.decode().split("\n") if "alert" in m or "✖" in m or "⚠" in m]
    assert request("open (submitted)", "get").status_code == 200
    assert Return.objects.get(enterprise=e, period=PERIOD).status == S.SUBMITTED
    return counts


def _htmx_flow(client, e, django_capture_on_commit_callbacks):
    """{request: queries} of the flow a browser runs on the page: open, then save and submit with htmx."""
    url = f"/returns/{e.uscc}/output/{PERIOD}/"
    typed = {f"{code}.{col}": str(v) for code, cols in TYPED.items() for col, v in cols.items()}
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{url}"}
    counts = {}

    def request(name, data=None):
        with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data, headers=headers) if data else client.get(url)
        counts[name] = len(ctx.captured_queries)
        assert response.status_code == 200, (name, response.status_code)
        return response.content.decode()

    request("open (new)")
    assert "已保存草稿" in request("save (htmx)", typed | {"version": "0", "action": "save"})
    version = str(Return.objects.get(enterprise=e, period=PERIOD).version)
    page = request("submit (htmx)", typed | {"version": version, "action": "submit", "explanation": "增长较快"})
    assert "报表已报送" in page
    assert Return.objects.get(enterprise=e, period=PERIOD).status == S.SUBMITTED
    return counts


def test_the_reporters_flow_stays_within_its_queries(client, reporter, django_capture_on_commit_callbacks):
    e, user = reporter
    client.force_login(user)
    client.get("/")  # the session's first touch (once a minute) is not part of the flow
    counts = _flow(client, e, django_capture_on_commit_callbacks)
    over = {name: n for name, n in counts.items() if n > CEILINGS[name]}
    assert not over, f"queries per request grew: {counts} (ceilings {CEILINGS})"


def test_more_indicators_rules_and_products_cost_no_more_queries(client, reporter,
                                                                django_capture_on_commit_callbacks):
    e, user = reporter
    client.force_login(user)
    client.get("/")
    before = _flow(client, e, django_capture_on_commit_callbacks)
    form = output_form()
    for i in range(3):
        Indicator.objects.create(form=form, code=f"local_{i}", name=f"地方指标{i}", order=50 + i, required=False)
        ValidationRule.objects.create(form=form, code=f"local_negative_{i}", kind="negative", severity="error",
                                      indicators=f"local_{i}", message="{indicator}{column}不能为负数")
    make_product("P903")
    other = make_enterprise(town_name="荆河街道")
    _history(other)
    client.force_login(make_user("reporter2", "enterprise", enterprise=other))
    client.get("/")
    assert _flow(client, other, django_capture_on_commit_callbacks) == before


def test_the_pages_htmx_flow_stays_within_its_queries(client, reporter, django_capture_on_commit_callbacks):
    e, user = reporter
    client.force_login(user)
    client.get("/")
    counts = _htmx_flow(client, e, django_capture_on_commit_callbacks)
    over = {name: n for name, n in counts.items() if n > HTMX_CEILINGS[name]}
    assert not over, f"queries per request grew: {counts} (ceilings {HTMX_CEILINGS})"
