"""`gongxin backup` / `restore` bring back every warning, rule edit and follow-up."""

import pytest
import time_machine
from django.core.management import call_command

from gongxin.alerts import scan, services
from gongxin.alerts.models import EarlyWarning, WarningFollowUp, WarningRule
from gongxin.analysis.tests.helpers import make_return, output
from gongxin.testing import make_enterprise, personas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def state():
    return (list(WarningRule.objects.order_by("pk").values()), list(EarlyWarning.objects.order_by("pk").values()),
            list(WarningFollowUp.objects.order_by("pk").values()))


def test_backup_and_restore_keep_warnings_rules_and_follow_ups(tmp_path):
    with time_machine.travel("2022-05-20"):
        e = make_enterprise("荆河红色企业有限公司")
        make_return(e, "2022-03", values=output(10, 45, 10, 100))
        scan.scan("2022-03")
    people = personas(e)
    services.follow_up(EarlyWarning.objects.get(), people["town"], "已上门走访")
    rule = WarningRule.objects.get(code="output_fall_red")
    services.update_rule(rule, people["admin"], {"threshold": rule.threshold + 5}, rule.version)
    before = state()
    path = tmp_path / "backup.json.gz"
    call_command("backup", str(path))
    WarningFollowUp.objects.all().delete()
    EarlyWarning.objects.all().delete()
    call_command("restore", str(path), "--yes")
    assert state() == before
