"""The monthly bulletin (企业诉求办理情况通报, .docx): figures from stats.py, ranked, as 晾晒."""

import calendar as calendar_module  # stdlib month lengths
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from . import stats

BODY_FONT = "仿宋"


def _font(run, size=16, bold=False, name=BODY_FONT):
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _para(doc, text, size=16, bold=False, center=False, name=BODY_FONT):
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), size, bold, name)
    return p


def _fmt(value, suffix=""):
    return "—" if value is None else f"{value}{suffix}"


def bulletin_docx(month_start, demands):
    end = month_start.replace(day=calendar_module.monthrange(month_start.year, month_start.month)[1])
    doc = Document()
    _para(doc, f"{month_start.year}年{month_start.month}月企业诉求办理情况通报", 22, True, True, "黑体")
    by_category = stats.demand_rows(month_start, end, "category", demands)
    total = stats.totals(by_category)
    _para(doc, f"{month_start.month}月共受理企业诉求{total['received']}件，办结{total['resolved']}件，"
               f"办结率{_fmt(total['resolution_rate_pct'], '%')}，超期{total['overdue']}件。")
    for by, title in (("department", "一、各承办单位办理情况（按办结率排序）"), ("town", "二、各镇街诉求情况"),
                      ("category", "三、诉求类别分布")):
        _para(doc, title, 16, True, name="黑体")
        rows = [r for r in stats.demand_rows(month_start, end, by, demands) if r["received"]]
        if by == "department":
            rows.sort(key=lambda r: (-(r["resolution_rate_pct"] or 0), r["overdue"], r["code"]))
        if not rows:
            _para(doc, "本月无。")
            continue
        table = doc.add_table(rows=1, cols=7)
        table.style = "Table Grid"
        heads = ("名称", "受理", "办结", "办结率%", "用时中位数（工作日）", "超期", "满意率%")
        for cell, text in zip(table.rows[0].cells, heads, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 10.5, True)
        for r in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, (r["name"], r["received"], r["resolved"], _fmt(r["resolution_rate_pct"]),
                                           _fmt(r["median_working_days"]), r["overdue"],
                                           _fmt(r["satisfaction_pct"])), strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(str(value)), 10.5)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), f"企业诉求办理情况通报_{month_start:%Y%m}.docx"
