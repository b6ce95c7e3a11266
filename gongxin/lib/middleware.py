"""Per-request hardening: the Content-Security-Policy header and the 数据异常 record (lib/bounds.py)."""

from django.conf import settings

from . import bounds


class HardeningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bounds.start_request()
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


def data_anomalies(request):
    """`data_anomalies` in templates: stored values that could not be read (evaluated where shown,
    at the end of the page, after everything above it has been read)."""
    return {"data_anomalies": bounds.anomalies}
