"""Review with the checks in view: growth and findings on the return page, the list's flag, bulk skips."""

import pytest

from gongxin.reporting.models import Return
from gongxin.reporting.review import findings_by_return, review_rows, warnings_by_return
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


def test_a_form_without_months_is_reviewed_on_its_1_to_month_columns_only(client, cast):
    from gongxin.reporting.models import Form

    e, *_, p = cast
    finance = Form.objects.get(code="finance")
    vals = {i.code: {"ytd": 1200, "ytd_ly": 1000} for i in finance.indicators.all()}
    make_return(e, "2022-03", status=S.SUBMITTED, form=finance, vals=vals)
    client.force_login(p["town"])
    html = client.get(f"/returns/{e.uscc}/finance/2022-03/").content.decode()
    review = html[html.index('data-testid="review"'):]
    review = review[:review.index("企业的预警说明")]
    heads = review[review.index("<thead>"):review.index("</thead>")]
    assert "<th class=\"text-end\">1-本月</th>" in heads and "增长20.0%" in review
    assert "本月</th>" not in heads.replace("1-本月</th>", "") and "推算本月" not in review and "本月与累计核对" not in heads
    html = client.get(f"/returns/{e.uscc}/output/2022-03/").content.decode()  # a form with months keeps them
    assert "<th class=\"text-end\">本月</th>" in html and "本月与累计核对" in html


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


def test_findings_in_bulk_equal_validating_each_return(django_assert_max_num_queries):
    """The list's warning flags come from bulk reads; they must be exactly what validating each return one at a
    time finds: with and without the previous period filed (month check), with last year's own
    return (ly columns), in the year's first period, and for a draft last year (not counted)."""
    from gongxin.reporting.validation import validate_return

    a, b, c, d = (make_enterprise(town_name="荆河街道") for _ in range(4))
    make_return(a, "2022-02", status=S.ACCEPTED, vals=values(output_value__ytd=1500))  # 3月本月 ≠ 1-3 − 1-2
    make_return(a, "2022-03", status=S.SUBMITTED, vals=WARNED)
    make_return(b, "2021-03", status=S.ACCEPTED, vals=values(output_value__month=500, output_value__ytd=1000))
    make_return(b, "2022-03", status=S.SUBMITTED)  # its ly columns differ from its own 2021-03 return
    make_return(c, "2021-03", status=S.DRAFT, vals=values(output_value__month=1, output_value__ytd=1))
    make_return(c, "2022-03", status=S.SUBMITTED, vals=values(sales_value__ytd=3500))  # sales > output
    make_return(d, "2022-02", status=S.SUBMITTED, vals=values(output_value__month=5000))
    returns = Return.objects.filter(enterprise__in=[a, b, c, d]).select_related("form")
    with django_assert_max_num_queries(12):
        bulk = findings_by_return(returns)
    one_by_one = {r.pk: validate_return(r, check_period=False) for r in returns}
    assert bulk == one_by_one
    rules = {f.rule for found in bulk.values() for f in found}
    assert {"yoy", "month_consistency", "ly_note", "sales_gt_output"} <= rules  # the cases above are exercised
    assert warnings_by_return(returns) == {pk: [f for f in v if not f.is_error] for pk, v in bulk.items()}
