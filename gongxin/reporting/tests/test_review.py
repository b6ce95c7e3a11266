"""Review with the checks in view: growth and findings on the return page, the list's flag, bulk skips."""

import pytest

from gongxin.reporting.models import Return
from gongxin.reporting.review import review_rows, warnings_by_return
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, values

pytestmark = pytest.mark.django_db
S = Return.Status
WARNED = values(output_value__ytd=4100, sales_value__ytd=3900)  # 1-本月 +51.9%: a yoy warning


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    quiet = make_enterprise(town_name="荆河街道")
    silent = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    make_return(e, "2022-03", status=S.SUBMITTED, vals=WARNED, explanation="新生产线投产，订单增加")
    make_return(quiet, "2022-03", status=S.SUBMITTED)
    make_return(silent, "2022-03", status=S.SUBMITTED, vals=WARNED)  # no explanation
    make_return(other, "2022-03", status=S.SUBMITTED, vals=WARNED)
    return e, quiet, silent, other, personas(e, other)


def test_review_rows_carry_growth_month_check_and_findings(cast):
    e, *_ = cast
    rows, _ = review_rows(Return.objects.get(enterprise=e))
    output = next(r for r in rows if r.indicator.code == "output_value")
    assert output.ytd_growth_text == "增长51.9%" and output.month_growth_text == "增长11.1%"
    assert [f.rule for f in output.findings] == ["yoy"]
    assert output.month_check is None  # 2022-02 not filed: cannot be checked


@pytest.mark.parametrize("who, shown", [("admin", True), ("analyst", True), ("town", True), ("outsider", None),
                                        ("reporter", False), ("leader", False), ("nobody", None)])
def test_review_panel_for_reviewers_only(client, cast, who, shown):
    e, *_, p = cast
    client.force_login(p[who])
    response = client.get(f"/returns/{e.uscc}/output/2022-03/")
    if shown is None:
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert ('data-testid="review"' in html) == shown
    if shown:
        assert "增长51.9%" in html and "变化幅度超过" in html and "新生产线投产，订单增加" in html


def test_list_flags_and_filters_returns_with_warnings(client, cast):
    e, quiet, silent, other, p = cast
    client.force_login(p["town"])
    html = client.get("/returns/?form=output&period=2022-03").content.decode()
    assert quiet.name in html and html.count('data-testid="flag"') == 2 and "未说明" in html
    html = client.get("/returns/?form=output&period=2022-03&flag=warnings").content.decode()
    assert e.name in html and silent.name in html and quiet.name not in html and other.name not in html


def test_bulk_approve_skips_and_lists_returns_with_unexplained_warnings(client, cast):
    e, quiet, silent, _, p = cast
    ids = [r.pk for r in Return.objects.filter(enterprise__in=[e, quiet, silent])]
    client.force_login(p["town"])
    html = client.post("/returns/bulk/", {"action": "approve", "id": ids}).content.decode()
    assert 'data-testid="skipped"' in html and silent.name in html
    data = {"action": "approve", "id": ids, "confirm": "yes",
            **{f"v-{r.pk}": r.version for r in Return.objects.filter(pk__in=ids)}}
    response = client.post("/returns/bulk/", data, follow=True)
    assert "已跳过1份" in response.content.decode()
    status = dict(Return.objects.filter(pk__in=ids).values_list("enterprise_id", "status"))
    assert status == {e.pk: S.APPROVED, quiet.pk: S.APPROVED, silent.pk: S.SUBMITTED}


def test_warnings_by_return_ignores_errors_and_the_period_rule(cast):
    _, quiet, silent, _, _ = cast
    flags = warnings_by_return(Return.objects.filter(enterprise__in=[quiet, silent]))
    assert {len(v) for v in flags.values()} == {0, 1}
