"""Passwords: the four validators, 修改密码 for every user, the forced change after a one-time
password, lock-out per user and per address (spraying), unlock, idle expiry, and their audit."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model

from gongxin.accounts import services
from gongxin.accounts.models import AuditEntry, Role
from gongxin.testing import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
PW = "pw-for-tests-123"


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def change(client, old, new, new2=None):
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new,
                                               "new_password2": new if new2 is None else new2})


@pytest.mark.parametrize("weak, reason", [
    ("town1234", "密码太短"), ("20222022", "只包含数字"), ("gongxin1", "密码太短"), ("password123", "太常见"),
    ("zhangsan-officer", "相似"), ("1234567890", "只包含数字"),
])
def test_weak_passwords_are_refused(client, weak, reason):
    user = make_user("zhangsan-officer", Role.LEADER)
    client.force_login(user)
    response = change(client, PW, weak)
    assert response.status_code == 400
    assert reason in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PW)


def test_every_user_changes_their_own_password_and_it_is_audited(client):
    user = make_user("leader9", None)  # even without a role
    client.force_login(user)
    assert client.get("/accounts/password/").status_code == 200
    response = change(client, PW, "Lantern-river-42")
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.check_password("Lantern-river-42")
    assert client.get("/accounts/password/").status_code == 200  # still logged in
    assert AuditEntry.objects.filter(action="accounts.password_change", object_id=str(user.pk)).exists()


@pytest.mark.parametrize("old, new, new2, message", [
    ("wrong-old-pw", "Lantern-river-42", None, "原密码不正确"),
    (PW, "Lantern-river-42", "Lantern-river-43", "两次输入的新密码不一致"),
    (PW, PW, None, "新密码不能与原密码相同"),
])
def test_password_change_mistakes_are_refused(client, old, new, new2, message):
    user = make_user("leader9", Role.LEADER)
    client.force_login(user)
    response = change(client, old, new, new2)
    assert response.status_code == 400 and message in response.content.decode()


def test_one_time_password_forces_a_change_before_anything_else(client):
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    user, password = services.create_user(admin, "newcomer", "新人", memberships=[(Role.LEADER, None, None)])
    response = login(client, "newcomer", password)
    assert response.status_code == 302
    for path in ("/", "/enterprises/", "/analysis/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", path
    assert "一次性密码" in client.get("/accounts/password/").content.decode()
    assert change(client, password, "Lantern-river-42").status_code == 302
    assert client.get("/enterprises/").status_code == 200
    client.logout()
    assert login(client, "newcomer", "Lantern-river-42").status_code == 302
    assert client.get("/").status_code == 200


def test_reset_ends_the_users_open_sessions(client):
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    user = make_user("leader9", Role.LEADER)
    assert login(client, "leader9", PW).status_code == 302
    services.reset_password(admin, user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_logins_and_failed_logins_are_audited(client):
    make_user("leader9", Role.LEADER)
    login(client, "leader9", "wrong-password-1")
    login(client, "nosuchuser", "wrong-password-1")
    login(client, "leader9", PW)
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.1")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "data"))
    assert actions == [("accounts.login_failed", "leader9", {"ip": "10.0.0.1"}),
                       ("accounts.login_failed", "nosuchuser", {"ip": "10.0.0.1"}),
                       ("accounts.login", "leader9", {"ip": "10.0.0.1"}),
                       ("accounts.logout", "leader9", {"ip": "10.0.0.1"})]


def test_lock_out_is_audited_and_unlock_by_the_admin_lets_the_user_in(client):
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    user = make_user("leader9", Role.LEADER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "leader9", "wrong-password-1")
    assert login(client, "leader9", PW).status_code == 429
    assert AuditEntry.objects.filter(action="accounts.lockout", actor="leader9").exists()
    client.force_login(admin)
    page = client.get(f"/accounts/users/{user.pk}/").content.decode()
    assert "解除登录锁定" in page
    assert "登录锁定" in client.get("/accounts/users/").content.decode()
    client.post(f"/accounts/users/{user.pk}/unlock/")
    assert AuditEntry.objects.filter(action="accounts.unlock", object_id=str(user.pk)).exists()
    client.logout()
    assert login(client, "leader9", PW).status_code == 302


def test_one_address_spraying_many_user_names_is_locked_out(client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    for i in range(6):
        make_user(f"user{i}", Role.LEADER)
    # Fewer than the per-user limit on each name, but six failures from one address in all.
    for i in range(5):
        assert login(client, f"user{i}", "wrong-password-1").status_code == 200
    assert login(client, "user5", "wrong-password-1").status_code == 429  # the sixth locks the address
    assert login(client, "user0", PW).status_code == 429
    assert AuditEntry.objects.filter(action="accounts.lockout").exists()
    # Another address is not affected.
    assert login(client, "user0", PW, ip="10.0.0.2").status_code == 302


def test_ip_limit_zero_turns_the_spraying_check_off(client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 0
    for i in range(8):
        make_user(f"user{i}", Role.LEADER)
        login(client, f"user{i}", "wrong-password-1")
    assert login(client, "user0", PW).status_code == 302


def test_session_ends_after_the_idle_time(client):
    make_user("leader9", Role.LEADER)
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, "leader9", PW)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 5), tick=False):
        assert client.get("/").status_code == 200  # activity renews the session
    with time_machine.travel(start + dt.timedelta(minutes=2 * settings.SESSION_IDLE_MINUTES - 10), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=3 * settings.SESSION_IDLE_MINUTES), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
