"""A form applies once: `{% once %}` (lib/templatetags/once.py) puts a fresh one-time token in a form;
OnceMiddleware runs a post carrying it in one transaction that first records the token
(SubmittedForm, unique). The same token again — a double click, a resent request, the back button and
resubmit — is answered with a redirect back and "该表单已提交，未重复办理", nothing applied; twenty
identical posts at once apply once (the unique index makes the others wait, then refuse). A post that
did not apply — anything but a redirect, or one with an error message — gives its token back, so the
corrected form can be sent again.

For the forms whose rows carry no token of their own (Movement, Visit, Demand, Inspection and the
notice do): uploads, payments, dispatch requests, testing regimes… A post without the field is left
alone (tests, scripts, the API, which has its Idempotency-Key).
"""

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .models import SubmittedForm

FIELD = "once"
REPLAYED = "该表单已提交，未重复办理（请勿重复点击）"
KEEP_DAYS = 30


def new_token():
    return uuid.uuid4().hex


def _back(request):
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return "/"


def _applied(request, response):
    if not 300 <= response.status_code < 400:
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return not any(m.level >= messages.ERROR for m in queued)


def _a_page_form(request):
    """A form posted from a page. Reading request.POST consumes a multipart body, which the API signs
    and hashes (request.body): the API is left to its Idempotency-Key, and only form posts are read."""
    return (request.method == "POST" and not request.path.startswith("/api/")
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"))


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(FIELD, "") if _a_page_form(request) else ""
        if not token:
            return self.get_response(request)
        if len(token) > 40:
            return HttpResponseBadRequest("表单令牌无效，请刷新页面后重新提交")
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SubmittedForm.objects.create(token=token, path=request.path[:200], user=user)
            except IntegrityError:
                messages.info(request, REPLAYED)
                return redirect(_back(request))
            response = self.get_response(request)
            if transaction.get_connection().needs_rollback:
                pass  # the view failed inside the transaction (a 500): all of it, the token too, rolls back
            elif not _applied(request, response):
                SubmittedForm.objects.filter(token=token).delete()
        return response
