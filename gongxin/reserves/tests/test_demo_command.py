import io
import json

import pytest
from django.core.management import call_command

from gongxin.reserves.models import CapacityContract, Dispatch

pytestmark = pytest.mark.django_db

MATERIAL_KEYS = {"code", "name", "unit", "category", "on_hand", "reserved", "available", "capacity_within_window",
                 "standard", "coverage_pct", "gap"}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=io.StringIO())


def run(*args):
    out = io.StringIO()
    call_command("reserves", *args, stdout=out)
    return out.getvalue()


def test_demo_reproduces_the_article_and_every_reserves_page_renders(demo, client):
    data = json.loads(run("--date", "2022-03-31", "--format", "json"))
    assert set(data) == {"date", "materials", "procurement", "contracts"} and data["date"] == "2022-03-31"
    assert all(set(m) == MATERIAL_KEYS for m in data["materials"])
    bought = {(p["category"], p["unit"]): p["quantity"] for p in data["procurement"]}
    assert set(data["procurement"][0]) == {"category", "unit", "quantity"}
    assert bought[("防护", "件")] > 200_000
    assert bought[("消杀", "瓶(桶)")] > 60_000
    assert data["contracts"] == {"enterprises": 6, "subsidy_wan": "350.00"}
    for m in data["materials"]:
        assert m["available"] == m["on_hand"] - m["reserved"]
        assert m["gap"] == max(0, m["standard"] - m["available"] - m["capacity_within_window"])
    gaps = [m["code"] for m in data["materials"] if m["gap"]]
    assert 1 <= len(gaps) <= 4  # "a few gaps"
    table = run("--date", "2022-03-31")
    assert "保障供应合同企业6家" in table and "防护\t205000件" in table

    # The contracted enterprises are of divisions 17/26/27; dispatches in every state; ledger agrees.
    divisions = set(CapacityContract.objects.values_list("enterprise__division__code", flat=True))
    assert divisions <= {"17", "26", "27"} and CapacityContract.objects.values("enterprise").distinct().count() == 6
    assert set(Dispatch.objects.values_list("status", flat=True)) == set(Dispatch.Status.values)
    call_command("reserves_check", stdout=io.StringIO())
    _every_page_renders(client)


def test_reserves_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "2022-13-01")


def _every_page_renders(client):
    from django.contrib.auth import get_user_model

    from gongxin.reserves.models import Balance, Purchase

    client.force_login(get_user_model().objects.get(username="bureau"))
    urls = ["/reserves/", "/reserves/?date=2022-03-31", "/reserves/?date=2022-03-20&by=2022-04-10",
            "/reserves/?date=garbage", "/reserves/stock/", "/reserves/reconciliation/?period=2022-03",
            "/reserves/reconciliation/?period=bad", "/reserves/contracts/", "/reserves/purchases/",
            "/reserves/dispatches/", "/reserves/dispatches/new/", "/"]
    urls += [f"/reserves/dispatches/{n}/" for n in Dispatch.objects.values_list("number", flat=True)]
    urls += [f"/reserves/dispatches/{n}/note.docx" for n in Dispatch.objects.values_list("number", flat=True)[:2]]
    urls += [f"/reserves/contracts/{n}/" for n in CapacityContract.objects.values_list("number", flat=True)]
    urls += [f"/reserves/purchases/{n}/" for n in Purchase.objects.values_list("number", flat=True)]
    urls += sorted({f"/reserves/stock/card/{m}/{w}/" for m, w in
                    Balance.objects.values_list("material__code", "warehouse__code")})
    assert [(u, code) for u, code in ((u, client.get(u).status_code) for u in urls) if code != 200] == []
    page = client.get("/reserves/?date=2022-03-31").content.decode()
    assert 'data-figure="contract-enterprises">6<' in page and "table-danger" in page
    client.force_login(get_user_model().objects.get(username="supplier"))
    assert client.get("/").status_code == 200
