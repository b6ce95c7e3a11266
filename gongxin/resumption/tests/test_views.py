"""The access matrix of every resumption page, and what the pages show and refuse."""

import datetime as dt

import pytest

from gongxin.resumption import services
from gongxin.resumption.models import Application, Blocker, Flag, Status, StatusEntry
from gongxin.testing import make_enterprise, personas

from .helpers import GOOD_ANSWERS, TODAY, checklist, entry, make_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("same_day")]

A = Application.State


@pytest.fixture
def cast():
    year = TODAY.year
    own = make_enterprise("荆河复工厂", years=(year - 1, year))
    other = make_enterprise("龙泉复工厂", town_name="龙泉街道", years=(year - 1, year))
    event = make_event()
    checklist(event)
    p = personas(own, other)
    app = services.apply(p["reporter"], event, own, planned_on=TODAY + dt.timedelta(days=1), workers_planned=20,
                         answers=GOOD_ANSWERS)
    done = services.apply(p["other_reporter"], event, other, planned_on=TODAY + dt.timedelta(days=1),
                          workers_planned=20, answers=GOOD_ANSWERS)
    done = services.co_review(p["admin"], services.evaluate(p["admin"], done, 1), 2)
    done = services.approve(p["admin"], done, 3)
    Flag.objects.create(event=event, enterprise=own, kind=Flag.Kind.GRID_LOW, key="2022-01-01", detail="用电偏低")
    Blocker.objects.create(event=event, enterprise=own, category="materials", description="原料断供")
    return event, own, other, p, app, done


def _get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


# who: admin analyst town outsider reporter other_reporter leader nobody
MATRIX = {
    "/resumption/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/resumption/export/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/resumption/applications/": (200, 200, 200, 200, 200, 200, 200, 403),
    "/resumption/flags/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/resumption/blockers/": (200, 200, 200, 200, 403, 403, 200, 403),
    "/resumption/conditions/": (200, 200, 403, 403, 403, 403, 200, 403),
    "/resumption/grid/import/": (200, 200, 403, 403, 403, 403, 403, 403),
}
WHO = ("admin", "analyst", "town", "outsider", "reporter", "other_reporter", "leader", "nobody")


@pytest.mark.parametrize("url", list(MATRIX))
def test_access_matrix_of_the_pages(client, cast, url):
    event, own, other, p, app, done = cast
    got = tuple(_get(client, p[w], url + f"?event={event.code}") for w in WHO)
    assert got == MATRIX[url]


def test_anonymous_is_sent_to_log_in(client, cast):
    for url in MATRIX:
        assert client.get(url).status_code == 302


def test_access_matrix_of_an_application_its_form_and_certificate(client, cast):
    event, own, other, p, app, done = cast
    detail = f"/resumption/applications/{app.pk}/"
    cert = f"/resumption/applications/{done.pk}/certificate/"
    word = f"/resumption/applications/{done.pk}/certificate.docx"
    new = f"/resumption/applications/new/{own.uscc}/?event={event.code}"
    expect = {
        detail: (200, 200, 200, 404, 200, 404, 200, 404),
        cert: (200, 200, 404, 200, 404, 200, 200, 404),
        word: (200, 200, 404, 200, 404, 200, 200, 404),
        # the apply page: the own enterprise (or town, bureau); the leader reads only; out of scope → 404
        new: (200, 200, 200, 404, 200, 404, 403, 404),
    }
    for url, codes in expect.items():
        assert tuple(_get(client, p[w], url) for w in WHO) == codes, url
    assert _get(client, p["admin"], f"/resumption/applications/{app.pk}/certificate/") == 404  # not approved yet


def test_actions_refuse_out_of_scope_and_not_allowed(client, cast):
    event, own, other, p, app, done = cast
    url = f"/resumption/applications/{app.pk}/evaluate/"
    client.force_login(p["outsider"])
    assert client.post(url, {"version": app.version}).status_code == 404
    client.force_login(p["reporter"])
    assert client.post(url, {"version": app.version}).status_code == 403
    client.force_login(p["leader"])
    assert client.post(url, {"version": app.version}).status_code == 403
    app.refresh_from_db()
    assert app.state == A.SUBMITTED
    client.force_login(p["town"])
    assert client.post(url, {"version": app.version, "note": "符合条件"}).status_code == 302
    app.refresh_from_db()
    assert app.state == A.EVALUATED
    client.force_login(p["town"])
    assert client.post(f"/resumption/applications/{app.pk}/approve/", {"version": app.version}).status_code == 403
    assert client.post(f"/resumption/applications/{app.pk}/bogus/", {"version": app.version}).status_code == 404
    assert client.get(url).status_code == 405


def test_return_without_a_reason_says_so_and_changes_nothing(client, cast):
    event, own, other, p, app, done = cast
    client.force_login(p["town"])
    response = client.post(f"/resumption/applications/{app.pk}/return/", {"version": app.version, "reason": ""},
                           follow=True)
    assert "请填写退回理由" in response.content.decode()
    app.refresh_from_db()
    assert app.state == A.SUBMITTED


def test_apply_page_posts_an_application_and_bad_input_writes_nothing(client, cast):
    event, own, other, p, app, done = cast
    third = make_enterprise("第三厂", years=(TODAY.year,))
    client.force_login(p["town"])
    url = f"/resumption/applications/new/{third.uscc}/?event={event.code}"
    bad = client.post(url, {"planned_on": "2022-13-40", "workers_planned": "abc"})
    assert bad.status_code == 400 and "计划复工日期" in bad.content.decode()
    bad = client.post(url, {"planned_on": (TODAY + dt.timedelta(days=1)).isoformat(), "workers_planned": "10",
                            "c_plan": "方案"})
    assert bad.status_code == 400 and "复工条件不完整" in bad.content.decode()
    assert not Application.objects.filter(enterprise=third).exists()
    fields = {f"c_{k}": v for k, v in GOOD_ANSWERS.items()}
    ok = client.post(url, {"planned_on": (TODAY + dt.timedelta(days=1)).isoformat(), "workers_planned": "10",
                           **fields})
    made = Application.objects.get(enterprise=third)
    assert ok.status_code == 302 and made.on_behalf


def test_status_form_records_an_entry_for_own_enterprise_only(client, cast):
    event, own, other, p, app, done = cast
    day = (TODAY - dt.timedelta(days=1)).isoformat()
    client.force_login(p["reporter"])
    url = f"/resumption/enterprises/{own.uscc}/status/?event={event.code}"
    assert client.post(url, {"status": "partial", "effective_on": day, "capacity_pct": "150"}).status_code == 302
    assert not StatusEntry.objects.filter(enterprise=own).exists()  # 150% refused
    client.post(url, {"status": "partial", "effective_on": day, "capacity_pct": "60", "workers_back": "5",
                      "workers_usual": "10"})
    assert StatusEntry.objects.get(enterprise=own).capacity_pct == 60
    other_url = f"/resumption/enterprises/{other.uscc}/status/?event={event.code}"
    assert client.post(other_url, {"status": "full", "effective_on": day}).status_code == 404
    client.force_login(p["leader"])
    client.post(url, {"status": "full", "effective_on": day})
    assert StatusEntry.objects.filter(enterprise=own).count() == 1


@pytest.mark.parametrize("workers, kept", [("１２", 12), ("²", None), ("9" * 5000, None), ("-3", None)])
def test_a_head_count_is_a_plain_whole_number_full_width_digits_included(client, cast, workers, kept):
    """Full-width digits (a Chinese input method) are the number; a superscript, 5,000 digits (more than
    int() reads) or a negative is refused with a message — not a server error."""
    event, own, other, p, app, done = cast
    client.force_login(p["reporter"])
    url = f"/resumption/enterprises/{own.uscc}/status/?event={event.code}"
    response = client.post(url, {"status": "partial", "effective_on": (TODAY - dt.timedelta(days=1)).isoformat(),
                                 "capacity_pct": "60", "workers_back": workers, "workers_usual": "20"}, follow=True)
    assert response.status_code == 200
    entry = StatusEntry.objects.filter(enterprise=own).first()
    assert (entry.workers_back if entry else None) == kept
    if kept is None:
        assert "应为0到" in response.content.decode()


def test_dashboard_shows_rate_flags_and_certificates_in_scope(client, cast):
    event, own, other, p, app, done = cast
    entry(event, own, Status.STOPPED, TODAY - dt.timedelta(days=5))
    client.force_login(p["town"])
    html = client.get(f"/resumption/?event={event.code}").content.decode()
    assert "荆河复工厂" in html and "原料断供" in html and "用电偏低" in html
    assert "龙泉复工厂" not in html
    client.force_login(p["analyst"])
    html = client.get(f"/resumption/?event={event.code}&date={(TODAY + dt.timedelta(days=1)).isoformat()}").content
    assert done.certificate_no in html.decode()


def test_flag_resolution_by_the_town_officer(client, cast):
    event, own, other, p, app, done = cast
    flag = Flag.objects.get(enterprise=own)
    client.force_login(p["outsider"])
    assert client.post(f"/resumption/flags/{flag.pk}/resolve/", {"version": 1, "state": "dismissed",
                                                                  "note": "x"}).status_code == 404
    client.force_login(p["town"])
    client.post(f"/resumption/flags/{flag.pk}/resolve/", {"version": 1, "state": "confirmed", "note": "已更正为停产"})
    flag.refresh_from_db()
    assert (flag.state, flag.resolved_by) == (Flag.State.CONFIRMED, p["town"])


def test_conditions_page_adds_and_changes_items_for_the_bureau_only(client, cast):
    event, own, other, p, app, done = cast
    data = {"code": "testing", "name": "核酸检测能力", "kind": "text", "required": "on", "active": "on", "order": "9"}
    client.force_login(p["leader"])
    assert client.post(f"/resumption/conditions/?event={event.code}", data).status_code == 403
    client.force_login(p["analyst"])
    assert client.post(f"/resumption/conditions/?event={event.code}", data).status_code == 302
    assert client.post(f"/resumption/conditions/?event={event.code}", data).status_code == 400  # same code
    assert client.post(f"/resumption/conditions/?event={event.code}", {**data, "code": "x", "min_value": "abc"}
                       ).status_code == 400


def test_work_items_match_their_pages(client, cast):
    from gongxin.resumption.panels import work_items

    event, own, other, p, app, done = cast
    request = type("R", (), {"user": p["town"]})()
    items = {i.title: i for i in work_items(request)}
    client.force_login(p["town"])
    listed = client.get(items["待评估复工申请"].url).context["page"].paginator.count
    assert items["待评估复工申请"].count == listed == 1
    assert items["复工核查提示"].count == client.get(items["复工核查提示"].url).context["page"].paginator.count == 1
    services.evaluate(p["town"], app, app.version)
    request.user = p["analyst"]
    items = {i.title: i for i in work_items(request)}
    client.force_login(p["analyst"])
    assert items["待会审复工申请"].count == client.get(items["待会审复工申请"].url).context["page"].paginator.count == 1
    request.user = p["reporter"]
    assert [i.value for i in work_items(request)] == ["镇街已评估"]
    request.user = p["nobody"]
    assert work_items(request) == []


def test_enterprise_panel_shows_timeline_application_and_certificate(client, cast):
    event, own, other, p, app, done = cast
    client.force_login(p["other_reporter"])
    html = client.get(f"/enterprises/{other.uscc}/").content.decode()
    assert "复工复产" in html and done.certificate_no in html and "全面复工" in html
    client.force_login(p["leader"])
    html = client.get(f"/enterprises/{own.uscc}/").content.decode()
    assert "在办申请：待镇街评估" in html and "登记复工状态" not in html


def test_export_is_a_workbook(client, cast):
    event, own, other, p, app, done = cast
    client.force_login(p["analyst"])
    response = client.get(f"/resumption/export/?event={event.code}&by=town")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_blocker_report_and_resolution_access(client, cast):
    event, own, other, p, app, done = cast
    url = f"/resumption/enterprises/{own.uscc}/blockers/?event={event.code}"
    data = {"category": "logistics", "description": "货车无法通行"}
    expected = {"admin": 302, "analyst": 302, "town": 302, "outsider": 404, "reporter": 302, "other_reporter": 404,
                "leader": 403, "nobody": 404}
    for who, code in expected.items():
        client.force_login(p[who])
        assert client.post(url, data).status_code == code, who
    assert Blocker.objects.filter(enterprise=own, category="logistics").count() == 1  # the same one, once
    blocker = Blocker.objects.get(enterprise=own, category="logistics")
    resolve = f"/resumption/blockers/{blocker.pk}/resolve/"
    for who, code in {"outsider": 404, "reporter": 403, "leader": 403}.items():
        client.force_login(p[who])
        assert client.post(resolve, {"version": 1, "resolution": "x"}).status_code == code, who
    client.force_login(p["town"])
    assert client.post(resolve, {"version": 1, "resolution": "协调通行证"}).status_code == 302
    blocker.refresh_from_db()
    assert blocker.state == Blocker.State.RESOLVED


def test_certificate_word_file_holds_the_number_and_the_staff(client, cast):
    import io

    from docx import Document

    event, own, other, p, app, done = cast
    client.force_login(p["other_reporter"])
    response = client.get(f"/resumption/applications/{done.pk}/certificate.docx")
    text = "\n".join(par.text for par in Document(io.BytesIO(response.content)).paragraphs)
    assert done.certificate_no in text and "复工复产确认书" in text and "张三、李四" in text


def test_rules_are_data_the_bureau_edits_version_checked(client, cast):
    from gongxin.resumption import stats

    event, own, other, p, app, done = cast
    data = {"version": 1, "no_entry_status": "stopped", "unaffected_counts_as_resumed": "on",
            "grid_threshold_pct": "25", "grid_days": "2", "output_threshold_pct": "30", "co_review_required": "on",
            "co_reviewer": "区卫健委", "certificate_prefix": "测工信复"}
    for who, code in {"town": 403, "leader": 403, "reporter": 403, "nobody": 403}.items():
        client.force_login(p[who])
        assert client.post(f"/resumption/rules/?event={event.code}", data).status_code == code, who
    client.force_login(p["analyst"])
    bad = client.post(f"/resumption/rules/?event={event.code}", {**data, "grid_threshold_pct": "300"}, follow=True)
    assert "复工用电阈值应在1到100之间" in bad.content.decode()
    client.post(f"/resumption/rules/?event={event.code}", data)
    event.refresh_from_db()
    rules = stats.rules_for(event)
    assert (rules.grid_threshold_pct, rules.grid_days, rules.co_reviewer, rules.version) == (25, 2, "区卫健委", 2)
    stale = client.post(f"/resumption/rules/?event={event.code}", data, follow=True)  # version 1 again
    assert "已被他人处理" in stale.content.decode()


def test_flag_and_blocker_lists_are_paged_not_cut(client, cast):
    from gongxin.resumption.views import PAGE_SIZE

    event, own, other, p, app, done = cast
    Flag.objects.bulk_create(Flag(event=event, enterprise=own, kind=Flag.Kind.GRID_LOW, key=f"2022-02-{i:02d}",
                                  detail=f"用电偏低{i}") for i in range(1, PAGE_SIZE + 2))
    Blocker.objects.bulk_create(Blocker(event=event, enterprise=own, category="logistics", description=f"物流受阻{i}")
                                for i in range(PAGE_SIZE))
    client.force_login(p["admin"])
    flags = client.get(f"/resumption/flags/?event={event.code}").content.decode()
    assert f"共 <span id=\"flag-count\">{PAGE_SIZE + 2}</span> 条" in flags and "第 1/2 页" in flags
    # Newest key first: 2022-02-01 and the cast's 2022-01-01 are on page 2 only.
    last = client.get(f"/resumption/flags/?event={event.code}&page=2").content.decode()
    assert "用电偏低1<" in last and "用电偏低1<" not in flags and "第 2/2 页" in last
    blockers = client.get(f"/resumption/blockers/?event={event.code}&page=2").content.decode()
    assert f"共 {PAGE_SIZE + 1} 条" in blockers and "第 2/2 页" in blockers and blockers.count("物流受阻") + \
        blockers.count("原料断供") == 1


def test_a_note_or_condition_text_longer_than_its_column_is_refused_with_the_reason(client, cast):
    event, own, other, p, app, done = cast
    day = (TODAY - dt.timedelta(days=1)).isoformat()
    client.force_login(p["reporter"])
    url = f"/resumption/enterprises/{own.uscc}/status/?event={event.code}"
    answer = client.post(url, {"status": "partial", "effective_on": day, "note": "停" * 201}, follow=True)
    assert "说明最多200个字，收到201个字" in answer.content.decode()
    assert not StatusEntry.objects.filter(enterprise=own).exists()
    client.force_login(p["admin"])
    before = list(event.resumption_conditions.values_list("name", flat=True))
    page = client.post(f"/resumption/conditions/?event={event.code}", {
        "code": "long", "name": "条" * 101, "kind": "check"})
    assert page.status_code == 400 and "最多100个字，收到101个字" in page.content.decode()
    assert list(event.resumption_conditions.values_list("name", flat=True)) == before


def test_a_staff_list_that_does_not_name_every_first_returner_is_shown_to_the_reviewers(client, cast):
    event, own, other, p, app, done = cast  # both list 张三 and 李四 for 20 returning first
    client.force_login(p["town"])
    html = client.get(f"/resumption/applications/{app.pk}/").content.decode()
    assert 'data-testid="staff-mismatch"' in html and "返岗人员名单2人，与首批返岗人数20人不一致" in html
    assert "共2人：张三、李四" in html  # the list as one run of names with its count, not a line per name
    app.workers_planned = 2  # the list names both
    app.save(update_fields=["workers_planned"])
    html = client.get(f"/resumption/applications/{app.pk}/").content.decode()
    assert 'data-testid="staff-mismatch"' not in html and "共2人：张三、李四" in html


def test_the_certificate_is_signed_by_the_county_bureau(client, cast):
    import io

    from docx import Document

    from gongxin.registry.models import Region

    event, own, other, p, app, done = cast
    county = Region.objects.get(level=Region.Level.COUNTY).name
    client.force_login(p["other_reporter"])
    html = client.get(f"/resumption/applications/{done.pk}/certificate/").content.decode()
    assert f'<div id="issuer">{county}工业和信息化局</div>' in html
    response = client.get(f"/resumption/applications/{done.pk}/certificate.docx")
    doc = Document(io.BytesIO(response.content))
    town, bureau = (cell.text for cell in doc.tables[0].rows[0].cells)  # signed side by side, as printed
    assert town == f"{other.town.name}\n（评估单位）" and bureau.startswith(f"{county}工业和信息化局\n")
