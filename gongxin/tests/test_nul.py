"""A NUL character (%00) in a page's address or its query parameters gets a clear 400, never a 500:
PostgreSQL refuses NUL in a query, so a filter such as ?q=%00 would fail inside the database."""

import pytest
from django.test import Client

from gongxin.accounts.scoping import get_access
from gongxin.menu import menu_for
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db
PARAMS = ("q", "period", "town", "status", "form", "industry", "tier", "sort", "page", "flag", "kind", "year")


@pytest.mark.parametrize("who", ["admin", "town", "reporter"])
def test_nul_in_any_parameter_of_any_menu_page_is_a_400(who):
    cast = personas(make_enterprise(town_name="荆河街道"))
    client = Client()
    client.force_login(cast[who])
    urls = [e["url"] for g in menu_for(get_access(cast[who]), "/") for e in g["entries"]]
    assert urls
    for url in urls:
        for name in PARAMS:
            response = client.get(url, {name: "a\x00b"})
            assert response.status_code == 400, (url, name, response.status_code)
            assert "请求参数中含有非法字符" in response.content.decode(), url
        response = client.get(url, {"a\x00": "1"})
        assert response.status_code == 400, url


def test_nul_in_the_path_is_a_400():
    cast = personas(make_enterprise(town_name="荆河街道"))
    client = Client()
    client.force_login(cast["admin"])
    assert client.get("/enterprises/%00/").status_code == 400


def test_plain_parameters_still_pass():
    cast = personas(make_enterprise(town_name="荆河街道"))
    client = Client()
    client.force_login(cast["admin"])
    assert client.get("/enterprises/", {"q": "荆河"}).status_code == 200
