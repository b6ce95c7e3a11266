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
