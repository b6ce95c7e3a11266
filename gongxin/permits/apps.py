from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "gongxin.permits"
    label = "permits"
    verbose_name = "车辆接驳证明"
