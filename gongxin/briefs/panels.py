"""The briefs module's workbench item (listed in gongxin/panels.py); the brief has no enterprise panel."""

from gongxin.accounts.scoping import get_access
from gongxin.analysis import stats
from gongxin.lib.periods import label
from gongxin.lib.work import WorkItem


def enterprise_panel(request, enterprise):
    return ""


def work_items(request):
    """Leaders and bureau staff: the latest period's brief (the period the brief page opens on)."""
    if not get_access(request.user).sees_all:
        return []
    period = stats.latest_period()
    if period is None:
        return []
    return [WorkItem(title="运行分析材料", url=f"/analysis/brief/?period={period}", value=label(period),
                     note="最新报告期的分析材料，可下载Word文档和会议资料表格", section="运行概况", order=90)]
