"""The 运行驾驶舱: who may open it, its data, the tile layout of the 21 towns, the rolling trend."""

import pytest

from gongxin.analysis import stats
from gongxin.analysis.cockpit import cockpit_data, tile_layout
from gongxin.registry.models import Region
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import make_return, values
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    e = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    for ent, ytd in ((e, 3000), (other, 6000)):
        make_return(ent, period="2022-03", status=Return.Status.ACCEPTED, vals=values(output_value__ytd=ytd))
        make_return(ent, period="2021-03", status=Return.Status.ACCEPTED, vals=values())
    return e, personas(e)


def test_access_matrix(client, cast):
    _, p = cast
    expected = {"admin": 200, "analyst": 200, "leader": 200, "town": 200, "outsider": 200, "reporter": 403,
                "nobody": 403}
    for who, status in expected.items():
        client.force_login(p[who])
        assert client.get("/analysis/cockpit/?period=2022-03").status_code == status, who
        assert client.get("/analysis/cockpit/data.json?period=2022-03").status_code == status, who
    client.force_login(p["analyst"])
    assert client.get("/analysis/cockpit/?period=2022-13").status_code == 404


def test_every_town_has_one_tile():
    towns = set(Region.objects.towns().values_list("code9", flat=True))
    layout = tile_layout()
    assert set(layout) == towns and len(set(layout.values())) == len(towns) == 21


def test_data_is_the_engines(cast):
    e, p = cast
    data = cockpit_data("2022-03", p["analyst"])
    whole = stats.county("2022-03", p["analyst"]).output
    assert data["headline"]["ytd_growth"] == str(whole.ytd_growth_pct)
    assert data["headline"]["enterprises"] == 2
    assert [t["name"] for t in data["towns"]] == ["荆河街道", "龙泉街道"] and all(t["tile"] for t in data["towns"])
    # Periods before the first return are left out: 2021-03 (last year's values only) … 2022-03.
    assert data["trend"]["periods"][0] == "2021年3月" and len(data["trend"]["periods"]) == 12
    assert data["trend"]["periods"][-1] == data["label"]


def test_town_officer_sees_only_the_town(client, cast):
    e, p = cast
    client.force_login(p["town"])
    body = client.get("/analysis/cockpit/data.json?period=2022-03").json()
    assert [t["name"] for t in body["towns"]] == ["荆河街道"] and body["headline"]["enterprises"] == 1
