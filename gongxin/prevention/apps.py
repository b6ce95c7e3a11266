from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "gongxin.prevention"
    label = "prevention"
    verbose_name = "企业防控督导"
