"""The enterprise page's panels and the workbench's items, from every app, in one plain list.

`ENTERPRISE_PANELS`: functions `(request, enterprise) -> str` (rendered HTML, "" for nothing to
show), called in order by /enterprises/<uscc>/ after it has checked the user may see the enterprise;
each panel still fetches through its own `for_user` scoping.

`WORK_ITEMS`: functions `(request) -> list[WorkItem]` (gongxin/lib/work.py), called by the home page
(工作台); each returns only what the requesting user's roles and scope give them.

A new module adds its two functions here; nothing is discovered by name.
"""

from gongxin.alerts import panels as alerts_panels
from gongxin.analysis import panels as analysis_panels
from gongxin.briefs import panels as briefs_panels
from gongxin.emergencies import panels as emergencies_panels
from gongxin.notices import panels as notices_panels
from gongxin.permits import panels as permits_panels
from gongxin.prevention import panels as prevention_panels
from gongxin.projects import panels as projects_panels
from gongxin.reporting import panels as reporting_panels
from gongxin.reserves import panels as reserves_panels
from gongxin.resumption import panels as resumption_panels
from gongxin.services import panels as services_panels

ENTERPRISE_PANELS = [
    reporting_panels.enterprise_panel,
    analysis_panels.enterprise_panel,
    alerts_panels.enterprise_panel,
    projects_panels.enterprise_panel,
    reserves_panels.enterprise_panel,
    prevention_panels.enterprise_panel,
    resumption_panels.enterprise_panel,
    permits_panels.enterprise_panel,
    services_panels.enterprise_panel,
]

WORK_ITEMS = [
    notices_panels.work_items,
    reporting_panels.work_items,
    analysis_panels.work_items,
    alerts_panels.work_items,
    briefs_panels.work_items,
    projects_panels.work_items,
    emergencies_panels.work_items,
    reserves_panels.work_items,
    prevention_panels.work_items,
    resumption_panels.work_items,
    permits_panels.work_items,
    services_panels.work_items,
]


def enterprise_panels(request, enterprise):
    """The rendered panels of the enterprise page, in list order, empty ones left out."""
    return [html for html in (panel(request, enterprise) for panel in ENTERPRISE_PANELS) if html]


def work_items(request):
    """Every app's work items for this user, sorted by section order then item order."""
    items = [item for collect in WORK_ITEMS for item in collect(request)]
    return sorted(items, key=lambda item: item.order)
