"""Early warnings (运行预警): rules a bureau admin edits, and the warnings they raise.

A rule is data: its kind says which check runs (alerts/scan.py), its thresholds and level
say when and how loud. A warning is kept for good: re-scanning a period updates it, or marks it
cleared when the condition no longer holds; follow-ups are rows of their own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from gongxin.accounts.scoping import get_access


class Level(models.TextChoices):
    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"
    BLUE = "blue", "蓝色"


# Most severe first; used for ordering and for keeping one output warning per enterprise.
LEVEL_ORDER = {Level.RED: 0, Level.ORANGE: 1, Level.YELLOW: 2, Level.BLUE: 3}


class WarningRule(models.Model):
    class Kind(models.TextChoices):
        OUTPUT_FALL = "output_fall", "产值下降"
        CONSECUTIVE_FALL = "consecutive_fall", "产值连续下降"
        ELECTRICITY = "electricity_mismatch", "用电量与产值背离"
        PLAN_BEHIND = "plan_behind", "镇街计划进度滞后"
        MISSING_RETURN = "missing_return", "重点企业逾期未报"

    code = models.SlugField("规则代码", max_length=40, unique=True)
    name = models.CharField("规则名称", max_length=60)
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    level = models.CharField("预警级别", max_length=8, choices=Level.choices)
    threshold = models.DecimalField("阈值（%或百分点）", max_digits=8, decimal_places=1, default=0,
                                    help_text="产值下降：1-本月同比降幅超过此值；连续下降：本月同比降幅超过此值；"
                                              "用电背离：本月用电降幅超过此值；计划滞后：完成率落后时间进度超过此值（百分点）")
    months = models.PositiveSmallIntegerField("连续月数", default=1, help_text="仅用于“产值连续下降”")
    message = models.CharField("预警说明模板", max_length=300,
                               help_text="可用占位符：{name} {town} {period} {growth} {value} {threshold} {months}")
    active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警规则"
        ordering = ["kind", "threshold", "code"]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"

    @property
    def is_town_rule(self):
        return self.kind == self.Kind.PLAN_BEHIND


def in_towns(region_ids):
    """Warnings of these towns: an enterprise's warning follows the enterprise's current town (it moves
    with the enterprise); a town rule's warning stays with its town."""
    return Q(enterprise__town_id__in=region_ids) | Q(enterprise__isnull=True, town_id__in=region_ids)


class EarlyWarningQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bureau and leaders see every warning; a town officer their towns'; nobody else any."""
        access = get_access(user)
        if access.sees_all:
            return self
        if access.region_ids:
            return self.filter(in_towns(access.region_ids))
        return self.none()

    def periods(self):
        """The periods that have warnings, newest first (the list page's choices; the first is its default)."""
        return list(self.order_by("-period").values_list("period", flat=True).distinct())

    def listed(self, period="all", level="", town="", kind="", status=""):
        """What /analysis/warnings/ lists for its filters: `period` "all" or YYYY-MM, a town code,
        `status` "" for every warning not cleared. Work items count with this too."""
        qs = self if period == "all" else self.filter(period=period)
        if level:
            qs = qs.filter(level=level)
        if town:
            qs = qs.filter(Q(enterprise__town__code=town) | Q(enterprise__isnull=True, town__code=town))
        if kind:
            qs = qs.filter(rule__kind=kind)
        return qs.filter(status=status) if status else qs.exclude(status=EarlyWarning.Status.CLEARED)

    def by_severity(self):
        """The list's order: the newest period first (under 全部报告期), then the most severe, then by the
        current town (see `in_towns`) and the enterprise."""
        order = models.Case(*(models.When(level=lv, then=models.Value(i)) for lv, i in LEVEL_ORDER.items()),
                            output_field=models.IntegerField())
        return self.annotate(severity=order).order_by(
            "-period", "severity", Coalesce("enterprise__town__code", "town__code"), "enterprise__uscc", "id")


class EarlyWarning(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待跟进"
        FOLLOWED_UP = "followed_up", "已跟进"
        CLEARED = "cleared", "已解除"

    rule = models.ForeignKey(WarningRule, models.PROTECT, related_name="warnings", verbose_name="规则")
    period = models.CharField("报告期", max_length=7)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="warnings", verbose_name="企业")
    town = models.ForeignKey("registry.Region", models.PROTECT, related_name="warnings", verbose_name="镇街")
    level = models.CharField("预警级别", max_length=8, choices=Level.choices)
    reason = models.CharField("预警原因", max_length=500)
    value = models.DecimalField("指标值", max_digits=12, decimal_places=1, null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField("首次预警时间", auto_now_add=True)
    scanned_at = models.DateTimeField("最近扫描时间", auto_now=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "运行预警"
        ordering = ["-period", "id"]
        constraints = [
            # One warning per rule, period and enterprise (or town, for town rules): scans are idempotent.
            models.UniqueConstraint(fields=["rule", "period", "enterprise"], condition=Q(enterprise__isnull=False),
                                    name="warning_once_per_enterprise"),
            models.UniqueConstraint(fields=["rule", "period", "town"], condition=Q(enterprise__isnull=True),
                                    name="warning_once_per_town"),
        ]
        indexes = [models.Index(fields=["period", "level"], name="warning_period_level_idx")]  # the list page

    def __str__(self):
        subject = self.enterprise.name if self.enterprise_id else self.town.name
        return f"{self.period} {subject} {self.rule.name}"

    @property
    def subject(self):
        return self.enterprise.name if self.enterprise_id else self.town.name

    @property
    def current_town(self):
        """The town the warning is shown and filtered under: the enterprise's current one (see `in_towns`;
        `town` is the enterprise's town when the warning was last scanned)."""
        return self.enterprise.town if self.enterprise_id else self.town

    @property
    def current_town_id(self):
        """The town that follows the warning up: the enterprise's current one (see `in_towns`)."""
        return self.enterprise.town_id if self.enterprise_id else self.town_id


class WarningFollowUp(models.Model):
    """A follow-up of a warning (走访、电话核实…): kept for good, newest last."""

    warning = models.ForeignKey(EarlyWarning, models.CASCADE, related_name="follow_ups", verbose_name="预警")
    note = models.CharField("跟进情况", max_length=1000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="跟进人")
    actor = models.CharField("跟进人名称", max_length=150)
    at = models.DateTimeField("跟进时间", auto_now_add=True)
    # The follow-up form's one-time token: the same submission (double click, retry) is stored once.
    token = models.CharField("提交标识", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "预警跟进记录"
        ordering = ["warning", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "token"], condition=~Q(token=""),
                                    name="follow_up_once_per_token"),
        ]

    def __str__(self):
        return f"{self.warning} · {self.actor}"


class PendingScan(models.Model):
    """A change waiting for the warning rescan (alerts/pending.py): one row per period and
    enterprise, `enterprise_pk` 0 for the whole period (after an import). Written when a return's
    change commits, drained in batches off the request path; a row is its own receipt (nothing
    lost if a worker stops: the next drain, or the hourly job, takes it)."""

    WHOLE_PERIOD = 0

    period = models.CharField("报告期", max_length=7)
    enterprise_pk = models.BigIntegerField("企业ID（0为整个报告期）", default=WHOLE_PERIOD)
    queued_at = models.DateTimeField("排队时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "待重新扫描"
        constraints = [models.UniqueConstraint(fields=["period", "enterprise_pk"], name="pending_scan_once")]

    def __str__(self):
        return f"{self.period} {self.enterprise_pk or '整个报告期'}"
