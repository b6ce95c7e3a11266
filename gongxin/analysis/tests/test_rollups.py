"""The roll-ups kept through the real services and commands: after each change that alters what
counts, `rollups --check` is clean and the engine's answers on the roll-ups equal the raw path's."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from gongxin.accounts.models import Role
from gongxin.analysis import rollups, stats
from gongxin.analysis.models import CoverageRollup, OutputRollup
from gongxin.lib.excel import read_rows
from gongxin.registry.models import EnterpriseGroup
from gongxin.registry.services import save_enterprise
from gongxin.reporting import services
from gongxin.reporting.importing import import_returns
from gongxin.reporting.models import Return
from gongxin.reporting.tests.helpers import output_form, values
from gongxin.reporting.tests.test_import import ROW, rows_for, workbook
from gongxin.testing import make_enterprise, make_user, personas, town

pytestmark = pytest.mark.django_db
S = Return.Status


@pytest.fixture(params=["rollups"])
def engine_path(request, settings):
    """Here the roll-ups must be right by themselves: no rebuild before reading (the conftest's does)."""
    settings.ROLLUPS = True
    return request.param


def new_return(e, period="2022-03"):
    return Return(enterprise=e, form=output_form(), period=period)


def figures(period="2022-03", user=None):
    """Everything the dashboard shows that roll-ups answer, as comparable plain data."""
    out = {}
    for by in ("county", "town", "industry", "tier", "group"):
        out[by] = [(r.code, r.enterprises, {c: (f.month, f.ytd, f.month_ly, f.ytd_ly) for c, f in r.indicators.items()})
                   for r in stats.totals(period, by, user)]
    out["products"] = [(r.code, r.enterprises, r.ytd, r.price, r.price_value) for r in stats.products(period, user).rows]
    return out


def assert_right(settings, period="2022-03", user=None):
    """`rollups --check` is clean and the roll-up path answers as the raw path does."""
    assert rollups.check() == []
    settings.ROLLUPS = True
    on_rollups = figures(period, user)
    settings.ROLLUPS = False
    raw = figures(period, user)
    settings.ROLLUPS = True
    assert on_rollups == raw
    return on_rollups


@pytest.fixture
def cast():
    e = make_enterprise("荆河机械", industry="34")
    other = make_enterprise("龙泉化工", town_name="龙泉街道", industry="26")
    return e, other, personas(e, other)


def submitted(user, e, period="2022-03", **changes):
    return services.submit_return(user, new_return(e, period), values(**changes), explanation="年度数据，已核实")


def test_submit_counts_at_once_and_draft_saves_do_not(cast, settings):
    e, other, p = cast
    ret = services.save_draft(p["reporter"], new_return(e), values())
    assert not OutputRollup.objects.filter(n__gt=0).exists()  # a draft counts nowhere
    services.submit_return(p["reporter"], ret, values(), expected_version=ret.version)
    got = assert_right(settings)
    assert got["county"][0][2]["output_value"] == (1000, 3000, 900, 2700)
    assert CoverageRollup.objects.get(period="2022-03").reported == 1


def test_return_approve_accept_reopen_keep_the_check_clean(cast, settings):
    e, other, p = cast
    ret = submitted(p["reporter"], e)
    submitted(p["other_reporter"], other)
    ret = services.return_to_enterprise(p["town"], ret, "请核实", expected_version=ret.version)
    assert_right(settings)
    assert stats.county("2022-03").enterprises == 1
    ret = services.submit_return(p["reporter"], ret, values(output_value__ytd=3100), expected_version=ret.version)
    ret = services.approve_return(p["town"], ret, expected_version=ret.version)
    ret = services.accept_return(p["analyst"], ret, expected_version=ret.version)
    assert_right(settings)
    assert stats.county("2022-03").output.ytd == 3100 + 3000
    services.reopen_return(p["admin"], ret, "更正", expected_version=ret.version)
    assert_right(settings)
    assert stats.county("2022-03").output.ytd == 3000


def test_bureau_edit_of_a_counted_return_moves_the_figures(cast, settings):
    e, other, p = cast
    ret = submitted(p["reporter"], e)
    services.save_draft(p["analyst"], ret, values(output_value__ytd=3300), expected_version=ret.version,
                        reason="电话核实")
    assert_right(settings)
    assert stats.county("2022-03").output.ytd == 3300


def test_town_officer_reads_only_their_town_from_the_rollups(cast, settings):
    e, other, p = cast
    submitted(p["reporter"], e)
    submitted(p["other_reporter"], other, output_value__ytd=3500)
    got = assert_right(settings, user=p["town"])
    assert [code for code, *_ in got["town"]] == [town("荆河街道").code]
    assert stats.county("2022-03", p["town"]).output.ytd == 3000


def test_enterprise_moved_town_moves_its_figures_from_the_old_town_to_the_new(cast, settings):
    e, other, p = cast
    submitted(p["reporter"], e)
    submitted(p["other_reporter"], other, output_value__ytd=3500)
    e.town = town("龙泉街道")
    save_enterprise(p["admin"], e, expected_version=e.version)
    got = assert_right(settings)
    assert [(code, n) for code, n, _ in got["town"]] == [(town("龙泉街道").code, 2)]
    assert stats.county("2022-03", p["outsider"]).output.ytd == 3000 + 3500  # the 龙泉街道 officer
    assert stats.county("2022-03", p["town"]).enterprises == 0  # 荆河街道: nothing left


def test_list_years_and_groups_changed_keep_the_check_clean(cast, settings):
    e, other, p = cast
    submitted(p["reporter"], e)
    submitted(p["other_reporter"], other)
    key = EnterpriseGroup.objects.create(name="重点企业")
    save_enterprise(p["admin"], e, groups=[key], expected_version=e.version)
    got = assert_right(settings)
    assert [(code, n) for code, n, _ in got["group"]] == [(str(key.pk), 1)]
    e.refresh_from_db()
    save_enterprise(p["admin"], e, list_years=[2021], groups=[], expected_version=e.version)  # left the 2022 list
    got = assert_right(settings)
    assert got["group"] == [] and got["county"][0][1] == 1


def test_december_submission_moves_tiers_of_the_next_year_and_its_own(cast, settings):
    e, other, p = cast
    submitted(p["reporter"], e)  # 2022-03, no December on record: 未分档
    assert [r.code for r in stats.totals("2022-03", "tier") if r.enterprises] == [stats.UNTIERED]
    # Its own 2022-12 return's 上年1-12月 (200,000千元) tiers 2022: 1亿-5亿元.
    submitted(p["reporter"], e, "2022-12", output_value__ytd=250_000, output_value__ytd_ly=200_000,
              output_value__month=20_000, output_value__month_ly=18_000)
    assert_right(settings)
    assert [r.code for r in stats.totals("2022-03", "tier") if r.enterprises] == [stats.FROM_100M]
    # The previous December's 1-本月 (600,000千元) takes precedence: 5亿元以上.
    ret = submitted(p["reporter"], e, "2021-12", output_value__ytd=600_000, output_value__ytd_ly=550_000,
                    output_value__month=50_000, output_value__month_ly=45_000)
    assert_right(settings)
    assert [r.code for r in stats.totals("2022-03", "tier") if r.enterprises] == [stats.OVER_500M]
    services.return_to_enterprise(p["analyst"], ret, "有误", expected_version=ret.version)
    assert_right(settings)
    assert [r.code for r in stats.totals("2022-03", "tier") if r.enterprises] == [stats.FROM_100M]


def test_import_lands_in_the_rollups(cast, settings):
    e, other, p = cast
    submitted(p["reporter"], e)  # the import overwrites it (accepted, source import)
    report = import_returns(read_rows(workbook(rows_for(e, other)), name="a.xlsx"), filename="统计局.xlsx")
    assert report.ok
    got = assert_right(settings)
    assert got["county"][0][2]["output_value"][1] == Decimal(ROW[1]) * 2


def test_a_corrupted_rollup_row_fails_the_check_and_rebuild_repairs_it(cast, settings, capsys):
    e, other, p = cast
    submitted(p["reporter"], e)
    call_command("rollups", "--check")
    cell = OutputRollup.objects.filter(n__gt=0).first()
    OutputRollup.objects.filter(pk=cell.pk).update(ytd=cell.ytd + 1)
    with pytest.raises(SystemExit) as exit:
        call_command("rollups", "--check")
    assert exit.value.code == 1
    assert "OutputRollup" in capsys.readouterr().out
    call_command("rollups", "--rebuild", "--period", "2022-03")
    call_command("rollups", "--check")
    assert "一致" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="races need PostgreSQL's concurrent writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_20_parallel_submissions_into_one_cell_sum_exactly(settings):
    from gongxin.tests.hardening import parallel

    enterprises = [make_enterprise(industry="34") for _ in range(20)]
    reporters = [make_user(f"r{i}", Role.ENTERPRISE, enterprise=e) for i, e in enumerate(enterprises)]
    results = parallel(20, lambda i: submitted(reporters[i], enterprises[i], output_value__ytd=3000 + i))
    assert all(isinstance(r, Return) for r in results), results
    assert rollups.check() == []
    cell = OutputRollup.objects.get(period="2022-03", indicator__code="output_value")
    assert (cell.n, cell.ytd) == (20, sum(3000 + i for i in range(20)))
