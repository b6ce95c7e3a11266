import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from gongxin.accounts.models import Role
from gongxin.notices.models import Notice
from gongxin.reporting.completeness import completeness
from gongxin.reporting.models import Return
from gongxin.testing import make_enterprise, make_user, personas

from .helpers import make_return, output_form

pytestmark = pytest.mark.django_db
S = Return.Status


def at(day, hour=10):
    return timezone.make_aware(dt.datetime(2022, 5, day, hour))


@pytest.fixture
def county():
    """荆河街道: 4 expected (on time, late, draft, none); 龙泉街道: 1 accepted import; 1 not on the list."""
    jh = [make_enterprise(town_name="荆河街道", contact_name="张三", contact_phone="0632-5550001") for _ in range(4)]
    lq = make_enterprise(town_name="龙泉街道")
    make_enterprise(town_name="荆河街道", years=(2021,))
    make_return(jh[0], "2022-04", status=S.APPROVED, submitted_at=at(5, 23))
    make_return(jh[1], "2022-04", status=S.SUBMITTED, submitted_at=at(6, 8))
    make_return(jh[2], "2022-04", status=S.DRAFT)
    make_return(lq, "2022-04", status=S.ACCEPTED, source="import")
    return jh, lq


def test_counts_by_town_and_on_time_rate(county):
    jh, lq = county
    total, towns = completeness(make_user("a", Role.BUREAU_STAFF), output_form(), "2022-04")
    assert (total.expected, total.submitted, total.approved, total.accepted, total.on_time) == (5, 3, 2, 1, 1)
    assert str(total.on_time_pct) == "20.0" and str(total.submitted_pct) == "60.0"
    by_name = {t.name: t for t in towns}
    assert (by_name["荆河街道"].expected, by_name["荆河街道"].submitted) == (4, 2)
    assert {m.enterprise for m in total.missing} == {jh[2], jh[3]}
    assert {m.status for m in total.missing} == {"草稿未报送", "未填报"}


def test_town_officer_counts_only_their_town(county):
    total, towns = completeness(make_user("t", Role.TOWN_OFFICER, region="荆河街道"), output_form(), "2022-04")
    assert total.expected == 4 and [t.name for t in towns] == ["荆河街道"]


@pytest.mark.parametrize("who,status", [("analyst", 200), ("admin", 200), ("leader", 200), ("town", 200),
                                        ("reporter", 403), ("nobody", 403)])
def test_completeness_page_access(client, county, who, status):
    jh, _ = county
    client.force_login(personas(jh[0])[who])
    assert client.get("/returns/completeness/?form=output&period=2022-04").status_code == status
    assert client.get("/returns/completeness/export.xlsx?form=output&period=2022-04").status_code == status


def test_page_lists_missing_enterprises_with_contacts(client, county):
    jh, _ = county
    client.force_login(make_user("a", Role.BUREAU_STAFF))
    html = client.get("/returns/completeness/?form=output&period=2022-04").content.decode()
    assert jh[3].name in html and "0632-5550001" in html and jh[0].name not in html


def test_outsider_town_officer_does_not_see_other_towns_missing(client, county):
    jh, _ = county
    client.force_login(make_user("o", Role.TOWN_OFFICER, region="龙泉街道"))
    html = client.get("/returns/completeness/?form=output&period=2022-04").content.decode()
    assert jh[3].name not in html


def test_export_lists_the_missing(client, county):
    jh, _ = county
    client.force_login(make_user("a", Role.BUREAU_STAFF))
    content = client.get("/returns/completeness/export.xlsx?form=output&period=2022-04").content
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "所属镇街", "统一社会信用代码", "企业名称", "统计联系人", "联系电话")
    assert {r[2] for r in rows[1:]} == {jh[2].uscc, jh[3].uscc}


def test_remind_is_idempotent(county):
    jh, _ = county
    out = io.StringIO()
    call_command("remind", "--period", "2022-04", stdout=out)
    assert "新增催报通知2条" in out.getvalue()
    call_command("remind", "--period", "2022-04", "--form", "output", stdout=out)
    assert "新增催报通知0条" in out.getvalue()
    assert set(Notice.objects.values_list("enterprise_id", flat=True)) == {jh[2].id, jh[3].id}


def test_remind_sends_email_when_configured(county, settings):
    jh, _ = county
    settings.EMAIL_HOST = "smtp.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("rep", Role.ENTERPRISE, enterprise=jh[3])
    user.email = "rep@example.com"
    user.save()
    call_command("remind", "--period", "2022-04", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["rep@example.com"]]
    assert "2022年4月" in mail.outbox[0].subject
    call_command("remind", "--period", "2022-04", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_remind_without_email_host_sends_nothing(county):
    jh, _ = county
    user = make_user("rep", Role.ENTERPRISE, enterprise=jh[3])
    user.email = "rep@example.com"
    user.save()
    call_command("remind", "--period", "2022-04", stdout=io.StringIO())
    assert mail.outbox == [] and Notice.objects.count() == 2
