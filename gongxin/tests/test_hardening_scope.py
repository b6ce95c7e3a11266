"""Issue 10, item 6: scope at write time, and personal data masked by role in one place (role × page)."""

import io

import pytest
from openpyxl import load_workbook

from gongxin.projects.models import Project
from gongxin.reporting.tests.helpers import make_return
from gongxin.testing import make_enterprise, personas, town

from .hardening import logged_in, make_project

pytestmark = pytest.mark.django_db
PHONE, MASKED = "13912345678", "139****5678"


@pytest.fixture
def cast():
    e = make_enterprise("荆河精工机械有限公司", contact_name="张三", contact_phone=PHONE)
    other = make_enterprise("龙泉远方化工有限公司", town_name="龙泉街道", contact_phone="13800001111")
    return e, other, personas(e, other)


def project_data(e, **changes):
    return {"code": "JG-SCOPE", "name": "本镇项目", "enterprise": e.pk, "type": "smart", "total_investment": "500",
            "equipment_investment": "0", "key_year": "", **changes}


def test_town_officer_form_offers_only_own_town(cast):
    e, _, p = cast
    html = logged_in(p["town"]).get("/projects/new/").content.decode()
    assert "荆河街道" in html and "龙泉街道" not in html


def test_town_officer_cannot_create_a_project_in_another_town(cast):
    e, _, p = cast
    response = logged_in(p["town"]).post("/projects/new/", project_data(e, town=town("龙泉街道").pk))
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_town_officer_cannot_move_a_project_into_another_town(cast):
    e, _, p = cast
    project = make_project(e, code="JG-SCOPE")
    response = logged_in(p["town"]).post(f"/projects/{project.code}/edit/", project_data(
        e, town=town("龙泉街道").pk, version=project.version))
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.town.name == "荆河街道"


def test_bureau_may_still_place_a_project_in_any_town(cast):
    e, _, p = cast
    response = logged_in(p["analyst"]).post("/projects/new/", project_data(e, town=town("龙泉街道").pk))
    assert response.status_code == 302
    assert Project.objects.get().town.name == "龙泉街道"


# ---------------------------------------------------------------- masking: role × page

COMPLETENESS = {"admin": True, "analyst": True, "town": True, "leader": False}


@pytest.mark.parametrize("who,unmasked", COMPLETENESS.items())
def test_completeness_page_and_export_mask_phones_by_role(cast, who, unmasked):
    e, _, p = cast
    make_return(make_enterprise(), "2022-03")  # someone filed: the period is the latest
    client = logged_in(p[who])
    html = client.get("/returns/completeness/?form=output&period=2022-03").content.decode()
    assert (PHONE in html) == unmasked and (MASKED in html) == (not unmasked)
    response = client.get("/returns/completeness/export.xlsx?form=output&period=2022-03")
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]
    assert (PHONE in cells) == unmasked and (MASKED in cells) == (not unmasked)


ENTERPRISE_PAGE = {"admin": True, "analyst": True, "town": True, "reporter": True, "leader": False}


@pytest.mark.parametrize("who,unmasked", ENTERPRISE_PAGE.items())
def test_enterprise_page_masks_phones_by_role(cast, who, unmasked):
    e, _, p = cast
    html = logged_in(p[who]).get(f"/enterprises/{e.uscc}/").content.decode()
    assert (PHONE in html) == unmasked and (MASKED in html) == (not unmasked)


@pytest.mark.parametrize("who,unmasked", {"admin": True, "analyst": True, "town": True, "leader": False}.items())
def test_enterprise_export_masks_phones_by_role(cast, who, unmasked):
    e, _, p = cast
    response = logged_in(p[who]).get("/enterprises/export.xlsx")
    assert response.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) for c in row]
    assert (PHONE in cells) == unmasked and (MASKED in cells) == (not unmasked)


# ---------------------------------------------------------------- warnings follow the enterprise


def test_warnings_follow_the_enterprises_current_town(cast):
    from gongxin.alerts.models import WarningFollowUp

    from .hardening import make_warning

    e, _, p = cast
    warning = make_warning(e)
    e.town = town("龙泉街道")
    e.save()
    old, new = p["town"], p["outsider"]  # officers of 荆河街道 and of 龙泉街道
    url = f"/analysis/warnings/{warning.pk}/"
    assert logged_in(old).get(url).status_code == 404
    assert logged_in(old).post(url + "follow-up/", {"note": "x", "token": "t0ken0001"}).status_code == 404
    assert logged_in(new).get(url).status_code == 200
    assert str(warning.pk) in logged_in(new).get("/analysis/warnings/?period=all").content.decode()
    assert logged_in(new).post(url + "follow-up/", {"note": "已走访", "token": "t0ken0002"}).status_code == 302
    assert WarningFollowUp.objects.filter(warning=warning).count() == 1


def test_20_identical_follow_ups_are_stored_once(cast):
    from gongxin.alerts.models import WarningFollowUp

    from .hardening import make_warning

    e, _, p = cast
    warning = make_warning(e)
    client = logged_in(p["town"])
    for _ in range(20):
        response = client.post(f"/analysis/warnings/{warning.pk}/follow-up/", {"note": "已走访", "token": "abcd1234"})
        assert response.status_code == 302
    assert WarningFollowUp.objects.filter(warning=warning).count() == 1
    assert client.post(f"/analysis/warnings/{warning.pk}/follow-up/", {"note": "已走访"}).status_code == 400
