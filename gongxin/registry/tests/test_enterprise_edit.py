"""Creating and editing enterprises through the UI: USCC check and admin override, audit, versions."""

import pytest

from gongxin.accounts.models import AuditEntry, Role
from gongxin.lib.uscc import make_uscc
from gongxin.registry.models import Enterprise, EnterpriseGroup
from gongxin.testing import division, make_enterprise, make_user, town

pytestmark = pytest.mark.django_db

BAD_CODE = "91350100M000100Y42"  # final check character should be 3


@pytest.fixture
def admin(client):
    user = make_user("admin1", Role.BUREAU_ADMIN)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def analyst(client):
    user = make_user("analyst1", Role.BUREAU_STAFF)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def form_data(**overrides):
    data = {"uscc": make_uscc("370481", 20_000_001), "name": "滕州新建机械有限公司", "town": town().pk,
            "industry": division("34").pk, "status": "active", "list_years": "2022", "address": "荆河路1号"}
    data.update(overrides)
    return data


def test_create_with_a_valid_code_writes_the_enterprise_and_its_audit_entry(client, analyst):
    data = form_data(uscc=make_uscc("370481", 20_000_001).lower())
    response = client.post("/enterprises/new/", data)
    code = data["uscc"].upper()
    assert response.status_code == 302
    assert response["Location"] == f"/enterprises/{code}/"
    e = Enterprise.objects.get(uscc=code)
    assert (e.name, e.town.name, e.division.code, e.years_on_list) == ("滕州新建机械有限公司", "荆河街道", "34", [2022])
    entry = AuditEntry.objects.get(action="registry.create", object_id=str(e.pk))
    assert (entry.user, entry.actor, entry.data) == (analyst, "analyst1", {"uscc": code})


@pytest.mark.parametrize(("code", "message"), [
    (BAD_CODE, "校验位错误（第18位应为3）"),
    ("91350100M00010", "应为18位，实为14位"),
    ("91350100M00010OY43", "不允许的字符：O"),
])
def test_invalid_code_is_refused_with_its_reason(client, analyst, code, message):
    response = client.post("/enterprises/new/", form_data(uscc=code))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["uscc"])
    assert message in response.content.decode()
    assert not Enterprise.objects.exists()


def test_staff_cannot_override_a_failing_code(client, analyst):
    response = client.post("/enterprises/new/", form_data(uscc=BAD_CODE, uscc_override="on",
                                                          uscc_override_reason="工商登记证照如此"))
    assert response.status_code == 200
    assert "uscc_override" not in response.context["form"].fields
    assert "校验位错误" in " ".join(response.context["form"].errors["uscc"])
    assert not Enterprise.objects.exists()


def test_admin_override_needs_a_reason(client, admin):
    response = client.post("/enterprises/new/", form_data(uscc=BAD_CODE, uscc_override="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc_override_reason"] == ["确认未通过校验的代码时必须填写理由"]
    assert not Enterprise.objects.exists()


def test_admin_can_override_with_a_reason_and_it_is_recorded(client, admin):
    response = client.post("/enterprises/new/", form_data(uscc=BAD_CODE, uscc_override="on",
                                                          uscc_override_reason="营业执照原件如此，已核实"))
    assert response.status_code == 302
    e = Enterprise.objects.get(uscc=BAD_CODE)
    assert e.uscc_override and e.uscc_override_reason == "营业执照原件如此，已核实"
    entry = AuditEntry.objects.get(action="registry.uscc_override")
    assert (entry.user, entry.object_id) == (admin, str(e.pk))
    assert entry.data == {"uscc": BAD_CODE, "reason": "营业执照原件如此，已核实"}
    assert "代码未通过校验" in client.get(f"/enterprises/{BAD_CODE}/").content.decode()


def test_override_is_dropped_when_the_code_checks(client, admin):
    client.post("/enterprises/new/", form_data(uscc_override="on", uscc_override_reason="误勾选"))
    e = Enterprise.objects.get()
    assert not e.uscc_override
    assert not AuditEntry.objects.filter(action="registry.uscc_override").exists()


def test_staff_can_edit_other_fields_of_an_overridden_enterprise(client, analyst):
    e = make_enterprise(uscc=BAD_CODE, uscc_override=True, uscc_override_reason="已核实")
    data = form_data(uscc=BAD_CODE, name="改名后的公司", version=e.version)
    response = client.post(f"/enterprises/{BAD_CODE}/edit/", data)
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.name == "改名后的公司" and e.uscc_override


def test_update_audits_exactly_the_changed_fields(client, analyst):
    group = EnterpriseGroup.objects.create(name="防疫物资生产企业")
    e = make_enterprise("滕州旧名机械有限公司", address="旧地址", years=(2021,))
    data = form_data(uscc=e.uscc, name="滕州新名机械有限公司", address="旧地址", list_years="2021,2022",
                     groups=[group.pk], version=e.version, former_names="滕州旧名机械有限公司\r\n  \r\n")
    response = client.post(f"/enterprises/{e.uscc}/edit/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="registry.update")
    assert entry.data == {
        "name": ["滕州旧名机械有限公司", "滕州新名机械有限公司"],
        "former_names": ["", "滕州旧名机械有限公司"],
        "list_years": [[2021], [2021, 2022]],
        "groups": [[], ["防疫物资生产企业"]],
    }
    e.refresh_from_db()
    assert e.version == 2
    assert e.former_names == "滕州旧名机械有限公司"


def test_saving_without_changes_writes_no_update_entry(client, analyst):
    e = make_enterprise(address="荆河路1号", years=(2022,))
    client.post(f"/enterprises/{e.uscc}/edit/", form_data(uscc=e.uscc, name=e.name, version=e.version))
    assert not AuditEntry.objects.filter(action="registry.update").exists()


def test_second_edit_from_the_same_version_is_refused_and_the_first_is_kept(client, analyst):
    e = make_enterprise("滕州原名有限公司", years=(2022,))
    loaded = e.version
    first = client.post(f"/enterprises/{e.uscc}/edit/",
                        form_data(uscc=e.uscc, name="第一位编辑的名称", version=loaded))
    assert first.status_code == 302
    second = client.post(f"/enterprises/{e.uscc}/edit/",
                         form_data(uscc=e.uscc, name="第二位编辑的名称", address="另一地址", version=loaded))
    assert second.status_code == 200
    assert "该企业信息已被他人修改，请刷新后重新编辑。" in second.content.decode()
    e.refresh_from_db()
    assert (e.name, e.version) == ("第一位编辑的名称", loaded + 1)
    assert AuditEntry.objects.filter(action="registry.update").count() == 1


def test_edit_form_shows_the_current_version_and_years(client, analyst):
    e = make_enterprise(years=(2021, 2022))
    form = client.get(f"/enterprises/{e.uscc}/edit/").context["form"]
    assert form["version"].value() == e.version
    assert form["list_years"].value() == "2021,2022"


def test_detail_page_shows_the_audit_trail_to_the_bureau(client, analyst):
    client.post("/enterprises/new/", form_data())
    e = Enterprise.objects.get()
    body = client.get(f"/enterprises/{e.uscc}/").content.decode()
    assert "修改记录" in body and "新建" in body


def test_list_entries_and_exits_on_the_detail_page(client, analyst):
    make_enterprise(years=(2021, 2022))  # the system's lists run 2021-2022
    stayer = make_enterprise(years=(2021, 2022))
    leaver = make_enterprise(years=(2021,))
    entrant = make_enterprise(years=(2022,))
    assert client.get(f"/enterprises/{stayer.uscc}/").context["list_changes"] == []
    assert client.get(f"/enterprises/{leaver.uscc}/").context["list_changes"] == [(2022, "退出")]
    assert client.get(f"/enterprises/{entrant.uscc}/").context["list_changes"] == [(2022, "进入")]
