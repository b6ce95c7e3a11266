"""How the OpenAPI schema describes our token authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "gongxin.api.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "令牌由系统管理员在“接口客户端”页面创建：gx_…"}


ERRORS = {
    "400": "请求不正确（字段错误逐项列于 errors）",
    "401": "缺少令牌，或令牌无效、已吊销、已过期",
    "403": "该客户端无权访问此资源或执行此操作",
    "404": "不存在，或不在该客户端的数据范围内（含无效的报告期）",
    "409": "版本冲突或相同请求正在处理",
    "422": "幂等键已用于另一个请求",
    "429": "超过调用频率上限（见 Retry-After）",
}


def document_errors(result, generator, request, public):
    """Every operation answers these errors with `{"detail", "errors"?}` (drf-spectacular hook)."""
    error = {"type": "object", "properties": {"detail": {"type": "string"},
                                              "errors": {"type": "array", "items": {"type": "object"}}}}
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = error
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(code, {"description": text, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}})
    return result
