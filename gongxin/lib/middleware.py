"""Per-request hardening: the Content-Security-Policy header, the 数据异常 record (lib/bounds.py) and
the audit entry of every download (who exported what: any response sent as an attachment)."""

from urllib.parse import unquote

from django.conf import settings

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


class HardeningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bounds.start_request()
        response = self.get_response(request)
        audit_download(request, response)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


def data_anomalies(request):
    """`data_anomalies` in templates: stored values that could not be read (evaluated where shown,
    at the end of the page, after everything above it has been read)."""
    return {"data_anomalies": bounds.anomalies}
