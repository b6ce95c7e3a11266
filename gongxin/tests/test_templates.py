"""Template source rules that Django does not enforce itself."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_template_comment_spans_lines():
    # `{# … #}` ends at the end of its line: one spanning lines is printed on the page as text.
    # A longer note goes in {% comment %} … {% endcomment %}.
    opened = re.compile(r"\{#(?!.*#\})")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in ROOT.rglob("templates/**/*.html")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if opened.search(line)]
    assert not found, f"multi-line {{# #}} comments (use {{% comment %}}): {found}"


def test_numbers_on_pages_group_thousands_with_commas_and_inputs_do_not():
    # Django's zh_Hans has no thousands separator: intcomma printed 1000000 (the reserves pages). The
    # project's format module groups them as the brief and the exports do; a value put in an input stays
    # plain, so that it is read back as typed.
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    with translation.override("zh-hans"):
        shown = Template('{% load humanize %}{{ n|intcomma }} {{ d|floatformat:"2g" }} {{ d|floatformat:"-2g" }} '
                         '<input value="{{ d }}">').render(Context({"n": 1000000, "d": Decimal("1234567.5")}))
    assert shown == '1,000,000 1,234,567.50 1,234,567.50 <input value="1234567.5">'
