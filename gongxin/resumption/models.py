"""Work resumption (复工复产) under an emergency event.

- `StatusEntry`: the append-only status timeline of an enterprise in an event. What an enterprise's
  status is "as of D" is its latest entry with `effective_on` ≤ D (ties: the later record); nothing
  is stored per day, so every date is answered from the timeline (stats.py).
- `Rules`: an event's resumption rules as data (what no entry counts as, the electricity threshold,
  co-review, certificate numbering).
- `Condition`: the checklist an application answers (per event, optionally per phase).
- `Application`: enterprise (or town on its behalf) → town evaluation → co-review (when the event
  requires it) → bureau review → a numbered certificate (复工复产确认书).
- `Blocker`: what keeps an enterprise from resuming (the services module will absorb these).
- `GridReading`: daily electricity from the grid's feed; `Flag`: a disagreement between what an
  enterprise reports and what its electricity or output shows, for the town officer.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from gongxin.accounts.scoping import enterprise_q


class Status(models.TextChoices):
    STOPPED = "stopped", "停产"
    PARTIAL = "partial", "部分复工"
    FULL = "full", "全面复工"
    UNAFFECTED = "unaffected", "未受影响"


WORKING = (Status.PARTIAL, Status.FULL)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))


class Rules(models.Model):
    """One event's resumption rules (created with defaults the first time an event is used)."""

    event = models.OneToOneField("emergencies.Event", models.CASCADE, related_name="resumption_rules",
                                 verbose_name="应急事件")
    no_entry_status = models.CharField(
        "无状态记录的企业计为", max_length=12, choices=Status.choices, default=Status.STOPPED,
        help_text="事件开始后尚无状态记录的规上企业按此计；事件开始前一律按“未受影响”计")
    unaffected_counts_as_resumed = models.BooleanField(
        "“未受影响”计入已复工", default=True, help_text="如封闭生产、未停产的企业计入复工企业数")
    grid_threshold_pct = models.DecimalField(
        "复工用电阈值（%）", max_digits=5, decimal_places=1, default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="日用电量超过上年12月日均用电量的该比例视为复工（国家电网复工复产电力指数口径）")
    grid_days = models.PositiveSmallIntegerField(
        "连续低于阈值天数", default=3, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="报复工后连续这么多天用电低于阈值即提示核查")
    output_threshold_pct = models.DecimalField(
        "复工产值阈值（%）", max_digits=5, decimal_places=1, default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="月末已复工而当月产值低于上年同月的该比例（或停产而有产值）即提示核查")
    co_review_required = models.BooleanField("需会审部门审核", default=True)
    co_reviewer = models.CharField("会审部门", max_length=50, default="市卫生健康局", blank=True)
    certificate_prefix = models.CharField("确认书编号前缀", max_length=30, default="滕工信复")
    last_certificate_no = models.PositiveIntegerField("已用确认书序号", default=0)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "复工复产规则"

    def __str__(self):
        return f"{self.event}·复工复产规则"


class StatusEntry(models.Model):
    class Source(models.TextChoices):
        ENTERPRISE = "enterprise", "企业自报"
        TOWN = "town", "镇街登记"
        BUREAU = "bureau", "工信局登记"
        CERTIFICATE = "certificate", "复工确认"
        IMPORT = "import", "批量导入"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="resumption_statuses",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="resumption_statuses",
                                   verbose_name="企业")
    status = models.CharField("复工状态", max_length=12, choices=Status.choices)
    effective_on = models.DateField("生效日期")
    workers_back = models.PositiveIntegerField("到岗人数", null=True, blank=True,
                                               validators=[MaxValueValidator(1_000_000)])
    workers_usual = models.PositiveIntegerField("正常用工人数", null=True, blank=True,
                                                validators=[MaxValueValidator(1_000_000)])
    capacity_pct = models.DecimalField("产能利用率（%）", max_digits=4, decimal_places=1, null=True, blank=True,
                                       validators=[MinValueValidator(0), MaxValueValidator(100)])
    orders = models.DecimalField("在手订单（千元）", max_digits=14, decimal_places=1, null=True, blank=True,
                                 validators=[MinValueValidator(0), MaxValueValidator(10**12)])
    orders_ly = models.DecimalField("上年同期在手订单（千元）", max_digits=14, decimal_places=1, null=True,
                                    blank=True, validators=[MinValueValidator(0), MaxValueValidator(10**12)])
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.ENTERPRISE)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="登记人")
    recorded_by_name = models.CharField("登记人", max_length=150)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "复工状态记录"
        ordering = ["event", "enterprise", "effective_on", "id"]
        indexes = [
            # "as of D" reads an event's entries up to D, enterprise by enterprise.
            models.Index(fields=["event", "effective_on", "enterprise"], name="resumption_status_asof_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="status_workers_back_le_usual",
                                   condition=Q(workers_back__isnull=True) | Q(workers_usual__isnull=True)
                                   | Q(workers_back__lte=models.F("workers_usual"))),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.effective_on:%Y-%m-%d} {self.get_status_display()}"

    @property
    def attendance_pct(self):
        from gongxin.lib.numeric import pct

        return pct(self.workers_back, self.workers_usual)


class Condition(models.Model):
    """One item of the resumption checklist (复工复产条件), editable per event and phase."""

    class Kind(models.TextChoices):
        CHECK = "check", "确认（是/否）"
        NUMBER = "number", "数值"
        TEXT = "text", "文字"
        LIST = "list", "名单（每行一人）"

    event = models.ForeignKey("emergencies.Event", models.CASCADE, related_name="resumption_conditions",
                              verbose_name="应急事件")
    phase = models.ForeignKey("emergencies.Phase", models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name="适用阶段", help_text="留空为全部阶段")
    code = models.SlugField("代码", max_length=30)
    name = models.CharField("条件", max_length=100)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.CHECK)
    required = models.BooleanField("必备", default=True)
    required_until = models.DateField("计划复工日期不晚于该日时必备", null=True, blank=True,
                                      help_text="如：4月20日前复工的企业须实行闭环管理")
    min_value = models.DecimalField("最低数值", max_digits=8, decimal_places=1, null=True, blank=True,
                                    validators=[MinValueValidator(0), MaxValueValidator(1_000_000)])
    unit = models.CharField("单位", max_length=10, blank=True)
    help_text = models.CharField("填写说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "复工复产条件"
        ordering = ["event", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="resumption_condition_code")]

    def __str__(self):
        return self.name

    def applies(self, phase):
        return self.active and (self.phase_id is None or (phase is not None and self.phase_id == phase.id))

    def is_required(self, planned_on):
        if not self.required:
            return False
        return self.required_until is None or (planned_on is not None and planned_on <= self.required_until)


class Application(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "待镇街评估"
        EVALUATED = "evaluated", "镇街已评估"
        CO_REVIEWED = "co_reviewed", "会审已通过"
        APPROVED = "approved", "已确认复工"
        RETURNED = "returned", "已退回"
        WITHDRAWN = "withdrawn", "已撤回"

    OPEN = (State.SUBMITTED, State.EVALUATED, State.CO_REVIEWED, State.RETURNED)

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="resumption_applications",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="resumption_applications",
                                   verbose_name="企业")
    phase = models.ForeignKey("emergencies.Phase", models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name="申请时阶段")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED)
    status_requested = models.CharField("申请复工方式", max_length=12, default=Status.FULL,
                                        choices=[(Status.PARTIAL, "部分复工"), (Status.FULL, "全面复工")])
    planned_on = models.DateField("计划复工日期")
    workers_planned = models.PositiveIntegerField("首批返岗人数", validators=[MaxValueValidator(1_000_000)])
    answers = models.JSONField("复工条件", default=dict, blank=True)
    on_behalf = models.BooleanField("镇街代为申请", default=False)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   verbose_name="申请人")
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)
    town_note = models.CharField("镇街评估意见", max_length=300, blank=True)
    co_review_note = models.CharField("会审意见", max_length=300, blank=True)
    bureau_note = models.CharField("工信局审核意见", max_length=300, blank=True)
    return_reason = models.CharField("退回理由", max_length=300, blank=True)
    returned_from = models.CharField("退回环节", max_length=12, blank=True)
    certificate_no = models.CharField("确认书编号", max_length=40, blank=True)
    approved_at = models.DateTimeField("确认时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "复工复产申请"
        ordering = ["-applied_at", "-id"]
        constraints = [
            # One application in progress per enterprise and event: a second is refused, not duplicated.
            models.UniqueConstraint(fields=["event", "enterprise"], name="resumption_one_open_application",
                                    condition=Q(state__in=["submitted", "evaluated", "co_reviewed", "returned"])),
            # A certificate number is issued once.
            models.UniqueConstraint(fields=["certificate_no"], name="resumption_certificate_no_once",
                                    condition=~Q(certificate_no="")),
        ]
        indexes = [models.Index(fields=["event", "state"], name="resumption_app_state_idx")]

    def __str__(self):
        return f"{self.enterprise} 复工复产申请"

    @property
    def is_open(self):
        return self.state in self.OPEN

    @property
    def staff(self):
        """The staff list of the commitment letter (承诺书返岗人员名单), one name per line."""
        for key, value in (self.answers or {}).items():
            if key.startswith("staff") and isinstance(value, str):
                return list_lines(value)
        return []


def list_lines(value):
    """A list answer (名单（每行一人）) as its non-blank lines."""
    return [n.strip() for n in value.splitlines() if n.strip()]


class Blocker(models.Model):
    """A difficulty keeping an enterprise from (fully) resuming; a plain record services will absorb."""

    class Category(models.TextChoices):
        MATERIALS = "materials", "原材料"
        LOGISTICS = "logistics", "物流运输"
        LABOUR = "labour", "用工"
        FUNDS = "funds", "资金"
        PREVENTION = "prevention", "防疫条件"
        ORDERS = "orders", "订单市场"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        OPEN = "open", "待解决"
        RESOLVED = "resolved", "已解决"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="resumption_blockers",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="resumption_blockers",
                                   verbose_name="企业")
    category = models.CharField("困难类别", max_length=12, choices=Category.choices)
    description = models.CharField("困难描述", max_length=300)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    resolution = models.CharField("解决情况", max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                    verbose_name="登记人")
    reported_at = models.DateTimeField("登记时间", auto_now_add=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "复工困难"
        ordering = ["state", "-reported_at", "-id"]

    def __str__(self):
        return f"{self.enterprise}·{self.get_category_display()}"


class GridReading(models.Model):
    """One enterprise's electricity of one day from the grid's daily feed (千瓦时)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="grid_readings",
                                   verbose_name="企业")
    day = models.DateField("日期")
    kwh = models.DecimalField("日用电量（千瓦时）", max_digits=12, decimal_places=1,
                              validators=[MinValueValidator(0), MaxValueValidator(10**10)])
    source = models.CharField("来源文件", max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "日用电量"
        ordering = ["enterprise", "day"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="grid_reading_once_per_day")]
        indexes = [models.Index(fields=["day", "enterprise"], name="grid_reading_day_idx")]

    def __str__(self):
        return f"{self.enterprise} {self.day} {self.kwh}"


class Flag(models.Model):
    """A cross-check disagreement for the town officer to look into."""

    class Kind(models.TextChoices):
        GRID_LOW = "grid_low", "报复工但日用电低于阈值"
        GRID_HIGH = "grid_high", "报停产但日用电超过阈值"
        MONTH_ELECTRICITY = "month_electricity", "报复工但月用电量低于阈值"
        MONTH_OUTPUT_LOW = "month_output_low", "报复工但月产值明显偏低"
        MONTH_OUTPUT_STOPPED = "month_output_stopped", "报停产但月报有产值"

    class State(models.TextChoices):
        OPEN = "open", "待核查"
        CONFIRMED = "confirmed", "核查属实（已更正）"
        DISMISSED = "dismissed", "核查无误"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="resumption_flags",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="resumption_flags",
                                   verbose_name="企业")
    kind = models.CharField("类型", max_length=24, choices=Kind.choices)
    key = models.CharField("核查对象", max_length=10, help_text="日期 YYYY-MM-DD 或报告期 YYYY-MM")
    detail = models.CharField("情况", max_length=300)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    note = models.CharField("核查说明", max_length=300, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="核查人")
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    resolved_at = models.DateTimeField("核查时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "复工核查提示"
        ordering = ["state", "-key", "enterprise"]
        constraints = [
            # The scan is idempotent: one flag per enterprise, kind and day (or period), ever.
            models.UniqueConstraint(fields=["event", "enterprise", "kind", "key"], name="resumption_flag_once"),
        ]

    def __str__(self):
        return f"{self.enterprise}·{self.get_kind_display()}"
