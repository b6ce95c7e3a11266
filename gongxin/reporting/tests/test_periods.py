import datetime as dt

import pytest
import time_machine

from gongxin.lib import periods as P
from gongxin.reporting.models import ReportingPeriod
from gongxin.reporting.validation import derived_month, period_is_open, previous_ytd
from gongxin.testing import make_enterprise, make_user

from .helpers import make_return, output_form, values

pytestmark = pytest.mark.django_db


def test_january_and_february_are_one_period():
    assert not P.is_reported("2022-01", merge_jan_feb=True)
    assert P.previous_in_year("2022-02", merge_jan_feb=True) is None
    assert P.previous_in_year("2022-03", merge_jan_feb=True) == "2022-02"
    assert P.label("2022-02") == "2022年1-2月"


def test_without_merge_january_is_the_first_period():
    assert P.is_reported("2022-01", merge_jan_feb=False)
    assert P.previous_in_year("2022-02", merge_jan_feb=False) == "2022-01"


def test_january_page_does_not_exist_when_merged(client):
    e = make_enterprise()
    client.force_login(make_user("r", "enterprise", enterprise=e))
    assert client.get(f"/returns/{e.uscc}/output/2022-01/").status_code == 404
    assert client.get(f"/returns/{e.uscc}/output/2022-02/").status_code == 200


def test_first_period_month_is_its_ytd():
    form = output_form()
    e = make_enterprise()
    assert previous_ytd(e.id, form, "2022-02") == {}
    assert derived_month(3000, {}, "output_value") == 3000


def test_month_is_derived_from_previous_period_ytd():
    form = output_form()
    e = make_enterprise()
    make_return(e, "2022-02", vals=values(output_value__ytd=2000))
    previous = previous_ytd(e.id, form, "2022-03")
    assert derived_month(3000, previous, "output_value") == 1000


def test_missing_previous_return_makes_derivation_unknown():
    form = output_form()
    e = make_enterprise()
    assert previous_ytd(e.id, form, "2022-03") is None
    assert derived_month(3000, None, "output_value") is None


def test_period_opens_after_month_end_and_closes_by_bureau():
    form = output_form()
    with time_machine.travel(dt.datetime(2022, 4, 30, 12)):
        assert not period_is_open(form, "2022-04")
    with time_machine.travel(dt.datetime(2022, 5, 1, 12)):
        assert period_is_open(form, "2022-04")
        ReportingPeriod.objects.create(form=form, period="2022-04", closed_at=dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
        assert not period_is_open(form, "2022-04")
