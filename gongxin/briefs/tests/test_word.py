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


def test_column_widths_fill_the_page_with_names_wide_and_figures_whole():
    columns = [brief.Column("企业名称"), brief.Column("镇街"), brief.Column("1-本月产值（万元）", "amount"),
               brief.Column("同比增长（%）", "growth")]
    rows = [["滕州远通煤业有限公司", "级索镇", "106,980.0", "55.1"], ["滕州明辉新材料有限公司", "界河镇", "1,133,684.5", "-36.9"]]
    widths = word.column_widths(columns, rows)
    assert sum(widths) == word.text_width()
    room = [(w - 2 * word.CELL_MARGIN - word.BORDER) / (word.TABLE_SIZE * 20) for w in widths]
    assert room[0] >= word.text_em("滕州明辉新材料有限公司")  # the longest name on one line
    assert room[2] >= word.text_em("1,133,684.5") and room[3] >= word.text_em("-36.9")  # figures never wrap
    assert widths[0] > widths[3] and widths[0] > widths[1]
    assert word.row_lines(columns, rows, widths)[1:] == [1, 1]


def test_docx_tables_are_fixed_with_repeated_headers_rows_kept_whole_and_captions_kept_with_them(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    body = doc.element.body
    for table in doc.tables:
        tbl = table._tbl
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == word.text_width() and len(set(widths)) > 1  # fitted, not equal
        rows = tbl.findall(qn("w:tr"))
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        caption = tbl.getprevious()
        assert caption.pPr.find(qn("w:keepNext")) is not None  # the caption stays with its table
        assert caption in list(body)
        assert rows[0].find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia")) == "黑体"
        if len(rows) > 1:
            cell_font = rows[-1].find(f".//{qn('w:rFonts')}").get(qn("w:eastAsia"))
            assert cell_font == "仿宋" and rows[-1].find(f".//{qn('w:sz')}").get(qn("w:val")) == "21"  # 五号
