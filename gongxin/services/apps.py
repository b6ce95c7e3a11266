from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "gongxin.services"
    label = "services"
    verbose_name = "企业服务"
