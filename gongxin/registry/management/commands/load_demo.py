from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongxin import demo
from gongxin.registry.models import Enterprise


class Command(BaseCommand):
    help = "载入演示县（滕州市形态，企业名称均为虚构）及演示用户；--reset 先清空演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="清空已有数据后重新载入")
        parser.add_argument("--if-empty", action="store_true", help="已有企业数据时什么也不做")
        parser.add_argument("--force", action="store_true", help="DEBUG关闭时也执行（生产环境慎用）")

    def handle(self, *args, reset=False, if_empty=False, force=False, **options):
        has_data = Enterprise.objects.exists()
        # An empty database with --if-empty is a new installation (`make run`): the demo is welcome.
        # With data, DEBUG off means a real bureau's database: never mix demo data into it.
        if not settings.DEBUG and not force and (has_data or not if_empty):
            if has_data and if_empty:
                self.stdout.write("已有数据，跳过演示数据载入。")
                return
            raise CommandError("DEBUG 已关闭：演示数据不应载入生产库。确需载入请加 --force。")
        if has_data:
            if if_empty:
                self.stdout.write("已有数据，跳过演示数据载入。")
                return
            if not reset:
                raise CommandError("数据库中已有企业数据；如需重建演示数据请加 --reset。")
        if reset:
            with transaction.atomic():
                _reset()
        ctx = demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"演示县已载入：{len(ctx['list_2022'])}家2022年规上工业企业；演示用户密码 gongxin-demo。"))


# Reference data loaded by migrations (and edited by the bureau): kept by --reset.
DEMO_APPS = ("projects", "analysis", "alerts", "reporting", "notices", "emergencies", "reserves", "prevention",
             "resumption", "permits", "services", "api")
KEEP_ON_RESET = {"reporting.form", "reporting.indicator", "reporting.validationrule", "alerts.warningrule",
                 "analysis.addedvaluerate", "services.tier", "services.department", "services.workdayoverride"}


def _reset():
    """Delete demo-scope data; regions, industries and the migrations' reference data stay."""
    from django.apps import apps

    for model in reversed(apps.get_models()):
        label = model._meta.label_lower
        if model._meta.app_label in DEMO_APPS and label not in KEEP_ON_RESET:
            model.objects.all().delete()
    from gongxin.accounts.models import AuditEntry, Membership
    from gongxin.registry.models import EnterpriseGroup

    Membership.objects.all().delete()
    AuditEntry.objects.all().delete()
    Enterprise.objects.all().delete()
    EnterpriseGroup.objects.all().delete()
    get_user_model().objects.all().delete()
