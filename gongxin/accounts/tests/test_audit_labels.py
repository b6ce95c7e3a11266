"""One vocabulary for the audit log: every code any module logs is namespaced and has a Chinese
label; old un-namespaced entries still read in Chinese; no code, English word or dict in a view."""

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from gongxin.accounts import audit
from gongxin.accounts.audit import ACTION_LABELS, action_label, describe, log_action
from gongxin.accounts.models import AuditEntry, Role
from gongxin.alerts import scan
from gongxin.alerts import services as alert_services
from gongxin.alerts.models import EarlyWarning, WarningRule
from gongxin.analysis.tests.helpers import make_return as make_output_return
from gongxin.analysis.tests.helpers import output
from gongxin.projects import services as project_services
from gongxin.projects.models import FundProgramme, Stage
from gongxin.projects.tests.utils import make_project
from gongxin.registry.services import save_enterprise
from gongxin.reporting import services as return_services
from gongxin.reporting.tests.helpers import make_return, output_form, values
from gongxin.testing import make_enterprise, make_user

PACKAGE = Path(audit.__file__).resolve().parents[1]
CODE = re.compile(r"^[a-z]+\.[a-z_]+$")
# An English word (three or more Latin letters) that a Chinese page should not show.
ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _module_dicts(tree):
    """Module-level `NAME = {...}` dicts of string constants, for codes looked up by key."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = [v.value for v in node.value.values if isinstance(v, ast.Constant)]
    return found


def _codes(node, ctx, where):
    """The codes an argument expression can take; a code we cannot read is an error.

    A literal; either branch of `a if c else b`; a value of a module-level dict of literals; a local
    variable set to literals; or a parameter of the enclosing function, read from the literals its
    callers in the module pass."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, ctx, where) + _codes(node.orelse, ctx, where)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in ctx["dicts"]:
        return ctx["dicts"][node.value.id]
    function = ctx["function"]
    if isinstance(node, ast.Name) and function is not None:
        assigned = [n.value.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                    and any(getattr(t, "id", None) == node.id for t in n.targets)
                    and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)]
        if assigned:  # a local variable set to literals
            return assigned
        params = [a.arg for a in function.args.args]
        if node.id in params:
            index, codes = params.index(node.id), []
            for call in ast.walk(ctx["tree"]):
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name:
                    arg = call.args[index] if len(call.args) > index else next(
                        k.value for k in call.keywords if k.arg == node.id)
                    codes += _codes(arg, dict(ctx, function=None), f"{where} (called at line {call.lineno})")
            if codes:
                return codes
    raise AssertionError(f"{where}: the action code must be a literal (or a parameter its callers pass literals to)")


def _calls(tree):
    """(log_action call, the function it is in or None)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and getattr(inner.func, "id", getattr(inner.func, "attr", "")) == "log_action":
                    yield inner, node


def logged_codes():
    """Every action code passed to log_action anywhere in the package (tests and migrations aside)."""
    codes = {}
    for path in PACKAGE.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name == "testing.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ctx = {"tree": tree, "dicts": _module_dicts(tree)}
        for node, function in _calls(tree):
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            arg = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords if k.arg == "action")
            for code in _codes(arg, dict(ctx, function=function), where):
                codes.setdefault(code, where)
    return codes


def test_every_logged_action_is_namespaced_and_has_a_chinese_label():
    codes = logged_codes()
    assert len(codes) > 30  # the scan found the calls
    assert {"returns.submit", "projects.stage", "alerts.follow_up", "registry.update"} <= set(codes)
    for code, where in codes.items():
        assert CODE.match(code), f"{where}: {code} is not <app>.<verb>"
        assert code in ACTION_LABELS, f"{where}: {code} has no label in any app's audit_labels.py"


def test_every_registered_label_is_chinese_and_namespaced():
    for code, label in ACTION_LABELS.items():
        assert CODE.match(code) and not ENGLISH.search(label), code


def test_restore_entries_are_labelled_too():
    assert action_label("accounts.restore", "database") == "恢复备份"


@pytest.mark.parametrize(("action", "object_type", "label"), [
    ("submit", "reporting.return", "报送"),
    ("create", "reporting.return", "创建报表"),
    ("close_period", "reporting.reportingperiod", "关闭报告期"),
    ("update", "registry.enterprise", "修改企业信息"),
    ("stage", "projects.project", "项目阶段变更"),
    ("create", "projects.fundapplication", "申报扶持资金"),
    ("fund_disburse", "projects.fundapplication", "资金拨付"),
    ("update", "alerts.warningrule", "修改预警规则"),
    ("create", "alerts.earlywarning", "产生预警"),
    ("restore", "database", "恢复备份"),
    ("delete", "analysis.priceindex", "删除"),
    ("update", "somewhere.unknown", "修改"),
    ("frobnicate", "somewhere.unknown", "其他操作"),
])
def test_old_unnamespaced_codes_still_read_in_chinese(action, object_type, label):
    assert action_label(action, object_type) == label


@pytest.mark.django_db
def test_old_entries_show_in_chinese_and_filter_with_the_new_code(client):
    admin = make_user("admin1", Role.BUREAU_ADMIN)
    e = make_enterprise("滕州甲机械有限公司")
    old = AuditEntry.objects.create(actor="analyst", action="update", object_type="registry.enterprise",
                                    object_id=str(e.pk), object_repr=e.name, data={"name": ["旧名", e.name]})
    new = log_action(admin, "registry.update", e, {"address": ["", "荆河路1号"]})
    log_action(admin, "registry.create", e, {"uscc": e.uscc})
    client.force_login(admin)
    response = client.get("/accounts/audit/", {"action": "registry.update"})
    assert [x.pk for x in response.context["page"]] == [new.pk, old.pk]
    assert old.action_label == "修改企业信息"
    choices = dict(client.get("/accounts/audit/").context["actions"])
    assert choices == {"registry.update": "修改企业信息", "registry.create": "新增企业"}  # the old code merged in


@pytest.mark.django_db
def test_describe_renders_choices_keys_and_nested_values_in_chinese():
    e = make_enterprise()
    ret = make_return(e)
    entry = AuditEntry(action="returns.save", object_type="reporting.return", object_id=str(ret.pk),
                       data={"status": ["draft", "submitted"], "form": "output", "changed": 3,
                             "products": {"P001": "修改"}, "warnings": ["同比增长超过50%", "销售产值大于总产值"],
                             "flag": True, "empty": None, "nested": {"reason": "补报", "list_years": [2021, 2022]}})
    lines = describe(entry)
    assert "状态：草稿 → 已报送" in lines[0]
    assert lines[1] == f"报表：{ret.form}"
    assert lines[2] == "修改项数：3"
    assert lines[3] == "重点产品：P001：修改"
    assert lines[4] == "预警：同比增长超过50%、销售产值大于总产值"  # a list of two is not an old → new pair here
    assert lines[5:7] == ["其他：是", "其他：（空）"]
    assert lines[7] == "其他：理由：补报；规上名录年份：2021、2022"
    assert not any("{" in line or "[" in line for line in lines)


@pytest.fixture
def everything_logged():
    """Entries of every kind, written by the services themselves."""
    with time_machine.travel("2022-05-20"):
        admin = make_user("admin1", Role.BUREAU_ADMIN)
        town = make_user("town1", Role.TOWN_OFFICER, region="荆河街道")
        e = make_enterprise("滕州甲机械有限公司")
        e.address = "荆河路1号"
        save_enterprise(admin, e, list_years=[2021, 2022], expected_version=e.version)
        ret = make_return(e, "2022-04")
        return_services.submit_return(admin, ret, values())
        return_services.return_to_enterprise(admin, ret, "数据有误")
        return_services.submit_return(admin, ret, values())
        return_services.approve_return(town, ret)
        return_services.accept_return(admin, ret)
        return_services.reopen_return(admin, ret, "统计局核定")
        return_services.close_period(admin, output_form(), "2022-03", "终审")
        project = make_project(e, stage=Stage.IDEA)
        project_services.advance_project(admin, project, project_services.next_stage(Stage.IDEA), dt.date(2022, 3, 1))
        project = make_project(e, stage=Stage.BUILDING)
        project_services.report_investment(admin, project, "2022-03", Decimal("10"), Decimal("30"))
        fund = FundProgramme.objects.create(name="技改扶持资金", year=2022, budget=Decimal("5000"))
        app = project_services.apply_for_funds(admin, fund, e, Decimal("100"), dt.date(2022, 3, 1), project=project)
        project_services.review_application(admin, app, dt.date(2022, 3, 2))
        other = make_enterprise("滕州乙化工有限公司")
        make_output_return(other, "2022-03", values=output(10, 45, 10, 100))
        scan.scan("2022-03")
        alert_services.follow_up(EarlyWarning.objects.get(), admin, "已走访")
        rule = WarningRule.objects.get(code="output_fall_yellow")
        alert_services.update_rule(rule, admin, {"level": "orange"}, rule.version)
    return admin, e, project


@pytest.mark.django_db
def test_no_code_english_word_or_dict_in_any_audit_view(client, everything_logged):
    admin, e, project = everything_logged
    assert AuditEntry.objects.order_by().values("action").distinct().count() >= 14
    client.force_login(admin)
    shown = []
    for url in ("/accounts/audit/", f"/enterprises/{e.uscc}/", f"/projects/{project.code}/",
                f"/analysis/warnings/{EarlyWarning.objects.get().pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        entries = response.context.get("page") or response.context.get("audit") or response.context.get("history")
        for entry in entries:
            shown += [entry.action_label, *entry.data_lines, entry.object_type_label]
    assert len(shown) > 40
    for text in shown:
        assert not ENGLISH.search(str(text)) and "{" not in str(text), text
