"""The demo county's brief as printed: the .docx rendered to PDF by LibreOffice and read back with
poppler (issue 12: tables that fit, headers repeated, no caption or header alone at a page's foot).

One load of the demo county and one LibreOffice run (both periods converted at once) serve every test.
The fonts are pinned: 仿宋 and 楷体 map to Noto Serif CJK SC, 黑体 to SimHei, both shipped by mplfonts,
so the layout does not depend on what the machine has installed.
"""

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from gongxin.briefs import brief, word
from gongxin.briefs import charts as brief_charts

PERIODS = ("2022-03", "2022-04")  # the quarter's brief and the latest month's (the brief page opens on it)
LEVELS = ("红色", "橙色", "黄色", "蓝色")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,  # also what makes pytest-django set up the test database the fixture below uses
    pytest.mark.skipif(not all(shutil.which(t) for t in ("soffice", "pdftotext", "pdfinfo", "pdffonts")),
                       reason="需要 LibreOffice 与 poppler（make browser-deps）"),
]


def _fonts_conf(folder):
    aliases = {"仿宋": "Noto Serif CJK SC", "楷体": "Noto Serif CJK SC", "黑体": "SimHei",
               "Times New Roman": "Liberation Serif"}
    dirs = [brief_charts.font_dir(), *(d for d in (Path("/usr/share/fonts/truetype/liberation"),) if d.exists())]
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    + "".join(f"<dir>{d}</dir>" for d in dirs) + f"<cachedir>{folder / 'fc-cache'}</cachedir>"
                    + "".join(f'<alias binding="same"><family>{name}</family><prefer><family>{font}</family></prefer>'
                              "</alias>" for name, font in aliases.items()) + "</fontconfig>")
    return conf


def _pages(pdf):
    count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf)).group(1))
    return [_run("pdftotext", "-layout", "-f", str(n), "-l", str(n), pdf, "-") for n in range(1, count + 1)]


def _run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory):
    """{period: (Brief, [page text])} of the demo county's briefs, and the fonts the PDFs embed."""
    folder = tmp_path_factory.mktemp("brief-pdf")
    with django_db_blocker.unblock(), transaction.atomic():
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test" in name, f"not a test database: {name}"
        call_command("load_demo", force=True, verbosity=0)
        briefs = {p: brief.build(p) for p in PERIODS}
        for period, b in briefs.items():
            (folder / f"brief-{period}.docx").write_bytes(word.render(b))
        transaction.set_rollback(True)
    env = dict(os.environ, HOME=str(folder), FONTCONFIG_FILE=str(_fonts_conf(folder)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder),
                    *(str(folder / f"brief-{p}.docx") for p in PERIODS)],
                   check=True, env=env, capture_output=True, timeout=300)
    result = {p: (b, _pages(str(folder / f"brief-{p}.pdf"))) for p, b in briefs.items()}
    result["fonts"] = _run("pdffonts", str(folder / f"brief-{PERIODS[0]}.pdf"))
    return result


def _compact(text):
    return re.sub(r"\s+", "", text)


def _warning_rows(page):
    """Lines of a page that begin a row of the warnings table (its first cell is the level)."""
    return [line for line in page.splitlines() if re.match(rf"\s*({'|'.join(LEVELS)})(\s+[^\d\s]|\s*$)", line)]


@pytest.mark.parametrize("period", PERIODS)
def test_warnings_table_takes_one_page_per_25_rows_with_its_header_on_each(printed, period):
    b, pages = printed[period]
    table = next(t for t in b.tables if t.key == "warnings")
    rows = len(table.rows)
    assert rows > 10  # the demo county has enough warnings for the check to mean something
    spanned = [n for n, page in enumerate(pages) if _warning_rows(page)]
    assert sum(len(_warning_rows(pages[n])) for n in spanned) == rows  # every row found once
    assert spanned == list(range(spanned[0], spanned[-1] + 1))
    assert len(spanned) <= math.ceil(rows / 25), (period, rows, spanned)
    with_header = [n for n, page in enumerate(pages) if "预警原因" in page]
    assert with_header == spanned  # the header on every page the table spans, and never alone
    for n in spanned:
        page = pages[n]
        assert page.index("预警原因") < page.index(_warning_rows(page)[0])  # the header above the rows


@pytest.mark.parametrize("period", PERIODS)
def test_every_caption_has_its_header_and_first_row_on_the_same_page(printed, period):
    b, pages = printed[period]
    compact = [_compact(page) for page in pages]
    for table in b.tables:
        found = [n for n, page in enumerate(compact) if table.title in page]
        assert len(found) == 1, table.title
        after = compact[found[0]].split(table.title, 1)[1]
        assert _compact(table.columns[-1].title)[:2] in after, table.title  # the header
        if table.rows:
            first = _compact(str(table.display_rows()[0][0]))[:2]
            assert first in after, (table.title, first)  # and the first row, below the caption


def test_headings_and_body_render_in_the_mapped_chinese_fonts(printed):
    b, pages = printed[PERIODS[0]]
    text = _compact("".join(pages))
    assert "2022年一季度全市工业经济运行情况分析" in text
    for i, section in enumerate(b.sections):
        assert f"{brief.CN_NUMBERS[i]}、{section.title}" in text
    assert "70.0亿元" in text
    fonts = printed["fonts"]
    assert "SimHei" in fonts  # 黑体: title, headings, table headers
    assert "NotoSerifCJK" in fonts.replace(" ", "")  # 仿宋 body and 楷体 captions
    assert "—1—" in _compact(pages[0])  # page numbers in the footer
