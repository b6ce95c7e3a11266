"""Per-request hardening: NUL characters refused in the address, the Content-Security-Policy header,
the 数据异常 record (lib/bounds.py) and the audit entry of every download (who exported what: any
response sent as an attachment)."""

from urllib.parse import unquote

from django.conf import settings
from django.template.response import TemplateResponse

from . import bounds


class Download:
    """The audit log's object for a download: the file, named by its file name."""

    class _meta:  # noqa: N801 - read by accounts.audit.log_action like a model's _meta
        app_label, model_name = "lib", "export"

    pk = ""

    def __init__(self, filename):
        self.filename = filename

    def __str__(self):
        return self.filename


def _filename(disposition):
    """The file name of a Content-Disposition header (RFC 6266 filename* first)."""
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*" and "''" in value:
            return unquote(value.split("''", 1)[1])
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename":
            return value.strip('"')
    return ""


def audit_download(request, response):
    disposition = response.get("Content-Disposition", "")
    user = getattr(request, "user", None)
    if not disposition.startswith("attachment") or not getattr(user, "is_authenticated", False):
        return
    if response.status_code != 200:
        return
    from gongxin.accounts.audit import log_action

    name = _filename(disposition)
    log_action(user, "lib.export", Download(name), {"file": name, "path": request.get_full_path()[:500]})


NUL_MESSAGE = "请求参数中含有非法字符（NUL），请检查地址后重试。"


def refuse_nul(request):
    """A 400 page for a NUL character in the path or a query parameter (name or value).

    PostgreSQL refuses NUL in any query, so a filter such as ?q=%00 would fail inside the
    database (a 500); SQLite would search for it. Form bodies are left to the forms, whose
    fields refuse NUL with their own message (Django's ProhibitNullCharactersValidator). The API
    (/api/) answers the same in JSON itself.
    """
    if request.path.startswith("/api/"):
        return None
    texts = [request.path, *request.GET.keys(), *(v for _, values in request.GET.lists() for v in values)]
    if not any("\x00" in t for t in texts):
        return None
    response = TemplateResponse(request, "400.html", {"message": NUL_MESSAGE}, status=400)
    return response.render()


class HardeningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bounds.start_request()
        response = refuse_nul(request) or self.get_response(request)
        audit_download(request, response)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


def data_anomalies(request):
    """`data_anomalies` in templates: stored values that could not be read (evaluated where shown,
    at the end of the page, after everything above it has been read)."""
    return {"data_anomalies": bounds.anomalies}
