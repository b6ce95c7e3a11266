"""What an app puts on a user's workbench (工作台): plain data, rendered by the home page.

Each app's `panels.work_items(request)` returns a list of `WorkItem`; `gongxin/panels.py` lists
those functions. An item is a piece of work ("待审核报表 12份") or, for leaders, a headline figure
(`value="70.0亿元"`), always with the link where it is done or read.
"""

from dataclasses import dataclass, field


@dataclass
class WorkItem:
    title: str  # "待审核报表"
    url: str  # where the work is done; the count must match what that page lists
    count: int | None = None  # None for a figure (`value`) rather than a count of things to do
    value: str = ""  # a formatted figure for leaders: "70.0亿元", "增长23.8%"
    note: str = ""  # one line under the count: "截止2022年5月10日"
    level: str = "info"  # "danger" | "warning" | "info" | "success": how urgent
    section: str = "待办"  # the card group it is shown in: 待办, 提醒, 运行概况, …
    rows: list = field(default_factory=list)  # up to a few (text, url, note) tuples shown under it
    order: int = 100  # smaller first within a section
    unit: str = ""  # shown after the count: "份", "家", "个"
    action: tuple = ()  # (label, url) of the card's link when it is not "去处理" to `url`: ("反映诉求", "/services/demands/new/")
