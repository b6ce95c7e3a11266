"""Enterprise prevention supervision under an emergency event (issue 14).

- `PolicyNotice`: a policy document the bureau forwards (政策文件转发) to a target; publishing fans
  it out into one `notices.Notice` per enterprise (source "prevention.policynotice:<id>"), whose
  `NoticeRead` rows are the read receipts.
- `Registration`: an enterprise's closed-loop production (封闭生产) under an event, its checklist
  items (`ChecklistItem` as data, `RegistrationItem` per registration), the timestamped status
  history, status reports. Approval stores a hash of the approved data; a later change whose hash
  differs sends the registration back to review.
- `Inspection` (checklist template as data) → `Finding` (severity, deadline) → `FindingStep`
  timeline (opened, rectified with `Evidence`, rejected, verified).
- `TestingRegime` (rules: every N days, sampled share, pooling, cohorts), `TestingRound`,
  `SamplingPoint` (shared by several enterprises), `CohortWorker` (the only personal data: names
  and ID numbers of a cohort, purged when the event closes).
"""

import hashlib
import json

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.scoping import enterprise_q, get_access
from gongxin.lib.uploads import stored_name

USER = settings.AUTH_USER_MODEL


class ScopedQuerySet(models.QuerySet):
    """Rows owned by an enterprise (`enterprise` FK): scoped by `enterprise_q`."""

    def for_user(self, user):
        return self.filter(enterprise_q(user, "enterprise__"))


# ---------------------------------------------------------------- notices (政策文件转发)


class PolicyNoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Bureau and leaders: all; town officers: those reaching an enterprise of their town;
        enterprises: those sent to them."""
        access = get_access(user)
        if access.sees_all:
            return self
        from gongxin.notices.models import Notice

        sent = Notice.objects.filter(source__startswith=PolicyNotice.SOURCE_PREFIX).filter(
            enterprise_q(user, "enterprise__"))
        ids = set()
        for source in sent.values_list("source", flat=True).distinct():  # "…:<id>" or "…:<id>:remind"
            head = source.removeprefix(PolicyNotice.SOURCE_PREFIX).split(":", 1)[0]
            if head.isdecimal():
                ids.add(int(head))
        return self.filter(pk__in=ids, published_at__isnull=False)


class PolicyNotice(models.Model):
    SOURCE_PREFIX = "prevention.policynotice:"

    class Target(models.TextChoices):
        ALL = "all", "全部规上企业"
        GROUPS = "groups", "按企业分组"
        TOWNS = "towns", "按镇街"
        TIERS = "tiers", "按产值档次"
        LIST = "list", "指定企业"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="policy_notices",
                              verbose_name="应急事件")
    title = models.CharField("文件标题", max_length=200)
    issuer = models.CharField("发文单位", max_length=100)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    body = models.TextField("正文", blank=True)
    target = models.CharField("发送范围", max_length=10, choices=Target.choices, default=Target.ALL)
    target_groups = models.ManyToManyField("registry.EnterpriseGroup", blank=True, related_name="+",
                                           verbose_name="企业分组")
    target_towns = models.ManyToManyField("registry.Region", blank=True, related_name="+", verbose_name="镇街")
    target_tiers = models.CharField("产值档次", max_length=60, blank=True, help_text="逗号分隔的档次代码")
    target_enterprises = models.ManyToManyField("registry.Enterprise", blank=True, related_name="+",
                                                verbose_name="指定企业")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="发布人")
    version = models.PositiveIntegerField("版本", default=1)
    # The publishing form's one-time token: a double submit publishes once.
    token = models.CharField("表单令牌", max_length=40, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = PolicyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策文件转发"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"《{self.title}》"

    @property
    def source(self):
        return f"{self.SOURCE_PREFIX}{self.pk}"


def attachment_path(instance, filename):
    return f"prevention/notices/{instance.notice_id}/{stored_name(filename)}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(PolicyNotice, models.CASCADE, related_name="attachments", verbose_name="文件")
    file = models.FileField("附件", upload_to=attachment_path, max_length=255)
    name = models.CharField("文件名", max_length=150)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("文件类型", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件附件"

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- closed-loop production (封闭生产)


class ChecklistItem(models.Model):
    """A requirement of closed-loop production (data, edited by the bureau)."""

    event = models.ForeignKey("emergencies.Event", models.CASCADE, related_name="+", verbose_name="应急事件")
    name = models.CharField("检查项", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "封闭生产检查项"
        ordering = ["event", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="checklist_item_once")]

    def __str__(self):
        return self.name


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        RETURNED = "returned", "已退回"
        SUSPENDED = "suspended", "已暂停"
        REVOKED = "revoked", "已撤销"

    # The fields whose approved values are hashed: a change to any of them needs a new approval.
    DATA_FIELDS = ["starts_on", "ends_on", "workers_inside", "dormitory", "catering", "supplies_days",
                   "testing_capability", "responsible_name", "responsible_phone"]

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="registrations",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="closed_loop",
                                   verbose_name="企业")
    starts_on = models.DateField("封闭开始日期")
    ends_on = models.DateField("封闭结束日期", null=True, blank=True)
    workers_inside = models.PositiveIntegerField("闭环内人数", validators=[MaxValueValidator(100_000)])
    dormitory = models.CharField("住宿安排", max_length=200)
    catering = models.CharField("餐饮安排", max_length=200)
    supplies_days = models.PositiveSmallIntegerField("物资储备天数", validators=[MaxValueValidator(365)])
    testing_capability = models.CharField("检测能力", max_length=200, blank=True)
    responsible_name = models.CharField("防疫负责人", max_length=50)
    responsible_phone = models.CharField("负责人电话", max_length=30)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    approved_hash = models.CharField("批准时数据摘要", max_length=64, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="批准人")
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "封闭生产登记"
        ordering = ["enterprise__town__code", "enterprise__name"]
        constraints = [
            # One registration per enterprise and event: a second registration would double-count.
            models.UniqueConstraint(fields=["event", "enterprise"], name="registration_once_per_event"),
            models.CheckConstraint(name="registration_ends_after_start",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on"))),
        ]

    def __str__(self):
        return f"{self.enterprise.name}封闭生产登记"

    def data_hash(self, items=None):
        """SHA-256 of the data an approval covers: the fields and each checklist item's status."""
        if items is None:
            items = self.items.all()
        data = {name: str(getattr(self, name) or "") for name in self.DATA_FIELDS}
        data["items"] = sorted((i.item_id, i.status, i.note) for i in items)
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class RegistrationItem(models.Model):
    class Status(models.TextChoices):
        MET = "met", "已落实"
        PARTLY = "partly", "部分落实"
        NOT_MET = "not_met", "未落实"

    registration = models.ForeignKey(Registration, models.CASCADE, related_name="items", verbose_name="登记")
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+", verbose_name="检查项")
    status = models.CharField("落实情况", max_length=10, choices=Status.choices, default=Status.NOT_MET)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "封闭生产检查项落实"
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["registration", "item"], name="registration_item_once")]

    def __str__(self):
        return f"{self.item_id}:{self.status}"


class StatusChange(models.Model):
    """The registration's timestamped status history (Eden ASP's approval history)."""

    registration = models.ForeignKey(Registration, models.CASCADE, related_name="history", verbose_name="登记")
    old = models.CharField("原状态", max_length=10, blank=True)
    new = models.CharField("新状态", max_length=10, choices=Registration.Status.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人")
    actor = models.CharField("操作人名称", max_length=150, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "封闭生产状态记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.old}→{self.new}"

    def get_old_display(self):
        return Registration.Status(self.old).label if self.old else "—"


class StatusReport(models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", "日报"
        WEEKLY = "weekly", "周报"

    registration = models.ForeignKey(Registration, models.CASCADE, related_name="reports", verbose_name="登记")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.DAILY)
    day = models.DateField("日期")
    workers_on_site = models.PositiveIntegerField("在岗人数", validators=[MaxValueValidator(100_000)])
    capacity_pct = models.DecimalField("产能利用率（%）", max_digits=4, decimal_places=1,
                                       validators=[MinValueValidator(0), MaxValueValidator(100)])
    problems = models.CharField("存在问题", max_length=300, blank=True)
    user = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="填报人")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "封闭生产情况报告"
        ordering = ["-day", "-id"]
        constraints = [
            # One daily (weekly) report per day: a double submit is the same report.
            models.UniqueConstraint(fields=["registration", "kind", "day"], name="status_report_once"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}{self.get_kind_display()}"


# ---------------------------------------------------------------- inspections and rectification


class InspectionTemplate(models.Model):
    name = models.CharField("检查表名称", max_length=100, unique=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "督导检查表"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(InspectionTemplate, models.CASCADE, related_name="items", verbose_name="检查表")
    category = models.CharField("类别", max_length=30, help_text="封闭管理、人员生活保障、防护措施、安全生产…")
    text = models.CharField("检查内容", max_length=200)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "检查表条目"
        ordering = ["template", "order", "id"]

    def __str__(self):
        return f"{self.category}：{self.text}"


class Inspection(models.Model):
    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="inspections",
                              verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+", verbose_name="企业")
    template = models.ForeignKey(InspectionTemplate, models.PROTECT, related_name="+", verbose_name="检查表")
    day = models.DateField("检查日期")
    team = models.CharField("检查组", max_length=100)
    note = models.CharField("检查情况", max_length=500, blank=True)
    inspector = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="检查人")
    # The inspection form's one-time token: a double submit (a poor signal at the gate) records once.
    token = models.CharField("表单令牌", max_length=40, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督导检查"
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.enterprise.name}督导检查"


class InspectionAnswer(models.Model):
    class Result(models.TextChoices):
        OK = "ok", "符合"
        PROBLEM = "problem", "存在问题"
        NA = "na", "不适用"

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="answers", verbose_name="检查")
    item = models.ForeignKey(TemplateItem, models.PROTECT, related_name="+", verbose_name="检查内容")
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.OK)

    class Meta:
        verbose_name = verbose_name_plural = "检查结果"
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_answer_once")]

    def __str__(self):
        return self.get_result_display()


class Finding(models.Model):
    class Severity(models.TextChoices):
        MINOR = "minor", "一般"
        MAJOR = "major", "较重"
        SEVERE = "severe", "严重"

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        RECTIFIED = "rectified", "已整改待核验"
        VERIFIED = "verified", "已核验销号"

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings", verbose_name="检查")
    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+", verbose_name="企业")
    category = models.CharField("类别", max_length=30, blank=True)
    description = models.CharField("问题描述", max_length=300)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.MINOR)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("发现时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查发现问题"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["event", "status", "deadline"], name="finding_event_status_idx")]

    def __str__(self):
        return f"{self.enterprise.name}：{self.description[:30]}"

    def is_overdue(self, day=None):
        return self.status == self.Status.OPEN and self.deadline < (day or timezone.localdate())


class FindingStep(models.Model):
    class Action(models.TextChoices):
        OPENED = "opened", "发现问题"
        RECTIFIED = "rectified", "企业报告整改"
        REJECTED = "rejected", "核验未通过"
        VERIFIED = "verified", "核验通过销号"

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="steps", verbose_name="问题")
    action = models.CharField("环节", max_length=10, choices=Action.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="操作人")
    actor = models.CharField("操作人名称", max_length=150, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改记录"
        ordering = ["at", "id"]

    def __str__(self):
        return self.get_action_display()


def evidence_path(instance, filename):
    return f"prevention/evidence/{instance.step.finding_id}/{stored_name(filename)}"


class Evidence(models.Model):
    step = models.ForeignKey(FindingStep, models.CASCADE, related_name="evidence", verbose_name="整改记录")
    file = models.FileField("文件", upload_to=evidence_path, max_length=255)
    name = models.CharField("文件名", max_length=150)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("文件类型", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "整改佐证材料"

    def __str__(self):
        return self.name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


# ---------------------------------------------------------------- testing (常态化定期核酸检测)


class TestingRegime(models.Model):
    """A testing rule: who (scope), how often, what share, pooled how; optionally a cohort."""

    class Scope(models.TextChoices):
        EVENT = "event", "事件内全部封闭生产企业"
        TIER = "tier", "按产值档次"
        GROUP = "group", "按企业分组"
        ENTERPRISE = "enterprise", "指定企业"

    class Cohort(models.TextChoices):
        ALL = "", "全员"
        NEW_HIRES = "new_hires", "新入职人员"
        CANTEEN = "canteen", "食堂从业人员"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="testing_regimes",
                              verbose_name="应急事件")
    name = models.CharField("检测制度", max_length=100)
    scope = models.CharField("适用范围", max_length=10, choices=Scope.choices, default=Scope.EVENT)
    tier = models.CharField("产值档次", max_length=20, blank=True)
    group = models.ForeignKey("registry.EnterpriseGroup", models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="企业分组")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="指定企业")
    every_days = models.PositiveSmallIntegerField("检测频次（每N天）", default=7,
                                                  validators=[MinValueValidator(1), MaxValueValidator(90)])
    sample_pct = models.DecimalField("抽检比例（%）", max_digits=4, decimal_places=1, default=100,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])
    pool_size = models.PositiveSmallIntegerField("混检比例（1:N）", default=10,
                                                 validators=[MinValueValidator(1), MaxValueValidator(20)])
    cohort = models.CharField("检测人群", max_length=10, choices=Cohort.choices, blank=True, default="")
    cohort_days = models.CharField("入职第几天检测", max_length=30, blank=True, help_text="如 1,3,7")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "核酸检测制度"
        ordering = ["event", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(name="regime_ends_after_start",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on"))),
        ]

    def __str__(self):
        return self.name

    @property
    def cohort_day_numbers(self):
        return sorted({int(d) for d in self.cohort_days.replace("，", ",").split(",") if d.strip().isdecimal()})


class SamplingPoint(models.Model):
    """A sampling point; a joint point (联合采样点) serves several enterprises."""

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    name = models.CharField("采样点", max_length=100)
    town = models.ForeignKey("registry.Region", models.PROTECT, related_name="+", verbose_name="所在镇街")
    address = models.CharField("地址", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "采样点"
        ordering = ["town__code", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="sampling_point_once")]

    def __str__(self):
        return self.name


class TestingRound(models.Model):
    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    regime = models.ForeignKey(TestingRegime, models.PROTECT, related_name="rounds", verbose_name="检测制度")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+", verbose_name="企业")
    day = models.DateField("检测日期")
    period_start = models.DateField("所属检测周期起")
    headcount = models.PositiveIntegerField("在岗人数", validators=[MaxValueValidator(100_000)])
    required = models.PositiveIntegerField("应检人数")
    tested = models.PositiveIntegerField("实检人数", validators=[MaxValueValidator(100_000)])
    tubes = models.PositiveIntegerField("采样管数", validators=[MaxValueValidator(100_000)])
    team = models.CharField("采样队伍", max_length=100, blank=True)
    sampling_point = models.ForeignKey(SamplingPoint, models.PROTECT, null=True, blank=True, related_name="rounds",
                                       verbose_name="采样点")
    user = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "核酸检测轮次"
        ordering = ["-day", "enterprise__name"]
        constraints = [
            # One round per enterprise, rule and period: 不漏一人 is measured per period.
            models.UniqueConstraint(fields=["regime", "enterprise", "period_start"], name="round_once_per_period"),
        ]

    def __str__(self):
        return f"{self.enterprise.name} {self.day:%Y-%m-%d}"

    @property
    def below_required(self):
        return self.tested < self.required


class CohortWorker(models.Model):
    """A worker of a cohort rule (new hires tested on days 1, 3, 7): the only personal data here.

    `name` and `id_number` are emptied by the purge when the event closes; `hired_on` and
    `tested_days` stay, so every count stays the same.
    """

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    regime = models.ForeignKey(TestingRegime, models.PROTECT, related_name="workers", verbose_name="检测制度")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="+", verbose_name="企业")
    name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    hired_on = models.DateField("入职日期")
    tested_days = models.CharField("已检测（入职第几天）", max_length=30, blank=True)
    purged_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "重点人群人员"
        ordering = ["enterprise", "hired_on", "id"]

    def __str__(self):
        return f"{self.enterprise.name}新入职人员#{self.pk}"

    @property
    def tested_day_numbers(self):
        return sorted({int(d) for d in self.tested_days.split(",") if d.strip().isdecimal()})
