"""Every form on every page, as each demo persona finds them: a text box holding more than any column
does gets a page or a redirect back — never a server error (on PostgreSQL an over-long value is a
DataError) — and no column is left holding a value longer than its max_length (SQLite would keep it
whole) or the typed value silently cut short. The filters' text boxes likewise. Every text box of a
form that writes carries a maxlength (or is a number box, inputmode numeric/decimal), so the browser
stops the typing where the server would refuse it.

The crawl (tests/crawl.py, the `pages` fixture) starts from the persona's menu and follows links two clicks deep, one page
per URL pattern, on the demo county (every module has records there). Each post runs in a savepoint
rolled back afterwards, so every form meets the demo as its page showed it (no version conflicts from
an earlier post); the tables a post wrote are checked for over-long values before the rollback.
"""

import re

import pytest

from .crawl import filled, post_rolled_back
from .stored import TOO_LONG, kept_badly

pytestmark = pytest.mark.django_db
PERSONAS = ["bureau", "town", "enterprise", "supplier", "leader"]
def sweep(client, user, forms):
    """Post each form once per (text box, button) with that box over-long; boxes numbered per row
    (qty_FH01, rate_7) are one box. Returns the posts made and the failures: a server error, an
    exception, or a table the post wrote left holding an over-long value or the typed value cut."""
    done, failures = set(), []
    for form in forms:
        for box in [f for f in form.fields if f.is_text]:
            for button in form.buttons:
                key = (form.kind, re.sub(r"\d+", "#", box.name), button)
                if key in done:
                    continue
                done.add(key)
                data = filled(form, box.name, TOO_LONG)
                if button:
                    data[button[0]] = button[1]
                if wrong := post_rolled_back(client, form.action, data, kept_badly):
                    failures.append((form.action, box.name, button, wrong))
                client.force_login(user)  # a post may have changed the session (a password, a role)
    return len(done), failures


@pytest.mark.parametrize("who", PERSONAS)
def test_an_over_long_text_in_any_form_is_refused_cleanly(pages, who):
    user, client, crawled = pages(who)
    posts = [f for _, page in crawled for f in page.forms if f.method == "post"]
    made, failures = sweep(client, user, posts)
    assert made, "the crawl found no form to post"
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("who", PERSONAS)
def test_every_text_box_of_a_form_that_writes_stops_at_its_length(pages, who):
    """A text input carries maxlength, unless it takes a number (inputmode numeric/decimal, where the
    server's bound is in digits); a textarea over an unbounded column (说明, 建设内容) may go without."""
    user, client, crawled = pages(who)
    unbounded = sorted({(f.kind, box.name) for _, page in crawled for f in page.forms if f.method == "post"
                        for box in f.fields if box.is_text and box.tag == "input"
                        and "maxlength" not in box.attrs and box.attrs.get("inputmode") not in ("numeric", "decimal")})
    assert not unbounded


@pytest.mark.parametrize("who", ["bureau", "town", "enterprise"])
def test_an_over_long_text_in_any_filter_is_answered_cleanly(pages, who):
    """The filters (GET forms: 搜索, 报告期, 镇街) with one text box over-long: a page, never an error."""
    user, client, crawled = pages(who)
    done, failures = set(), []
    for form in [f for _, page in crawled for f in page.forms if f.method == "get"]:
        for box in [f for f in form.fields if f.is_text or f.type in ("number", "month", "date")]:
            if (form.kind, box.name) in done:
                continue
            done.add((form.kind, box.name))
            response = client.get(form.action.split("?")[0], filled(form, box.name, TOO_LONG))
            if response.status_code >= 500:
                failures.append((form.action, box.name, response.status_code))
    assert done, "the crawl found no filter"
    assert not failures
