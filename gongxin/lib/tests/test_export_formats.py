"""Excel exports people keep: number formats from the header's unit, frozen header, widths for Chinese."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from gongxin.lib.export import Exporter, default_number_format, text_width


class Sample(Exporter):
    name = "样例"
    headers = ("企业名称", "1-本月（万元）", "累计增速（%）", "企业数", "备注")

    def rows(self):
        yield ["滕州市荆河街道某某精密机械制造有限公司", Decimal("12345.6"), Decimal("23.8"), 3, "=1+1"]


def test_units_decide_number_formats():
    assert default_number_format("1-本月（万元）") == "#,##0.0"
    assert default_number_format("总投资（亿元）") == "#,##0.0"
    assert default_number_format("累计增速（%）") == "0.0"
    assert default_number_format("企业数") == ""


def test_sheet_has_formats_frozen_header_and_widths_that_fit_chinese():
    ws = load_workbook(io.BytesIO(Sample().render_xlsx())).active
    assert ws.freeze_panes == "A2"
    assert ws["B2"].number_format == "#,##0.0" and ws["C2"].number_format == "0.0"
    assert ws["D2"].number_format == "General" and ws["E2"].data_type == "s"  # a formula stays text
    assert ws.column_dimensions["A"].width >= text_width("滕州市荆河街道某某精密机械制造有限公司")
    assert text_width("荆河街道") == 8 and text_width("ABC") == 3
