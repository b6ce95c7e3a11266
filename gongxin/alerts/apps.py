from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "gongxin.alerts"
    label = "alerts"
    verbose_name = "运行预警"

    def ready(self):
        from gongxin.reporting.events import returns_changed

        from .scan import rescan_changed

        returns_changed.connect(rescan_changed, dispatch_uid="alerts.rescan_changed")
