from gongxin.lib import periods as P
from gongxin.lib.export import Exporter

from .importing import IMPORT_HEADERS


class MissingExporter(Exporter):
    """The enterprises that have not filed a form for a period (催报名单), with their contacts."""

    identifier = "missing_returns"
    headers = ["序号", "所属镇街", "统一社会信用代码", "企业名称", "统计联系人", "联系电话", "报表状态", "已催报"]

    def __init__(self, form, period, missing, masker):
        self.form, self.period, self.missing, self.masker = form, period, missing, masker
        self.name = f"{self.form.name}表未报企业{period}"

    def filename(self):
        return f"{self.form.name}表未报企业名单_{P.label(self.period, self.form.merge_jan_feb)}.xlsx"

    def rows(self):
        for n, m in enumerate(self.missing, start=1):
            e = m.enterprise
            yield [n, e.town.name, e.uscc, e.name, e.contact_name, self.masker.phone(e.contact_phone), m.status, "是" if m.reminded else "否"]


class ReturnTemplateExporter(Exporter):
    """The import template for official 产值 data: the exact header row and one example row."""

    identifier = "returns_template"
    name = "产值月报导入模板"
    headers = IMPORT_HEADERS
    number_formats = {h: "#,##0.00" for h in IMPORT_HEADERS[3:]}

    def rows(self):
        yield ["91370481MA00000000（示例，请删除本行）", "示例机械制造有限公司", "2022-03",
               3000, 8000, 2500, 6800, 2900, 7800, 2400, 6600, 0, 0, 0, 0, 12.5, 33.2, 11.8, 30.1]
