"""Figures as a reader is shown them, across every module at once: on every page the bureau, the analyst,
the leader, a town officer and a reporter reach on the demo county (one of each URL pattern, two clicks from the menu), a figure's cell
(`.num`, a right-aligned `.text-end` cell, a headline `.h1`) groups its thousands — 2,301,893.7, not
2301893.7. Each module's tests check its own figures' values; this catches the cell a template prints
raw. Codes (统一社会信用代码, permit numbers, region codes, phones) are not figures and sit in other cells."""

import re

import lxml.html
import pytest

pytestmark = pytest.mark.django_db
FIGURE_CELLS = ("//td[contains(concat(' ', @class, ' '), ' num ') or contains(concat(' ', @class, ' '), ' text-end ')]"
                " | //div[contains(concat(' ', @class, ' '), ' num ') or contains(concat(' ', @class, ' '), ' h1 ')]")
UNGROUPED = re.compile(r"(?<![\d.,])\d{5,}(?![\d,])")  # five digits or more in a row: an integer part not grouped


def ungrouped_figures(html):
    doc = lxml.html.fromstring(html)
    found = []
    for cell in doc.xpath(FIGURE_CELLS):
        if cell.xpath(".//input | .//textarea | .//select"):
            continue
        text = " ".join(cell.text_content().split())
        if UNGROUPED.search(text):
            found.append(text[:80])
    return found


def test_the_check_finds_a_figure_printed_raw():
    page = ('<table><tr><td class="num">2301893.7</td><td class="num">2,301,893.7</td><td class="text-end">1,234</td>'
            '<td class="text-end x">12345</td><td>370481001000</td></tr></table><div class="h1 mb-0">28122</div>'
            '<div class="num"><input value="45678"></div>')
    assert ungrouped_figures(page) == ["2301893.7", "12345", "28122"]


@pytest.mark.parametrize("who, reached", [("bureau", 100), ("analyst", 100), ("leader", 50), ("town", 50), ("enterprise", 30)])
def test_every_figure_a_reader_is_shown_groups_its_thousands(pages, who, reached):
    _, _, crawled = pages(who)
    assert len(crawled) > reached, len(crawled)  # the crawl reached the persona's pages
    found = {url: bad[:3] for url, page in crawled if (bad := ungrouped_figures(page.html))}
    assert found == {}
