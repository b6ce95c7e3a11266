from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "gongxin.lib"
    label = "lib"
    verbose_name = "公共工具"
