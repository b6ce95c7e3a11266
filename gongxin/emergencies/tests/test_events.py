"""Emergency events: bureau staff create, edit (version-checked), add phases and close; audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from gongxin.accounts.audit import entries_for
from gongxin.emergencies import services
from gongxin.emergencies.models import Event, current_event
from gongxin.testing import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def p():
    return personas()


def new_event(user, code="2023-flood", **fields):
    return services.create_event(user, code=code, name="2023年防汛", kind=Event.Kind.FLOOD, level="IV",
                                 started_on=dt.date(2023, 7, 1), ended_on=None, description="", **fields)


def test_bureau_creates_edits_and_closes_an_event_audited(p):
    event = new_event(p["analyst"])
    event = services.update_event(p["analyst"], event, event.version, name="2023年汛期防汛抗旱")
    event = services.close_event(p["analyst"], event, event.version, "汛期结束")
    assert event.is_closed and event.ended_on is not None and event.version == 3
    assert [a.action for a in entries_for(event)][::-1] == ["emergencies.create", "emergencies.update",
                                                            "emergencies.close"]
    assert entries_for(event)[1].data["name"] == ["2023年防汛", "2023年汛期防汛抗旱"]
    with pytest.raises(services.DomainError, match="已关闭"):
        services.update_event(p["analyst"], event, event.version, name="x")


def test_a_stale_edit_is_refused(p):
    event = new_event(p["analyst"])
    seen = event.version
    services.update_event(p["admin"], event, seen, name="甲")
    with pytest.raises(services.ConflictError, match="第1版"):
        services.update_event(p["analyst"], event, seen, name="乙")


def test_codes_are_unique_and_dates_ordered(p):
    new_event(p["analyst"])
    with pytest.raises(services.DomainError, match="已存在"):
        new_event(p["analyst"])
    with pytest.raises(services.DomainError, match="结束日期"):
        services.create_event(p["analyst"], code="x", name="x", kind="other", level="", started_on=dt.date(2023, 2, 1),
                              ended_on=dt.date(2023, 1, 1), description="")


def test_only_the_bureau_manages_events(p):
    for who in ("town", "leader", "nobody"):
        with pytest.raises(PermissionDenied):
            new_event(p[who])


def test_phases_and_current_event(p):
    event = new_event(p["analyst"])
    services.save_phase(p["analyst"], event, name="应急响应", starts_on=dt.date(2023, 7, 1),
                        ends_on=dt.date(2023, 7, 20))
    with pytest.raises(services.DomainError, match="已存在"):
        services.save_phase(p["analyst"], event, name="应急响应", starts_on=dt.date(2023, 7, 1))
    assert event.phase_on(dt.date(2023, 7, 5)).name == "应急响应"
    assert current_event(dt.date(2023, 7, 5)) == event


def test_pages_create_edit_close(p, client):
    client.force_login(p["analyst"])
    response = client.post("/emergencies/new/", {"code": "2024-energy", "name": "能源保供", "kind": "energy",
                                                 "level": "", "started_on": "2024-01-10"})
    assert response.status_code == 302
    event = Event.objects.get(code="2024-energy")
    bad = client.post("/emergencies/2024-energy/edit/", {"name": "能源保供", "kind": "energy", "level": "",
                                                         "started_on": "2024-01-10", "ended_on": "2024-01-01",
                                                         "version": event.version})
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    ok = client.post("/emergencies/2024-energy/edit/", {"name": "能源保供（冬季）", "kind": "energy", "level": "",
                                                        "started_on": "2024-01-10", "version": event.version})
    assert ok.status_code == 302
    assert Event.objects.get(code="2024-energy").name == "能源保供（冬季）"
    stale = client.post("/emergencies/2024-energy/edit/", {"name": "旧", "kind": "energy", "level": "",
                                                           "started_on": "2024-01-10", "version": event.version})
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    dup = client.post("/emergencies/new/", {"code": "2024-energy", "name": "x", "kind": "energy", "level": "",
                                           "started_on": "2024-01-10"})
    assert dup.status_code == 400 and "已存在" in dup.content.decode()
    client.post("/emergencies/2024-energy/close/", {"version": event.version + 1, "reason": "结束"})
    assert Event.objects.get(code="2024-energy").is_closed


def test_a_close_reason_beyond_300_characters_is_refused_and_the_event_stays_open(p):
    event = new_event(p["analyst"])
    with pytest.raises(services.DomainError, match="关闭原因最多300个字，收到301个字"):
        services.close_event(p["analyst"], event, event.version, "汛" * 301)
    event.refresh_from_db()
    assert not event.is_closed
    event = services.close_event(p["analyst"], event, event.version, "汛" * 300)
    assert entries_for(event)[0].data["reason"] == "汛" * 300  # kept whole in the audit log
