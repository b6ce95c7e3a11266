"""Access, across every module at once: the pages the bureau reaches on the demo county (three of each
URL pattern, two clicks from its menu), opened by a reporter and by a town officer.

- A reporter's answer never shows another enterprise's 统一社会信用代码 (a list, a detail, a
  drop-down, a chart's data), whatever the page.
- A page whose address names an enterprise outside the town officer's town (/enterprises/<code>/,
  /returns/<code>/…) is refused to the officer (403 or 404), and one in the town is not.

Each module's own tests prove its views' matrix; this one catches the page a new module forgets.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gongxin.accounts.scoping import enterprise_q
from gongxin.registry.models import Enterprise

from .crawl import crawl

pytestmark = pytest.mark.django_db
USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")


@pytest.fixture(scope="module")
def bureau_urls(demo_county, django_db_blocker):
    with django_db_blocker.unblock():
        bureau = get_user_model().objects.get(username="bureau")
        client = Client()
        client.force_login(bureau)
        return [url for url, _ in crawl(client, bureau, per_kind=3, limit=600)]


def as_user(username):
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    return user, client, set(Enterprise.objects.filter(enterprise_q(user)).values_list("uscc", flat=True))


def codes_in(text):
    """The registered enterprises' codes in `text` (an 18-character permit number is not one)."""
    return set(USCC.findall(text)) & set(Enterprise.objects.values_list("uscc", flat=True))


@pytest.mark.parametrize("who", ["enterprise", "supplier"])
def test_a_reporter_sees_no_other_enterprise_on_any_page_the_bureau_reaches(db, bureau_urls, who):
    user, client, own = as_user(who)
    assert len(own) == 1
    shown, refused, seen = 0, 0, []
    for url in bureau_urls:
        response = client.get(url)
        if response.status_code in (403, 404):
            refused += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        shown += 1
        body = response.content.decode()
        others = codes_in(body) - own
        if others:
            seen.append((url, sorted(others)[:3]))
    assert shown > 20 and refused > 20, (shown, refused)  # the crawl reached pages of both kinds
    assert not seen


def test_a_town_officer_is_refused_every_page_named_after_another_towns_enterprise(db, bureau_urls):
    user, client, own = as_user("town")
    outside, inside, leaks = 0, 0, []
    for url in bureau_urls:
        codes = codes_in(urlsplit(url).path)
        if not codes:
            continue
        status = client.get(url).status_code
        if codes - own:
            outside += 1
            if status not in (403, 404):
                leaks.append((url, status))
        else:
            inside += 1
            assert status != 404, url
    assert outside and inside, (outside, inside)
    assert not leaks
