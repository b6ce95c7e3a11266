import datetime as dt
from decimal import Decimal

import pytest

from gongxin.accounts.audit import entries_for
from gongxin.accounts.models import Role
from gongxin.projects import services
from gongxin.projects.models import FundApplication, FundProgramme
from gongxin.testing import make_enterprise, make_user

from .utils import make_project

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 3, 1)


@pytest.fixture
def app():
    user = make_user("a", Role.BUREAU_STAFF)
    e = make_enterprise()
    fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=5000)
    return user, services.apply_for_funds(user, fund, e, "1000", DAY, project=make_project(e))


def test_application_goes_applied_reviewed_approved_disbursed(app):
    user, a = app
    a = services.review_application(user, a, DAY)
    a = services.approve_application(user, a, DAY, "800")
    services.disburse(user, a, DAY, "300", voucher="V1")
    services.disburse(user, a, DAY, "500", voucher="V2")
    a.refresh_from_db()
    assert (a.status, a.approved) == (FundApplication.Status.DISBURSED, Decimal("800.00"))
    assert sum(d.amount for d in a.disbursements.all()) == Decimal("800.00")
    actions = list(entries_for(a).order_by("id").values_list("action", flat=True))
    assert actions == ["projects.fund_apply", "projects.fund_review", "projects.fund_approve", "projects.fund_disburse",
                       "projects.fund_disburse"]


def test_out_of_order_steps_are_refused(app):
    user, a = app
    with pytest.raises(services.ProjectError, match="不能批准"):
        services.approve_application(user, a, DAY, "100")
    with pytest.raises(services.ProjectError, match="已批准"):
        services.disburse(user, a, DAY, "100")
    a = services.review_application(user, a, DAY)
    with pytest.raises(services.ProjectError, match="不能审核"):
        services.review_application(user, a, DAY)


def test_amount_limits(app):
    user, a = app
    a = services.review_application(user, a, DAY)
    with pytest.raises(services.ProjectError, match="不能大于申请金额"):
        services.approve_application(user, a, DAY, "1000.01")
    a = services.approve_application(user, a, DAY, "600")
    services.disburse(user, a, DAY, "600")
    with pytest.raises(services.ProjectError, match="不能超过批准金额"):
        services.disburse(user, a, DAY, "0.01")


def test_rejection_needs_a_reason_and_ends_the_application(app):
    user, a = app
    with pytest.raises(services.ProjectError, match="原因"):
        services.reject_application(user, a, DAY, "")
    a = services.reject_application(user, a, DAY, "不符合条件")
    with pytest.raises(services.ProjectError):
        services.review_application(user, a, DAY)


def test_project_must_belong_to_the_enterprise(app):
    user, a = app
    other = make_enterprise()
    with pytest.raises(services.ProjectError, match="不属于"):
        services.apply_for_funds(user, a.fund, other, "10", DAY, project=a.project)


def test_a_voucher_number_longer_than_its_column_is_refused_and_nothing_is_paid(app):
    from gongxin.projects.models import Disbursement

    user, a = app
    a = services.approve_application(user, services.review_application(user, a, DAY), DAY, "800")
    with pytest.raises(services.ProjectError, match="凭证号最多60个字，收到61个字"):
        services.disburse(user, a, DAY, "300", voucher="V" * 61)
    a.refresh_from_db()
    assert not Disbursement.objects.exists() and a.status == FundApplication.Status.APPROVED
    assert services.disburse(user, a, DAY, "300", voucher="V" * 60).voucher == "V" * 60
