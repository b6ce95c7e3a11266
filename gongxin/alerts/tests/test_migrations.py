"""A database made before warnings moved to `alerts` (analysis/0002 + the old analysis/0003 seed)
upgrades with every rule, warning, follow-up and audit entry kept."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from gongxin.accounts.audit import entries_for, log_action
from gongxin.accounts.models import AuditEntry, Role
from gongxin.alerts.models import EarlyWarning, WarningFollowUp, WarningRule
from gongxin.testing import make_enterprise, make_user

# Migrations run outside a test transaction; the migrations' data comes back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The previous main: analysis at 0002_warnings (its 0003 only seeded rules), no alerts migration.
BEFORE = [("analysis", "0002_warnings"), ("alerts", None)]
OLD_SEED = ("analysis", "0003_seed_warning_rules")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _old_database(enterprise, user):
    """Roll the schema back to the previous main and fill it as the old code would have."""
    executor = _migrate(BEFORE)
    MigrationRecorder(connection).record_applied(*OLD_SEED)  # what an old database has recorded
    old = executor.loader.project_state([("analysis", "0002_warnings"), ("contenttypes", "0002_remove_content_type_name")]).apps
    Rule, Warning, FollowUp = (old.get_model("analysis", m) for m in ("WarningRule", "Warning", "WarningFollowUp"))
    assert Warning._meta.db_table == "analysis_warning"
    old.get_model("contenttypes", "ContentType").objects.get_or_create(app_label="analysis", model="warning")
    edited = Rule.objects.create(code="output_fall_yellow", name="产值降幅超过25%（已调整）", kind="output_fall",
                                 level="yellow", threshold=Decimal("25"), message="{name}降幅较大", version=3)
    local = Rule.objects.create(code="local_rule", name="本地规则", kind="output_fall", level="red",
                                threshold=Decimal("60"), message="{name}{growth}")
    warnings = [
        Warning.objects.create(rule=edited, period="2022-03", enterprise_id=enterprise.pk, town_id=enterprise.town_id,
                               level="yellow", reason="产值下降27.0%", value=Decimal("-27.0"), status="followed_up"),
        Warning.objects.create(rule=local, period="2022-04", enterprise_id=enterprise.pk, town_id=enterprise.town_id,
                               level="red", reason="产值下降61.0%", value=Decimal("-61.0")),
    ]
    FollowUp.objects.create(warning=warnings[0], note="已上门走访", user_id=user.pk, actor=user.username)
    FollowUp.objects.create(warning=warnings[0], note="订单恢复中", user_id=user.pk, actor=user.username)
    log_action(user, "follow_up", warnings[0], {"follow_up": "已上门走访"})
    log_action(user, "update", edited, {"threshold": ["20.0", "25.0"]})
    return {"rules": {edited.pk: edited.name, local.pk: local.name},
            "warnings": {w.pk: (w.rule_id, w.period, w.reason, w.status) for w in warnings},
            "follow_ups": sorted(FollowUp.objects.values_list("pk", "warning_id", "note"))}


def test_a_database_of_the_previous_main_keeps_every_warning_rule_and_follow_up():
    enterprise = make_enterprise("甲机械有限公司")
    user = make_user("town1", Role.TOWN_OFFICER, region="荆河街道")
    before = _old_database(enterprise, user)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())

    assert EarlyWarning._meta.db_table == "alerts_earlywarning"
    rules = dict(WarningRule.objects.values_list("pk", "name"))
    assert all(rules[pk] == name for pk, name in before["rules"].items())  # the edited rule stays edited
    assert WarningRule.objects.filter(code="output_fall_red").exists()  # the seed fills in what was missing
    assert WarningRule.objects.filter(code="output_fall_yellow").count() == 1
    assert {w.pk: (w.rule_id, w.period, w.reason, w.status) for w in EarlyWarning.objects.all()} == before["warnings"]
    assert sorted(WarningFollowUp.objects.values_list("pk", "warning_id", "note")) == before["follow_ups"]
    followed = EarlyWarning.objects.get(period="2022-03")
    assert followed.enterprise == enterprise and [f.note for f in followed.follow_ups.all()] == ["已上门走访", "订单恢复中"]
    assert [e.action for e in entries_for(followed)] == ["follow_up"]  # its history follows it
    assert not AuditEntry.objects.filter(object_type__startswith="analysis.warning").exists()
    # New rows get ids after the old ones (the sequences came along with the tables).
    new = EarlyWarning.objects.create(rule=followed.rule, period="2022-05", enterprise=enterprise,
                                      town=enterprise.town, level="yellow", reason="产值下降30.0%")
    assert new.pk > max(before["warnings"])
