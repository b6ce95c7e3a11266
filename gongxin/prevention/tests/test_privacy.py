"""Personal data: masked in lists and exports, unmasking audited, purged when the event closes."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from gongxin.accounts.audit import entries_for
from gongxin.accounts.models import AuditEntry
from gongxin.emergencies import services as events
from gongxin.prevention import services, stats
from gongxin.prevention.models import CohortWorker
from gongxin.prevention.models import TestingRegime as Regime

from .utils import approved, cast

pytestmark = pytest.mark.django_db
ID = "370481199001011234"


@pytest.fixture
def c():
    event, e, other, p = cast()
    approved(event, e, p["town"])
    cohort = Regime.objects.create(event=event, name="新入职人员检测", every_days=7, cohort="new_hires",
                                          cohort_days="1,3,7", starts_on=dt.date(2022, 3, 21),
                                          ends_on=dt.date(2022, 4, 3))
    w = CohortWorker.objects.create(event=event, regime=cohort, enterprise=e, name="张伟", id_number=ID,
                                    hired_on=dt.date(2022, 3, 22), tested_days="1,3")
    CohortWorker.objects.create(event=event, regime=cohort, enterprise=other, name="李娜", id_number="370481199202021111",
                                hired_on=dt.date(2022, 3, 23))
    return event, e, other, p, w


def test_lists_and_exports_mask_names_and_id_numbers(c, client):
    event, e, other, p, w = c
    client.force_login(p["analyst"])
    html = client.get("/prevention/testing/workers/").content.decode()
    assert ID not in html and "370481********1234" in html and "张*" in html and "张伟" not in html
    response = client.get("/prevention/testing/workers/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert ID not in values and "张伟" not in values and "370481********1234" in values


def test_unmasking_is_audited_and_scoped(c, client):
    event, e, other, p, w = c
    client.force_login(p["town"])
    html = client.post(f"/prevention/testing/workers/{w.pk}/unmask/").content.decode()
    assert ID in html and "张伟" in html
    assert entries_for(w).get().action == "prevention.unmask"
    client.force_login(p["outsider"])
    assert client.post(f"/prevention/testing/workers/{w.pk}/unmask/").status_code == 404
    client.force_login(p["reporter"])
    assert client.get("/prevention/testing/workers/").content.decode().count("<tr>") == 2  # header + own worker
    assert client.post(f"/prevention/testing/workers/{w.pk}/unmask/").status_code == 403
    client.force_login(p["leader"])
    assert client.post(f"/prevention/testing/workers/{w.pk}/unmask/").status_code == 403


def test_purge_removes_names_and_ids_of_a_closed_event_and_keeps_every_count(c):
    event, e, other, p, w = c
    day = dt.date(2022, 4, 10)
    before = (stats.testing(event, day), CohortWorker.objects.count(),
              list(CohortWorker.objects.values_list("hired_on", "tested_days")))
    with pytest.raises(CommandError, match="尚未关闭"):
        call_command("prevention_purge", "--event", event.code, stdout=io.StringIO())
    events.close_event(p["analyst"], event, event.version)
    out = io.StringIO()
    call_command("prevention_purge", "--event", event.code, stdout=out)
    assert "已清除 2 名" in out.getvalue()
    assert set(CohortWorker.objects.values_list("name", "id_number")) == {("", "")}
    assert CohortWorker.objects.filter(purged_at__isnull=True).count() == 0
    after = (stats.testing(event, day), CohortWorker.objects.count(),
             list(CohortWorker.objects.values_list("hired_on", "tested_days")))
    assert (after[0]["required"], after[0]["tested"], after[1], after[2]) == (
        before[0]["required"], before[0]["tested"], before[1], before[2])
    assert AuditEntry.objects.filter(action="prevention.purge").count() == 1
    out = io.StringIO()
    call_command("prevention_purge", "--event", event.code, stdout=out)  # idempotent: nothing more, no new entry
    assert "没有需要清除" in out.getvalue()
    out = io.StringIO()
    call_command("prevention_purge", "--closed", stdout=out)  # the scheduled job: every closed event
    assert f"{event.code}：没有需要清除" in out.getvalue()
    assert AuditEntry.objects.filter(action="prevention.purge").count() == 1


def test_purge_refuses_an_unknown_event():
    with pytest.raises(CommandError, match="没有代码"):
        call_command("prevention_purge", "--event", "nope", stdout=io.StringIO())


def test_unmask_service_refuses_the_wrong_town(c):
    from django.core.exceptions import PermissionDenied

    event, e, other, p, w = c
    with pytest.raises(PermissionDenied):
        services.unmask_worker(p["outsider"], w)
