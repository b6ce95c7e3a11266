"""Every command an operator runs with a date, a period, a year range or a month that is wrong — year 1,
9999, a 13th month, a word: a Chinese CommandError naming the option (or argparse's usage error), never
a traceback, and nothing written. On the demo county, so each command reaches its real work."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

DATES = ["9999-12-31", "0001-01-01", "2022-02-30", "abc"]
PERIODS = ["9999-12", "0001-01", "2022-13", "abc"]
COMMANDS = [
    ("warnings_scan", "--period", PERIODS), ("warnings_scan", "--today", DATES),
    ("products", "--period", PERIODS), ("rollups", "--period", PERIODS), ("indicators", "--period", PERIODS),
    ("exchange_export", "--period", PERIODS), ("brief", "--period", PERIODS),
    ("permits", "--date", DATES), ("prevention", "--date", DATES), ("investment", "--period", PERIODS),
    ("remind", "--period", PERIODS), ("reserves", "--date", DATES), ("resumption", "--date", DATES),
    ("resumption_scan", "--date", DATES), ("resumption_scan", "--period", PERIODS),
    ("demands", "--from", DATES), ("demands", "--to", DATES),
]
EXTRA = {"exchange_export": ["--out", "{tmp}/x.zip"], "brief": ["--out", "{tmp}/b.docx"], "rollups": ["--check"]}


@pytest.mark.parametrize("command, option, values", COMMANDS, ids=[f"{c}{o}" for c, o, _ in COMMANDS])
def test_a_wrong_date_or_period_is_a_clear_command_error(demo_county, tmp_path, command, option, values):
    failures = []
    for value in values:
        args = [a.format(tmp=tmp_path) for a in EXTRA.get(command, [])] + [option, value]
        try:
            call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
        except (CommandError, SystemExit):
            continue
        except Exception as e:  # noqa: BLE001 - every failure is reported
            failures.append((value, repr(e)[:200]))
        else:
            if value not in ("2022-02-30",):  # parsed leniently by none of them: each must refuse
                failures.append((value, "accepted"))
    assert not failures
