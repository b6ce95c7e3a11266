"""Role rules are named on Access; the menu shows an entry exactly to those its page lets in."""

import pytest

from gongxin.accounts.scoping import get_access
from gongxin.menu import menu_for
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db

# Pages whose views check the same named property as their menu entry.
GUARDED = ["/analysis/", "/analysis/products/", "/analysis/plans/", "/analysis/warnings/", "/analysis/brief/",
           "/returns/completeness/"]


@pytest.fixture
def people():
    return personas(make_enterprise(), make_enterprise(town_name="龙泉街道"))


def test_named_rules_per_persona(people):
    rules = {who: get_access(user) for who, user in people.items()}
    assert [w for w, a in rules.items() if a.reads_analysis] == ["admin", "analyst", "town", "outsider", "leader"]
    assert [w for w, a in rules.items() if a.reviews_returns] == ["admin", "analyst", "town", "outsider"]
    assert [w for w, a in rules.items() if a.files_returns] == ["reporter", "other_reporter"]
    assert [w for w, a in rules.items() if a.handles_returns] == [
        "admin", "analyst", "town", "outsider", "reporter", "other_reporter"]
    assert [w for w, a in rules.items() if a.manages_projects] == ["admin", "analyst", "town", "outsider"]
    assert [w for w, a in rules.items() if a.follows_up_warnings] == ["admin", "analyst", "town", "outsider"]
    assert [w for w, a in rules.items() if a.manages_registry] == ["admin", "analyst"]


def test_menu_entry_shown_exactly_when_the_page_lets_the_user_in(client, people):
    for who, user in people.items():
        shown = {e["url"] for g in menu_for(get_access(user), "/") for e in g["entries"]}
        client.force_login(user)
        for url in GUARDED:
            status = client.get(url).status_code
            assert (url in shown) == (status == 200), (who, url, status)
