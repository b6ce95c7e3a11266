from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "gongxin.reporting"
    label = "reporting"
    verbose_name = "月度报表"

    def ready(self):
        from . import reference

        reference.connect()
