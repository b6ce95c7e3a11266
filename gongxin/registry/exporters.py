from gongxin.lib.export import Exporter
from gongxin.lib.masking import Masker

from .models import Enterprise, Industry, Region
from .services import IMPORT_HEADERS


def _industry_choices():
    return [i.code for i in Industry.objects.filter(parent__isnull=True)] + [
        i.code for i in Industry.objects.filter(parent__isnull=False)]


class EnterpriseExporter(Exporter):
    """The filtered enterprise list, in the import template's columns (export → import round-trips)."""

    identifier = "enterprises"
    name = "企业名录"
    headers = IMPORT_HEADERS
    number_formats = {"成立日期": "yyyy-mm-dd"}

    def __init__(self, queryset, masker=None):
        self.queryset = queryset
        self.masker = masker or Masker(False)  # leaders do not need contacts' phone numbers

    @property
    def choices(self):
        return {"所属镇街": [t.name for t in Region.objects.towns()], "行业代码": _industry_choices()}

    def rows(self):
        qs = self.queryset.select_related("town", "industry").prefetch_related("list_years", "groups")
        for e in qs:
            yield [
                e.uscc, e.name, ";".join(e.former_names.splitlines()), e.town.name, e.industry.code, e.address,
                e.legal_rep, e.contact_name,
                self.masker.phone(e.contact_phone), e.founded, e.get_status_display(),
                ",".join(str(y.year) for y in e.list_years.all()),
                ";".join(sorted(g.name for g in e.groups.all())),
            ]


class EnterpriseTemplateExporter(EnterpriseExporter):
    """The import template: header row, one example row, drop-down lists for town and industry."""

    identifier = "enterprise_template"
    name = "企业名录导入模板"

    def __init__(self):
        super().__init__(Enterprise.objects.none())

    def rows(self):
        town = Region.objects.towns().first()
        yield ["91370481MA00000000（示例，请删除本行）", "示例机械制造有限公司", "", town.name if town else "",
               "34", "XX路1号", "张三", "李四", "0632-0000000", "2010-05-01", "在营", "2021,2022", ""]
