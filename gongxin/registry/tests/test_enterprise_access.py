"""The scoping matrix of every registry and accounts view: who sees (200), who may not change (403),
who may not even know the object exists (404), and anonymous users (→ login)."""

import io

import pytest
from openpyxl import load_workbook

from gongxin.registry.models import Enterprise
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db

ALL = ("admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")


@pytest.fixture
def cast():
    mine = make_enterprise("滕州荆河机械有限公司", town_name="荆河街道")
    other = make_enterprise("滕州龙泉化工有限公司", town_name="龙泉街道", industry="26")
    people = personas(mine, other)
    return mine, other, people


def as_user(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def status_for(client, user, url, method="get", data=None):
    client.logout()
    if user is not None:
        as_user(client, user)
    return getattr(client, method)(url, data or {}).status_code


@pytest.mark.parametrize("url", [
    "/", "/enterprises/", "/enterprises/new/", "/enterprises/export.xlsx", "/enterprises/import/",
    "/enterprises/import/template.xlsx", "/accounts/audit/", "/enterprises/91350100M000100Y43/",
    "/enterprises/91350100M000100Y43/edit/",
])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_counts_only_the_enterprises_in_scope(client, cast):
    mine, other, p = cast
    expected = {"admin": 2, "analyst": 2, "leader": 2, "town": 1, "outsider": 1, "reporter": 1,
                "other_reporter": 1, "nobody": 0}
    for who, count in expected.items():
        as_user(client, p[who])
        response = client.get("/")
        assert response.status_code == 200, who
        assert response.context["enterprise_count"] == count, who


def test_list_shows_each_role_its_own_enterprises(client, cast):
    mine, other, p = cast
    expected = {"admin": {mine, other}, "analyst": {mine, other}, "leader": {mine, other},
                "town": {mine}, "outsider": {other}, "reporter": {mine}, "other_reporter": {other},
                "nobody": set()}
    for who, visible in expected.items():
        as_user(client, p[who])
        response = client.get("/enterprises/")
        assert response.status_code == 200, who
        assert set(response.context["page"].object_list) == visible, who
        body = response.content.decode()
        for e in (mine, other):
            assert (e.name in body) == (e in visible), (who, e.name)


def test_list_filters_cannot_widen_a_town_officers_scope(client, cast):
    mine, other, p = cast
    as_user(client, p["town"])
    response = client.get("/enterprises/", {"town": other.town.code, "q": "龙泉", "year": "all"})
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 200), ("analyst", 200), ("leader", 200), ("town", 200), ("reporter", 200),
    ("outsider", 404), ("other_reporter", 404), ("nobody", 404),
])
def test_detail_page_scoping(client, cast, who, expected):
    mine, other, p = cast
    assert status_for(client, p[who], f"/enterprises/{mine.uscc}/") == expected


def test_detail_accepts_a_lower_case_code(client, cast):
    mine, other, p = cast
    assert status_for(client, p["town"], f"/enterprises/{mine.uscc.lower()}/") == 200


def test_unknown_code_is_404(client, cast):
    assert status_for(client, cast[2]["admin"], "/enterprises/91350100M000100Y43/") == 404


def test_only_bureau_sees_the_edit_button(client, cast):
    mine, other, p = cast
    for who, shown in (("admin", True), ("analyst", True), ("leader", False), ("town", False),
                       ("reporter", False)):
        as_user(client, p[who])
        body = client.get(f"/enterprises/{mine.uscc}/").content.decode()
        assert (f"/enterprises/{mine.uscc}/edit/" in body) == shown, who


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 200), ("analyst", 200),
    ("town", 403), ("reporter", 403), ("leader", 403),  # in scope, read-only
    ("outsider", 404), ("other_reporter", 404), ("nobody", 404),  # out of scope
])
def test_edit_page_scoping(client, cast, who, expected):
    mine, other, p = cast
    assert status_for(client, p[who], f"/enterprises/{mine.uscc}/edit/") == expected


@pytest.mark.parametrize("who", ["town", "reporter", "leader", "outsider", "nobody"])
def test_edit_post_by_others_changes_nothing(client, cast, who):
    mine, other, p = cast
    data = {"uscc": mine.uscc, "name": "被篡改的名称", "town": mine.town_id, "industry": mine.industry_id,
            "status": "active", "version": mine.version}
    assert status_for(client, p[who], f"/enterprises/{mine.uscc}/edit/", "post", data) in (403, 404)
    mine.refresh_from_db()
    assert mine.name == "滕州荆河机械有限公司"


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 200), ("analyst", 200), ("town", 403), ("outsider", 403), ("reporter", 403),
    ("leader", 403), ("nobody", 403),
])
def test_create_page_is_for_bureau_staff_only(client, cast, who, expected):
    assert status_for(client, cast[2][who], "/enterprises/new/") == expected


@pytest.mark.parametrize("who", ["town", "reporter", "leader", "nobody"])
def test_create_post_by_others_writes_nothing(client, cast, who):
    mine, other, p = cast
    before = Enterprise.objects.count()
    data = {"uscc": "91350100M000100Y43", "name": "新企业", "town": mine.town_id,
            "industry": mine.industry_id, "status": "active"}
    assert status_for(client, p[who], "/enterprises/new/", "post", data) == 403
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 200), ("analyst", 200), ("town", 403), ("reporter", 403), ("leader", 403), ("nobody", 403),
])
def test_import_and_template_are_for_bureau_staff_only(client, cast, who, expected):
    p = cast[2]
    assert status_for(client, p[who], "/enterprises/import/") == expected
    assert status_for(client, p[who], "/enterprises/import/template.xlsx") == expected


@pytest.mark.parametrize(("who", "expected"), [
    ("admin", 200), ("analyst", 403), ("town", 403), ("reporter", 403), ("leader", 403), ("nobody", 403),
])
def test_audit_log_is_for_bureau_admins_only(client, cast, who, expected):
    assert status_for(client, cast[2][who], "/accounts/audit/") == expected


def exported_codes(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}


def test_export_holds_only_the_rows_in_scope(client, cast):
    mine, other, p = cast
    expected = {"admin": {mine.uscc, other.uscc}, "leader": {mine.uscc, other.uscc},
                "town": {mine.uscc}, "outsider": {other.uscc}, "reporter": {mine.uscc}, "nobody": set()}
    for who, codes in expected.items():
        as_user(client, p[who])
        assert exported_codes(client.get("/enterprises/export.xlsx")) == codes, who


def test_export_follows_the_list_filters(client, cast):
    mine, other, p = cast
    as_user(client, p["analyst"])
    assert exported_codes(client.get("/enterprises/export.xlsx", {"town": other.town.code})) == {other.uscc}
    assert exported_codes(client.get("/enterprises/export.xlsx", {"q": "荆河"})) == {mine.uscc}


def test_login_page_and_logout(client, cast):
    p = cast[2]
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "用户登录" in response.content.decode()
    as_user(client, p["town"])
    assert client.get("/accounts/login/")["Location"] == "/"  # already signed in
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/")["Location"].startswith("/accounts/login/")
