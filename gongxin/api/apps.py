from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gongxin.api"
    label = "api"
    verbose_name = "开放接口"

    def ready(self):
        from . import schema  # noqa: F401 - registers the OpenAPI description of token auth
