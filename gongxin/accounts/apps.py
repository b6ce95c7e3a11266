from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "gongxin.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from . import signals

        signals.connect()


class GongxinAdminConfig(admin_apps.AdminConfig):
    """Django admin with Gongxin's site: superusers only, every change audited (admin_site.py)."""

    default = False  # accounts' own config stays AccountsConfig
    default_site = "gongxin.accounts.admin_site.GongxinAdminSite"
