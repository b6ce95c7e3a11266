"""The users import template and the one-time password sheet of an import."""

from gongxin.lib.export import Exporter
from gongxin.registry.models import Region

from .models import Role
from .services import IMPORT_HEADERS


class UserTemplateExporter(Exporter):
    """Header row, two example rows, drop-down lists for the role and the town."""

    identifier = "user_template"
    name = "用户批量导入模板"
    headers = IMPORT_HEADERS

    @property
    def choices(self):
        return {"角色": list(Role.labels), "镇街代码": [t.code for t in Region.objects.towns()]}

    def rows(self):
        town = Region.objects.towns().order_by("code").first()
        yield ["zhangsan", "张三", "13800000000", Role.TOWN_OFFICER.label, town.code if town else "", ""]
        yield ["lisi", "李四", "13900000000", Role.ENTERPRISE.label, "", "91370481MA3XXXXXXX"]


class PasswordSheetExporter(Exporter):
    """Each new user's one-time password (downloadable once; the user changes it at first login)."""

    identifier = "user_passwords"
    name = "新用户初始密码"
    headers = ("用户名", "姓名", "角色", "范围", "初始密码（首次登录须修改）")

    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        yield from self._rows
