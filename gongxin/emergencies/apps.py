from django.apps import AppConfig


class EmergenciesConfig(AppConfig):
    name = "gongxin.emergencies"
    label = "emergencies"
    verbose_name = "应急事件"
