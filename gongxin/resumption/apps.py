from django.apps import AppConfig


class ResumptionConfig(AppConfig):
    name = "gongxin.resumption"
    label = "resumption"
    verbose_name = "复工复产"
