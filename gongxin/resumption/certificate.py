"""The 复工复产确认书 as a Word file (the same text as the print page, certificate.html)."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _run(paragraph, text, size=16, bold=False, east_asia="仿宋"):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    return run


def issuer():
    """The bureau that signs, named with its county (滕州市工业和信息化局)."""
    from gongxin.analysis.stats import county_label

    code, name = county_label(None)
    return f"{name if code else ''}工业和信息化局"


def body_text(app, co_reviewer):
    """The certificate's paragraphs (shared wording with the print page)."""
    reviewed = f"、{co_reviewer}会审" if app.co_review_note else ""
    staff = "（名单附后）" if app.staff else ""
    return [
        f"{app.enterprise.name}（统一社会信用代码：{app.enterprise.uscc}）：",
        f"你单位提交的复工复产申请及疫情防控方案（一企一案）、复工复产承诺书、返岗人员名单等材料收悉。经"
        f"{app.enterprise.town.name}现场评估{reviewed}、工信局审核，你单位具备复工复产条件，同意自"
        f"{app.planned_on.year}年{app.planned_on.month}月{app.planned_on.day}日起{app.get_status_requested_display()}，"
        f"首批返岗人员{app.workers_planned}人{staff}。",
        "请严格落实疫情防控主体责任，按承诺做好人员健康监测、闭环管理、物资储备和核酸检测等各项措施；"
        "防控条件发生变化的，应及时报告所在镇街。",
    ]


def certificate_docx(app, co_reviewer):
    doc = Document()
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(number, f"编号：{app.certificate_no}", 12)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "复工复产确认书", 22, bold=True, east_asia="黑体")
    for i, text in enumerate(body_text(app, co_reviewer)):
        p = doc.add_paragraph()
        if i:
            p.paragraph_format.first_line_indent = Pt(32)
        _run(p, text)
    # The two signatures side by side, as on the print page: the town that evaluated, the bureau that approved.
    approved = app.approved_at
    town, bureau = doc.add_table(rows=1, cols=2).rows[0].cells
    for cell, text in ((town, f"{app.enterprise.town.name}\n（评估单位）"),
                       (bureau, f"{issuer()}\n{approved.year}年{approved.month}月{approved.day}日" if approved else issuer())):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text)
    if app.staff:
        p = doc.add_paragraph()
        _run(p, f"附：首批返岗人员名单（{len(app.staff)}人）\n" + "、".join(app.staff), 12)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
