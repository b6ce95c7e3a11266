"""Small hand-built datasets for the brief and warnings tests."""

from decimal import Decimal

from gongxin.analysis.tests.helpers import make_product, make_return, output
from gongxin.projects.models import Project, ProjectInvestment
from gongxin.testing import make_enterprise


def make_project(enterprise, investments, code="JG-T-001"):
    """A key project of 2022 with {period: ytd 万元} investment figures."""
    project = Project.objects.create(code=code, name="智能化改造项目", enterprise=enterprise,
                                     total_investment=Decimal("500000"), is_key=True, key_year=2022, stage="building")
    for period, ytd in investments.items():
        ProjectInvestment.objects.create(project=project, period=period, month=Decimal(ytd), ytd=Decimal(ytd))
    return project


def article_county():
    """Two enterprises whose 2022-03 figures are worked out by hand in the tests.

    A: month 4,000,000, ytd 10,000,000 (last year 3,500,000 / 8,000,000)
    B: month 3,000,000, ytd  8,400,000 (last year 2,000,000 / 7,000,000)   — 千元
    county: month 7,000,000 = 70.0亿元; ytd 18,400,000 = 184.0亿元; growth 18.4/15.0 − 1 = 22.7%.
    Investment 192,000 vs 160,000 万元 = 19.2亿元, +20.0%. Products: P1 up in quantity and price, P2 down.
    """
    a = make_enterprise("甲机械有限公司", town_name="荆河街道")
    b = make_enterprise("乙化工有限公司", town_name="龙泉街道", industry="26")
    make_product("P1")
    make_product("P2")
    make_return(a, "2022-03", values=output(4_000_000, 10_000_000, 3_500_000, 8_000_000),
                lines={"P1": (10, 30, 8, 20, 110, 100), "P2": (5, 10, 6, 12, 90, 100)})
    make_return(b, "2022-03", values=output(3_000_000, 8_400_000, 2_000_000, 7_000_000))
    make_project(a, {"2021-03": 160_000, "2022-03": 192_000})
    return a, b
