from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "gongxin.analysis"
    label = "analysis"
    verbose_name = "运行分析"
