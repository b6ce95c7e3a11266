"""技改 projects: lifecycle, monthly investment, programmes, documents and support funds.

Amounts are 万元 (Decimal, two places). Scoping follows the project's enterprise.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, When

from gongxin.accounts.scoping import enterprise_q
from gongxin.lib import periods
from gongxin.lib.uploads import stored_name

# Amounts are never negative (lib/bounds.py reads the validator with the column's precision).
WAN = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Stage(models.TextChoices):
    IDEA = "idea", "谋划"
    SIGNED = "signed", "签约"
    FILED = "filed", "备案"
    STARTED = "started", "开工"
    BUILDING = "building", "在建"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"
    PAUSED = "paused", "暂停"
    TERMINATED = "terminated", "终止"


# The lifecycle in order; a project moves one step at a time (services.advance_project).
LIFECYCLE = [Stage.IDEA, Stage.SIGNED, Stage.FILED, Stage.STARTED, Stage.BUILDING, Stage.COMPLETED,
             Stage.OPERATING]
NOT_STARTED = [Stage.IDEA, Stage.SIGNED, Stage.FILED]
NOT_COMPLETED = NOT_STARTED + [Stage.STARTED, Stage.BUILDING]


class Programme(models.Model):
    """A programme projects are put into (百家企业智能化技改, 省企业技术改造重点导向项目, …)."""

    class Level(models.TextChoices):
        CITY = "city", "市级"
        PROVINCE = "province", "省级"
        NATIONAL = "national", "国家级"

    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    description = models.CharField("说明", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "项目计划（名单）"
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="programme_name_per_year")]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def unique_error_message(self, model_class, unique_check):
        """One message for a name taken in the year, whether a form, the service or a race finds it."""
        if set(unique_check) == {"name", "year"}:
            from django.core.exceptions import ValidationError

            return ValidationError(f"{self.year}年已有“{self.name}”", code="unique_together")
        return super().unique_error_message(model_class, unique_check)


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))

    def key(self, year):
        return self.filter(is_key=True, key_year=year)

    def with_flags(self, ref_date):
        """Annotate the stage as of `ref_date` and the three overdue flags as of then (a date; its
        month is the reference period)."""
        return self.annotate(**stage_expressions(ref_date)).annotate(**overdue_expressions(ref_date))

    def overdue(self, ref_date):
        return self.with_flags(ref_date).filter(Q(start_overdue=True) | Q(completion_overdue=True)
                                                | Q(stalled=True))

    def at(self, ref_date):
        """The projects that existed on `ref_date` (entered by then), with their stage as of then
        (`stage_at`, `paused_from_at`) and overdue flags."""
        return self.with_flags(ref_date).filter(stage_at__isnull=False)


def stage_expressions(ref_date):
    """`stage_at` / `paused_from_at`: the project's stage on `ref_date` from its stage history (the
    last StageChange dated on or before it; None if the project was entered later). A project with
    no history at all (made outside the services) keeps its current stage."""
    changes = StageChange.objects.filter(project=OuterRef("pk"))
    last = changes.filter(date__lte=ref_date).order_by("-date", "-id")
    has_history = Exists(changes)
    text = models.CharField(max_length=12)
    return {
        "stage_at": Case(When(has_history, then=Subquery(last.values("to_stage")[:1])),
                         default=F("stage"), output_field=text),
        "paused_from_at": Case(When(has_history, then=Subquery(last.values("from_stage")[:1])),
                               default=F("paused_from"), output_field=text),
    }


def overdue_expressions(ref_date):
    """Flags as of `ref_date`, on the stage then (`stage_at`, see stage_expressions): planned start
    passed but not 开工; planned completion passed but not 竣工; 在建 with no investment reported
    in the reference month and the month before it."""
    period = periods.make(ref_date.year, ref_date.month)
    paused = Q(stage_at=Stage.PAUSED)
    progress = Q(stage_at__in=NOT_STARTED) | (paused & Q(paused_from_at__in=NOT_STARTED))
    unfinished = Q(stage_at__in=NOT_COMPLETED) | (paused & Q(paused_from_at__in=NOT_COMPLETED))
    recent = ProjectInvestment.objects.filter(project=OuterRef("pk"), month__gt=0,
                                              period__in=[periods.shift(period, -1), period])
    return {
        "start_overdue": ExpressionWrapper(Q(planned_start__lt=ref_date) & progress,
                                           output_field=models.BooleanField()),
        "completion_overdue": ExpressionWrapper(Q(planned_completion__lt=ref_date) & unfinished,
                                                output_field=models.BooleanField()),
        "stalled": ExpressionWrapper(Q(stage_at=Stage.BUILDING) & ~Exists(recent),
                                     output_field=models.BooleanField()),
    }


class Project(models.Model):
    class Type(models.TextChoices):
        SMART = "smart", "智能化改造"
        DIGITAL = "digital", "数字化转型"
        GREEN = "green", "绿色化改造"
        EQUIPMENT = "equipment", "设备更新"
        CAPACITY = "capacity", "扩能改造"
        QUALITY = "quality", "产品升级"
        SAFETY = "safety", "安全改造"

    code = models.CharField("项目编号", max_length=20, unique=True)
    name = models.CharField("项目名称", max_length=150)
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="projects",
                                   verbose_name="项目单位")
    town = models.ForeignKey("registry.Region", models.PROTECT, related_name="projects",
                             verbose_name="所在镇街", blank=True, help_text="默认取项目单位所属镇街")
    industry = models.ForeignKey("registry.Industry", models.PROTECT, related_name="projects",
                                 verbose_name="行业大类", blank=True, help_text="默认取项目单位行业大类")
    type = models.CharField("项目类型", max_length=12, choices=Type.choices, default=Type.SMART)
    content = models.TextField("建设内容", blank=True)
    total_investment = models.DecimalField("计划总投资（万元）", **WAN)
    equipment_investment = models.DecimalField("其中设备投资（万元）", default=0, **WAN)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    is_key = models.BooleanField("重点项目", default=False)
    key_year = models.PositiveSmallIntegerField("重点项目年度", null=True, blank=True)
    programmes = models.ManyToManyField(Programme, blank=True, related_name="projects", verbose_name="所属计划")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="projects",
                                      verbose_name="责任人")
    record_number = models.CharField("备案号", max_length=60, blank=True)
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.IDEA)
    stage_since = models.DateField("进入本阶段日期", null=True, blank=True)
    paused_from = models.CharField("暂停前阶段", max_length=12, choices=Stage.choices, blank=True)
    stage_reason = models.CharField("暂停/终止原因", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "技改项目"
        ordering = ["code"]
        indexes = [
            # Dashboards count key projects of a year by stage.
            models.Index(fields=["is_key", "key_year", "stage"], name="project_key_stage_idx"),
            # By-town / by-industry investment figures group on these.
            models.Index(fields=["town", "industry"], name="project_town_industry_idx"),
        ]
        constraints = [
            models.CheckConstraint(name="project_equipment_within_total",
                                   condition=Q(equipment_investment__lte=models.F("total_investment"))),
            # A key project belongs to a year's list; without a year it would count nowhere.
            models.CheckConstraint(name="project_key_has_year",
                                   condition=Q(is_key=False) | Q(key_year__isnull=False)),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        if not self.town_id:
            self.town_id = self.enterprise.town_id
        if not self.industry_id:
            self.industry_id = self.enterprise.division_id
        super().save(*args, **kwargs)

    @property
    def is_closed(self):
        return self.stage in (Stage.OPERATING, Stage.TERMINATED)

    def flags(self, ref_date=None):
        """The overdue flags of this one project (pages; lists use ProjectQuerySet.with_flags)."""
        ref_date = ref_date or dt.date.today()
        row = Project.objects.filter(pk=self.pk).with_flags(ref_date).values(
            "start_overdue", "completion_overdue", "stalled").first()
        return row or {}


class StageChange(models.Model):
    """One step of a project's timeline: from → to, on which date, why, by whom."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="stage_changes", verbose_name="项目")
    from_stage = models.CharField("原阶段", max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=Stage.choices)
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="操作人")
    actor = models.CharField("操作人名称", max_length=150, blank=True)
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目阶段变更"
        ordering = ["project", "date", "id"]

    def __str__(self):
        return f"{self.project.code} {self.get_from_stage_display()}→{self.get_to_stage_display()} {self.date}"


class ProjectInvestment(models.Model):
    """Completed investment of one project in one month (本月) and the year to date (1-本月), 万元."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="investments", verbose_name="项目")
    period = models.CharField("报告期", max_length=7)
    month = models.DecimalField("本月完成投资（万元）", **WAN)
    ytd = models.DecimalField("1-本月完成投资（万元）", **WAN)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目完成投资"
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="investment_once_per_period"),
        ]
        indexes = [
            # Every investment figure is "Σ ytd of one period"; this keeps a period's rows together.
            models.Index(fields=["period", "project"], name="investment_period_idx"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.period}"


class InvestmentChange(models.Model):
    """History of reported investment: who changed which figure, when, old → new."""

    investment = models.ForeignKey(ProjectInvestment, models.CASCADE, related_name="changes",
                                   verbose_name="完成投资")
    field = models.CharField("栏目", max_length=10)  # "month" or "ytd"
    old = models.DecimalField("原值", null=True, blank=True, **WAN)
    new = models.DecimalField("新值", **WAN)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="修改人")
    actor = models.CharField("修改人名称", max_length=150)
    source = models.CharField("来源", max_length=20, default="entry")  # entry / import
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "完成投资修改记录"
        ordering = ["investment", "at", "id"]

    def __str__(self):
        return f"{self.investment} {self.field}: {self.old} → {self.new}"

    @property
    def field_label(self):
        return {"month": "本月完成投资", "ytd": "1-本月完成投资"}.get(self.field, self.field)


def document_path(instance, filename):
    return f"projects/{instance.project.code}/{stored_name(filename)}"


class ProjectDocument(models.Model):
    """A document of a project: 备案证明, 批复, 合同, 现场照片… (files under MEDIA_ROOT)."""

    class Kind(models.TextChoices):
        RECORD = "record", "备案证明"
        APPROVAL = "approval", "批复文件"
        CONTRACT = "contract", "合同协议"
        PHOTO = "photo", "现场照片"
        ACCEPTANCE = "acceptance", "竣工验收"
        OTHER = "other", "其他"

    project = models.ForeignKey(Project, models.CASCADE, related_name="documents", verbose_name="项目")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.OTHER)
    number = models.CharField("文号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=150)
    file = models.FileField("附件", upload_to=document_path, max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目文件"
        ordering = ["project", "-uploaded_at", "-id"]

    def __str__(self):
        return self.title


class FundProgramme(models.Model):
    """A support-fund programme (技改扶持资金) with its year and budget."""

    name = models.CharField("资金名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    budget = models.DecimalField("预算（万元）", **WAN)
    description = models.CharField("说明", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "扶持资金"
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="fund_name_per_year")]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def unique_error_message(self, model_class, unique_check):
        """One message for a name taken in the year, whether a form, the service or a race finds it."""
        if set(unique_check) == {"name", "year"}:
            from django.core.exceptions import ValidationError

            return ValidationError(f"{self.year}年已有“{self.name}”", code="unique_together")
        return super().unique_error_message(model_class, unique_check)

    def approved_total(self):
        """Σ approved amounts of its live (not rejected) applications, 万元; None when none."""
        if self.pk is None:
            return None
        return (self.applications.filter(approved__isnull=False).exclude(status=FundApplication.Status.REJECTED)
                .aggregate(total=models.Sum("approved"))["total"])

    def clean(self):
        """The rule every editor meets (the app's page, the admin): the budget covers what is approved."""
        from django.core.exceptions import ValidationError

        approved = self.approved_total()
        if approved and self.budget is not None and self.budget < approved:
            raise ValidationError({"budget": f"预算不能低于已批准金额合计（{approved:.2f}万元）"})


class FundApplicationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))


class FundApplication(models.Model):
    """An enterprise's application for support funds (for a project, or for the enterprise)."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已申报"
        REVIEWED = "reviewed", "已审核"
        APPROVED = "approved", "已批准"
        DISBURSED = "disbursed", "已拨付"
        REJECTED = "rejected", "未通过"

    fund = models.ForeignKey(FundProgramme, models.PROTECT, related_name="applications", verbose_name="扶持资金")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="fund_applications",
                                   verbose_name="申报企业")
    project = models.ForeignKey(Project, models.PROTECT, null=True, blank=True, related_name="fund_applications",
                                verbose_name="项目")
    requested = models.DecimalField("申请金额（万元）", **WAN)
    approved = models.DecimalField("批准金额（万元）", null=True, blank=True, **WAN)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField("申报日期")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    approved_on = models.DateField("批准日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = FundApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "扶持资金申报"
        ordering = ["fund", "applied_on", "id"]
        constraints = [
            # "不能重复申报": one live (not rejected) application per project and fund programme.
            models.UniqueConstraint(fields=["fund", "project"], name="fund_application_once_per_project",
                                    condition=Q(project__isnull=False) & ~Q(status="rejected")),
        ]

    def __str__(self):
        return f"{self.fund.name}·{self.enterprise.name}"


class Disbursement(models.Model):
    """Money actually paid out on an approved application (拨付)."""

    application = models.ForeignKey(FundApplication, models.PROTECT, related_name="disbursements",
                                    verbose_name="申报")
    date = models.DateField("拨付日期")
    amount = models.DecimalField("拨付金额（万元）", **WAN)
    voucher = models.CharField("凭证号", max_length=60, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="经办人")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资金拨付"
        ordering = ["application", "date", "id"]
        constraints = [
            models.CheckConstraint(name="disbursement_positive", condition=Q(amount__gt=0)),
            # One payment per voucher: a voucher number re-sent (double click, retry) pays nothing twice.
            models.UniqueConstraint(fields=["application", "voucher"], name="disbursement_once_per_voucher",
                                    condition=~Q(voucher="")),
        ]

    def __str__(self):
        return f"{self.application} {self.amount}万元 {self.date}"
