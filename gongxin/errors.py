"""Error pages: Chinese HTML for people, JSON for the API (its clients parse every answer)."""

from django.http import JsonResponse
from django.views import defaults


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "不存在，或不在您的数据范围内"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "服务器内部错误，已记录"}, status=500)
    return defaults.server_error(request)
