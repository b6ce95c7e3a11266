"""`gongxin resumption`: the JSON's exact shape, groupings summing to the county, dates from the timeline."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from gongxin.resumption.models import Status
from gongxin.testing import make_enterprise

from .helpers import entry, make_event

pytestmark = pytest.mark.django_db
D = dt.date


def run(*args):
    out = io.StringIO()
    call_command("resumption", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def event():
    event = make_event("cmd-2022", started_on=D(2022, 3, 13), ended_on=D(2022, 5, 31))
    enterprises = [make_enterprise(town_name=t) for t in ("荆河街道", "荆河街道", "龙泉街道")]
    entry(event, enterprises[0], Status.PARTIAL, D(2022, 4, 1))
    entry(event, enterprises[0], Status.FULL, D(2022, 4, 8))
    entry(event, enterprises[2], Status.FULL, D(2022, 4, 5))
    return event


def test_json_has_exactly_the_published_keys(event):
    data = json.loads(run("--date", "2022-04-06", "--event", "cmd-2022", "--format", "json"))
    assert list(data) == ["date", "event", "rows"]
    assert (data["date"], data["event"]) == ("2022-04-06", "cmd-2022")
    assert data["rows"] == [{"code": "370481000000", "name": "滕州市", "enterprises": 3, "resumed": 2,
                             "rate_pct": "66.7", "partial": 1, "stopped": 1}]


def test_dates_give_what_the_timeline_implies(event):
    def resumed(day):
        return json.loads(run("--date", day))["rows"][0]["resumed"]

    assert [resumed(d) for d in ("2022-03-31", "2022-04-01", "2022-04-05", "2022-04-13")] == [0, 1, 2, 2]


def test_town_rows_sum_to_the_county(event):
    towns = json.loads(run("--date", "2022-04-13", "--by", "town"))["rows"]
    assert [(r["name"], r["enterprises"], r["resumed"]) for r in towns] == [("荆河街道", 2, 1), ("龙泉街道", 1, 1)]
    for by in ("industry", "tier"):
        rows = json.loads(run("--date", "2022-04-13", "--by", by))["rows"]
        assert sum(r["enterprises"] for r in rows) == 3 and sum(r["resumed"] for r in rows) == 2


def test_table_format_and_bad_input(event):
    assert "滕州市" in run("--date", "2022-04-13", "--format", "table")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "2022-4-1x")
    with pytest.raises(CommandError, match="没有代码"):
        run("--date", "2022-04-13", "--event", "nope")
