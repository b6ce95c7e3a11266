from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "gongxin.alerts"
    label = "alerts"
    verbose_name = "运行预警"

    def ready(self):
        from gongxin.reporting.events import returns_changed

        from .pending import queue_changed

        returns_changed.connect(queue_changed, dispatch_uid="alerts.queue_changed")
