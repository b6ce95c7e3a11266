"""政策文件转发: the target fans out into enterprise notices; read receipts per user; the bureau sees
who has not read by town and reminds them once a day; town officers see their town's."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from gongxin.accounts.audit import entries_for
from gongxin.notices.models import Notice
from gongxin.notices.services import mark_read
from gongxin.prevention import services, stats
from gongxin.prevention.models import PolicyNotice
from gongxin.registry.models import EnterpriseGroup, Region
from gongxin.testing import make_enterprise

from .utils import cast

pytestmark = pytest.mark.django_db
T = PolicyNotice.Target


@pytest.fixture
def c(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return cast()


def publish(user, event, **kw):
    return services.publish_notice(user, event, title=kw.pop("title", "紧急通知"), issuer="工信局", **kw)


def test_all_enterprises_get_the_notice_on_their_workbench(c, rf):
    from gongxin.notices.panels import work_items

    event, e, other, p = c
    notice = publish(p["analyst"], event, doc_number="滕工信发〔2022〕15号")
    assert Notice.objects.filter(source=notice.source).count() == 2
    request = rf.get("/")
    request.user = p["reporter"]
    [item] = work_items(request)
    assert item.title == "未读通知" and item.count == 1
    assert entries_for(notice).get().action == "prevention.publish"


def test_targets_by_town_group_and_list(c):
    event, e, other, p = c
    third = make_enterprise(town_name="龙泉街道")
    by_town = publish(p["analyst"], event, target=T.TOWNS, towns=[Region.objects.get(name="龙泉街道")])
    assert set(services.target_enterprises(by_town)) == {other, third}
    group = EnterpriseGroup.objects.create(name="测试分组")
    group.enterprises.add(e)
    by_group = publish(p["analyst"], event, target=T.GROUPS, groups=[group], title="分组通知")
    assert list(services.target_enterprises(by_group)) == [e]
    listed = publish(p["analyst"], event, target=T.LIST, enterprises=[third], title="指定通知")
    assert Notice.objects.filter(source=listed.source).get().enterprise == third


def test_only_the_bureau_publishes(c):
    event, _, _, p = c
    for who in ("town", "reporter", "leader"):
        with pytest.raises(PermissionDenied):
            publish(p[who], event)


def test_an_attachment_is_checked_by_content(c):
    event, _, _, p = c
    with pytest.raises(services.UploadRefused):
        publish(p["analyst"], event, files=[SimpleUploadedFile("通知.pdf", b"not a pdf")])
    assert not PolicyNotice.objects.exists()
    notice = publish(p["analyst"], event, files=[SimpleUploadedFile("通知.pdf", b"%PDF-1.4 body")])
    assert notice.attachments.get().content_type == "application/pdf"


def test_reading_confirms_per_user_and_shrinks_the_unread_list(c, client):
    event, e, other, p = c
    notice = publish(p["analyst"], event)
    [(t1, targets1, read1, unread1), (t2, _, _, unread2)] = stats.notice_by_town(notice)
    assert (t1.name, targets1, read1, [u.name for u in unread1]) == ("荆河街道", 1, 0, [e.name])
    client.force_login(p["reporter"])
    response = client.post(f"/prevention/notices/{notice.pk}/read/", follow=True)
    assert "已于" in response.content.decode()
    client.post(f"/prevention/notices/{notice.pk}/read/")  # a second confirmation changes nothing
    [row] = stats.notice_rows(event, dt.date.today() + dt.timedelta(days=1))
    assert (row.targets, row.read, row.unread) == (2, 1, 1)
    client.force_login(p["analyst"])
    html = client.get(f"/prevention/notices/{notice.pk}/").content.decode()
    assert "data-unread-total>1<" in html and f"data-unread-enterprise>{other.name}<" in html


def test_town_officers_see_their_towns_readers(c, client):
    event, e, other, p = c
    notice = publish(p["analyst"], event)
    [row] = stats.notice_rows(event, dt.date.today(), p["town"])
    assert (row.targets, row.unread) == (1, 1)
    client.force_login(p["town"])
    html = client.get(f"/prevention/notices/{notice.pk}/").content.decode()
    assert e.name in html and other.name not in html
    assert "一键提醒" not in html


def test_reminders_go_to_the_unread_once_a_day(c):
    event, e, other, p = c
    notice = publish(p["analyst"], event)
    mark_read(Notice.objects.get(source=notice.source, enterprise=e), p["reporter"])
    day = dt.date(2022, 3, 15)
    assert services.remind_unread(p["analyst"], notice, day) == 1
    assert services.remind_unread(p["analyst"], notice, day) == 0
    reminder = Notice.objects.get(kind=Notice.Kind.READ_REMIND)
    assert reminder.enterprise == other and reminder.key.endswith(":2022-03-15")
    assert services.remind_unread(p["analyst"], notice, day + dt.timedelta(days=1)) == 1
    assert entries_for(notice).filter(action="prevention.remind").count() == 2
    with pytest.raises(PermissionDenied):
        services.remind_unread(p["town"], notice)


def test_the_publish_form_posted_twice_publishes_once(c, client):
    event, _, _, p = c
    client.force_login(p["analyst"])
    data = {"title": "紧急通知", "issuer": "工信局", "target": "all", "token": "tok-1"}
    first = client.post(f"/prevention/notices/new/?event={event.code}", data)
    second = client.post(f"/prevention/notices/new/?event={event.code}", data)
    assert first["Location"] == second["Location"]
    assert PolicyNotice.objects.count() == 1 and Notice.objects.count() == 2


def test_an_enterprise_sees_only_notices_sent_to_it(c, client):
    event, e, other, p = c
    only_other = publish(p["analyst"], event, target=T.LIST, enterprises=[other])
    client.force_login(p["reporter"])
    assert client.get(f"/prevention/notices/{only_other.pk}/").status_code == 404
    assert "紧急通知" not in client.get("/prevention/notices/").content.decode()
    client.force_login(p["other_reporter"])
    assert client.get(f"/prevention/notices/{only_other.pk}/").status_code == 200
