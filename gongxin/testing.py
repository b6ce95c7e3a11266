"""Plain `make_*` helpers for tests (no factories, no fixtures files). Import from any app's tests."""

import itertools

from django.contrib.auth import get_user_model

from gongxin.accounts.models import Membership, Role
from gongxin.lib.uscc import make_uscc
from gongxin.registry.models import Enterprise, Industry, ListYear, Region

_serial = itertools.count(10_000_001)


def town(name="荆河街道"):
    """A town of the default county (loaded by migration)."""
    return Region.objects.get(name=name)


def division(code="34"):
    return Industry.objects.get(code=code)


def make_enterprise(name=None, town_name="荆河街道", industry="34", years=(2021, 2022), **fields):
    serial = next(_serial)
    enterprise = Enterprise.objects.create(
        uscc=fields.pop("uscc", make_uscc("370481", serial)),
        name=name or f"测试企业{serial}有限公司",
        town=town(town_name),
        industry=division(industry),
        **fields,
    )
    ListYear.objects.bulk_create([ListYear(enterprise=enterprise, year=y) for y in years])
    return enterprise


def make_user(username, role, region=None, enterprise=None, password="pw-for-tests-123"):
    user = get_user_model().objects.create_user(username, password=password)
    if role:
        if role == Role.TOWN_OFFICER and isinstance(region, str):
            region = town(region)
        Membership.objects.create(user=user, role=role, region=region, enterprise=enterprise)
    return user


def personas(enterprise=None, other_enterprise=None):
    """The usual cast: bureau admin, analyst, 荆河街道 officer, reporter of `enterprise`, an
    outsider officer from 龙泉街道, a leader, and a user with no role."""
    return {
        "admin": make_user("admin1", Role.BUREAU_ADMIN),
        "analyst": make_user("analyst1", Role.BUREAU_STAFF),
        "town": make_user("town1", Role.TOWN_OFFICER, region="荆河街道"),
        "outsider": make_user("town_other", Role.TOWN_OFFICER, region="龙泉街道"),
        "reporter": make_user("reporter1", Role.ENTERPRISE, enterprise=enterprise) if enterprise else None,
        "other_reporter": (make_user("reporter2", Role.ENTERPRISE, enterprise=other_enterprise)
                           if other_enterprise else None),
        "leader": make_user("leader1", Role.LEADER),
        "nobody": make_user("nobody1", None),
    }


def period_on_record(period, form_code="output"):
    """A reporting-period record for `period`, so pages that check periods accept it without returns."""
    from gongxin.reporting.models import Form, ReportingPeriod

    ReportingPeriod.objects.get_or_create(form=Form.objects.get(code=form_code), period=period)
