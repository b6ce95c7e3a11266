from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gongxin.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from . import signals

        signals.connect()
