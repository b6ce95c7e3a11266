from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "gongxin.alerts"
    label = "alerts"
    verbose_name = "运行预警"
