"""The demo's resumption: 262 of 312 on 2022-04-13 (the article), a plausible path, certificates,
blockers, cross-check flags and the 2022-04 brief's paragraph — one demo load for all of it."""

import io
import json

import pytest
from django.core.management import call_command

from gongxin.resumption import stats
from gongxin.resumption.models import Application, Blocker, Flag

pytestmark = pytest.mark.django_db


def _command(*args):
    out = io.StringIO()
    call_command("resumption", *args, stdout=out)
    return json.loads(out.getvalue())


def test_demo_reaches_262_of_312_on_april_13_with_certificates_blockers_and_flags(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    county = _command("--date", "2022-04-13")["rows"]
    assert [(r["enterprises"], r["resumed"], r["rate_pct"]) for r in county] == [(312, 262, "84.0")]
    towns = _command("--date", "2022-04-13", "--by", "town")["rows"]
    assert sum(r["resumed"] for r in towns) == 262 and sum(r["enterprises"] for r in towns) == 312
    assert sum(r["partial"] for r in towns) == county[0]["partial"]
    path = [_command("--date", d)["rows"][0]["resumed"] for d in
            ("2022-03-12", "2022-03-13", "2022-04-03", "2022-04-13", "2022-04-30", "2022-05-31")]
    assert path[0] == 312 and path[1] == 55 and path == [312, 55, *sorted(path[2:])]
    assert path[2] < 262 < path[4] <= path[5] < 312
    event = stats.event_for("2022-covid")
    approved = Application.objects.filter(event=event, state=Application.State.APPROVED)
    assert approved.count() == 262 - 55 + path[4] - 262 + path[5] - path[4]
    assert Application.objects.filter(event=event, state=Application.State.RETURNED).exists()
    assert Blocker.objects.filter(event=event, state=Blocker.State.OPEN).exists()
    assert Flag.objects.filter(event=event, kind=Flag.Kind.GRID_LOW).count() >= 3
    text = stats.brief_paragraph("2022-04")
    # 滕州市 is a county-level city: the paragraph says 全市 like the rest of the brief, never 全县
    assert "复工率" in text and "全市312家规上工业企业中" in text and "拉低全市规上工业总产值当月增速约" in text
    assert "全县" not in text
