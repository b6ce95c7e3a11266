"""People and roles (用户与授权): who may use the pages, and what each action does."""

import pytest
from django.contrib.auth import get_user_model

from gongxin.accounts import services
from gongxin.accounts.models import AuditEntry, Membership, Profile, Role
from gongxin.registry.models import Enterprise
from gongxin.testing import make_enterprise, make_user, personas, town

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def cast():
    mine = make_enterprise(town_name="荆河街道")
    other = make_enterprise(town_name="龙泉街道")
    p = personas(mine, other)
    p["target"] = make_user("target1", Role.TOWN_OFFICER, region="荆河街道")
    return p


def as_user(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


NOT_ADMINS = ("analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")


def admin_urls(target):
    pk = target.pk
    m = target.memberships.first().pk
    gets = ["/accounts/users/", "/accounts/users/new/", f"/accounts/users/{pk}/", "/accounts/users/import/",
            "/accounts/users/import/template.xlsx"]
    posts = [f"/accounts/users/{pk}/edit/", f"/accounts/users/{pk}/grant/", f"/accounts/users/{pk}/revoke/{m}/",
             f"/accounts/users/{pk}/reset-password/", f"/accounts/users/{pk}/unlock/", f"/accounts/users/{pk}/active/",
             "/accounts/users/new/", "/accounts/users/import/"]
    return gets, posts


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_bureau_admins_reach_people_and_roles(client, cast, who):
    gets, posts = admin_urls(cast["target"])
    as_user(client, cast[who])
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"role": Role.LEADER, "version": "1", "username": "x1"}).status_code == 403, url
    assert Membership.objects.filter(user=cast["target"]).count() == 1
    assert not User.objects.filter(username="x1").exists()


def test_admin_reaches_every_people_page(client, cast):
    gets, _ = admin_urls(cast["target"])
    as_user(client, cast["admin"])
    for url in gets:
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(client, cast):
    gets, posts = admin_urls(cast["target"])
    for url in gets + posts + ["/accounts/password/", "/guide/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_unknown_user_is_404_for_the_admin(client, cast):
    as_user(client, cast["admin"])
    assert client.get("/accounts/users/999999/").status_code == 404
    assert client.post("/accounts/users/999999/reset-password/").status_code == 404


def test_list_shows_roles_and_scopes_and_filters_by_role_and_town(client, cast):
    as_user(client, cast["admin"])
    body = client.get("/accounts/users/").content.decode()
    assert "镇街工业专干 · 荆河街道" in body and "target1" in body
    page = client.get("/accounts/users/?role=town_officer").context["page"]
    assert {u.username for u in page} == {"town1", "town_other", "target1"}
    page = client.get(f"/accounts/users/?town={town('龙泉街道').code}").context["page"]
    assert {u.username for u in page} == {"town_other", "reporter2"}
    page = client.get("/accounts/users/?q=target").context["page"]
    assert [u.username for u in page] == ["target1"]
    page = client.get("/accounts/users/?role=none").context["page"]
    assert [u.username for u in page] == ["nobody1"]


def test_admin_creates_a_town_officer_and_sees_the_password_once(client, cast):
    as_user(client, cast["admin"])
    longyang = town("龙阳镇")
    response = client.post("/accounts/users/new/", {"username": "ly_officer", "full_name": "王龙阳", "phone": "13800001111",
                                                    "role": Role.TOWN_OFFICER, "town": longyang.code})
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode() and response["Cache-Control"] == "no-store"
    user = User.objects.get(username="ly_officer")
    assert user.check_password(password) and user.first_name == "王龙阳"
    assert Profile.objects.get(user=user).must_change_password
    assert list(user.memberships.values_list("role", "region")) == [(Role.TOWN_OFFICER, longyang.pk)]
    assert AuditEntry.objects.filter(action="accounts.create_user", object_id=str(user.pk)).exists()
    assert AuditEntry.objects.filter(action="accounts.grant", object_id=str(user.pk)).exists()
    # The detail page never shows it again.
    assert password not in client.get(f"/accounts/users/{user.pk}/").content.decode()


@pytest.mark.parametrize("data, message", [
    ({"username": "town1"}, "已被使用"),
    ({"username": "TOWN1"}, "已被使用"),
    ({"username": ""}, "用户名不能为空"),
    ({"username": "bad name!"}, "用户名只能包含"),
    ({"username": "n1", "role": Role.TOWN_OFFICER}, "请选择所辖镇街"),
    ({"username": "n1", "role": Role.ENTERPRISE, "uscc": "91370481MA3X00000X"}, "未找到统一社会信用代码"),
    ({"username": "n1", "phone": "abc"}, "手机号码"),
])
def test_bad_new_user_is_refused_with_a_message_and_nothing_written(client, cast, data, message):
    as_user(client, cast["admin"])
    before = User.objects.count()
    response = client.post("/accounts/users/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_grant_and_revoke_several_memberships(client, cast):
    target = cast["target"]
    as_user(client, cast["admin"])
    e = Enterprise.objects.filter(town__name="龙泉街道").first()
    client.post(f"/accounts/users/{target.pk}/grant/", {"role": Role.ENTERPRISE, "uscc": e.uscc})
    client.post(f"/accounts/users/{target.pk}/grant/", {"role": Role.TOWN_OFFICER, "town": town("龙泉街道").code})
    assert target.memberships.count() == 3
    # The same grant twice adds nothing and says so.
    response = client.post(f"/accounts/users/{target.pk}/grant/", {"role": Role.TOWN_OFFICER,
                                                                   "town": town("龙泉街道").code}, follow=True)
    assert "已拥有此角色" in response.content.decode()
    assert target.memberships.count() == 3
    m = target.memberships.get(role=Role.ENTERPRISE)
    client.post(f"/accounts/users/{target.pk}/revoke/{m.pk}/")
    assert target.memberships.count() == 2
    entry = AuditEntry.objects.filter(action="accounts.revoke").get()
    assert entry.data["role"] == "企业统计填报员" and entry.data["scope"] == e.name


def test_revoke_of_another_users_membership_is_404(client, cast):
    as_user(client, cast["admin"])
    foreign = cast["town"].memberships.get()
    assert client.post(f"/accounts/users/{cast['target'].pk}/revoke/{foreign.pk}/").status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_edit_is_version_checked_and_audited_old_to_new(client, cast):
    target = cast["target"]
    as_user(client, cast["admin"])
    profile = services.profile_of(target)
    client.post(f"/accounts/users/{target.pk}/edit/", {"full_name": "新名字", "phone": "13900002222",
                                                       "version": profile.version})
    target.refresh_from_db()
    assert target.first_name == "新名字"
    entry = AuditEntry.objects.get(action="accounts.update_user")
    assert entry.data["full_name"] == ["", "新名字"]
    assert "姓名：（空） → 新名字" in entry.data_lines
    stale = client.post(f"/accounts/users/{target.pk}/edit/", {"full_name": "旧页面", "phone": "",
                                                               "version": profile.version}, follow=True)
    assert "已被他人修改" in stale.content.decode()
    target.refresh_from_db()
    assert target.first_name == "新名字"
    assert client.post(f"/accounts/users/{target.pk}/edit/", {"full_name": "x", "version": "abc"}).status_code == 400


def test_deactivate_keeps_the_user_and_ends_their_access(client, cast):
    target = cast["target"]
    as_user(client, cast["admin"])
    client.post(f"/accounts/users/{target.pk}/active/", {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active and User.objects.filter(pk=target.pk).exists()
    assert AuditEntry.objects.filter(action="accounts.deactivate").exists()
    client.logout()
    assert client.post("/accounts/login/", {"username": "target1", "password": "pw-for-tests-123"}).status_code == 200
    as_user(client, cast["admin"])
    client.post(f"/accounts/users/{target.pk}/active/", {"active": "1"})
    target.refresh_from_db()
    assert target.is_active


def test_admin_cannot_deactivate_themselves(client, cast):
    as_user(client, cast["admin"])
    response = client.post(f"/accounts/users/{cast['admin'].pk}/active/", {"active": "0"}, follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    cast["admin"].refresh_from_db()
    assert cast["admin"].is_active


def test_reset_password_shows_a_new_one_time_password_and_forces_a_change(client, cast):
    target = cast["target"]
    as_user(client, cast["admin"])
    response = client.post(f"/accounts/users/{target.pk}/reset-password/")
    password = response.context["password"]
    target.refresh_from_db()
    assert target.check_password(password) and not target.check_password("pw-for-tests-123")
    assert Profile.objects.get(user=target).must_change_password
    assert AuditEntry.objects.filter(action="accounts.reset_password", object_id=str(target.pk)).exists()
    assert client.get(f"/accounts/users/{target.pk}/reset-password/").status_code == 405


def test_one_time_passwords_pass_the_validators():
    from django.contrib.auth.password_validation import validate_password

    for _ in range(50):
        validate_password(services.one_time_password())


def test_every_accounts_audit_code_has_a_chinese_label():
    import re
    from pathlib import Path

    from gongxin.accounts.audit import action_label
    from gongxin.accounts.audit_labels import AUDIT_LABELS

    here = Path(__file__).resolve().parent.parent
    source = "".join(p.read_text(encoding="utf-8") for p in here.glob("*.py") if p.name != "audit_labels.py")
    codes = set(re.findall(r'"(accounts\.[a-z_]+)"', source))
    assert codes and codes <= set(AUDIT_LABELS), codes - set(AUDIT_LABELS)
    assert all(action_label(code) != code for code in codes)


@pytest.mark.parametrize("who", ("admin",) + NOT_ADMINS)
def test_every_user_reaches_password_change_and_the_guide(client, cast, who):
    as_user(client, cast[who])
    assert client.get("/accounts/password/").status_code == 200
    assert client.get("/guide/").status_code == 200
