"""/api/v1/: the versioned REST API. Every view fetches through the app's own `for_user` scoping
with the client's service user (out of scope → 404), writes through the app's own services, and is
logged (`ApiCall`); the JSON of figures is the same function as the `gongxin` JSON commands."""

import hashlib
import json
import time

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from gongxin.analysis import report
from gongxin.lib import bounds
from gongxin.lib import periods as P
from gongxin.registry.models import Enterprise, Industry, Region
from gongxin.replica import replica_reads
from gongxin.reporting import services as returns
from gongxin.reporting.models import Form, Return, ReturnValue
from gongxin.reporting.validation import COLUMNS

from . import disclosure
from . import serializers as S
from .auth import AllowedResource, ClientRateThrottle, TokenAuthentication, client_of
from .models import ApiCall, IdempotencyRecord


class ApiView(APIView):
    """Token auth, resource permission, rate limit, and one `ApiCall` row per request."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowedResource]
    throttle_classes = [ClientRateThrottle]
    resource = ""

    def initial(self, request, *args, **kwargs):
        self._started = time.monotonic()
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses NUL characters in a query; refuse them here, clearly, for every resource.
        texts = [*kwargs.values(), *request.query_params.keys(),
                 *(v for values in request.query_params.lists() for v in values[1])]
        if any("\x00" in str(t) for t in texts):
            raise ParseError("请求参数中含有非法字符（NUL）")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = client_of(request)
        if client is not None:
            data = getattr(response, "data", None)
            rows = next((len(v) for k in ("results", "rows", "changes") if isinstance(v := (data or {}).get(k), list)),
                        0) if isinstance(data, dict) else 0
            ApiCall.objects.create(client=client, method=request.method, path=request.get_full_path()[:300],
                                   resource=self.resource, status=response.status_code, rows=rows,
                                   ms=int((time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000))
        return response

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"detail": str(exc) or "不存在或不在您的数据范围内"}, status=404)
        if isinstance(exc, PermissionDenied):
            return Response({"detail": str(exc) or "无权执行此操作"}, status=403)
        return super().handle_exception(exc)


PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _period(value, **options):
    """A period the system knows, or 404 with lib.periods' message (as pages answer): malformed,
    a merged January, a month not yet ended, a month without returns or a reporting period."""
    try:
        return P.check_period(value or "", **options)
    except P.PeriodError as e:
        raise ApiError(str(e), 404) from e


class ApiError(Exception):
    def __init__(self, detail, status_code=400, errors=None):
        super().__init__(detail)
        self.detail, self.status_code, self.errors = detail, status_code, errors


def _error(e):
    body = {"detail": e.detail}
    if e.errors is not None:
        body["errors"] = e.errors
    return Response(body, status=e.status_code)


class KeysetPagination(CursorPagination):
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class ByCode(KeysetPagination):
    ordering = "code"


class ByUscc(KeysetPagination):
    ordering = "uscc"


class ById(KeysetPagination):
    ordering = "id"


class ListView(ApiView):
    pagination_class = None

    def paginate(self, request, queryset, serializer):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


# ---------------------------------------------------------------- registry


class RegionList(ListView):
    resource, pagination_class = "regions", ByCode

    @extend_schema(responses=S.RegionSerializer(many=True), summary="区划（县、镇街，统计用区划代码）")
    def get(self, request):
        return self.paginate(request, Region.objects.select_related("parent"), S.RegionSerializer)


class IndustryList(ListView):
    resource, pagination_class = "industries", ByCode

    @extend_schema(responses=S.IndustrySerializer(many=True), summary="国民经济行业分类（GB/T 4754-2017）")
    def get(self, request):
        return self.paginate(request, Industry.objects.all(), S.IndustrySerializer)


def _enterprises(user):
    return Enterprise.objects.for_user(user).select_related("town", "industry").prefetch_related(
        "list_years", "groups")


class EnterpriseList(ListView):
    resource, pagination_class = "enterprises", ByUscc

    @extend_schema(responses=S.EnterpriseSerializer(many=True), summary="企业名录（统一社会信用代码为键）",
                   parameters=[OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100},
                                                    description="规上名录年份")])
    def get(self, request):
        qs = _enterprises(request.user)
        year = request.query_params.get("year")
        if year:
            if not 2000 <= (bounds.whole(year, 4) or 0) <= 2100:
                return _error(ApiError("year 应为2000至2100之间的年份"))
            qs = qs.on_list(int(year))
        return self.paginate(request, qs, S.EnterpriseSerializer)


class EnterpriseDetail(ApiView):
    resource = "enterprises"

    @extend_schema(responses=S.EnterpriseSerializer, summary="一家企业")
    def get(self, request, uscc):
        return Response(S.EnterpriseSerializer(get_object_or_404(_enterprises(request.user), uscc=uscc.upper())).data)


# ---------------------------------------------------------------- forms and returns


class FormList(ApiView):
    resource = "forms"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="报表与指标")
    def get(self, request):
        forms = Form.objects.filter(is_active=True).prefetch_related("indicators").order_by("order", "code")
        return Response({"results": [{
            "code": f.code, "name": f.name, "merge_jan_feb": f.merge_jan_feb, "deadline_day": f.deadline_day,
            "indicators": [{"code": i.code, "name": i.name, "unit": i.unit} for i in f.indicators.all()],
        } for f in forms]})


def return_json(ret):
    values = {v.indicator.code: {c: (None if getattr(v, c) is None else str(getattr(v, c))) for c in COLUMNS}
              for v in ReturnValue.objects.filter(ret=ret).select_related("indicator")}
    return {"id": ret.pk, "uscc": ret.enterprise.uscc, "form": ret.form.code, "period": ret.period,
            "status": ret.status, "version": ret.version, "source": ret.source, "values": values,
            "updated_at": ret.updated_at}


class ReturnList(ListView):
    resource, pagination_class = "returns", ById

    @extend_schema(responses=S.ReturnSerializer(many=True), summary="报表（按报告期、报表筛选）",
                   parameters=[OpenApiParameter("period", str, pattern=PERIOD), OpenApiParameter("form", str)])
    def get(self, request):
        qs = Return.objects.for_user(request.user).select_related("enterprise", "form")
        if request.query_params.get("period"):
            try:
                qs = qs.filter(period=_period(request.query_params["period"], require_reporting=False))
            except ApiError as e:
                return _error(e)
        if request.query_params.get("form"):
            qs = qs.filter(form__code=request.query_params["form"][:20])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([return_json(r) for r in page])


def _return_target(request, uscc, form_code, period):
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), uscc=uscc.upper())
    form = get_object_or_404(Form, code=form_code, is_active=True)
    # Entry: a period nobody has filed yet is still open; the month must have ended.
    period = _period(period, merge_jan_feb=form.merge_jan_feb, require_reporting=False)
    ret = Return.objects.filter(enterprise=enterprise, form=form, period=period).select_related(
        "enterprise", "form").first()
    return enterprise, form, period, ret


def _values(payload):
    """{"output_value": {"month": "123.4", …}} → Decimals, each checked like the entry page's cells."""
    from decimal import Decimal, InvalidOperation

    out, errors = {}, []
    for code, cols in (payload or {}).items():
        for col, raw in (cols or {}).items():
            if col not in COLUMNS:
                errors.append({"field": f"{code}.{col}", "message": f"未知栏目“{col}”"})
                continue
            if raw in (None, ""):
                out.setdefault(code, {})[col] = None
                continue
            try:
                value = Decimal(str(raw).replace(",", ""))
            except InvalidOperation:
                errors.append({"field": f"{code}.{col}", "message": f"“{raw}”不是数字"})
                continue
            if not value.is_finite() or abs(value) >= Decimal(10) ** 15 or value.as_tuple().exponent < -4:
                errors.append({"field": f"{code}.{col}", "message": f"数值“{raw}”超出范围（最多15位整数、4位小数）"})
                continue
            out.setdefault(code, {})[col] = value
    if errors:
        raise ApiError("数据格式不正确", errors=errors)
    return out


class IdempotentMixin:
    """A POST with `Idempotency-Key` is done once: the first request reserves the key, a retry gets the
    stored answer; the same key with a different body is refused (422)."""

    def once(self, request, work):
        key = request.headers.get("Idempotency-Key", "").strip()[:100]
        if not key:
            return work()
        client = client_of(request)
        digest = hashlib.sha256(request.method.encode() + request.get_full_path().encode() + request.body).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(client=client, key=key, request_digest=digest, status=0,
                                                          response={})
        except IntegrityError:
            record = IdempotencyRecord.objects.get(client=client, key=key)
            if record.request_digest != digest:
                return Response({"detail": "该幂等键已用于另一个请求"}, status=422)
            if record.status == 0:
                return Response({"detail": "相同请求正在处理中，请稍后重试"}, status=409)
            return Response(record.response, status=record.status, headers={"Idempotent-Replay": "true"})
        response = work()
        if response.status_code >= 500:
            record.delete()
        else:
            record.status, record.response = response.status_code, json.loads(json.dumps(response.data, default=str))
            record.save(update_fields=["status", "response"])
        return response


class ReturnDetail(IdempotentMixin, ApiView):
    resource = "returns"

    @extend_schema(responses={200: S.ReturnSerializer, 404: S.ErrorSerializer}, summary="一张报表")
    def get(self, request, uscc, form, period):
        try:
            _, _, _, ret = _return_target(request, uscc, form, period)
        except ApiError as e:
            return _error(e)
        if ret is None:
            raise Http404("该报表尚未填报")
        return Response(return_json(ret))

    @extend_schema(request=S.ReturnWriteSerializer,
                   responses={200: S.ReturnSerializer, 400: S.ErrorSerializer, 409: S.ErrorSerializer},
                   summary="保存草稿（企业客户端；与页面同一套规则）",
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)])
    def post(self, request, uscc, form, period):
        return self.once(request, lambda: self._save(request, uscc, form, period))

    def _save(self, request, uscc, form, period):
        body = S.ReturnWriteSerializer(data=request.data)
        if not body.is_valid():
            return Response({"detail": "请求格式不正确", "errors": _field_errors(body.errors)}, status=400)
        try:
            enterprise, form_obj, period, ret = _return_target(request, uscc, form, period)
            values = _values(body.validated_data.get("values"))
            target = ret or Return(enterprise=enterprise, form=form_obj, period=period)
            ret = returns.save_draft(request.user, target, values, explanation=body.validated_data.get("explanation"),
                                     expected_version=body.validated_data.get("version"))
        except ApiError as e:
            return _error(e)
        except returns.ConflictError as e:
            return Response({"detail": str(e)}, status=409)
        except returns.DomainError as e:
            return Response({"detail": str(e)}, status=400)
        return Response(return_json(ret))


class ReturnSubmit(IdempotentMixin, ApiView):
    resource = "returns"

    @extend_schema(request=S.ReturnWriteSerializer,
                   responses={200: S.ReturnSerializer, 400: S.ErrorSerializer, 409: S.ErrorSerializer},
                   summary="报送（审核规则与页面相同；错误逐项返回字段）",
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)])
    def post(self, request, uscc, form, period):
        return self.once(request, lambda: self._submit(request, uscc, form, period))

    def _submit(self, request, uscc, form, period):
        body = S.ReturnWriteSerializer(data=request.data)
        if not body.is_valid():
            return Response({"detail": "请求格式不正确", "errors": _field_errors(body.errors)}, status=400)
        try:
            _, _, _, ret = _return_target(request, uscc, form, period)
            if ret is None:
                raise ApiError("请先保存草稿再报送", 404)
            values = _values(body.validated_data["values"]) if "values" in body.validated_data else None
            ret = returns.submit_return(request.user, ret, values, explanation=body.validated_data.get("explanation"),
                                        expected_version=body.validated_data.get("version"))
        except ApiError as e:
            return _error(e)
        except returns.ValidationFailed as e:
            return Response({"detail": str(e), "errors": [
                {"field": f.field, "severity": f.severity, "message": f.message, "rule": f.rule} for f in e.findings]},
                status=400)
        except returns.ConflictError as e:
            return Response({"detail": str(e)}, status=409)
        except returns.DomainError as e:
            return Response({"detail": str(e)}, status=400)
        return Response(return_json(ret))


def _field_errors(errors):
    out = []
    for field, messages in errors.items():
        if isinstance(messages, dict):
            for sub, msgs in messages.items():
                out.append({"field": f"{field}.{sub}", "message": "；".join(map(str, msgs))})
        else:
            out.append({"field": field, "message": "；".join(map(str, messages))})
    return out


# ---------------------------------------------------------------- figures


class FiguresView(ApiView):
    resource = "figures"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="规上工业产值等指标（与 gongxin indicators 相同）",
                   parameters=[OpenApiParameter("period", str, required=True, pattern=PERIOD),
                               OpenApiParameter("by", str, enum=list(report.BY_CHOICES))])
    def get(self, request):
        by = request.query_params.get("by", "county")
        if by not in report.BY_CHOICES:
            return _error(ApiError(f"by 应为 {'、'.join(report.BY_CHOICES)} 之一"))
        try:
            period = _period(request.query_params.get("period"))
        except ApiError as e:
            return _error(e)
        with replica_reads(request._request):
            data = report.indicators_json(period, by, None if _sees_all(request.user) else request.user)
        if not client_of(request).micro_data:
            data = disclosure.protect(data, period, by)
        return Response(data)


def _sees_all(user):
    from gongxin.accounts.scoping import get_access

    return get_access(user).sees_all


class ProductsView(ApiView):
    resource = "products"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="重点监测产品（与 gongxin products 相同）",
                   parameters=[OpenApiParameter("period", str, required=True, pattern=PERIOD)])
    def get(self, request):
        try:
            period = _period(request.query_params.get("period"))
        except ApiError as e:
            return _error(e)
        return Response(report.products_json(period, None if _sees_all(request.user) else request.user))


class ProjectList(ListView):
    resource, pagination_class = "projects", ByCode

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="技改项目")
    def get(self, request):
        from gongxin.projects.models import Project

        qs = Project.objects.for_user(request.user).select_related("enterprise", "town")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([{
            "code": p.code, "name": p.name, "uscc": p.enterprise.uscc, "town": p.town.code, "stage": p.stage,
            "total_investment_wan": str(p.total_investment)} for p in page])


class InvestmentView(ApiView):
    resource = "investment"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="工业技改投资（与 gongxin investment 相同）",
                   parameters=[OpenApiParameter("period", str, required=True, pattern=PERIOD)])
    def get(self, request):
        from gongxin.projects.models import Project
        from gongxin.projects.stats import investment_rows

        try:
            period = _period(request.query_params.get("period"), merge_jan_feb=False, require_reporting=False)
        except ApiError as e:
            return _error(e)
        projects = None if _sees_all(request.user) else Project.objects.for_user(request.user)
        rows = investment_rows(period, "county", projects)
        return Response({"period": period, "unit": "万元", "rows": json.loads(json.dumps(rows, default=str))})


# ---------------------------------------------------------------- changes feed, bulk import, jobs


class ChangesView(ApiView):
    resource = "changes"

    @extend_schema(responses=S.ChangesSerializer, summary="变更流：自游标以来的新增、修订与删除（删除为墓碑）",
                   parameters=[OpenApiParameter("since", {"type": "integer", "minimum": 0, "maximum": 10**17},
                                                description="上次返回的 next_cursor；首次为0")])
    def get(self, request):
        from .feed import changes_since

        since = request.query_params.get("since", "0")
        if not since.isdecimal() or len(since) > 18:
            return _error(ApiError("since 应为非负整数游标"))
        cursor, changes = changes_since(int(since), request.user)
        return Response({"next_cursor": cursor, "changes": changes})


class ReturnImport(IdempotentMixin, ApiView):
    """Bulk import of official 产值 returns (the same importer and rules as the import page)."""

    resource = "import"

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT,
                   summary="批量导入（JSON、CSV 或 XLSX；dry_run；all 整体或 row 逐行；幂等键）",
                   parameters=[OpenApiParameter("dry_run", bool), OpenApiParameter("mode", str, enum=["all", "row"]),
                               OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)])
    def post(self, request):
        return self.once(request, lambda: self._import(request))

    def _import(self, request):
        from gongxin.accounts.scoping import get_access

        from .importing import run_import_job

        if not get_access(request.user).is_bureau:
            return Response({"detail": "只有工信局客户端可以批量导入官方数据"}, status=403)
        mode = request.query_params.get("mode", "all")
        if mode not in ("all", "row"):
            return _error(ApiError("mode 应为 all 或 row"))
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        try:
            job = run_import_job(client_of(request), request, dry_run=dry_run, mode=mode)
        except ApiError as e:
            return _error(e)
        return Response(job_json(job), status=202 if job.status != job.Status.DONE else 200)


def job_json(job):
    return {"job": job.pk, "status": job.status, "dry_run": job.dry_run, "mode": job.mode, "rows": job.rows,
            "result": job.result, "url": f"/api/v1/jobs/{job.pk}/"}


class JobDetail(ApiView):
    resource = "import"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="导入任务状态")
    def get(self, request, pk):
        from .models import ImportJob

        return Response(job_json(get_object_or_404(ImportJob, pk=pk, client=client_of(request))))


# ---------------------------------------------------------------- the emergency and service modules
# The same JSON as their `gongxin` commands. These figures are county-wide: clients that see the
# whole county (bureau, leaders) read them; a town or enterprise client gets 403.


class CountyWideView(ApiView):
    def check_permissions(self, request):
        super().check_permissions(request)
        if not _sees_all(request.user):
            self.permission_denied(request, message="该资源为全县汇总，仅限工信局及领导客户端")


def _date(value, name="date"):
    import datetime as dt

    try:
        return bounds.date(dt.date.fromisoformat(value or ""), name)
    except bounds.OutOfRange as e:
        raise ApiError(str(e)) from e
    except ValueError as e:
        raise ApiError(f"{name} 应为 YYYY-MM-DD：{value!r}") from e


DATE = {"type": "string", "format": "date"}


class ResumptionView(CountyWideView):
    resource = "resumption"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="复工复产（与 gongxin resumption 相同）",
                   parameters=[OpenApiParameter("date", DATE, required=True), OpenApiParameter("event", str),
                               OpenApiParameter("by", str, enum=["county", "town", "industry", "tier"])])
    def get(self, request):
        from gongxin.resumption import stats as resumption

        by = request.query_params.get("by", "county")
        if by not in resumption.GROUPINGS:
            return _error(ApiError(f"by 应为 {'、'.join(resumption.GROUPINGS)} 之一"))
        try:
            day = _date(request.query_params.get("date"))
        except ApiError as e:
            return _error(e)
        event = resumption.event_for(request.query_params.get("event"), day)
        if event is None:
            raise Http404("没有该应急事件")
        return Response(resumption.report(event, day, by))


class PreventionView(CountyWideView):
    resource = "prevention"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="企业防控督导（与 gongxin prevention 相同）",
                   parameters=[OpenApiParameter("event", str, required=True), OpenApiParameter("date", DATE)])
    def get(self, request):
        from gongxin.emergencies.models import Event
        from gongxin.prevention import stats as prevention

        event = Event.objects.filter(code=request.query_params.get("event", "")[:30]).first()
        if event is None:
            raise Http404("没有该应急事件")
        try:
            day = _date(request.query_params["date"]) if request.query_params.get("date") else \
                prevention.default_day(event)
        except ApiError as e:
            return _error(e)
        return Response(prevention.summary(event, day))


class DemandsView(CountyWideView):
    resource = "demands"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="企业诉求办理情况（与 gongxin demands 相同）",
                   parameters=[OpenApiParameter("from", DATE, required=True), OpenApiParameter("to", DATE, required=True),
                               OpenApiParameter("by", str, enum=["category", "town", "department"])])
    def get(self, request):
        from gongxin.services import stats as services_stats

        by = request.query_params.get("by", "category")
        if by not in services_stats.BY:
            return _error(ApiError(f"by 应为 {'、'.join(services_stats.BY)} 之一"))
        try:
            start, end = _date(request.query_params.get("from"), "from"), _date(request.query_params.get("to"), "to")
        except ApiError as e:
            return _error(e)
        if end < start:
            return _error(ApiError("to 早于 from"))
        rows = services_stats.demand_rows(start, end, by)
        return Response({"from": start.isoformat(), "to": end.isoformat(), "rows": json.loads(json.dumps(
            rows, default=str))})


class ReservesView(CountyWideView):
    resource = "reserves"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="应急物资储备（与 gongxin reserves 相同）",
                   parameters=[OpenApiParameter("date", DATE)])
    def get(self, request):
        import datetime as dt

        from gongxin.reserves.management.commands.reserves import figures

        try:
            day = _date(request.query_params["date"]) if request.query_params.get("date") else dt.date.today()
        except ApiError as e:
            return _error(e)
        return Response(json.loads(json.dumps(figures(day), default=str)))


class PermitsView(CountyWideView):
    resource = "permits"

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="车辆接驳证明当日情况（与 gongxin permits 相同）",
                   parameters=[OpenApiParameter("date", DATE, required=True), OpenApiParameter("event", str)])
    def get(self, request):
        from gongxin.emergencies.models import Event
        from gongxin.permits import stats as permits_stats
        from gongxin.permits.models import Inspection, Permit

        try:
            day = _date(request.query_params.get("date"))
        except ApiError as e:
            return _error(e)
        permits, inspections = Permit.objects.all(), Inspection.objects.all()
        if request.query_params.get("event"):
            event = Event.objects.filter(code=request.query_params["event"][:30]).first()
            if event is None:
                raise Http404("没有该应急事件")
            permits, inspections = permits.filter(event=event), inspections.filter(event=event)
        return Response(json.loads(json.dumps(permits_stats.day_figures(permits, inspections, day), default=str)))
