"""Every form on every page, as each demo persona finds them, with one number or date box holding what
a hurried or mistaken user types: a negative, a number no column holds (1e999999, twenty nines), NaN,
thousands separators; a date in year 1, in 9999, on 30 February. The answer is a page or a redirect
back — never a server error — and the tables the post wrote hold no number outside what its model
declares (no negative output, a growth within ±10,000%, the column's digits) and no date outside
1900–2100. The crawl and the savepoints are those of the long-text sweep (test_long_text.py).
"""

import re
from urllib.parse import parse_qsl

import pytest

from .crawl import Field, _kind, filled, post_rolled_back
from .stored import TOO_LONG, dates_outside, numbers_outside

pytestmark = pytest.mark.django_db
PERSONAS = ["bureau", "town", "enterprise", "supplier"]
NUMBERS = ["-1", "1e999999", "99999999999999999999", "NaN", "9" * 5000, "²"]
DATES = ["0001-01-01", "9999-12-31", "2022-02-30"]


MONTHS = ["9999-12", "0001-01"]
YEARS = ["9999", "0", "99999"]


def is_date(box):
    return box.type == "date" or (box.is_text and re.search(r"(^|_)(day|date|on|until|deadline|from|to|start|end)$",
                                                               box.name))


def far(box):
    """The far values for a date, month (报告期) or year box; none for another box."""
    if is_date(box):
        return DATES
    if box.type == "month" or (box.is_text and re.search(r"(^|_)(month|period)$", box.name)):
        return MONTHS
    if box.name == "year" and (box.is_text or box.type == "number"):
        return YEARS
    return []


def values_for(box):
    """The values to try in `box`, and the check of what a post that took one may have written."""
    if far(box):
        return far(box), dates_outside
    if box.type == "number" or box.attrs.get("inputmode") in ("numeric", "decimal"):
        return NUMBERS, numbers_outside
    return [], None


def sweep(client, user, forms):
    """Post each form once per (box, value, button); boxes numbered per row are one box."""
    done, failures = set(), []
    for form in forms:
        for box in form.fields:
            values, check = values_for(box)
            for value in values:
                for button in form.buttons:
                    key = (form.kind, re.sub(r"\d+", "#", box.name), value, button)
                    if key in done:
                        continue
                    done.add(key)
                    data = filled(form, box.name, value)
                    if button:
                        data[button[0]] = button[1]
                    if wrong := post_rolled_back(client, form.action, data, check):
                        failures.append((form.action, box.name, value, button, wrong))
                    client.force_login(user)
    return len(done), failures


@pytest.mark.parametrize("who", PERSONAS)
def test_a_wrong_number_or_date_in_any_form_is_refused_cleanly(pages, who):
    user, client, crawled = pages(who)
    posts = [f for _, page in crawled for f in page.forms if f.method == "post"]
    made, failures = sweep(client, user, posts)
    assert made > 20, "the crawl found too few number and date boxes"
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("who", ["bureau", "town", "enterprise"])
def test_a_far_date_in_any_filter_is_answered_cleanly(pages, who):
    """The filters (GET forms: 日期, 起止日期, 报告期, 年度) with a date, month or year of year 1 or 9999:
    a page, never an error; the links of a page with such a filter too (a month's bulletin, an export)."""
    user, client, crawled = pages(who)
    done, failures = set(), []
    for form in [f for _, page in crawled for f in page.forms if f.method == "get"]:
        for box in form.fields:
            for value in far(box):
                if (form.kind, box.name, value) in done:
                    continue
                done.add((form.kind, box.name, value))
                response = client.get(form.action.split("?")[0], filled(form, box.name, value))
                if response.status_code >= 500:
                    failures.append((form.action, box.name, value, response.status_code))
    for link in {u for _, page in crawled for u in page.links + page.downloads + page.fragments if "?" in u}:
        path, query = link.split("?", 1)
        params = dict(parse_qsl(query, keep_blank_values=True))
        for name in params:
            box = Field("input", "text", name, params[name], {})
            for value in far(box):
                if (_kind(path), name, value) in done:
                    continue
                done.add((_kind(path), name, value))
                response = client.get(path, params | {name: value})
                if response.status_code >= 500:
                    failures.append((link, name, value, response.status_code))
    assert done, "the crawl found no date filter"
    assert not failures


GARBAGE = ["abc", "-1", "99999999999999999999", "9" * 5000, "²", "1e999999", "%00", "2022-13", TOO_LONG[:3000]]


@pytest.mark.parametrize("who", ["bureau", "town", "enterprise"])
def test_garbage_in_any_links_query_is_answered_cleanly(pages, who):
    """Each query parameter of every link, download and htmx fragment the persona is shown (?period=, ?event=, ?by=,
    ?kind=, ?page=, ?town=) holding garbage — a word, a negative, a giant or absurd number, 5,000
    digits (more than int() reads), a superscript digit (isdigit() but not int()), a NUL, a 13th
    month, 3,000 characters: a page or a 4xx, never an error."""
    user, client, crawled = pages(who)
    done, failures = set(), []
    for link in {u for _, page in crawled for u in page.links + page.downloads + page.fragments if "?" in u}:
        path, query = link.split("?", 1)
        params = dict(parse_qsl(query, keep_blank_values=True))
        for name in params:
            if (_kind(path), name) in done:
                continue
            done.add((_kind(path), name))
            for value in GARBAGE:
                response = client.get(path, params | {name: value})
                if response.status_code >= 500:
                    failures.append((link, name, value[:20], response.status_code))
    assert done, "the crawl found no link with a query"
    assert not failures


TAMPERED = ["abc", "99999999999999999999", "9" * 5000, "²", "-1", ""]


@pytest.mark.parametrize("who", ["bureau", "town", "enterprise", "supplier"])
def test_a_tampered_choice_or_hidden_field_in_any_form_is_refused_cleanly(pages, who):
    """A select's value that is not among its options, a hidden field (a version, an id, a token)
    altered — what a stale page or a hand-made request sends: a page, a redirect or a 4xx, never an
    error, and nothing stored out of range."""
    user, client, crawled = pages(who)
    done, failures = set(), []
    for form in [f for _, page in crawled for f in page.forms if f.method == "post"]:
        for box in form.fields:
            if not box.name or box.name == "csrfmiddlewaretoken" or not (box.tag == "select" or box.type == "hidden"):
                continue
            for value in TAMPERED:
                key = (form.kind, re.sub(r"\d+", "#", box.name), value)
                if key in done:
                    continue
                done.add(key)
                wrong = post_rolled_back(client, form.action, filled(form, box.name, value),
                                         lambda tables: numbers_outside(tables) + dates_outside(tables))
                if wrong:
                    failures.append((form.action, box.name, value, wrong))
                client.force_login(user)
    assert done, "the crawl found no select or hidden field"
    assert not failures, "\n".join(map(str, failures))
