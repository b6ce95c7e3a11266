from django.apps import AppConfig


class ReservesConfig(AppConfig):
    name = "gongxin.reserves"
    label = "reserves"
    verbose_name = "应急物资储备"
