"""Exports: one small Exporter class per export; this base renders them all to XLSX.

Numbers come from the caller (statistics live in analysis/stats.py); this module only renders.
Every text cell is written as a string cell, so text starting with = + - @ is never a formula.
"""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .excel import looks_like_formula

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="206BC4")
THIN = Side(style="thin", color="D0D7DE")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Exporter:
    """Subclass with `identifier`, `name` (sheet title), `headers` and `rows()`."""

    identifier = ""
    name = ""
    headers = ()
    # Optional: {header: [choices]} rendered as drop-down lists (import templates).
    choices = {}
    number_formats = {}

    def rows(self):
        raise NotImplementedError

    def filename(self):
        return f"{self.name}.xlsx"

    def render_sheet(self, ws):
        write_sheet(ws, self.headers, self.rows(), self.choices, self.number_formats)

    def render_xlsx(self):
        wb = Workbook()
        ws = wb.active
        ws.title = self.name[:31] or "Sheet1"
        self.render_sheet(ws)
        return workbook_bytes(wb)


def workbook_bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_many(exporters):
    """A workbook with one sheet per exporter (meeting packs)."""
    wb = Workbook()
    wb.remove(wb.active)
    for exporter in exporters:
        ws = wb.create_sheet(exporter.name[:31])
        exporter.render_sheet(ws)
    return workbook_bytes(wb)


def _cell_value(value):
    if isinstance(value, Decimal):
        # Keep exact decimals exact: openpyxl writes Decimal as a number.
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


# A header's unit decides its number format unless the exporter says otherwise.
UNIT_FORMATS = (("（万元）", "#,##0.0"), ("（亿元）", "#,##0.0"), ("（千元）", "#,##0"), ("（%）", "0.0"),
                ("（百分点）", "0.0"), ("率", "0.0"), ("（元", "#,##0.00"))
MAX_WIDTH = 60


def default_number_format(header):
    """The number format a header's unit implies ("" when it implies none)."""
    for unit, fmt in UNIT_FORMATS:
        if unit in str(header):
            return fmt
    return ""


def text_width(value):
    """Display width in Excel character units: a CJK character is two."""
    if value is None:
        return 0
    if isinstance(value, Decimal | int | float):
        return len(f"{value:,}") + 1
    if isinstance(value, dt.date):
        return 16 if isinstance(value, dt.datetime) else 10
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))


def write_sheet(ws, headers, rows, choices=None, number_formats=None):
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=THIN)
    count = 0
    # Widths fit the longest cell of each column (header wrapped over up to two lines), Chinese counted double.
    widths = [max(8, (text_width(h) + 1) // 2 + 2) for h in headers]
    formats = {i: (number_formats or {}).get(h) or default_number_format(h) for i, h in enumerate(headers)}
    for row in rows:
        ws.append([_cell_value(v) for v in row])
        count += 1
        for i, cell in enumerate(ws[ws.max_row]):
            if looks_like_formula(cell.value):
                cell.data_type = "s"
            elif formats.get(i) and isinstance(cell.value, Decimal | int | float) and not isinstance(cell.value, bool):
                cell.number_format = formats[i]
            if i < len(widths):
                widths[i] = max(widths[i], text_width(cell.value) + 2)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width)
    for header, values in (choices or {}).items():
        if header not in headers or not values:
            continue
        # Lists go on a hidden sheet: inline lists are limited to 255 characters.
        wb = ws.parent
        lists = wb["_lists"] if "_lists" in wb.sheetnames else wb.create_sheet("_lists")
        lists.sheet_state = "hidden"
        used = sum(1 for c in lists[1] if c.value is not None)
        list_col = get_column_letter(used + 1)
        for r, value in enumerate(values, start=1):
            lists[f"{list_col}{r}"] = value
        col = get_column_letter(list(headers).index(header) + 1)
        dv = DataValidation(type="list", formula1=f"=_lists!${list_col}$1:${list_col}${len(values)}",
                            allow_blank=True, showErrorMessage=True, errorTitle="输入有误",
                            error=f"请从下拉列表中选择{header}")
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{max(1000, count + 100)}")
    ws.freeze_panes = "A2"
    return count


def download_response(content, content_type, filename):
    """An HTTP download: `content` sent as an attachment named `filename` (UTF-8, RFC 6266).

    Every generated file (workbook, Word document) is answered through here. The header is the
    handshake of the pages' `data-download` links (static/js/gongxin.js): they fetch the file in the
    page and save it only when the answer says "attachment" (anything else — the log-in page after a
    session expired, an error — is opened as a page instead); the audit log records it the same way.
    """
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(exporter):
    """An HTTP download of the exporter's workbook (UTF-8 file name)."""
    return download_response(exporter.render_xlsx(), XLSX_CONTENT_TYPE, exporter.filename())
