from django.core.management.base import BaseCommand, CommandError

from gongxin.lib.commands import period_arg
from gongxin.reporting.models import Form
from gongxin.reporting.reminders import remind


class Command(BaseCommand):
    help = "催报：为本期未报送的规上企业各记录一条站内通知（可重复运行，不会重复通知；配置了邮件时同时发送邮件）。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM")
        parser.add_argument("--form", default="output", help="报表代码，默认 output（产值）")

    def handle(self, *args, period, form, **options):
        form_obj = Form.objects.filter(code=form).first()
        if form_obj is None:
            raise CommandError(f"没有报表“{form}”")
        # A period just ended has no returns yet: that is when reminders go out.
        period = period_arg(period, quarters=False, merge_jan_feb=form_obj.merge_jan_feb, require_reporting=False)
        created, sent = remind(form_obj, period)
        self.stdout.write(self.style.SUCCESS(f"新增催报通知{created}条，发送邮件{sent}封。"))
