"""The whole flow of issue 9: a bureau admin creates a 龙阳镇 officer, who logs in with the
one-time password, must change it, sees only 龙阳镇; after a revoke their next request sees nothing."""

import pytest
from django.test import Client

from gongxin.accounts.models import Role
from gongxin.testing import make_enterprise, make_user, town

pytestmark = pytest.mark.django_db


def test_admin_creates_a_longyang_officer_who_sees_only_longyang_until_revoked():
    longyang = [make_enterprise(town_name="龙阳镇") for _ in range(2)]
    elsewhere = make_enterprise(town_name="荆河街道")
    make_user("bureau", Role.BUREAU_ADMIN, password="Bureau-pass-123")
    admin = Client()
    assert admin.post("/accounts/login/", {"username": "bureau", "password": "Bureau-pass-123"}).status_code == 302
    created = admin.post("/accounts/users/new/", {"username": "longyang1", "full_name": "龙阳专干",
                                                  "role": Role.TOWN_OFFICER, "town": town("龙阳镇").code})
    password = created.context["password"]
    user_pk = created.context["target"].pk

    officer = Client()
    assert officer.post("/accounts/login/", {"username": "longyang1", "password": password}).status_code == 302
    assert officer.get("/enterprises/")["Location"] == "/accounts/password/"
    officer.post("/accounts/password/", {"old_password": password, "new_password1": "Longyang-river-7",
                                         "new_password2": "Longyang-river-7"})
    listed = {e.uscc for e in officer.get("/enterprises/").context["page"]}
    assert listed == {e.uscc for e in longyang}
    assert officer.get(f"/enterprises/{longyang[0].uscc}/").status_code == 200
    assert officer.get(f"/enterprises/{elsewhere.uscc}/").status_code == 404

    membership = created.context["target"].memberships.get()
    assert admin.post(f"/accounts/users/{user_pk}/revoke/{membership.pk}/").status_code == 302
    # The officer's very next request is computed from the memberships left: none.
    assert officer.get(f"/enterprises/{longyang[0].uscc}/").status_code == 404
    assert list(officer.get("/enterprises/").context["page"]) == []
    assert "尚未分配角色" in officer.get("/").content.decode()
