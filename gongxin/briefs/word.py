"""The brief as a Word document (python-docx): A4, official-document margins, headings in 黑体,
body in 仿宋 (set as East Asian fonts, used where installed), tables, charts, page numbers."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import charts as brief_charts
from .brief import CN_NUMBERS

HEI, FANGSONG, LATIN = "黑体", "仿宋", "Times New Roman"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERIC = {"int", "amount", "pct", "growth", "pp"}


def set_fonts(target, east_asia, size=None, bold=None, latin=LATIN):
    """Font of a style or run: Latin name plus the East Asian name (w:eastAsia), theme fonts removed."""
    target.font.name = latin
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def _styles(doc):
    normal = doc.styles["Normal"]
    set_fonts(normal, FANGSONG, 16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14)):
        style = doc.styles[name]
        set_fonts(style, HEI, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing = Pt(28 if name != "Title" else 36)
        # Title has a bottom border in the default template; the brief's title has none.
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def _page(doc):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", 12)
    _field(footer, "PAGE")
    _run(footer, " —", 12)


def _run(paragraph, text, size=None, east_asia=FANGSONG, bold=None):
    run = paragraph.add_run(text)
    set_fonts(run, east_asia, size, bold)
    return run


def _field(paragraph, instruction):
    """A Word field (PAGE): begin, instruction, separate, placeholder, end."""
    run = paragraph.add_run()
    set_fonts(run, FANGSONG, 12)
    for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", "1"),
                       ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _paragraph(doc, text):
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(p, text)
    return p


def _table(doc, table):
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    _run(caption, table.title, 12, east_asia=HEI)
    size = 10.5 if len(table.columns) <= 6 else 9
    rows = table.display_rows()
    grid = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, column in zip(header.cells, table.columns, strict=True):
        _cell(cell, column.title, size, WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEI)
    for row, values in zip(grid.rows[1:], rows, strict=True):
        for cell, value, column in zip(row.cells, values, table.columns, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if column.kind in NUMERIC else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cell, value, size, align)
    if not rows:
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(note, "（无）", size)
    doc.add_paragraph().paragraph_format.line_spacing = Pt(8)


def _cell(cell, text, size, align, east_asia=FANGSONG):
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.line_spacing = 1.0
    p.paragraph_format.first_line_indent = Pt(0)
    _run(p, text, size, east_asia=east_asia)


def _chart(doc, png):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = 1.0
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15))


def render(brief, charts=None):
    """The .docx bytes of `brief`; `charts` ({name: PNG}) are drawn when not given."""
    charts = brief_charts.render_all(brief) if charts is None else charts
    doc = Document()
    _styles(doc)
    _page(doc)
    doc.core_properties.title = brief.title
    doc.core_properties.author = "工信运行监测平台"
    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, brief.title, 22, east_asia=HEI)
    for i, section in enumerate(brief.sections):
        heading = doc.add_paragraph(style="Heading 1")
        _run(heading, f"{CN_NUMBERS[i]}、{section.title}", 16, east_asia=HEI)
        for text in section.paragraphs:
            _paragraph(doc, text)
        for chart in section.charts:
            if chart.name in charts:
                _chart(doc, charts[chart.name])
        for table in section.tables:
            _table(doc, table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
