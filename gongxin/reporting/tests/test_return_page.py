import pytest

from gongxin.accounts.models import AuditEntry
from gongxin.reporting.models import ProductLine, Return, ReturnValue, ValueChange
from gongxin.testing import make_enterprise, personas

from .helpers import make_return, post_data, values

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    return e, other, personas(e, other)


def url(e, period="2022-04", tail=""):
    return f"/returns/{e.uscc}/output/{period}/{tail}"


@pytest.mark.parametrize("who,status", [("reporter", 200), ("town", 200), ("analyst", 200), ("admin", 200),
                                        ("leader", 200), ("outsider", 404), ("other_reporter", 404),
                                        ("nobody", 404)])
def test_who_sees_the_return_page(client, cast, who, status):
    e, _, p = cast
    make_return(e, "2022-04")
    client.force_login(p[who])
    assert client.get(url(e)).status_code == status


def test_anonymous_is_sent_to_login(client, cast):
    e, _, _ = cast
    assert client.get(url(e)).status_code == 302


@pytest.mark.parametrize("who,status", [("reporter", 302), ("analyst", 302), ("town", 403), ("leader", 403),
                                        ("outsider", 404), ("other_reporter", 404)])
def test_who_may_save(client, cast, who, status):
    e, _, p = cast
    client.force_login(p[who])
    assert client.post(url(e), post_data(action="save")).status_code == status
    assert Return.objects.filter(enterprise=e).exists() == (status == 302)


@pytest.mark.parametrize("who,status", [("reporter", 200), ("town", 403), ("leader", 403), ("outsider", 404)])
def test_who_may_run_the_live_check(client, cast, who, status):
    e, _, p = cast
    client.force_login(p[who])
    assert client.post(url(e, tail="check/"), post_data()).status_code == status


def test_last_year_figures_are_prefilled_from_last_years_return(client, cast):
    e, _, p = cast
    make_return(e, "2021-04", status=S.ACCEPTED, vals=values(output_value__month=777, output_value__ytd=2777))
    client.force_login(p["reporter"])
    html = client.get(url(e)).content.decode()
    assert 'name="output_value.month_ly" value="777"' in html
    assert 'name="output_value.ytd_ly" value="2777"' in html


def test_changed_last_year_figure_needs_a_note(client, cast):
    e, _, p = cast
    last_year = values(output_value__month=900, output_value__ytd=2600, sales_value__month=850,
                       sales_value__ytd=2600, electricity__month=9, electricity__ytd=27)
    make_return(e, "2021-03", status=S.ACCEPTED, vals=last_year)
    client.force_login(p["reporter"])
    response = client.post(url(e, "2022-03"), post_data(action="submit"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "工业总产值“上年1-同月”（2,700）与上年报表（2,600）不一致" in html
    assert "工业销售产值“上年" not in html
    response = client.post(url(e, "2022-03"), post_data(**{"action": "submit", "note.output_value": "统计局核定"}))
    assert response.status_code == 302
    assert ReturnValue.objects.get(ret__period="2022-03", indicator__code="output_value").ly_note == "统计局核定"


def test_live_check_places_messages_next_to_fields(client, cast):
    e, _, p = cast
    client.force_login(p["reporter"])
    html = client.post(url(e, tail="check/"), post_data(values(output_value__ytd=500))).content.decode()
    assert 'id="msg-output_value" hx-swap-oob="true"' in html
    assert "1-本月（500）不能小于本月（1,000）" in html
    assert 'id="derived-output_value"' in html


def test_submit_with_an_error_is_refused_with_the_message_next_to_the_field(client, cast):
    e, _, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(values(sales_value__month=-5), action="submit"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="sales_value.month" value="-5"' in html and "is-invalid" in html
    assert "工业销售产值“本月”不能为负数" in html
    assert not Return.objects.exists()


def test_typed_text_that_is_not_a_number_is_refused(client, cast):
    e, _, p = cast
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(**{"output_value.month": "一千", "action": "save"}))
    assert response.status_code == 400 and "应填数字" in response.content.decode()
    assert not Return.objects.exists()


def test_must_show_workflow_from_entry_to_acceptance(client, cast):
    """As enterprise: fill, see a warning, explain, submit; town returns; resubmit; approve; accept."""
    e, _, p = cast
    jump = values(output_value__ytd=6000, output_value__month=1000, sales_value__ytd=5800, sales_value__month=950)
    client.force_login(p["reporter"])
    html = client.post(url(e, tail="check/"), post_data(jump)).content.decode()
    assert "工业总产值1-本月同比增长1.2倍" in html
    response = client.post(url(e), post_data(jump, action="submit"))
    assert response.status_code == 400 and "预警说明" in response.content.decode()
    assert not Return.objects.exists()
    response = client.post(url(e), post_data(jump, action="submit", explanation="新生产线投产"))
    assert response.status_code == 302
    ret = Return.objects.get(enterprise=e)
    assert ret.status == S.SUBMITTED

    client.force_login(p["town"])
    assert client.post(url(e, tail="return/"), {"reason": "", "version": ret.version}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == S.SUBMITTED  # no reason, not returned
    client.post(url(e, tail="return/"), {"reason": "出口交货值请核实", "version": ret.version})
    ret.refresh_from_db()
    assert ret.status == S.RETURNED

    client.force_login(p["reporter"])
    fixed = values(output_value__ytd=6000, output_value__month=1000, sales_value__ytd=5800, sales_value__month=950,
                   export_value__month=100, export_value__ytd=300)
    client.post(url(e), post_data(fixed, action="submit", explanation="新生产线投产", version=ret.version))
    ret.refresh_from_db()
    assert ret.status == S.SUBMITTED

    client.force_login(p["town"])
    client.post(url(e, tail="approve/"), {"version": ret.version})
    client.force_login(p["analyst"])
    client.post(url(e, tail="accept/"), {"version": Return.objects.get(pk=ret.pk).version})
    ret.refresh_from_db()
    assert ret.status == S.ACCEPTED

    html = client.get(url(e)).content.decode()
    for step in ("报送", "退回企业", "镇街审核通过", "工信局受理", "出口交货值请核实", "其中:出口交货值·本月：0 → 100"):
        assert step in html, step
    assert ValueChange.objects.filter(ret=ret, field="export_value.ytd", old=0, new=300).exists()
    actions = list(AuditEntry.objects.filter(object_type="reporting.return").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["returns.create", "returns.submit", "returns.return", "returns.submit", "returns.approve",
                       "returns.accept"]


@pytest.mark.parametrize("who,action,status", [
    ("outsider", "approve", 404), ("leader", "approve", 403), ("reporter", "approve", 403),
    ("reporter", "accept", 403), ("town", "accept", 403), ("analyst", "reopen", 403),
])
def test_transitions_refused_by_role(client, cast, who, action, status):
    e, _, p = cast
    ret = make_return(e, "2022-04", status=S.ACCEPTED if action == "reopen" else S.SUBMITTED)
    client.force_login(p[who])
    assert client.post(url(e, tail=f"{action}/"), {"reason": "x"}).status_code == status
    assert Return.objects.get(pk=ret.pk).status == ret.status


def test_illegal_transition_shows_the_message(client, cast):
    e, _, p = cast
    ret = make_return(e, "2022-04", status=S.DRAFT)
    client.force_login(p["analyst"])
    response = client.post(url(e, tail="accept/"), {"version": ret.version}, follow=True)
    assert "当前状态为“草稿”，不能受理" in response.content.decode()


def test_stale_form_is_refused_and_typed_figures_stay_on_the_page(client, cast):
    e, _, p = cast
    ret = make_return(e, "2022-04")
    stale = ret.version
    client.force_login(p["analyst"])
    client.post(url(e), post_data(action="save", version=stale))
    client.force_login(p["reporter"])
    response = client.post(url(e), post_data(values(output_value__month=4321), action="save", version=stale))
    html = response.content.decode()
    assert response.status_code == 400 and "已被他人修改" in html and 'value="4321"' in html
    assert ReturnValue.objects.get(ret=ret, indicator__code="output_value").month == 1000


def test_accepted_return_page_is_read_only(client, cast):
    e, _, p = cast
    make_return(e, "2022-04", status=S.ACCEPTED)
    client.force_login(p["reporter"])
    html = client.get(url(e)).content.decode()
    assert "已受理并锁定" in html and 'name="output_value.month"' not in html
    response = client.post(url(e), post_data(action="save"))
    assert response.status_code == 400 and "锁定" in response.content.decode()


def test_product_line_added_on_the_page(client, cast):
    from gongxin.reporting.models import MonitoredProduct, Product

    e, _, p = cast
    cement = Product.objects.create(code="P005", name="水泥", unit="吨")
    MonitoredProduct.objects.create(year=2022, product=cement)
    client.force_login(p["reporter"])
    data = post_data(action="save", pnew=str(cement.id), **{"pnew.qty_month": "120", "pnew.qty_ytd": "300",
                                                            "pnew.price": "420"})
    assert client.post(url(e), data).status_code == 302
    line = ProductLine.objects.get(ret__enterprise=e)
    assert (line.qty_month, line.qty_ytd, line.price) == (120, 300, 420)
    html = client.get(url(e)).content.decode()
    assert f'name="p{cement.id}.qty_month" value="120"' in html
