"""Who is calling: bearer tokens, optional request signing, rate limits, allowed resources.

`Authorization: Bearer gx_<prefix>_<secret>` → the client's service user, so every query runs
through the pages' own scoping. A revoked or expired token, or a deactivated client, is refused at
once (looked up on every request). With `require_signature`, a request also carries
`X-Client-Id` (the client's name), `X-Timestamp` (Unix seconds, within 300 s) and `X-Signature`:
hex HMAC-SHA256 of `METHOD\\nPATH\\nTIMESTAMP\\nSHA256(body)` with the client's signing secret.
"""

import hashlib
import hmac
import time
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import TOKEN_PREFIX, ApiCall, ApiToken, hash_token

SIGNATURE_WINDOW = 300


class TokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确")
        raw = header[1]
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            raise exceptions.AuthenticationFailed("令牌格式不正确")
        token = ApiToken.objects.usable(timezone.now()).select_related("client__user").filter(prefix=parts[1]).first()
        if token is None or not hmac.compare_digest(token.digest, hash_token(raw)):
            raise exceptions.AuthenticationFailed("令牌无效、已吊销或已过期")
        client = token.client
        if client.require_signature:
            verify_signature(request, client)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        request._request.api_client = client
        return client.user, token

    def authenticate_header(self, request):
        return self.keyword


def signature(secret, method, path, timestamp, body):
    message = f"{method}\n{path}\n{timestamp}\n{hashlib.sha256(body).hexdigest()}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify_signature(request, client):
    meta = request.META
    if meta.get("HTTP_X_CLIENT_ID") != client.name:
        raise exceptions.AuthenticationFailed("缺少或不匹配的 X-Client-Id")
    timestamp = meta.get("HTTP_X_TIMESTAMP", "")
    if not (timestamp.isascii() and timestamp.isdecimal() and len(timestamp) <= 12) \
            or abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW:
        raise exceptions.AuthenticationFailed("X-Timestamp 缺失或超出5分钟有效期")
    expected = signature(client.signing_secret, request.method, request.get_full_path(), timestamp, request.body)
    if not hmac.compare_digest(expected, meta.get("HTTP_X_SIGNATURE", "")):
        raise exceptions.AuthenticationFailed("请求签名不正确")


def client_of(request):
    return getattr(request._request, "api_client", None) if hasattr(request, "_request") else getattr(
        request, "api_client", None)


class AllowedResource(permissions.BasePermission):
    message = "该客户端无权访问此资源"

    def has_permission(self, request, view):
        client = client_of(request)
        return client is not None and client.allows(view.resource)


class ClientRateThrottle(throttling.BaseThrottle):
    """At most `client.rate_limit` calls in any 60 s, counted from the call log (shared by every
    worker process); over it: 429 with Retry-After."""

    def allow_request(self, request, view):
        client = client_of(request)
        if client is None:
            return True
        since = timezone.now() - timedelta(seconds=60)
        calls = ApiCall.objects.filter(client=client, at__gte=since)
        self.first = calls.order_by("at").values_list("at", flat=True).first()
        return calls.count() < client.rate_limit

    def wait(self):
        if self.first is None:
            return 60
        return max(1, 60 - int((timezone.now() - self.first).total_seconds()))
