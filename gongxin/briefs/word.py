"""The brief as a Word document (python-docx), laid out as Chinese official documents are (GB/T 9704):
A4 with 公文 margins, title and headings in 黑体, body in 仿宋 三号 on a 28-point line, table captions
in 楷体, tables in 五号. Fonts are set as East Asian fonts (w:eastAsia) and used where installed.

Tables are laid out for print: fixed layout with widths fitted to their text (name columns wide,
number columns as wide as their longest figure), the header row repeated on every page, rows that
never break across pages, the caption kept with the table, and the last row never alone on a page.
"""

import io
import math
import unicodedata

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips

from . import charts as brief_charts
from .brief import CN_NUMBERS

HEI, KAI, FANGSONG, LATIN = "黑体", "楷体", "仿宋", "Times New Roman"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERIC = {"int", "amount", "pct", "growth", "pp"}

# Sizes in points by their Chinese names: 二号 22, 三号 16, 四号 14, 五号 10.5.
TITLE_SIZE, HEADING_SIZE, BODY_SIZE, CAPTION_SIZE, TABLE_SIZE, FOOTER_SIZE = 22, 16, 16, 14, 10.5, 14
BODY_LINE = Pt(28)  # 22 lines to the page, as GB/T 9704 sets for 三号 text
TABLE_LINE = 13.5  # points: a fixed line, so Word and LibreOffice give a row the same height
CELL_MARGIN = 57  # twips (1 mm) left and right of a cell's text
BORDER = 20  # twips a cell's borders take from its width
AUTOSPACE = 0.25  # ems between a Chinese character and a Latin letter or digit
SLACK = 0.3  # ems a cell keeps free (line-breaking rules may push a character to the next line)
WRAP_PENALTY = 0.25  # a wrapped short cell (a name over two lines) counts against a width too
ROW_EXTRA = 1  # points a table row takes beyond its lines (its border)
CAPTION_HEIGHT = 26  # points a table's caption takes (四号 on its line, spacing before and after)
# w:tblPr's children from w:tblW on, in the order the schema requires (Word refuses other orders).
TBL_PR_ORDER = ("w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


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
    set_fonts(normal, FANGSONG, BODY_SIZE)
    # Chinese line breaking and punctuation for East Asian text.
    normal.element.get_or_add_rPr().insert_element_before(
        _element("w:lang", val="en-US", eastAsia="zh-CN"), "w:eastAsianLayout", "w:specVanish", "w:oMath")
    normal.paragraph_format.line_spacing = BODY_LINE
    normal.paragraph_format.space_after = Pt(0)
    for name, size in (("Title", TITLE_SIZE), ("Heading 1", HEADING_SIZE), ("Heading 2", CAPTION_SIZE)):
        style = doc.styles[name]
        set_fonts(style, HEI, size, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing = Pt(28 if name != "Title" else 36)
        style.paragraph_format.keep_with_next = True
        # Title has a bottom border in the default template; the brief's title has none.
        ppr = style.element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


# A4 with the margins of GB/T 9704 (mm).
PAGE = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}


def _page(section):
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE["width"]), Mm(PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(PAGE["top"]), Mm(PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(PAGE["left"]), Mm(PAGE["right"])
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", FOOTER_SIZE)
    _field(footer, "PAGE")
    _run(footer, " —", FOOTER_SIZE)


def text_width():
    """The width between the margins, in twips."""
    return Mm(PAGE["width"] - PAGE["left"] - PAGE["right"]).twips


def text_height():
    """The height between the margins, in points."""
    return Mm(PAGE["height"] - PAGE["top"] - PAGE["bottom"]).pt


def _run(paragraph, text, size=None, east_asia=FANGSONG, bold=None):
    run = paragraph.add_run(text)
    set_fonts(run, east_asia, size, bold)
    return run


def _field(paragraph, instruction):
    """A Word field (PAGE): begin, instruction, separate, placeholder, end."""
    run = paragraph.add_run()
    set_fonts(run, FANGSONG, FOOTER_SIZE)
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
    p.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(p, text)
    return p


# ---------------------------------------------------------------- column widths


# Widths in ems of the Latin characters a table holds, as Times New Roman sets them (Liberation Serif,
# its metric twin, in LibreOffice); a Chinese or full-width character is one em.
LATIN_EM = {**dict.fromkeys("0123456789", 0.5), **dict.fromkeys(".,:;' ", 0.25), **dict.fromkeys("-()[]", 0.34),
            "%": 0.84}


def text_em(text):
    """Width of `text` in ems: Chinese (wide, full-width and ambiguous) characters one em, digits half,
    other Latin characters as LATIN_EM says (capitals 0.72, anything else 0.5), and a quarter em where
    a Chinese character meets a Latin letter or digit (Word and LibreOffice space them apart)."""
    width, previous = 0.0, ""
    for ch in str(text):
        wide = unicodedata.east_asian_width(ch) in "WFA"
        width += 1.0 if wide else LATIN_EM.get(ch, 0.72 if ch.isupper() else 0.5)
        if {_script(previous), _script(ch)} == {"han", "latin"}:
            width += AUTOSPACE
        previous = ch
    return width


def _script(ch):
    if ch.isascii():
        return "latin" if ch.isalnum() else None
    return "han" if unicodedata.category(ch) == "Lo" else None


def _lines(length, width):
    """Lines a cell of `length` ems takes in a column `width` ems wide (with room for a punctuation
    mark that may not start a line and pulls the character before it down)."""
    return max(1, math.ceil((length + SLACK) / width - 1e-9))


def column_widths(columns, cells, size=TABLE_SIZE, total=None):
    """Twips per column, summing to `total` (the text width): the widths that make the table shortest.

    A number column is never narrower than its longest figure (figures do not wrap); its header may
    wrap. From there the fitter repeatedly widens the column whose next wider step (to where one of
    its cells loses a line) shortens the table most per em, the table's height being the sum of its
    rows' lines (a row as tall as its tallest cell) plus a quarter line for each extra line a shorter
    cell wraps to; what is left then goes to the text columns in proportion to their text.
    """
    total = text_width() if total is None else total
    em = size * 20
    overhead = 2 * CELL_MARGIN + BORDER
    avail = (total - overhead * len(columns)) / em
    rows = [[text_em(c.title) for c in columns]] + [[text_em(v) for v in row] for row in cells]
    numeric = [c.kind in NUMERIC for c in columns]
    body = [max([r[i] for r in rows[1:]], default=0) for i in range(len(columns))]
    widths = [max(b + SLACK, 2.0) if n else 2.0 for b, n in zip(body, numeric, strict=True)]
    if sum(widths) > avail:  # figures alone overflow the page: scale down (they will wrap)
        widths = [w * avail / sum(widths) for w in widths]

    def height(ws):
        total = 0
        for row in rows:
            lines = [_lines(length, w) for length, w in zip(row, ws, strict=True)]
            total += max(lines) + WRAP_PENALTY * sum(n - 1 for n in lines)
        return total

    def next_step(i):  # the width at which some cell of column i takes one line fewer
        steps = [(r[i] + SLACK) / (_lines(r[i], widths[i]) - 1) for r in rows if _lines(r[i], widths[i]) > 1]
        return min(steps, default=None)

    while True:
        now, best = height(widths), None
        for i in range(len(widths)):
            step = next_step(i)
            if step is None or sum(widths) - widths[i] + step > avail:
                continue
            gain = (now - height(widths[:i] + [step] + widths[i + 1:])) / (step - widths[i])
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, i, step)
        if best is None:
            break
        widths[best[1]] = best[2]
    # What is left goes first to number columns whose header wraps (up to one line), then to the text.
    short = [max(0.0, rows[0][i] + SLACK - w) if n else 0.0 for i, (w, n) in enumerate(zip(widths, numeric, strict=True))]
    give = min(1.0, (avail - sum(widths)) / (sum(short) or 1))
    widths = [w + d * give for w, d in zip(widths, short, strict=True)]
    spare = avail - sum(widths)
    shares = [max(r[i] for r in rows) if not n else 0 for i, n in enumerate(numeric)]
    if not any(shares):
        shares = [1] * len(widths)
    widths = [w + spare * s / (sum(shares) or 1) for w, s in zip(widths, shares, strict=True)]
    twips = [math.ceil(w * em) + overhead for w in widths]
    widest = twips.index(max(twips))
    twips[widest] += total - sum(twips)  # rounding: the columns fill the text width exactly
    return twips


def row_lines(columns, cells, widths, size=TABLE_SIZE):
    """Lines of the header row and of each row at `widths`: a row is as tall as its tallest cell."""
    room = [(w - 2 * CELL_MARGIN - BORDER) / (size * 20) for w in widths]
    return [max(_lines(text_em(v), r) for v, r in zip(row, room, strict=True))
            for row in [[c.title for c in columns], *cells]]


def table_height(lines):
    """Points the rows of a table take (header included), each line on TABLE_LINE plus its border."""
    return TABLE_LINE * sum(lines) + ROW_EXTRA * len(lines)


# ---------------------------------------------------------------- tables


def _element(tag, **attrs):
    el = OxmlElement(tag)
    for name, value in attrs.items():
        el.set(qn(f"w:{name}"), str(value))
    return el


def _table_properties(grid, widths):
    """Fixed layout at the fitted widths (Word and LibreOffice both honour tblLayout fixed + tcW),
    narrow cell margins."""
    grid.autofit = False
    tbl_pr = grid._tbl.tblPr
    for tag in ("w:tblW", "w:tblCellMar"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    tbl_pr.insert_element_before(_element("w:tblW", w=sum(widths), type="dxa"), *TBL_PR_ORDER[1:])
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w=CELL_MARGIN, type="dxa"))
    tbl_pr.insert_element_before(margins, *TBL_PR_ORDER[TBL_PR_ORDER.index("w:tblCellMar") + 1:])
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Twips(width)


def _row_properties(row, header=False):
    """Rows never break across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_element("w:cantSplit", val="true"))
    if header:
        tr_pr.append(_element("w:tblHeader", val="true"))


def _keep_with_next(row):
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def _table(doc, table):
    rows = table.display_rows()
    widths = column_widths(table.columns, rows)
    lines = row_lines(table.columns, rows, widths)
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True  # a caption never ends a page without its table
    _run(caption, table.title, CAPTION_SIZE, east_asia=KAI)
    grid = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_properties(grid, widths)
    header = grid.rows[0]
    _row_properties(header, header=True)
    for cell, column, width in zip(header.cells, table.columns, widths, strict=True):
        _cell(cell, column.title, width, WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEI)
        _shade(cell)
    for row, values in zip(grid.rows[1:], rows, strict=True):
        _row_properties(row)
        for cell, value, column, width in zip(row.cells, values, table.columns, widths, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if column.kind in NUMERIC else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cell, value, width, align)
    # A table that fits on a page is never split: it moves whole to the next page if it must. A longer
    # one starts on a new page, so it takes as few pages as its rows need; its header repeats, stays
    # with the first row, and its last row is never carried alone to a new page.
    if table_height(lines) <= text_height() - CAPTION_HEIGHT:
        kept = grid.rows[:-1]
    else:
        caption.paragraph_format.page_break_before = True
        kept = [header] + ([grid.rows[-2]] if len(grid.rows) > 2 else [])
    for row in kept:
        _keep_with_next(row)
    if not rows:
        note = doc.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(note, "（无）", TABLE_SIZE)
    doc.add_paragraph().paragraph_format.line_spacing = Pt(8)


def _cell(cell, text, width, align, east_asia=FANGSONG):
    cell.width = Twips(width)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(TABLE_LINE)
    p.paragraph_format.first_line_indent = Pt(0)
    _run(p, text, TABLE_SIZE, east_asia=east_asia)


def _shade(cell):
    cell._tc.get_or_add_tcPr().insert_element_before(_element("w:shd", val="clear", color="auto", fill="E7E6E6"),
                                                     "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                                     "w:vAlign", "w:hideMark")


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
    _page(doc.sections[0])
    doc.core_properties.title = brief.title
    doc.core_properties.author = "工信运行监测平台"
    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, brief.title, TITLE_SIZE, east_asia=HEI)
    for i, section in enumerate(brief.sections):
        heading = doc.add_paragraph(style="Heading 1")
        _run(heading, f"{CN_NUMBERS[i]}、{section.title}", HEADING_SIZE, east_asia=HEI)
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
