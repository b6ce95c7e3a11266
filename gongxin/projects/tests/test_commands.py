import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from gongxin.projects.models import Stage
from gongxin.testing import make_enterprise

from .utils import invest, make_programme, make_project

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("investment", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_published_keys():
    e = make_enterprise()
    p = make_project(e, Stage.BUILDING, total="1234.5", is_key=True, key_year=2022)
    make_programme().projects.add(p)
    invest(p, "2021-03", "10", "40")
    invest(p, "2022-03", "10", "50")
    data = json.loads(run("--period", "2022-03", "--format", "json"))
    # The published keys, in order; issue 11 added `as_of` and `coverage` after them.
    assert list(data) == ["period", "unit", "rows", "key_projects", "programmes", "funds", "as_of", "coverage"]
    assert data["as_of"] == "2022-03-31"
    assert data["coverage"] == {"expected": 1, "reported": 1, "counted": 1}
    assert (data["period"], data["unit"]) == ("2022-03", "万元")
    [row] = data["rows"]
    assert list(row) == ["code", "name", "projects", "ytd", "ytd_ly", "ytd_growth_pct"]
    assert (row["ytd"], row["ytd_ly"], row["ytd_growth_pct"], row["projects"]) == ("50.00", "40.00", "25.0", 1)
    assert data["key_projects"] == {"count": 1, "total_investment": "1234.50"}
    assert data["programmes"] == [{"name": "省企业技术改造重点导向项目", "projects": 1}]
    assert data["funds"] == {"enterprises": 0, "total": "0.00"}


def test_by_town_and_null_growth():
    p = make_project(make_enterprise(town_name="龙泉街道"), Stage.BUILDING)
    invest(p, "2022-03", "10", "10")
    data = json.loads(run("--period", "2022-03", "--by", "town", "--format", "json"))
    assert data["rows"] == [{"code": "370481002000", "name": "龙泉街道", "projects": 1, "ytd": "10.00",
                             "ytd_ly": "0.00", "ytd_growth_pct": None}]
    assert Decimal(data["rows"][0]["ytd"]) == Decimal("10")


def test_table_format_prints_the_county():
    assert "滕州市" in run("--period", "2022-03")
