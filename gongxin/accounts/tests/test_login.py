import pytest
from django.conf import settings

from gongxin.accounts.models import Role
from gongxin.testing import make_user

pytestmark = pytest.mark.django_db


def login(client, password, username="town1"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_with_the_right_password_goes_home(client):
    make_user("town1", Role.TOWN_OFFICER, region="荆河街道", password="correct-horse-9")
    response = login(client, "correct-horse-9")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_chinese_message(client):
    make_user("town1", Role.TOWN_OFFICER, region="荆河街道", password="correct-horse-9")
    response = login(client, "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_lock_out_after_the_failure_limit(client):
    make_user("town1", Role.TOWN_OFFICER, region="荆河街道", password="correct-horse-9")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 3
    for _ in range(limit - 1):
        assert login(client, "wrong").status_code == 200
    locked = login(client, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Locked out even with the right password now.
    again = login(client, "correct-horse-9")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_out_is_per_user(client):
    make_user("town1", Role.TOWN_OFFICER, region="荆河街道", password="correct-horse-9")
    make_user("town2", Role.TOWN_OFFICER, region="龙泉街道", password="other-horse-9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong")
    assert login(client, "other-horse-9", username="town2").status_code == 302


def test_passwords_are_hashed_with_argon2():
    user = make_user("town1", Role.TOWN_OFFICER, region="荆河街道", password="correct-horse-9")
    assert user.password.startswith("argon2")
    assert "correct-horse-9" not in user.password
