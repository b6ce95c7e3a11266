"""The alerts module's enterprise-page panel and workbench items (listed in gongxin/panels.py)."""


def enterprise_panel(request, enterprise):
    return ""


def work_items(request):
    return []
