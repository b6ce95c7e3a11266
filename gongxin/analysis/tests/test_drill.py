"""Drill-down: every town / industry / tier / group row opens its enterprises, sortable and exportable."""

import io

import pytest
from openpyxl import load_workbook

from gongxin.analysis import stats
from gongxin.testing import make_enterprise, personas, town

from .helpers import make_return, output

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    fast = make_enterprise("荆河快速增长有限公司", industry="34")
    slow = make_enterprise("荆河大型稳定有限公司", industry="34")
    late = make_enterprise("荆河未报企业有限公司", industry="34")
    other = make_enterprise("龙泉远方化工有限公司", town_name="龙泉街道", industry="26")
    make_return(fast, "2022-03", "accepted", output(100, 300, 50, 150))  # +100%
    make_return(slow, "2022-03", "submitted", output(500, 1500, 480, 1400))  # +7.1%
    make_return(other, "2022-03", "submitted", output(50, 150, 60, 160))
    return fast, slow, late, other, personas(fast, other)


def test_enterprise_rows_of_a_town_with_share_and_contribution(data):
    fast, slow, *_ = data
    group, rows = stats.enterprise_rows("2022-03", "town", town("荆河街道").code, sort="growth")
    assert [r.name for r in rows] == [fast.name, slow.name]
    assert group.output.ytd == 1800 and rows[0].share == stats.share_pct(rows[0].output, group.output)
    assert rows[0].contribution == 60  # 150 of the town's 250 increase
    _, by_output = stats.enterprise_rows("2022-03", "town", town("荆河街道").code, sort="output")
    assert [r.name for r in by_output] == [slow.name, fast.name]


@pytest.mark.parametrize("who, status", [("admin", 200), ("analyst", 200), ("town", 200), ("leader", 200),
                                         ("reporter", 403), ("other_reporter", 403), ("nobody", 403)])
def test_drill_page_access(client, data, who, status):
    *_, p = data
    client.force_login(p[who])
    url = f"/analysis/enterprises/?period=2022-03&by=town&code={town('荆河街道').code}"
    assert client.get(url).status_code == status


def test_outsider_officer_sees_none_of_another_towns_enterprises(client, data):
    fast, *_, p = data
    client.force_login(p["outsider"])
    html = client.get(f"/analysis/enterprises/?period=2022-03&by=town&code={town('荆河街道').code}").content.decode()
    assert fast.name not in html


def test_dashboard_rows_link_to_their_enterprises_and_the_page_lists_all(client, data):
    fast, slow, late, other, p = data
    client.force_login(p["analyst"])
    html = client.get("/analysis/?period=2022-03").content.decode()
    for by in ("town", "industry", "tier"):
        assert f"/analysis/enterprises/?period=2022-03&by={by}&code=" in html
    page = client.get(f"/analysis/enterprises/?period=2022-03&by=town&code={town('荆河街道').code}&sort=growth")
    html = page.content.decode()
    assert html.index(fast.name) < html.index(slow.name) and late.name in html and other.name not in html
    assert client.get("/analysis/enterprises/?period=2022-03&by=town&code=nope").status_code == 404
    assert client.get("/analysis/enterprises/?period=2022-03&by=industry&code=34").content.decode().count(
        'data-testid="growth"') == 2


def test_export_has_number_formats_and_the_screens_unit(client, data):
    *_, p = data
    client.force_login(p["analyst"])
    response = client.get(f"/analysis/enterprises/?period=2022-03&by=town&code={town('荆河街道').code}"
                          "&sort=growth&format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    assert "1-本月产值（万元）" in headers and ws.freeze_panes == "A2"
    ytd = ws.cell(2, headers.index("1-本月产值（万元）") + 1)
    assert ytd.value == 30 and ytd.number_format == "#,##0.0"  # 300千元 = 30.0万元
    assert ws.cell(2, headers.index("累计增速（%）") + 1).number_format == "0.0"


def test_town_officer_dashboard_lists_every_enterprise_of_the_town(client, data):
    fast, slow, *_, p = data
    client.force_login(p["town"])
    html = client.get("/analysis/?period=2022-03").content.decode()
    assert 'data-testid="town-enterprises"' in html and fast.name in html and slow.name in html
    client.force_login(p["analyst"])
    assert 'data-testid="town-enterprises"' not in client.get("/analysis/?period=2022-03").content.decode()


@pytest.mark.parametrize("who, status", [("analyst", 200), ("town", 200), ("leader", 200), ("reporter", 403),
                                         ("nobody", 403)])
def test_product_links_to_the_enterprises_that_make_it(client, who, status):
    from .helpers import make_product

    maker = make_enterprise("荆河原煤有限公司")
    away = make_enterprise("龙泉原煤有限公司", town_name="龙泉街道")
    make_product("P1", "原煤", "万吨")
    make_return(maker, "2022-03", "accepted", output(100, 300, 80, 240), lines={"P1": (1, 3, 1, 2, 10, 8)})
    make_return(away, "2022-03", "accepted", output(100, 300, 80, 240), lines={"P1": (2, 5, 1, 4, 11, 9)})
    p = personas(maker)
    client.force_login(p[who])
    response = client.get("/analysis/products/P1/enterprises/?period=2022-03")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert maker.name in html and "增长50.0%" in html and "增长25.0%" in html  # 3 vs 2; price 10 vs 8
        assert (away.name in html) == (who != "town")
        assert "/analysis/products/P1/enterprises/?period=2022-03" in client.get(
            "/analysis/products/?period=2022-03").content.decode()
