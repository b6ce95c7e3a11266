import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from gongxin.accounts.models import AuditEntry
from gongxin.projects.models import InvestmentChange, ProjectInvestment, Stage
from gongxin.projects.services import import_investment
from gongxin.testing import make_enterprise

from .utils import invest, make_project

pytestmark = pytest.mark.django_db
HEADERS = ["项目编号", "报告期", "本月完成投资", "1-本月完成投资"]


@pytest.fixture
def projects():
    e = make_enterprise()
    return (make_project(e, Stage.BUILDING, code="JG-1"), make_project(e, Stage.BUILDING, code="JG-2"),
            make_project(e, Stage.IDEA, code="JG-3"))


def xlsx(tmp_path, rows, name="invest.xlsx"):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    path = tmp_path / name
    wb.save(path)
    return str(path)


def test_good_file_imports_and_reimport_changes_nothing(tmp_path, projects):
    path = xlsx(tmp_path, [HEADERS, ["JG-1", "2022-02", 120, 120], ["JG-1", "2022-03", 80.5, 200.5],
                           ["jg-2", dt.datetime(2022, 3, 1), 10, 10]])
    out = io.StringIO()
    call_command("import_investment", path, stdout=out)
    assert "新增3条" in out.getvalue()
    assert ProjectInvestment.objects.get(project__code="JG-1", period="2022-03").ytd == Decimal("200.50")
    assert ProjectInvestment.objects.get(project__code="JG-2").period == "2022-03"
    changes, audits = InvestmentChange.objects.count(), AuditEntry.objects.count()
    out = io.StringIO()
    call_command("import_investment", path, stdout=out)
    assert "新增0条，更新0条，未变化3条" in out.getvalue()
    assert (InvestmentChange.objects.count(), AuditEntry.objects.count()) == (changes, audits)


def test_changed_value_is_updated_with_history(tmp_path, projects):
    invest(projects[0], "2022-03", "50", "50")
    path = xlsx(tmp_path, [HEADERS, ["JG-1", "2022-03", 60, 60]])
    report = import_investment_rows(path)
    assert report.updated == 1
    history = InvestmentChange.objects.filter(investment__project=projects[0]).order_by("field")
    assert [(h.field, h.old, h.new, h.source) for h in history] == [
        ("month", Decimal("50.00"), Decimal("60.00"), "import"), ("ytd", Decimal("50.00"), Decimal("60.00"), "import")]


def import_investment_rows(path):
    from gongxin.lib.excel import read_rows

    return import_investment(read_rows(path), actor="测试")


def test_bad_rows_are_all_named_and_nothing_is_written(tmp_path, projects):
    path = xlsx(tmp_path, [
        HEADERS,
        ["JG-1", "2022-03", 10, 10],          # fine on its own
        ["JG-9", "2022-03", 10, 10],          # unknown project
        ["JG-2", "2022-13", 10, 10],          # bad period
        ["JG-2", "2022-04", "abc", -1],       # not a number, negative
        ["JG-2", "2022-05", 30, 20],          # month > ytd
        ["JG-3", "2022-03", 1, 1],            # not started
        ["JG-1", "2022-03", 10, 10],          # duplicate
        ["", "2022-03", 1, 1.234],            # no code, 3 decimals
    ])
    report = import_investment_rows(path)
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "项目编号"), (4, "报告期"), (5, "本月完成投资"), (5, "1-本月完成投资"), (6, "本月完成投资"),
                     (7, "项目编号"), (8, "项目编号"), (9, "项目编号"), (9, "1-本月完成投资")}
    assert ProjectInvestment.objects.count() == 0
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_investment", path, stderr=io.StringIO())
    assert ProjectInvestment.objects.count() == 0


def test_ytd_below_previous_month_is_refused(tmp_path, projects):
    invest(projects[0], "2022-02", "100", "100")
    path = xlsx(tmp_path, [HEADERS, ["JG-1", "2022-03", 10, 90], ["JG-2", "2022-02", 5, 50],
                           ["JG-2", "2022-03", 5, 40]])
    report = import_investment_rows(path)
    assert {(e.row, e.column) for e in report.errors} == {(2, "1-本月完成投资"), (4, "1-本月完成投资")}


def test_wrong_headers_are_refused(tmp_path, projects):
    path = xlsx(tmp_path, [["项目编号", "报告期", "本月投资", "1-本月完成投资"], ["JG-1", "2022-03", 1, 1]])
    with pytest.raises(CommandError, match="缺少表头：本月完成投资"):
        call_command("import_investment", path)


def test_csv_with_period_text(tmp_path, projects):
    path = tmp_path / "i.csv"
    path.write_text("项目编号,报告期,本月完成投资,1-本月完成投资\nJG-1,2022年3月,5,5\n", encoding="utf-8")
    report = import_investment_rows(str(path))
    assert report.ok and report.created == 1
