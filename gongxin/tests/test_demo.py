"""The demo county reproduces the article's reference figures (DESIGN.md "Reference county").

Computed here with plain ORM sums, independently of the analysis engine.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from gongxin.lib.numeric import growth_pct, qian_to_yi
from gongxin.registry.models import Enterprise
from gongxin.reporting.models import MonitoredProduct, Return, ReturnValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_county, db, settings):
    settings.DEBUG = True


def _output(period, year):
    return ReturnValue.objects.filter(
        period=period, indicator__code="output_value", ret__status__in=Return.COUNTED,
        enterprise__list_years__year=year)


def test_demo_list_has_312_enterprises_with_entrants_and_leavers(demo):
    assert Enterprise.objects.on_list(2022).count() == 312
    on_2021 = set(Enterprise.objects.on_list(2021).values_list("id", flat=True))
    on_2022 = set(Enterprise.objects.on_list(2022).values_list("id", flat=True))
    assert on_2021 - on_2022, "some enterprises left the list in 2022"
    assert on_2022 - on_2021, "some enterprises entered the list in 2022"


def test_demo_tiers_by_2021_output(demo):
    december = _output("2021-12", 2022)
    assert december.filter(ytd__gte=100_000).count() == 100
    assert december.filter(ytd__gte=500_000).count() == 20


def test_demo_output_figures_for_2022_03(demo):
    sums = _output("2022-03", 2022).aggregate(month=Sum("month"), ytd=Sum("ytd"), ytd_ly=Sum("ytd_ly"))
    assert qian_to_yi(sums["month"]) == Decimal("70.0")
    assert qian_to_yi(sums["ytd"]) == Decimal("184.0")
    assert growth_pct(sums["ytd"], sums["ytd_ly"]) == Decimal("23.8")


def test_demo_figures_on_the_rollups_are_the_reference_figures(demo, settings):
    from gongxin.analysis import stats

    settings.ROLLUPS = True
    row = stats.county("2022-03")
    assert (qian_to_yi(row.output.month), qian_to_yi(row.output.ytd), row.output.ytd_growth_pct) == (
        Decimal("70.0"), Decimal("184.0"), Decimal("23.8"))
    tiers = {r.code: r.enterprises for r in stats.totals("2022-03", "tier")}
    assert (tiers[stats.OVER_500M], tiers[stats.FROM_100M]) == (20, 80)


def test_demo_leavers_have_2022_returns_that_must_not_count(demo):
    leaver_returns = Return.objects.filter(period="2022-03").exclude(enterprise__list_years__year=2022)
    assert leaver_returns.exists()


def test_demo_2022_04_is_incomplete_with_returns_sent_back(demo):
    expected = Enterprise.objects.on_list(2022).count()
    filed = Return.objects.filter(period="2022-04", form__code="output", status__in=Return.COUNTED,
                                  enterprise__list_years__year=2022).count()
    assert 35 <= expected - filed <= 45
    assert Return.objects.filter(period="2022-04", status=Return.Status.RETURNED).exclude(return_reason="").exists()
    from django.utils import timezone

    from gongxin.notices.models import Notice
    from gongxin.reporting.models import Form
    from gongxin.reporting.reminders import remind_source

    sent = Notice.objects.filter(source=remind_source(Form.objects.get(code="output"), "2022-04"))
    assert sent.count() == expected - filed  # the 催报 of 11 May to everyone missing, dated that day
    assert {timezone.localtime(at).date().isoformat() for at in sent.values_list("created_at", flat=True)} == {"2022-05-11"}


def test_demo_returns_carry_the_workflow_history_their_status_implies(demo, client):
    from gongxin.accounts.audit import entries_for
    from gongxin.accounts.models import AuditEntry

    online = Return.objects.filter(period__startswith="2022", submitted_at__isnull=False).exclude(source=Return.Source.IMPORT)
    steps = {}
    for object_id, action, at in AuditEntry.objects.filter(object_type="reporting.return").values_list(
            "object_id", "action", "at"):
        steps.setdefault(int(object_id), []).append((action, at))
    for ret in online:
        actions = {a: at for a, at in steps[ret.pk]}
        assert actions["returns.submit"] == ret.submitted_at, ret
        assert ("returns.approve" in actions) == (ret.approved_at is not None), ret
        assert ("returns.accept" in actions) == (ret.accepted_at is not None), ret
        assert ("returns.return" in actions) == (ret.status == Return.Status.RETURNED), ret
    assert not set(steps) - set(online.values_list("pk", flat=True))  # no history for drafts or imports

    returned = online.filter(status=Return.Status.RETURNED, form__code="finance").select_related("enterprise").first()
    step = entries_for(returned).get(action="returns.return")
    assert step.data["reason"] == returned.return_reason and "出口交货值" not in returned.return_reason
    client.force_login(get_user_model().objects.get(username="bureau"))
    html = client.get(f"/returns/{returned.enterprise.uscc}/finance/{returned.period}/").content.decode()
    history = html[html.index("修改与审核记录"):]
    assert "退回企业" in history and returned.return_reason in history and "报送" in history


def test_demo_monitors_71_products(demo):
    assert MonitoredProduct.objects.filter(year=2022).count() == 71


def test_demo_rebuilds_over_itself_with_reset(demo):
    """Every module's records go, in whatever order their references allow, and come back the same."""
    from gongxin.registry.models import Region

    before = Enterprise.objects.count()
    call_command("load_demo", "--reset")
    assert Enterprise.objects.count() == before
    assert Region.objects.towns().count() == 21  # reference data stays
    call_command("rollups", "--check")  # exits 1 on any difference: the reloaded demo's roll-ups are right


def test_demo_enterprise_owes_no_finance_return_before_the_form_existed(demo):
    from gongxin.reporting.completeness import owed_returns

    e = Enterprise.objects.order_by("uscc").filter(town__name="荆河街道").first()
    owed = owed_returns([e])
    assert not [o for o in owed if o.form.code == "finance" and o.period.startswith("2021")]
