"""Analysis pages: who may see what (200 / 302 / 403 / 404), scoping, read-only roles, exports."""

import io

import pytest
from openpyxl import load_workbook

from gongxin.accounts.models import AuditEntry
from gongxin.analysis.models import OfficialAddedValue, PriceIndex, TownPlan
from gongxin.testing import division, make_enterprise, personas, town

from .helpers import D, make_product, make_return, output

pytestmark = pytest.mark.django_db

PAGES = ["/analysis/?period=2022-03", "/analysis/products/?period=2022-03", "/analysis/plans/?period=2022-03",
         "/analysis/plans/?kind=investment&period=2022-03", "/analysis/ppi/?period=2022-03"]
EXPORTS = ["county", "towns", "industries", "tiers", "groups", "risers", "fallers", "products", "ppi"]


@pytest.fixture
def data():
    own = make_enterprise("荆河精工机械有限公司", industry="34")
    other = make_enterprise("龙泉远方化工有限公司", town_name="龙泉街道", industry="26")
    make_product("P1", "原煤", "万吨")
    make_return(own, "2022-03", "accepted", output(100, 300, 80, 240), lines={"P1": (1, 3, 1, 2, 10, 9)})
    make_return(other, "2022-03", "submitted", output(50, 150, 60, 160))
    TownPlan.objects.create(year=2022, town=town("荆河街道"), output_target=D(1200))
    return own, other, personas(own, other)


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["admin", "analyst", "leader", "town"])
def test_analysis_readers_get_every_page(client, data, who):
    login(client, data[2][who])
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    for ident in EXPORTS:
        response = client.get(f"/analysis/export/{ident}/?period=2022-03")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml"), ident


@pytest.mark.parametrize("who", ["reporter", "nobody"])
def test_enterprise_users_and_roleless_users_are_refused(client, data, who):
    own, _, people = data
    login(client, people[who])
    for url in PAGES + ["/analysis/export/towns/?period=2022-03", f"/analysis/enterprise/{own.uscc}/"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, data):
    for url in PAGES:
        assert client.get(url).status_code == 302


def test_overview_shows_county_figures(client, data):
    login(client, data[2]["analyst"])
    html = client.get("/analysis/?period=2022-03").content.decode()
    # 450千元 = 45.0万元 ytd; 400 → growth 12.5%
    assert "增长12.5%" in html and "龙泉街道" in html and "荆河街道" in html


def test_town_officer_dashboard_shows_only_own_town(client, data):
    own, other, people = data
    login(client, people["town"])
    html = client.get("/analysis/?period=2022-03").content.decode()
    assert "荆河街道" in html and "龙泉街道" not in html and other.name not in html
    assert "增长25.0%" in html  # 300 vs 240: own town only
    rows = load_workbook(io.BytesIO(client.get("/analysis/export/towns/?period=2022-03").content)).active
    assert [r[1] for r in rows.iter_rows(min_row=2, values_only=True)] == ["荆河街道"]


def test_town_officer_cannot_see_other_towns_enterprise(client, data):
    own, other, people = data
    login(client, people["town"])
    assert client.get(f"/analysis/enterprise/{other.uscc}/").status_code == 404
    assert client.get(f"/analysis/enterprise/{own.uscc}/").status_code == 200


def test_enterprise_drilldown_and_panel(client, data):
    own, _, people = data
    login(client, people["analyst"])
    assert own.name in client.get(f"/analysis/enterprise/{own.uscc}/?period=2022-03").content.decode()
    assert f"/analysis/enterprise/{own.uscc}/" in client.get(f"/enterprises/{own.uscc}/").content.decode()
    login(client, people["reporter"])
    assert "/analysis/enterprise/" not in client.get(f"/enterprises/{own.uscc}/").content.decode()


def test_plans_fragment_is_the_table_only(client, data):
    login(client, data[2]["analyst"])
    html = client.get("/analysis/plans/?kind=output&period=2022-03&fragment=1").content.decode()
    assert html.lstrip().startswith("<div") and "<html" not in html
    assert "25.0%" in html  # 300 / 1200 completion, time progress 25.0%


@pytest.mark.parametrize("who", ["leader", "town"])
def test_read_only_roles_cannot_change_anything(client, data, who):
    login(client, data[2][who])
    d = division("06")
    assert client.post("/analysis/ppi/?period=2022-03", {f"ytd_index_{d.pk}": "105"}).status_code == 403
    assert client.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": "9"}).status_code == 403
    assert client.get("/analysis/plans/edit/?year=2022").status_code == 403
    assert client.get("/analysis/products/import/").status_code == 403
    assert client.get("/analysis/ppi/import/").status_code == 403
    assert not PriceIndex.objects.exists() and not OfficialAddedValue.objects.exists()


def test_analyst_saves_ppi_and_official_figure(client, data):
    login(client, data[2]["analyst"])
    d = division("34")
    response = client.post("/analysis/ppi/?period=2022-03", {"period": "2022-03", f"month_index_{d.pk}": "125",
                                                             f"ytd_index_{d.pk}": "120"})
    assert response.status_code == 302
    assert PriceIndex.objects.get(division=d, period="2022-03").ytd_index == D(120)
    bad = client.post("/analysis/ppi/?period=2022-03", {"period": "2022-03", f"ytd_index_{d.pk}": "abc"})
    assert bad.status_code == 400 and PriceIndex.objects.get(division=d).ytd_index == D(120)
    long_note = client.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": "8.15",
                                                        "note": "局" * 201}, follow=True)
    assert "来源最多200个字，收到201个字" in long_note.content.decode() and not OfficialAddedValue.objects.exists()
    client.post("/analysis/ppi/official/", {"period": "2022-03", "ytd_growth_pct": "8.15"})
    assert OfficialAddedValue.objects.get(period="2022-03").ytd_growth_pct == D("8.2")
    html = client.get("/analysis/?period=2022-03").content.decode()
    assert "官方数" in html and "+8.2" in html
    assert AuditEntry.objects.filter(object_type="analysis.priceindex").count() == 1


def test_analyst_edits_plans_with_version_check(client, data):
    login(client, data[2]["analyst"])
    plan = TownPlan.objects.get()
    jh = town("荆河街道")
    response = client.post("/analysis/plans/edit/", {"year": "2022", f"output_target_{jh.pk}": "1500",
                                                     f"version_{jh.pk}": str(plan.version)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.output_target == D(1500) and plan.version == 2
    stale = client.post("/analysis/plans/edit/", {"year": "2022", f"output_target_{jh.pk}": "1600",
                                                  f"version_{jh.pk}": "1"})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    plan.refresh_from_db()
    assert plan.output_target == D(1500)


def test_exports_neutralise_formulas(client, data):
    own, _, people = data
    own.name = "=HYPERLINK(\"http://x\")"
    own.save()
    login(client, people["analyst"])
    ws = load_workbook(io.BytesIO(client.get("/analysis/export/risers/?period=2022-03").content)).active
    cell = ws["B2"]
    assert cell.value == own.name and cell.data_type == "s"


def test_unknown_export_is_404(client, data):
    login(client, data[2]["analyst"])
    assert client.get("/analysis/export/nothing/?period=2022-03").status_code == 404


# ---------------------------------------------------------------- issue 11 on the pages


def test_analyst_keeps_the_added_value_rates_on_the_ppi_page(client, data):
    from gongxin.analysis.models import AddedValueRate

    login(client, data[2]["analyst"])
    d = division("34")
    response = client.post("/analysis/ppi/?period=2022-03", {"period": "2022-03", f"rate_{d.pk}": "26.5"})
    assert response.status_code == 302
    assert AddedValueRate.objects.get(division=d, year=2022).rate_pct == D("26.5")
    assert AuditEntry.objects.filter(object_type="analysis.addedvaluerate").count() == 1
    for bad in ("0", "120", "abc", "25.555"):
        refused = client.post("/analysis/ppi/?period=2022-03", {"period": "2022-03", f"rate_{d.pk}": bad})
        assert refused.status_code == 400, bad
    assert AddedValueRate.objects.get(division=d, year=2022).rate_pct == D("26.5")


@pytest.mark.parametrize("who", ["leader", "town"])
def test_read_only_roles_cannot_change_rates(client, data, who):
    from gongxin.analysis.models import AddedValueRate

    login(client, data[2][who])
    d = division("34")
    before = AddedValueRate.objects.get(division=d, year=2022).rate_pct
    assert client.post("/analysis/ppi/?period=2022-03", {f"rate_{d.pk}": "50"}).status_code == 403
    assert AddedValueRate.objects.get(division=d, year=2022).rate_pct == before


def test_dashboard_headline_says_the_coverage_and_not_comparable(client, data):
    make_enterprise("未报企业")  # on the list, no return
    login(client, data[2]["analyst"])
    html = client.get("/analysis/?period=2022-03").content.decode()
    assert "2022年3月已报送2家，占应报3家的66.7%，以下数据仅含已报送企业（未计入1家）。" in html
    assert "不可比" in html and "缺少2个行业价格指数" in html  # no PPI entered for 34 and 26


@pytest.mark.parametrize("who", ["analyst", "town", "leader"])
@pytest.mark.parametrize("period, message", [("2022-01", "请选择2022-02"), ("2030-05", "尚未结束"),
                                             ("2021-07", "不存在")])
def test_pages_answer_a_bad_period_with_404_and_the_message(client, data, who, period, message):
    login(client, data[2][who])
    for url in ("/analysis/", "/analysis/products/", "/analysis/plans/", "/analysis/ppi/", "/analysis/brief/"):
        response = client.get(f"{url}?period={period}")
        assert response.status_code == 404, url
        assert message in response.content.decode(), url
