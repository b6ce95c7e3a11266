"""The demo county reproduces the article's 技改 figures (DESIGN.md "Reference county")."""

import io
import json

import pytest
from django.core.management import call_command

from gongxin.projects.models import Project, Stage
from gongxin.projects.stats import period_end

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_article():
    call_command("load_demo", "--reset", "--force", stdout=io.StringIO())
    out = io.StringIO()
    call_command("investment", "--period", "2022-03", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    [county] = data["rows"]
    assert (county["ytd"], county["ytd_growth_pct"]) == ("192000.00", "15.0")
    assert data["key_projects"] == {"count": 100, "total_investment": "4130000.00"}
    assert {"name": "省企业技术改造重点导向项目", "projects": 20} in data["programmes"]
    assert any(p["name"] == "百家企业智能化技改" and p["projects"] > 0 for p in data["programmes"])
    assert data["funds"] == {"enterprises": 2, "total": "4500.00"}
    assert 3 <= Project.objects.overdue(period_end("2022-03")).count() <= 10
    assert Project.objects.filter(town__name="荆河街道").count() >= 5
    assert Project.objects.filter(enterprise__memberships__user__username="enterprise").exists()
    assert set(Stage.values) <= set(Project.objects.values_list("stage", flat=True))
