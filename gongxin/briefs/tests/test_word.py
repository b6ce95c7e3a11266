"""The Word document and its charts: opens with python-docx, renders Chinese in LibreOffice."""

import io
import os
import shutil
import subprocess
import warnings

import pytest
from docx import Document
from docx.oxml.ns import qn

from gongxin.briefs import brief, word
from gongxin.briefs import charts as brief_charts

from .helpers import article_county

pytestmark = pytest.mark.django_db
HEADINGS = ["一、总体情况", "二、分镇街情况", "三、分行业情况", "四、重点企业", "五、重点产品", "六、技改项目",
            "七、运行预警", "八、报送情况"]


@pytest.fixture
def docx_bytes():
    article_county()
    return word.render(brief.build("2022-03"))


def test_docx_opens_with_headings_tables_fonts_and_page_numbers(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "2022年一季度全市工业经济运行情况分析"
    assert [t for t in texts if t in HEADINGS] == HEADINGS
    assert any(t.startswith("1-3月，全市规上工业总产值3月当月完成70.0亿元") for t in texts)
    assert len(doc.tables) == len(brief.build("2022-03").tables)
    assert doc.tables[0].rows[0].cells[0].text == "指标"
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    assert doc.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    footer_xml = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml
    assert len(doc.inline_shapes) == 3  # the three charts


def test_chart_renders_with_the_shipped_cjk_font_and_no_missing_glyphs():
    article_county()
    chart = brief.build("2022-03").charts["towns"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = brief_charts.render(chart)
    assert png.startswith(b"\x89PNG")
    assert not [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert brief_charts.cjk_font() == "Noto Sans CJK SC"
    assert (brief_charts.font_dir() / brief_charts.FONT_FILE).exists()


def _fonts_conf(tmp_path):
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{brief_charts.font_dir()}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>
""")
    return conf


@pytest.mark.browser
@pytest.mark.skipif(not (shutil.which("libreoffice") and shutil.which("pdftoppm") and shutil.which("pdftotext")),
                    reason="需要 libreoffice、pdftoppm、pdftotext（apt: libreoffice-writer-nogui poppler-utils）")
def test_libreoffice_renders_the_chinese_headings(docx_bytes, tmp_path):
    source = tmp_path / "brief.docx"
    source.write_bytes(docx_bytes)
    env = dict(os.environ, HOME=str(tmp_path), FONTCONFIG_FILE=str(_fonts_conf(tmp_path)))
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, env=env, capture_output=True, timeout=180)
    pdf = tmp_path / "brief.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout
    compact = text.replace(" ", "")
    assert "2022年一季度全市工业经济运行情况分析" in compact
    for heading in HEADINGS:
        assert heading in compact
    assert "70.0亿元" in compact
