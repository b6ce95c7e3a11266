import pytest

from gongxin.registry.models import Enterprise
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/")
    assert response.status_code == 200
    return response


@pytest.fixture
def p():
    mine = make_enterprise(town_name="荆河街道", years=(2021, 2022))
    make_enterprise(town_name="荆河街道", years=(2022,))  # entrant
    make_enterprise(town_name="荆河街道", years=(2021,))  # leaver
    make_enterprise(town_name="龙泉街道", years=(2021, 2022))
    make_enterprise(town_name="龙泉街道", years=(2022,))  # entrant
    return personas(mine)


def test_bureau_home_counts_the_latest_list_and_its_changes(client, p):
    ctx = home(client, p["analyst"]).context
    latest = Enterprise.objects.on_list(2022)
    assert (ctx["list_year"], ctx["list_count"], ctx["entrants"], ctx["leavers"]) == (
        2022, latest.count(), 2, 1)
    assert ctx["enterprise_count"] == 5


def test_town_home_counts_its_own_town(client, p):
    ctx = home(client, p["town"]).context
    assert (ctx["list_count"], ctx["entrants"], ctx["leavers"], ctx["enterprise_count"]) == (2, 1, 1, 3)


def test_reporter_home_shows_its_enterprise(client, p):
    response = home(client, p["reporter"])
    assert response.context["enterprise_count"] == 1
    assert "本企业" in response.content.decode()


def test_user_without_role_is_told_to_ask_for_one(client, p):
    response = home(client, p["nobody"])
    body = response.content.decode()
    assert "尚未分配角色" in body
    assert "/enterprises/" not in body
