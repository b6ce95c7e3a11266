"""The emergencies module's workbench items (listed in gongxin/panels.py)."""


def work_items(request):
    return []
