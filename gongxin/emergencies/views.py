from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import entries_for
from gongxin.accounts.scoping import get_access, require_bureau
from gongxin.lib.forms import refusal

from . import services
from .forms import CloseForm, EventForm, PhaseForm
from .models import Event


def _require_role(user):
    """Events are shared context: anyone with a role reads them."""
    if not get_access(user).roles:
        raise PermissionDenied("您的账号尚未分配角色")


def _get_event(request, code):
    _require_role(request.user)
    return get_object_or_404(Event.objects.prefetch_related("phases"), code=code)


@login_required
def event_list(request):
    _require_role(request.user)
    return render(request, "emergencies/list.html", {
        "page_title": "应急事件", "events": Event.objects.all(), "can_manage": get_access(request.user).is_bureau,
    })


@login_required
def event_detail(request, code):
    event = _get_event(request, code)
    access = get_access(request.user)
    return render(request, "emergencies/detail.html", {
        "page_title": event.name, "event": event, "can_manage": access.is_bureau and not event.is_closed,
        "phase_form": PhaseForm(), "close_form": CloseForm(initial={"version": event.version}),
        "audit": entries_for(event)[:20] if access.is_bureau else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require_bureau(request.user)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            event = services.create_event(request.user, **data)
        except services.DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已新建应急事件“{event.name}”")
            return redirect(f"/emergencies/{event.code}/")
    return render(request, "emergencies/form.html", {"page_title": "新建应急事件", "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, code):
    event = _get_event(request, code)
    require_bureau(request.user)
    if event.is_closed:
        messages.error(request, "事件已关闭，不能再修改")
        return redirect(f"/emergencies/{event.code}/")
    form = EventForm(request.POST or None, instance=event if request.method == "GET" else None, editing=True,
                     initial={"version": event.version, "code": event.code})
    if request.method == "POST":
        form.instance = Event(code=event.code)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "code")}
            try:
                services.update_event(request.user, event, form.cleaned_data.get("version"), **data)
            except services.DomainError as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, "已保存")
                return redirect(f"/emergencies/{event.code}/")
    return render(request, "emergencies/form.html", {"page_title": f"修改：{event.name}", "form": form,
                                                     "event": event},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def event_close(request, code):
    event = _get_event(request, code)
    require_bureau(request.user)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/emergencies/{event.code}/")
    try:
        services.close_event(request.user, event, form.cleaned_data["version"], form.cleaned_data["reason"])
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "事件已关闭")
    return redirect(f"/emergencies/{event.code}/")


@login_required
@require_POST
def phase_add(request, code):
    event = _get_event(request, code)
    require_bureau(request.user)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, refusal(form))
        return redirect(f"/emergencies/{event.code}/")
    try:
        services.save_phase(request.user, event, **form.cleaned_data)
    except services.DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已添加阶段")
    return redirect(f"/emergencies/{event.code}/")
