"""The analysis panel on the enterprise page (/enterprises/<uscc>/): this year's output series."""

from django.template.loader import render_to_string

from gongxin.accounts.scoping import get_access

from . import stats


def enterprise_panel(request, enterprise):
    access = get_access(request.user)
    if not access.reads_analysis:
        return ""
    latest = enterprise.returns.filter(form__code=stats.OUTPUT_FORM).order_by("-period").values_list(
        "period", flat=True).first()
    if latest is None:
        return ""
    rows = stats.enterprise_series(enterprise, int(latest[:4]))
    return render_to_string("analysis/panel.html", {"e": enterprise, "rows": rows, "period": latest,
                                                    "year": latest[:4]}, request=request)


def work_items(request):
    return []
