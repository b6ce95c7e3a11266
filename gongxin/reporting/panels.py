"""The returns panel on the enterprise page (/enterprises/<uscc>/)."""

from django.template.loader import render_to_string

from .models import Return


def enterprise_panel(request, enterprise):
    """The enterprise's 12 most recent returns with status and links (the page already checked scope)."""
    returns = Return.objects.for_user(request.user).filter(enterprise=enterprise).select_related("form")
    returns = returns.order_by("-period", "form__order")[:12]
    return render_to_string("reporting/panel.html", {"returns": returns, "e": enterprise}, request=request)


def work_items(request):
    return []
