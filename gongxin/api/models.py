"""API clients (a city/province platform, an enterprise's ERP, an auditor), their tokens, call log,
idempotency records, import jobs, code mappings and push targets.

A client acts through its own service user (`user`, never able to log in) holding one membership
exactly like a person's — so every query goes through the same scoping function as the pages.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from gongxin.accounts.models import Role

TOKEN_PREFIX = "gx"


class ApiClient(models.Model):
    name = models.CharField("客户端名称", max_length=100, unique=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey("registry.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="所辖镇街")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="所属企业")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_client",
                                verbose_name="服务账号")
    resources = models.CharField("允许访问的资源", max_length=400, blank=True,
                                 help_text="资源名，逗号分隔（如 figures,enterprises,returns）；留空表示全部")
    rate_limit = models.PositiveIntegerField("每分钟调用上限", default=120)
    micro_data = models.BooleanField("可获取单个企业数据（微观数据）", default=False,
                                     help_text="不勾选时，汇总数据按统计法第二十五条进行保密处理")
    signing_secret = models.CharField("请求签名密钥", max_length=64, blank=True)
    require_signature = models.BooleanField("要求请求签名", default=False)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "接口客户端"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="apiclient_town_has_region",
                                   condition=~Q(role="town_officer") | Q(region__isnull=False)),
            models.CheckConstraint(name="apiclient_enterprise_has_enterprise",
                                   condition=~Q(role="enterprise") | Q(enterprise__isnull=False)),
        ]

    def __str__(self):
        return self.name

    def allows(self, resource):
        allowed = [r.strip() for r in self.resources.split(",") if r.strip()]
        return not allowed or resource in allowed


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(revoked_at__isnull=True, client__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer token `gx_<prefix>_<secret>`; only its SHA-256 is stored (shown once at creation)."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="tokens", verbose_name="客户端")
    prefix = models.CharField("前缀", max_length=12, unique=True)
    digest = models.CharField("摘要", max_length=64)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.client} {TOKEN_PREFIX}_{self.prefix}_…"

    @classmethod
    def issue(cls, client, expires_at=None):
        """(token, raw): the raw value is returned once and never stored."""
        prefix = secrets.token_hex(6)
        raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        return cls.objects.create(client=client, prefix=prefix, digest=hash_token(raw), expires_at=expires_at), raw


class ApiCall(models.Model):
    """Every call: who, what, the answer, how many rows (visible to admins; rate limits count these)."""

    client = models.ForeignKey(ApiClient, models.SET_NULL, null=True, related_name="calls", verbose_name="客户端")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    method = models.CharField("方法", max_length=8)
    path = models.CharField("路径", max_length=300)
    resource = models.CharField("资源", max_length=40, blank=True)
    status = models.PositiveSmallIntegerField("状态码")
    rows = models.PositiveIntegerField("返回行数", default=0)
    ms = models.PositiveIntegerField("耗时（毫秒）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "at"], name="apicall_client_at_idx")]  # rate limit window

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.client} {self.method} {self.path} {self.status}"


class IdempotencyRecord(models.Model):
    """The answer to a request sent with an `Idempotency-Key`: a retry gets the same answer, no new effect."""

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="+", verbose_name="客户端")
    key = models.CharField("幂等键", max_length=100)
    request_digest = models.CharField("请求摘要", max_length=64)
    status = models.PositiveSmallIntegerField("状态码")
    response = models.JSONField("响应")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "幂等请求记录"
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_once")]

    def __str__(self):
        return f"{self.client} {self.key}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="jobs", verbose_name="客户端")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField("试运行", default=False)
    mode = models.CharField("模式", max_length=10, default="all")
    rows = models.PositiveIntegerField("行数", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"导入任务{self.pk} {self.get_status_display()}"


class CodeMapping(models.Model):
    """Our code → a partner's code, per client (regions, industries, indicators)."""

    class Kind(models.TextChoices):
        REGION = "region", "区划代码"
        INDUSTRY = "industry", "行业代码"
        INDICATOR = "indicator", "指标代码"

    client = models.ForeignKey(ApiClient, models.CASCADE, related_name="mappings", verbose_name="客户端")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    ours = models.CharField("本系统代码", max_length=40)
    theirs = models.CharField("对方代码", max_length=60)

    class Meta:
        verbose_name = verbose_name_plural = "代码对照"
        constraints = [models.UniqueConstraint(fields=["client", "kind", "ours"], name="mapping_once")]

    def __str__(self):
        return f"{self.client} {self.kind} {self.ours}→{self.theirs}"


class PushTarget(models.Model):
    """A partner platform that receives our figures: where, as which client (scope and mapping)."""

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField("接收地址")
    client = models.ForeignKey(ApiClient, models.PROTECT, related_name="+", verbose_name="按此客户端口径")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据推送目标"

    def __str__(self):
        return self.name


class PushLog(models.Model):
    target = models.ForeignKey(PushTarget, models.CASCADE, related_name="logs", verbose_name="推送目标")
    period = models.CharField("报告期", max_length=7)
    at = models.DateTimeField("时间", auto_now_add=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    ok = models.BooleanField("成功", default=False)
    control_totals = models.JSONField("本方控制总数", default=dict)
    receipt = models.JSONField("对方回执", default=dict, blank=True)
    reconciled = models.BooleanField("对账一致", default=False)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据推送记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.target} {self.period} {'成功' if self.ok else '失败'}"
