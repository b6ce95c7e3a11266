"""The warnings table over several pages: 50 a page, ceil(rows / 50) pages, every warning on exactly one
page in the same order as one long list, and the filters kept in every page link."""

import math
import re
from html import unescape
from itertools import cycle

import pytest

from gongxin.accounts.models import Role
from gongxin.alerts.models import EarlyWarning, Level, WarningRule
from gongxin.testing import make_enterprise, make_user, town

pytestmark = pytest.mark.django_db

PAGE_SIZE = 50
PERIOD = "2022-03"
TOWNS = ["荆河街道", "龙泉街道", "官桥镇"]
LEVELS = [Level.RED, Level.ORANGE, Level.YELLOW, Level.BLUE]


def make_warnings(count, period=PERIOD):
    """`count` listed warnings of one period over three towns and every level, several of the same
    level and town (so the order has ties to break), plus one cleared warning (never listed by default)
    and one of another period. Returns the listed warnings' ids."""
    rules = list(WarningRule.objects.exclude(kind=WarningRule.Kind.PLAN_BEHIND))
    enterprises = [make_enterprise(f"滕州分页{i:03d}号有限公司", town_name=t)
                   for i, t in zip(range(math.ceil(count / len(rules)) + 1), cycle(TOWNS), strict=False)]
    pairs = [(rule, e) for e in enterprises for rule in rules]
    levels = cycle(LEVELS)
    made = [EarlyWarning.objects.create(rule=rule, period=period, enterprise=e, town=e.town, level=next(levels),
                                        reason=f"{e.name}产值下降") for rule, e in pairs[:count]]
    rule, e = pairs[count]
    EarlyWarning.objects.create(rule=rule, period=period, enterprise=e, town=e.town, level=Level.RED,
                                reason="已解除", status=EarlyWarning.Status.CLEARED)
    EarlyWarning.objects.create(rule=rule, period="2022-02", enterprise=e, town=e.town, level=Level.RED,
                                reason="上月")
    return [w.pk for w in made]


def listed_ids(html):
    return [int(pk) for pk in re.findall(r'href="/analysis/warnings/(\d+)/"', html)]


def page_links(html, text):
    return [unescape(href) for href, label in re.findall(r'<a class="page-link" href="([^"]*)">([^<]*)</a>', html)
            if label == text]


def walk(client, first_url):
    """Every page from the first, following 下一页: (ids shown on each page, html of each page)."""
    pages, url = [], first_url
    while url:
        html = client.get(url).content.decode()
        pages.append((listed_ids(html), html))
        following = page_links(html, "下一页")
        url = "/analysis/warnings/" + following[0] if following else None
        assert len(pages) <= 10, "the pager never ends"
    return pages


@pytest.mark.parametrize("count", [43, 49, 50, 51, 99, 101])
def test_warnings_paginate_by_fifty_with_no_row_lost_or_repeated(client, count):
    expected = make_warnings(count)
    client.force_login(make_user("paging_analyst", Role.BUREAU_STAFF))
    pages = walk(client, f"/analysis/warnings/?period={PERIOD}")
    assert len(pages) == math.ceil(count / PAGE_SIZE)
    shown = [pk for ids, _ in pages for pk in ids]
    assert len(shown) == len(set(shown)) == count  # none repeated, none lost
    assert set(shown) == set(expected)
    assert [len(ids) for ids, _ in pages] == [PAGE_SIZE] * (count // PAGE_SIZE) + ([count % PAGE_SIZE] if count % PAGE_SIZE else [])
    # Page by page is the same order as the whole list (most severe first).
    assert shown == list(EarlyWarning.objects.listed(period=PERIOD).by_severity().values_list("pk", flat=True))
    levels = dict(EarlyWarning.objects.values_list("pk", "level"))
    assert [LEVELS.index(levels[pk]) for pk in shown] == sorted(LEVELS.index(levels[pk]) for pk in shown)
    first = pages[0][1]
    assert f"共 {count} 条预警" in first
    if len(pages) > 1:
        assert f"共 {count} 条，第 1/{len(pages)} 页" in first
        assert page_links(first, "末页") == [f"?period={PERIOD}&page={len(pages)}"]
    else:
        assert 'class="pagination' not in first  # one page: no pager


def test_page_links_keep_the_filters(client):
    make_warnings(180)
    jinghe = town("荆河街道").code
    client.force_login(make_user("paging_analyst", Role.BUREAU_STAFF))
    url = f"/analysis/warnings/?period={PERIOD}&town={jinghe}&status=open"
    count = EarlyWarning.objects.listed(period=PERIOD, town=jinghe, status="open").count()
    assert count > PAGE_SIZE  # the filter still leaves more than one page
    pages = walk(client, url)
    assert len(pages) == math.ceil(count / PAGE_SIZE)
    shown = [pk for ids, _ in pages for pk in ids]
    assert len(shown) == len(set(shown)) == count
    assert set(EarlyWarning.objects.filter(pk__in=shown).values_list("enterprise__town__code", flat=True)) == {jinghe}
    for _, html in pages:
        for text in ("首页", "上一页", "下一页", "末页"):
            for href in page_links(html, text):
                assert f"period={PERIOD}" in href and f"town={jinghe}" in href and "status=open" in href, href
    # The level cards keep the other filters and go back to the first page.
    last = pages[-1][1]
    cards = [unescape(h) for h in re.findall(r'<a class="card card-sm card-link" href="([^"]*)"', last)]
    assert cards and all("page=" not in h and f"town={jinghe}" in h for h in cards)


def test_a_page_past_the_end_shows_the_last_page_and_a_bad_page_the_first(client):
    make_warnings(60)
    client.force_login(make_user("paging_analyst", Role.BUREAU_STAFF))
    last = listed_ids(client.get(f"/analysis/warnings/?period={PERIOD}&page=2").content.decode())
    assert len(last) == 10
    assert listed_ids(client.get(f"/analysis/warnings/?period={PERIOD}&page=9").content.decode()) == last
    assert len(listed_ids(client.get(f"/analysis/warnings/?period={PERIOD}&page=x").content.decode())) == PAGE_SIZE


def test_every_period_pages_the_same_way_and_the_level_cards_count_every_level(client):
    expected = make_warnings(60)  # and one of 2022-02
    client.force_login(make_user("paging_analyst", Role.BUREAU_STAFF))
    pages = walk(client, "/analysis/warnings/?period=all")
    shown = [pk for ids, _ in pages for pk in ids]
    assert len(pages) == 2 and len(shown) == len(set(shown)) == 61 and set(expected) < set(shown)
    assert "period=all" in page_links(pages[0][1], "下一页")[0]
    # Filtered to one level, the cards still count each level (the table shows only the one).
    html = client.get(f"/analysis/warnings/?period={PERIOD}&level=red").content.decode()
    cards = re.findall(r'<span class="ms-auto h2 m-0">(\d+)</span>', html)
    assert cards == ["15", "15", "15", "15"]  # 60 warnings over four levels in turn
    assert len(listed_ids(html)) == 15
