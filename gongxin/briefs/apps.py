from django.apps import AppConfig


class BriefsConfig(AppConfig):
    name = "gongxin.briefs"
    label = "briefs"
    verbose_name = "分析材料"
