"""Enterprise services (企业服务): visits, one pool of demands with working-day deadlines, policies.

- `WorkdayOverride`: the working-day calendar's exceptions to Monday–Friday (法定节假日 on a
  weekday, 调休 make-up working days on a weekend); see `workdays.py`.
- `Demand` (企业诉求): one pool from every channel, handled 接-派-办-评 (services.py); its clock
  runs in working time, stops while paused, and it closes only when the enterprise confirms.
- `Policy` / `Benefit`: 惠企政策 with who they apply to as rules over the registry and the bureau's
  figures (`eligibility.py`), and what each enterprise received.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.scoping import enterprise_q, get_access
from gongxin.lib.uploads import stored_name

WAN = {"max_digits": 14, "decimal_places": 2}


class WorkdayOverride(models.Model):
    date = models.DateField("日期", unique=True)
    is_working = models.BooleanField("是否工作日", help_text="勾选：周末调休上班；不勾选：法定节假日休息")
    name = models.CharField("名称", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working else '休息'} {self.name}"


class Department(models.Model):
    """A unit that handles demands: a bureau section, a town (its officers act), a city department."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", "局内科室"
        TOWN = "town", "镇街"
        CITY = "city", "市直部门"

    code = models.CharField("单位代码", max_length=20, unique=True)
    name = models.CharField("单位名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    region = models.ForeignKey("registry.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="对应镇街")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="service_departments",
                                     verbose_name="经办人员")

    class Meta:
        verbose_name = verbose_name_plural = "承办单位"
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class Tier(models.Model):
    """Urgency tier: working days the 主办 has to resolve, and 协办 to answer (data, editable)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20)
    lead_days = models.PositiveSmallIntegerField("主办办结时限（工作日）")
    assist_days = models.PositiveSmallIntegerField("协办答复时限（工作日）", default=3)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "诉求紧急程度"
        ordering = ["order"]

    def __str__(self):
        return f"{self.name}（{self.lead_days}个工作日）"


class Category(models.TextChoices):
    MATERIALS = "materials", "原材料"
    LOGISTICS = "logistics", "物流运输"
    LABOUR = "labour", "用工"
    FINANCE = "finance", "资金"
    ENERGY = "energy", "能源"
    LAND = "land", "用地"
    POLICY = "policy", "政策"
    APPROVAL = "approval", "审批"
    OTHER = "other", "其他"


class Channel(models.TextChoices):
    ENTERPRISE = "enterprise", "企业自主提交"
    VISIT = "visit", "调研走访"
    TOWN = "town", "镇街收集"
    WARNING = "warning", "预警跟进"
    RESUMPTION = "resumption", "复工复产堵点"
    HOTLINE = "hotline", "12345转办"


class DemandQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bureau and leaders: all; town officers: their town's, except anonymous ones (raised to the
        bureau); reporters: their enterprise's own."""
        access = get_access(user)
        if access.sees_all:
            return self
        qs = self.filter(enterprise_q(user, "enterprise__"))
        if access.enterprise_ids:
            return qs.filter(Q(anonymous=False) | Q(enterprise_id__in=access.enterprise_ids))
        return qs.filter(anonymous=False)

    def open(self):
        return self.exclude(status__in=(Demand.Status.CLOSED, Demand.Status.WITHDRAWN))


class Demand(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "待受理"
        ASSIGNED = "assigned", "办理中"
        PAUSED = "paused", "暂停（等待企业补充材料）"
        RESOLVED = "resolved", "已办结待企业确认"
        CLOSED = "closed", "已关闭"
        WITHDRAWN = "withdrawn", "企业撤回"

    code = models.CharField("诉求编号", max_length=20, unique=True)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="demands",
                                   verbose_name="企业")
    channel = models.CharField("来源渠道", max_length=12, choices=Channel.choices, default=Channel.ENTERPRISE)
    category = models.CharField("诉求类别", max_length=12, choices=Category.choices)
    title = models.CharField("诉求标题", max_length=100)
    description = models.TextField("诉求内容")
    tier = models.ForeignKey(Tier, models.PROTECT, related_name="+", verbose_name="紧急程度")
    anonymous = models.BooleanField("匿名反映", default=False,
                                    help_text="仅工信局可见；承办人不显示企业名称")
    contact = models.CharField("联系人及电话", max_length=60, blank=True)
    source = models.CharField("关联对象", max_length=80, blank=True,
                              help_text="如 alerts.earlywarning:12、resumption.blocker:3")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NEW)
    lead = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="led_demands",
                             verbose_name="主办单位")
    received_at = models.DateTimeField("受理时间")
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    objection_until = models.DateTimeField("异议截止", null=True, blank=True)
    due_at = models.DateTimeField("办结时限", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("已批准延期（工作日）", default=0)
    paused_since = models.DateTimeField("暂停开始", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("累计暂停工作时长（秒）", default=0)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    escalated_at = models.DateTimeField("升级督办时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("满意度评分", null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_note = models.CharField("评价意见", max_length=300, blank=True)
    form_token = models.CharField("提交令牌", max_length=40, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="登记人")

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业诉求"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="demand_status_due_idx")]  # overdue scan
        constraints = [
            models.CheckConstraint(name="demand_rating_1_to_5",
                                   condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_open(self):
        return self.status not in (self.Status.CLOSED, self.Status.WITHDRAWN)


class Assignment(models.Model):
    """A unit's part in a demand: one 主办, any number of 协办 (each with its own answer deadline)."""

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        ASSIST = "assist", "协办"

    demand = models.ForeignKey(Demand, models.CASCADE, related_name="assignments", verbose_name="诉求")
    department = models.ForeignKey(Department, models.PROTECT, related_name="assignments", verbose_name="单位")
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    due_at = models.DateTimeField("答复时限")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer = models.TextField("答复意见", blank=True)
    objected_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "交办单位"
        ordering = ["demand", "role", "id"]
        constraints = [
            # One active 主办 per demand; a unit takes one part in a demand.
            models.UniqueConstraint(fields=["demand"], condition=Q(role="lead", active=True),
                                    name="demand_one_active_lead"),
            models.UniqueConstraint(fields=["demand", "department"], condition=Q(active=True),
                                    name="demand_department_once"),
        ]

    def __str__(self):
        return f"{self.demand.code} {self.get_role_display()} {self.department}"


class DemandStep(models.Model):
    """The demand's timeline: every step, who took it, and the working time since the previous one."""

    class Kind(models.TextChoices):
        RAISED = "raised", "提出诉求"
        ASSIGNED = "assigned", "交办"
        OBJECTED = "objected", "对交办提出异议"
        NOTE = "note", "办理进展"
        ANSWERED = "answered", "协办答复"
        PAUSED = "paused", "暂停计时"
        RESUMED = "resumed", "恢复计时"
        EXTENSION_ASKED = "extension_asked", "申请延期"
        EXTENSION_APPROVED = "extension_approved", "批准延期"
        EXTENSION_REFUSED = "extension_refused", "不予延期"
        ESCALATED = "escalated", "超期升级督办"
        RESOLVED = "resolved", "办结"
        CONFIRMED = "confirmed", "企业确认并评价"
        REJECTED = "rejected", "企业不认可办理结果"
        REVISITED = "revisited", "回访"
        REOPENED = "reopened", "重新办理"
        REVEALED = "revealed", "查看匿名企业"

    demand = models.ForeignKey(Demand, models.CASCADE, related_name="steps", verbose_name="诉求")
    kind = models.CharField("环节", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("时间")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="操作人")
    actor = models.CharField("操作人名称", max_length=150, blank=True)
    note = models.TextField("说明", blank=True)
    extension_days = models.PositiveSmallIntegerField("申请延期（工作日）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求办理过程"
        ordering = ["demand", "at", "id"]

    def __str__(self):
        return f"{self.demand.code} {self.get_kind_display()}"


class VisitPlan(models.Model):
    """A visiting round: which enterprises, which group of officials, when (调研走访计划)."""

    class Scope(models.TextChoices):
        OVER_100M = "over_100m", "产值过亿元企业"
        TOWN = "town", "按镇街"
        INDUSTRY = "industry", "按行业"
        LIST = "list", "指定名单"

    name = models.CharField("计划名称", max_length=100)
    scope = models.CharField("走访范围", max_length=12, choices=Scope.choices)
    group = models.CharField("走访组（人员）", max_length=200)
    leader_round = models.BooleanField("局领导带队", default=False)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    enterprises = models.ManyToManyField("registry.Enterprise", related_name="visit_plans",
                                         verbose_name="走访企业")
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "调研走访计划"
        ordering = ["-starts_on", "id"]
        constraints = [models.CheckConstraint(name="visitplan_dates", condition=Q(ends_on__gte=models.F("starts_on")))]

    def __str__(self):
        return self.name


class VisitQuota(models.Model):
    """How many of a plan's enterprises a unit is to visit (部门走访任务)."""

    plan = models.ForeignKey(VisitPlan, models.CASCADE, related_name="quotas", verbose_name="走访计划")
    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="单位")
    target = models.PositiveIntegerField("走访任务（家）")

    class Meta:
        verbose_name = verbose_name_plural = "走访任务分解"
        constraints = [models.UniqueConstraint(fields=["plan", "department"], name="visitquota_once")]

    def __str__(self):
        return f"{self.plan} {self.department} {self.target}家"


class VisitQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))



def visit_photo_path(instance, filename):
    return f"services/visits/{timezone.now():%Y}/{stored_name(filename)}"

class Visit(models.Model):
    plan = models.ForeignKey(VisitPlan, models.SET_NULL, null=True, blank=True, related_name="visits",
                             verbose_name="走访计划")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="visits", verbose_name="企业")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="走访单位")
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200)
    findings = models.TextField("了解情况与问题")
    photo = models.FileField("现场照片", upload_to=visit_photo_path, blank=True)
    source = models.CharField("走访缘由", max_length=80, blank=True, help_text="如 alerts.earlywarning:12")
    form_token = models.CharField("提交令牌", max_length=40, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on} {self.enterprise}"


class Policy(models.Model):
    """A 惠企政策 and the rules of whom it applies to (empty rule = no condition)."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"

    title = models.CharField("政策名称", max_length=150)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    issuer = models.CharField("发文单位", max_length=100)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    content = models.TextField("政策内容")
    guide = models.TextField("申兑指南", blank=True)
    year = models.PositiveSmallIntegerField("适用年度")
    # Rules (all that are set must hold):
    tiers = models.CharField("规模档次", max_length=60, blank=True,
                             help_text="over_500m（5亿元以上）、100m_500m（1亿-5亿元）、under_100m，逗号分隔；留空不限")
    divisions = models.CharField("行业大类代码", max_length=200, blank=True, help_text="如 26,27；留空不限")
    min_growth = models.DecimalField("1-本月产值增速不低于（%）", max_digits=7, decimal_places=1, null=True,
                                     blank=True, validators=[MinValueValidator(-100), MaxValueValidator(10000)])
    min_investment_wan = models.DecimalField("年度技改投资不低于（万元）", max_digits=12, decimal_places=2,
                                             null=True, blank=True, validators=[MinValueValidator(0)])
    on_list = models.BooleanField("须为当年规上企业", default=True)
    is_active = models.BooleanField("有效", default=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "惠企政策"
        ordering = ["-year", "level", "id"]

    def __str__(self):
        return self.title


class BenefitQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))


class Benefit(models.Model):
    policy = models.ForeignKey(Policy, models.PROTECT, related_name="benefits", verbose_name="政策")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="benefits",
                                   verbose_name="企业")
    amount_wan = models.DecimalField("兑现金额（万元）", validators=[MinValueValidator(0)], **WAN)
    granted_on = models.DateField("兑现日期")
    note = models.CharField("说明", max_length=200, blank=True)

    objects = BenefitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策兑现"
        ordering = ["-granted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise", "granted_on"], name="benefit_once")]

    def __str__(self):
        return f"{self.enterprise} {self.policy} {self.amount_wan}万元"
