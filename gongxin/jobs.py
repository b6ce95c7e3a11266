"""Scheduled work, in one plain list: what runs, when, and the command it runs.

`gongxin scheduler` runs them (one process beside gunicorn); `gongxin scheduler --list` shows them
and `gongxin scheduler --run NAME` runs one now. Every job is an idempotent management command —
running it twice, or after a missed slot, does no harm — and each run is logged (JSON on stdout).
docs/operations.md gives the same schedule as cron lines for sites that prefer cron or systemd.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Job:
    name: str
    command: str
    at: str  # "HH:MM" daily, or ":MM" every hour at that minute
    args: tuple = field(default_factory=tuple)  # a callable returning args, or a tuple
    note: str = ""

    def arguments(self):
        return self.args() if callable(self.args) else list(self.args)


def _open_period():
    """The period enterprises are filing now (last month; December's while January is merged)."""
    from gongxin.lib import periods as P

    period = P.current_period()
    return period if P.is_reported(period) else P.shift(period, -1)


JOBS = [
    Job("remind", "remind", "09:00", lambda: ["--period", _open_period()], "催报：本期未报送企业的站内通知（每日一次）"),
    Job("warnings", "warnings_scan", "02:00", lambda: ["--period", _open_period()], "重新评估本期预警规则"),
    Job("rescan", "warnings_scan", ":05", ("--pending",), "报表变动后排队的预警重新扫描（兜底；平时提交后约1秒内完成）"),
    Job("escalate", "services_escalate", ":15", (), "超期企业诉求升级督办"),
    Job("stock_check", "reserves_check", "03:00", (), "核对应急物资库存余额与台账（不一致时任务失败）"),
    Job("rollups_check", "rollups", "03:30", ("--check",), "核对汇总表与原始报表（不一致时任务失败；rollups --rebuild 修复）"),
    Job("overstays", "permits_overstays", ":30", (), "超过有效期未离境车辆提醒（每辆车一次）"),
    Job("purge_permits", "permits_purge", "04:00", ("--closed",), "已关闭应急事件：清除接驳证明驾乘人员个人信息"),
    Job("purge_cohorts", "prevention_purge", "04:10", ("--closed",), "已关闭应急事件：清除重点人群姓名、身份证号"),
    Job("sessions", "clearsessions", "04:20", (), "清除过期的登录会话"),
    Job("forms", "forms_purge", "04:25", (), "清除30天前已提交表单的一次性令牌"),
    Job("push", "api_push", "05:00", ("--due",), "向上级平台推送最近已关闭报告期的指标（对方已有相同数据则跳过）"),
]


def by_name():
    return {job.name: job for job in JOBS}
