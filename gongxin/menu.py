"""The main menu: groups of modules, each entry visible by a named `Access` property.

One plain list for every page (accounts/context_processors.py renders it). A module adds its
entries to its group here; a role sees a group only when it sees at least one of its entries.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    visible: callable  # Access -> bool; use the named properties of accounts.scoping.Access


@dataclass(frozen=True)
class Group:
    label: str
    entries: tuple


def _anyone(a):
    return bool(a.roles)


MENU = [
    Group("工作台", (Entry("工作台", "/", _anyone),)),
    Group("企业", (
        Entry("企业名录", "/enterprises/", _anyone),
    )),
    Group("报表报送", (
        Entry("月度报表", "/returns/", lambda a: a.handles_returns),
        Entry("报送进度", "/returns/completeness/", lambda a: a.reads_analysis),
        Entry("报告期管理", "/returns/periods/", lambda a: a.is_bureau),
    )),
    Group("监测分析", (
        Entry("运行分析", "/analysis/", lambda a: a.reads_analysis),
        Entry("运行驾驶舱", "/analysis/cockpit/", lambda a: a.reads_analysis),
        Entry("重点产品", "/analysis/products/", lambda a: a.reads_analysis),
        Entry("指导计划", "/analysis/plans/", lambda a: a.reads_analysis),
        Entry("价格指数与增加值", "/analysis/ppi/", lambda a: a.sees_all),
        Entry("运行预警", "/analysis/warnings/", lambda a: a.reads_analysis),
        Entry("分析材料", "/analysis/brief/", lambda a: a.reads_analysis),
    )),
    Group("技改项目", (
        Entry("项目库", "/projects/", _anyone),
        Entry("项目概览", "/projects/dashboard/", lambda a: a.reads_analysis),
        Entry("扶持资金", "/projects/funds/", lambda a: a.sees_all),
    )),
    Group("应急保障", (
        Entry("应急事件", "/emergencies/", _anyone),
        Entry("应急物资储备", "/reserves/", lambda a: a.sees_all),
        Entry("物资调度", "/reserves/dispatches/", lambda a: a.sees_all or a.is_town_officer or a.is_enterprise),
        Entry("产能储备合同", "/reserves/contracts/", lambda a: a.sees_all or a.is_enterprise),
        Entry("应急采购", "/reserves/purchases/", lambda a: a.sees_all),
        Entry("防控督导", "/prevention/", lambda a: a.sees_all or a.is_town_officer),
        Entry("政策文件转发", "/prevention/notices/", lambda a: a.sees_all or a.is_town_officer),
        Entry("封闭生产", "/prevention/closed-loop/", _anyone),
        Entry("督导检查与整改", "/prevention/findings/", _anyone),
        Entry("核酸检测", "/prevention/testing/", lambda a: a.sees_all or a.is_town_officer or a.is_enterprise),
        Entry("复工复产", "/resumption/", lambda a: a.sees_all or a.is_town_officer),
        Entry("复工申请", "/resumption/applications/", _anyone),
        Entry("复工核查提示", "/resumption/flags/", lambda a: a.sees_all or a.is_town_officer),
        Entry("复工条件", "/resumption/conditions/", lambda a: a.sees_all),
        Entry("导入日用电", "/resumption/grid/import/", lambda a: a.is_bureau),
        Entry("接驳证明", "/permits/", lambda a: a.sees_all or a.is_town_officer or a.is_enterprise),
        Entry("接驳证明审批", "/permits/review/", lambda a: a.is_bureau or a.is_town_officer),
        Entry("卡口查验", "/permits/checkpoint/", lambda a: a.staffs_checkpoint),
        Entry("车辆接驳概况", "/permits/dashboard/", lambda a: a.sees_all or a.is_town_officer),
    )),
    Group("企业服务", (
        Entry("企业诉求", "/services/demands/", lambda a: bool(a.roles)),
        Entry("办理情况", "/services/", lambda a: a.sees_all or a.is_town_officer),
        Entry("调研走访", "/services/visits/", lambda a: bool(a.roles)),
        Entry("惠企政策", "/services/policies/", lambda a: bool(a.roles)),
    )),
    Group("系统管理", (
        Entry("用户与授权", "/accounts/users/", lambda a: a.manages_users),
        Entry("修改密码", "/accounts/password/", lambda a: True),
        Entry("使用手册", "/guide/", lambda a: True),
        Entry("操作日志", "/accounts/audit/", lambda a: a.is_admin),
        Entry("接口客户端", "/accounts/api-clients/", lambda a: a.is_admin),
    )),
]


def menu_for(access, path):
    """[(group label, [(label, url, active)])] for `access`, the active entry marked by longest URL prefix."""
    groups = []
    for group in MENU:
        entries = [e for e in group.entries if access.roles and e.visible(access)]
        if entries:
            groups.append((group.label, entries))
    urls = [e.url for _, entries in groups for e in entries]
    matches = [u for u in urls if path == u or (u != "/" and path.startswith(u))]
    current = max(matches, key=len, default=None)
    return [
        {"label": label, "active": any(e.url == current for e in entries),
         "entries": [{"label": e.label, "url": e.url, "active": e.url == current} for e in entries]}
        for label, entries in groups
    ]
