"""In-app notices: addressed access, idempotent keys, read receipts once."""

import pytest

from gongxin.accounts.audit import entries_for
from gongxin.notices import services
from gongxin.notices.models import Notice, NoticeRead
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    a, b = make_enterprise(town_name="荆河街道"), make_enterprise(town_name="龙泉街道")
    return a, b, personas(a, b)


def test_a_notice_to_enterprise_a_is_404_for_enterprise_bs_reporter(cast, client):
    a, b, p = cast
    notice, _ = services.send(Notice.Kind.POLICY, "请阅读文件", to_enterprise=a)
    client.force_login(p["other_reporter"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/notices/{notice.pk}/read/").status_code == 404
    assert not NoticeRead.objects.exists()
    client.force_login(p["reporter"])
    assert client.get(f"/notices/{notice.pk}/").status_code == 200


def test_a_town_notice_reaches_its_officer_only(cast, client):
    a, _, p = cast
    notice, _ = services.send(Notice.Kind.TASK, "镇街待办", to_region=a.town)
    assert list(Notice.objects.for_user(p["town"])) == [notice]
    assert not Notice.objects.for_user(p["outsider"]).exists()
    assert not Notice.objects.for_user(p["nobody"]).exists()


def test_the_same_key_sends_once(cast):
    a, _, _ = cast
    first, created = services.send(Notice.Kind.REMIND, "催报", to_enterprise=a, key="remind:a:2022-04-10")
    again, created_again = services.send(Notice.Kind.REMIND, "催报", to_enterprise=a, key="remind:a:2022-04-10")
    assert (created, created_again, first.pk) == (True, False, again.pk)
    assert Notice.objects.count() == 1
    services.send(Notice.Kind.REMIND, "催报", to_enterprise=a, key="remind:a:2022-04-11")
    assert Notice.objects.count() == 2


def test_mark_read_records_one_receipt_with_the_enterprise_and_audits_once(cast, client):
    a, _, p = cast
    notice, _ = services.send(Notice.Kind.POLICY, "请阅读文件", to_enterprise=a)
    assert services.mark_read(notice, p["reporter"]) is True
    assert services.mark_read(notice, p["reporter"]) is False
    receipt = NoticeRead.objects.get()
    assert (receipt.user, receipt.enterprise, bool(receipt.read_at)) == (p["reporter"], a, True)
    assert entries_for(notice).filter(action="notices.read").count() == 1
    assert not Notice.objects.unread_by(p["reporter"]).exists()


def test_unread_count_in_the_header_and_the_list(cast, client):
    a, _, p = cast
    services.send(Notice.Kind.POLICY, "文件一", to_enterprise=a)
    client.force_login(p["reporter"])
    html = client.get("/notices/?unread=1").content.decode()
    assert "文件一" in html and "data-unread>1<" in html


def test_unread_count_counts_what_unread_by_lists_for_every_kind_of_addressee(cast):
    from gongxin.accounts.models import Role

    a, b, p = cast
    sent = [services.send(Notice.Kind.POLICY, "给企业A", to_enterprise=a)[0],
            services.send(Notice.Kind.POLICY, "给企业B", to_enterprise=b)[0],
            services.send(Notice.Kind.TASK, "给荆河街道", to_region=a.town)[0],
            services.send(Notice.Kind.TASK, "给龙泉街道", to_region=b.town)[0],
            services.send(Notice.Kind.OTHER, "给分析员", to_user=p["analyst"])[0],
            services.send(Notice.Kind.POLICY, "给全体企业", to_role=Role.ENTERPRISE)[0],
            services.send(Notice.Kind.POLICY, "给镇街", to_role=Role.TOWN_OFFICER)[0]]
    services.mark_read(sent[0], p["reporter"])
    services.mark_read(sent[2], p["town"])
    services.mark_read(sent[5], p["other_reporter"])  # another reader's receipt does not count for the reporter
    counts = {who: services.unread_count(user) for who, user in p.items()}
    assert counts == {who: Notice.objects.unread_by(user).count() for who, user in p.items()}
    assert (counts["reporter"], counts["other_reporter"], counts["town"], counts["analyst"], counts["nobody"]) == (
        1, 1, 1, 1, 0)
