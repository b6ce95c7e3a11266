from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", "工信局系统管理员"
    BUREAU_STAFF = "bureau_staff", "工信局运行科"
    TOWN_OFFICER = "town_officer", "镇街工业专干"
    ENTERPRISE = "enterprise", "企业统计填报员"
    LEADER = "leader", "领导"


class Membership(models.Model):
    """A role held by a user, scoped to a region (town officers) or an enterprise (reporters)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships",
                             verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    region = models.ForeignKey("registry.Region", models.PROTECT, null=True, blank=True,
                               related_name="memberships", verbose_name="所辖区域")
    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, null=True, blank=True,
                                   related_name="memberships", verbose_name="所属企业")

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [
            # One grant of a role per scope: granting twice (a double click, two admins) adds nothing.
            models.UniqueConstraint(fields=["user", "role", "region"], condition=models.Q(region__isnull=False),
                                    name="membership_once_per_region"),
            models.UniqueConstraint(fields=["user", "role", "enterprise"],
                                    condition=models.Q(enterprise__isnull=False),
                                    name="membership_once_per_enterprise"),
            models.UniqueConstraint(fields=["user", "role"],
                                    condition=models.Q(region__isnull=True, enterprise__isnull=True),
                                    name="membership_once_unscoped"),
            # A town officer without a town would silently see nothing (or, worse, be mis-scoped).
            models.CheckConstraint(
                name="membership_town_officer_has_region",
                condition=~models.Q(role="town_officer") | models.Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="membership_enterprise_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
            ),
        ]

    def __str__(self):
        scope = self.region or self.enterprise or "全部"
        return f"{self.user} · {self.get_role_display()} · {scope}"


class Profile(models.Model):
    """What Gongxin keeps about a user beyond Django's: phone, and whether the password must change."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile",
                                verbose_name="用户")
    phone = models.CharField("手机", max_length=20, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "用户资料"

    def __str__(self):
        return str(self.user)


class AuditEntry(models.Model):
    """Who did what to which object, when — written by every change made through UI or commands."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="操作人")
    actor = models.CharField("操作人名称", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=200)
    data = models.JSONField("数据", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [
            # The audit trail of one object (shown on its page).
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    @property
    def action_label(self):
        from .audit import action_label

        return action_label(self.action, self.object_type)

    @property
    def object_type_label(self):
        from .audit import object_type_label

        return object_type_label(self.object_type)

    @property
    def data_lines(self):
        from .audit import describe

        return describe(self)
