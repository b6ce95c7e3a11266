"""The access matrix of every prevention and emergencies view: admin, analyst, 荆河街道 officer,
龙泉街道 outsider officer, the enterprise's reporter, another reporter, leader, no role.

Out of scope → 404, in scope but not allowed → 403, allowed → 200 (pages) or 302 (actions)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.prevention import services
from gongxin.prevention.models import CohortWorker, Evidence
from gongxin.prevention.models import TestingRegime as Regime

from .utils import cast, finding, jpeg, register, template

pytestmark = pytest.mark.django_db
WHO = ("admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")


def row(*codes):
    return dict(zip(WHO, codes, strict=True))


ALL = row(200, 200, 200, 200, 200, 200, 200, 403)
OVERVIEW = row(200, 200, 200, 200, 403, 403, 200, 403)
BUREAU = row(200, 200, 403, 403, 403, 403, 403, 403)
SUPERVISORS = row(200, 200, 200, 200, 403, 403, 403, 403)
OWN = row(200, 200, 200, 404, 200, 404, 200, 404)  # an object of the 荆河街道 enterprise
OWN_EDIT = row(200, 200, 200, 404, 200, 404, 403, 404)

PAGES = [
    ("/prevention/", OVERVIEW),
    ("/prevention/summary/", OVERVIEW),
    ("/prevention/notices/", ALL),
    ("/prevention/notices/new/", BUREAU),
    ("/prevention/notices/{notice}/", row(200, 200, 200, 200, 200, 200, 200, 404)),
    ("/prevention/notices/{notice}/files/{attachment}/", row(200, 200, 200, 200, 200, 200, 200, 404)),
    ("/prevention/closed-loop/", ALL),
    ("/prevention/closed-loop/new/", row(200, 200, 200, 200, 200, 200, 403, 403)),
    ("/prevention/closed-loop/{reg}/", OWN),
    ("/prevention/closed-loop/{reg}/edit/", OWN_EDIT),
    ("/prevention/inspections/", ALL),
    ("/prevention/inspections/new/", SUPERVISORS),
    ("/prevention/inspections/{inspection}/", OWN),
    ("/prevention/findings/", ALL),
    ("/prevention/findings/{finding}/", OWN),
    ("/prevention/evidence/{evidence}/", OWN),
    ("/prevention/testing/", row(200, 200, 200, 200, 200, 200, 200, 403)),
    ("/prevention/testing/new/", SUPERVISORS),
    ("/prevention/testing/regimes/new/", BUREAU),
    ("/prevention/testing/workers/", row(200, 200, 200, 200, 200, 200, 200, 403)),
    ("/prevention/testing/workers/export/", row(200, 200, 200, 200, 200, 200, 200, 403)),
    ("/prevention/checklist/", BUREAU),
    ("/emergencies/", ALL),
    ("/emergencies/{event}/", ALL),
    ("/emergencies/new/", BUREAU),
    ("/emergencies/{event}/edit/", BUREAU),
]

ACTIONS = [
    ("/prevention/notices/{notice}/read/", row(403, 403, 403, 403, 302, 302, 403, 404)),
    ("/prevention/notices/{notice}/remind/", row(302, 302, 403, 403, 403, 403, 403, 404)),
    ("/prevention/closed-loop/{reg}/approve/", row(302, 302, 302, 404, 403, 404, 403, 404)),
    ("/prevention/closed-loop/{reg}/revoke/", row(302, 302, 302, 404, 403, 404, 403, 404)),
    ("/prevention/closed-loop/{reg}/report/", row(302, 302, 302, 404, 302, 404, 403, 404)),
    ("/prevention/findings/{finding}/rectify/", row(302, 302, 302, 404, 302, 404, 403, 404)),
    ("/prevention/findings/{finding}/verify/", row(302, 302, 302, 404, 403, 404, 403, 404)),
    ("/prevention/testing/workers/{worker}/unmask/", row(200, 200, 200, 404, 403, 404, 403, 403)),
    ("/emergencies/{event}/close/", BUREAU | {"admin": 302, "analyst": 302}),
    ("/emergencies/{event}/phases/", BUREAU | {"admin": 302, "analyst": 302}),
]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    event, e, other, p = cast()
    reg = register(p["reporter"], event, e)
    register(p["other_reporter"], event, other)
    template()
    f = finding(event, e, p["town"])
    services.rectify(p["reporter"], f, f.version, "已整改", [jpeg()])
    f = services.reject(p["town"], f, f.version + 1, "不到位")
    notice = services.publish_notice(p["analyst"], event, title="紧急通知", issuer="工信局",
                                     files=[SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x")])
    regime = Regime.objects.create(event=event, name="新入职人员", cohort="new_hires", cohort_days="1,3,7",
                                          starts_on=dt.date(2022, 3, 21))
    worker = CohortWorker.objects.create(event=event, regime=regime, enterprise=e, name="张伟",
                                         id_number="370481199001011234", hired_on=dt.date(2022, 3, 22))
    ids = {"event": event.code, "reg": reg.pk, "finding": f.pk, "inspection": f.inspection_id,
           "evidence": Evidence.objects.get().pk, "notice": notice.pk, "attachment": notice.attachments.get().pk,
           "worker": worker.pk}
    return ids, p, reg


@pytest.mark.parametrize("who", WHO)
def test_every_page_answers_by_role(world, client, who):
    ids, p, _ = world
    client.force_login(p[who])
    got = {url: client.get(url.format(**ids)).status_code for url, _ in PAGES}
    assert got == {url: expected[who] for url, expected in PAGES}


@pytest.mark.parametrize("url,expected", ACTIONS, ids=[u for u, _ in ACTIONS])
def test_every_action_answers_by_role(world, client, url, expected):
    ids, p, reg = world
    got = {}
    for who in WHO:
        reg.refresh_from_db()
        client.force_login(p[who])
        data = {"version": reg.version, "reason": "测试原因", "kind": "daily", "day": "2022-03-22",
                "workers_on_site": 10, "capacity_pct": "50", "note": "已整改"}
        got[who] = client.post(url.format(**ids), data).status_code
    assert got == expected


def test_anonymous_users_are_sent_to_log_in(world, client):
    ids, _, _ = world
    for url, _ in PAGES:
        response = client.get(url.format(**ids))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
