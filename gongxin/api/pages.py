"""API clients managed by the bureau admin: create (scope like a membership), tokens shown once,
revoke, deactivate, and every call of the client."""

import datetime as dt
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongxin.accounts.audit import log_action
from gongxin.accounts.models import Membership, Role
from gongxin.accounts.scoping import require_admin
from gongxin.registry.models import Enterprise, Region

from .models import ApiClient, ApiToken

RESOURCES = ("regions", "industries", "enterprises", "forms", "returns", "figures", "products", "projects",
             "investment", "changes", "import", "resumption", "prevention", "demands", "reserves", "permits")


class ClientForm(forms.Form):
    name = forms.CharField(label="客户端名称", max_length=100)
    role = forms.ChoiceField(label="角色（数据范围）", choices=Role.choices)
    town = forms.ModelChoiceField(label="镇街（镇街角色）", queryset=Region.objects.towns(), required=False)
    uscc = forms.CharField(label="统一社会信用代码（企业角色）", max_length=18, required=False)
    resources = forms.MultipleChoiceField(label="允许访问的资源（不选为全部）", choices=[(r, r) for r in RESOURCES],
                                          required=False, widget=forms.CheckboxSelectMultiple)
    rate_limit = forms.IntegerField(label="每分钟调用上限", min_value=1, max_value=100_000, initial=120)
    micro_data = forms.BooleanField(label="可获取单个企业数据（微观数据权限）", required=False)
    require_signature = forms.BooleanField(label="要求请求签名（HMAC）", required=False)
    expires_days = forms.IntegerField(label="令牌有效期（天）", min_value=1, max_value=3650, initial=365)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.TOWN_OFFICER and not data.get("town"):
            self.add_error("town", "镇街角色须选择镇街")
        if role == Role.ENTERPRISE:
            e = Enterprise.objects.filter(uscc=(data.get("uscc") or "").upper()).first()
            if e is None:
                self.add_error("uscc", "找不到该统一社会信用代码的企业")
            data["enterprise"] = e
        return data


@login_required
def client_list(request):
    require_admin(request.user)
    return render(request, "api/client_list.html", {"page_title": "接口客户端",
                                                    "clients": ApiClient.objects.select_related("region", "enterprise")})


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request):
    require_admin(request.user)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(f"api:{d['name']}"[:150], password=None)
                region = d["town"] if d["role"] == Role.TOWN_OFFICER else None
                enterprise = d.get("enterprise") if d["role"] == Role.ENTERPRISE else None
                Membership.objects.create(user=user, role=d["role"], region=region, enterprise=enterprise)
                client = ApiClient.objects.create(
                    name=d["name"], role=d["role"], region=region, enterprise=enterprise, user=user,
                    resources=",".join(d["resources"]), rate_limit=d["rate_limit"], micro_data=d["micro_data"],
                    require_signature=d["require_signature"],
                    signing_secret=secrets.token_hex(32) if d["require_signature"] else "", created_by=request.user)
                token, raw = ApiToken.issue(client, timezone.now() + dt.timedelta(days=d["expires_days"]))
                log_action(request.user, "api.client_create", client, {"role": client.get_role_display(),
                                                                      "scope": str(region or enterprise or "全部")})
        except IntegrityError:
            form.add_error("name", "该名称已被使用")
        else:
            return render(request, "api/token_once.html", {"page_title": "令牌（仅显示一次）", "client": client,
                                                           "raw": raw, "token": token})
    return render(request, "api/client_form.html", {"page_title": "新建接口客户端", "form": form})


@login_required
def client_detail(request, pk):
    require_admin(request.user)
    client = get_object_or_404(ApiClient, pk=pk)
    return render(request, "api/client_detail.html", {
        "page_title": client.name, "client": client, "tokens": client.tokens.all(),
        "calls": client.calls.all()[:100]})


@login_required
@require_POST
def client_action(request, pk, action):
    require_admin(request.user)
    client = get_object_or_404(ApiClient, pk=pk)
    now = timezone.now()
    if action == "revoke":
        token = get_object_or_404(ApiToken, pk=request.POST.get("token"), client=client)
        if token.revoked_at is None:
            ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
            log_action(request.user, "api.token_revoke", client, {"token": f"gx_{token.prefix}_…"})
        messages.success(request, "令牌已吊销，立即失效。")
    elif action == "token":
        token, raw = ApiToken.issue(client, now + dt.timedelta(days=365))
        log_action(request.user, "api.token_issue", client, {"token": f"gx_{token.prefix}_…"})
        return render(request, "api/token_once.html", {"page_title": "令牌（仅显示一次）", "client": client,
                                                       "raw": raw, "token": token})
    elif action in ("deactivate", "activate"):
        active = action == "activate"
        if client.is_active != active:
            ApiClient.objects.filter(pk=client.pk).update(is_active=active, version=client.version + 1)
            log_action(request.user, "api.client_activate" if active else "api.client_deactivate", client, {"is_active": [client.is_active, active]})
        messages.success(request, "已启用。" if active else "已停用，所有令牌立即失效。")
    else:
        messages.error(request, "没有这个操作。")
    return redirect(f"/accounts/api-clients/{client.pk}/")
