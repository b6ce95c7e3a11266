"""Vehicle transfer permits (车辆接驳证明) under an emergency event: the application, its review,
the signed QR token, checkpoint checks (四查一测) and the trip (entry → arrival → unloading → exit).

One permit is one vehicle, one route, one validity window (一车一证一线路). A permit's number is the
county's 6-digit division code + the decision date + a 4-digit serial of that day (`PermitSerial`).
The 接驳 variant hands the goods to a local vehicle at a transfer point: the outside vehicle never
enters, so it has no arrival or exit.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gongxin.accounts.scoping import enterprise_q, get_access
from gongxin.lib.masking import mask_phone

# The 四查一测 of the 2022 rules; each event keeps its own copy (`ScreeningRule.checklist`), so an
# event with other rules changes data, not code. Kinds: choice (pass = listed options), sample_time
# (核酸 sample at most `max_hours` before the check), temperature (fails at `fail_at` ℃ and above).
DEFAULT_CHECKLIST = [
    {"code": "health_code", "label": "健康码", "kind": "choice", "options": ["绿码", "黄码", "红码"], "pass": ["绿码"]},
    {"code": "trip_code", "label": "行程码", "kind": "choice",
     "options": ["未途经中高风险地区", "途经中高风险地区（带*）"], "pass": ["未途经中高风险地区"]},
    {"code": "contact_code", "label": "同行密接码", "kind": "choice", "options": ["无风险", "有密接风险"],
     "pass": ["无风险"]},
    {"code": "nat", "label": "核酸阴性证明", "kind": "sample_time", "max_hours": 48},
    {"code": "temperature", "label": "体温", "kind": "temperature", "fail_at": "37.3", "min": "34.0", "max": "43.0"},
]


def mask_id(number):
    """An ID number with all but its last 4 characters hidden (lists, exports, the checkpoint)."""
    number = number or ""
    return "*" * max(len(number) - 4, 0) + number[-4:] if len(number) > 4 else number


class ScreeningRule(models.Model):
    """The checks every person in a vehicle passes at a checkpoint, as data per event."""

    event = models.OneToOneField("emergencies.Event", models.CASCADE, related_name="screening_rule",
                                 verbose_name="应急事件")
    checklist = models.JSONField("查验项目", default=list)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "卡口查验规则"

    def __str__(self):
        return f"{self.event}·四查一测"

    @classmethod
    def for_event(cls, event):
        rule, _ = cls.objects.get_or_create(event=event, defaults={"checklist": DEFAULT_CHECKLIST})
        return rule


class Checkpoint(models.Model):
    """A 卡口 (highway exit, national-road station) where vehicles enter and leave the county."""

    event = models.ForeignKey("emergencies.Event", models.CASCADE, related_name="checkpoints",
                              verbose_name="应急事件")
    code = models.SlugField("卡口代码", max_length=20)
    name = models.CharField("卡口名称", max_length=60)
    town = models.ForeignKey("registry.Region", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="所在镇街")
    is_transfer_point = models.BooleanField("接驳点", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "卡口"
        ordering = ["event", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="checkpoint_code_per_event")]

    def __str__(self):
        return self.name


class Urgency(models.IntegerChoices):
    """The review queue's order: smaller first."""

    EPIDEMIC_SUPPLIES = 1, "防疫物资"
    RAW_MATERIALS = 2, "生产原料"
    PRODUCTS_OUT = 3, "产品外运"
    DAILY_NEEDS = 4, "生活物资"
    OTHER = 9, "其他"


class VehicleProfile(models.Model):
    """A vehicle an enterprise used before: offered again on its next application."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="permit_vehicles",
                                   verbose_name="企业")
    plate = models.CharField("车牌号", max_length=10)
    vehicle_type = models.CharField("车辆类型", max_length=20)
    national_pass_no = models.CharField("全国通行证编号", max_length=40, blank=True)
    last_used = models.DateTimeField("最近使用", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "常用车辆"
        ordering = ["-last_used"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "plate"], name="vehicle_profile_once")]

    def __str__(self):
        return self.plate


class PersonProfile(models.Model):
    """A driver or passenger an enterprise named before (personal data: masked in lists)."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE, related_name="permit_people",
                                   verbose_name="企业")
    name = models.CharField("姓名", max_length=30)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("手机号码", max_length=20)
    last_used = models.DateTimeField("最近使用", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "常用驾乘人员"
        ordering = ["-last_used"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "id_number"], name="person_profile_once")]

    def __str__(self):
        return self.name

    @property
    def masked_id(self):
        return mask_id(self.id_number)


class PermitQuerySet(models.QuerySet):
    def for_user(self, user):
        """Enterprises see their own; a town officer the permits to their town; the bureau and leaders all."""
        return self.filter(enterprise_q(user, "enterprise__"))

    def reviewable_by(self, user):
        """Permits waiting for a decision that `user` may take (destination town's officer, bureau)."""
        access = get_access(user)
        qs = self.filter(status=Permit.Status.SUBMITTED)
        if access.is_bureau:
            return qs
        if access.is_town_officer:
            return qs.filter(town_id__in=access.region_ids)
        return qs.none()

    def in_county(self, now=None):
        """Vehicles that entered and have not left (接驳 vehicles never enter)."""
        return self.filter(entered_at__isnull=False, departed_at__isnull=True, entered_at__lte=now or timezone.now())

    def overstaying(self, now=None):
        """In the county after the end of their window."""
        now = now or timezone.now()
        return self.in_county(now).filter(window_end__lt=now)

    def queue(self):
        return self.order_by("urgency", "applied_at", "id")


class Permit(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        REVOKED = "revoked", "已撤销"

    class Kind(models.TextChoices):
        DIRECT = "direct", "点对点直达"
        TRANSFER = "transfer", "接驳转运"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="permits", verbose_name="应急事件")
    enterprise = models.ForeignKey("registry.Enterprise", models.PROTECT, related_name="permits",
                                   verbose_name="目的地企业")
    # The destination town: the enterprise's town at the time of application (its officer reviews).
    town = models.ForeignKey("registry.Region", models.PROTECT, related_name="+", verbose_name="目的地镇街")
    number = models.CharField("证明编号", max_length=20, null=True, blank=True, unique=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    kind = models.CharField("通行方式", max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    plate = models.CharField("车牌号", max_length=10)
    vehicle_type = models.CharField("车辆类型", max_length=20)
    national_pass_no = models.CharField("全国通行证编号", max_length=40, blank=True)
    origin_code = models.CharField("出发地区划代码", max_length=6)
    origin_name = models.CharField("出发地", max_length=60)
    dest_address = models.CharField("目的地地址", max_length=200)
    cargo = models.CharField("运输货物", max_length=100)
    urgency = models.PositiveSmallIntegerField("紧急程度", choices=Urgency.choices, default=Urgency.OTHER)
    purpose = models.CharField("事由", max_length=200, blank=True)
    window_start = models.DateTimeField("有效期起")
    window_end = models.DateTimeField("有效期止")
    route = models.CharField("行驶路线", max_length=200)
    transfer_point = models.ForeignKey(Checkpoint, models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name="接驳点")
    applied_at = models.DateTimeField("申请时间", default=timezone.now, db_index=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="申请人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="审批人")
    approval_minutes = models.PositiveIntegerField("审批用时（分钟）", null=True, blank=True)
    refuse_reason = models.CharField("不予批准理由", max_length=200, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoke_reason = models.CharField("撤销理由", max_length=200, blank=True)
    # The trip.
    prenotified_at = models.DateTimeField("到达预告时间", null=True, blank=True)
    entered_at = models.DateTimeField("入境时间", null=True, blank=True)
    entry_checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, null=True, blank=True, related_name="+",
                                         verbose_name="入境卡口")
    arrived_at = models.DateTimeField("到达企业时间", null=True, blank=True)
    unloaded_at = models.DateTimeField("卸货完成时间", null=True, blank=True)
    departed_at = models.DateTimeField("离境时间", null=True, blank=True)
    exit_checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name="离境卡口")
    handed_over_at = models.DateTimeField("接驳完成时间", null=True, blank=True)
    overstay_alerted_at = models.DateTimeField("超时提醒时间", null=True, blank=True)
    purged_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "车辆接驳证明"
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(name="permit_window_ordered", condition=Q(window_end__gt=models.F("window_start"))),
            # An approved (or later revoked) permit always has its number; a refused or waiting one never.
            models.CheckConstraint(
                name="permit_number_iff_approved",
                condition=(Q(status__in=["approved", "revoked"], number__isnull=False)
                           | Q(status__in=["submitted", "refused"], number__isnull=True))),
        ]
        indexes = [
            # The review queue and each town's list.
            models.Index(fields=["event", "status", "town"], name="permit_queue_idx"),
            # Vehicles in the county now / overstays.
            models.Index(fields=["entered_at", "departed_at"], name="permit_in_county_idx"),
        ]

    def __str__(self):
        return self.number or f"{self.plate}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return f"/permits/{self.pk}/"

    @property
    def is_transfer(self):
        return self.kind == self.Kind.TRANSFER

    @property
    def waiting_minutes(self):
        return int((timezone.now() - self.applied_at).total_seconds() // 60)

    @property
    def waiting_text(self):
        return waited_text(self.waiting_minutes)

    @property
    def trip_stage(self):
        """Where the vehicle is, in words."""
        if self.departed_at:
            return "已离境"
        if self.handed_over_at:
            return "已接驳"
        if self.unloaded_at:
            return "已卸货"
        if self.arrived_at:
            return "已到达企业"
        if self.entered_at:
            return "已入境"
        return "未入境" if self.status == self.Status.APPROVED else "—"

    def is_valid_at(self, moment):
        return self.window_start <= moment <= self.window_end


class PermitSerial(models.Model):
    """The last serial given on a day in a county (row-locked when a number is issued)."""

    county_code = models.CharField("县级区划代码", max_length=6)
    day = models.DateField("日期")
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "证明编号序列"
        constraints = [models.UniqueConstraint(fields=["county_code", "day"], name="permit_serial_per_day")]

    def __str__(self):
        return f"{self.county_code}{self.day:%Y%m%d}:{self.last}"


def certificate_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"permits/{timezone.now():%Y%m}/{instance.permit_id}-{instance.order}.{ext}"


class PermitPerson(models.Model):
    """A driver or passenger of a permit (personal data: masked in lists and exports)."""

    class Role(models.TextChoices):
        DRIVER = "driver", "驾驶员"
        PASSENGER = "passenger", "随车人员"

    permit = models.ForeignKey(Permit, models.CASCADE, related_name="people", verbose_name="证明")
    order = models.PositiveSmallIntegerField("序号", default=0)
    role = models.CharField("身份", max_length=10, choices=Role.choices, default=Role.DRIVER)
    name = models.CharField("姓名", max_length=30)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("手机号码", max_length=20)
    test_sampled_at = models.DateTimeField("核酸采样时间", null=True, blank=True)
    certificate = models.FileField("48小时核酸检测证明", upload_to=certificate_path, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驾乘人员"
        ordering = ["permit", "order"]
        constraints = [models.UniqueConstraint(fields=["permit", "order"], name="permit_person_order")]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    @property
    def masked_id(self):
        return mask_id(self.id_number)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def id_last4(self):
        return self.id_number[-4:]


class Inspection(models.Model):
    """One vehicle at a checkpoint: the token read, 四查一测 per person, the outcome.

    `client_id` is made by the checkpoint page per scan, so a scan queued offline and uploaded twice
    is recorded once. A permit has at most one passed entry and one passed exit (constraints).
    """

    class Direction(models.TextChoices):
        ENTRY = "entry", "入境"
        EXIT = "exit", "离境"
        TRANSFER = "transfer", "接驳"

    class Result(models.TextChoices):
        PASSED = "passed", "放行"
        REFUSED = "refused", "劝返"

    event = models.ForeignKey("emergencies.Event", models.PROTECT, related_name="+", verbose_name="应急事件")
    permit = models.ForeignKey(Permit, models.CASCADE, null=True, blank=True, related_name="inspections",
                               verbose_name="证明")
    permit_number = models.CharField("证明编号", max_length=20, blank=True)
    plate = models.CharField("车牌号", max_length=10, blank=True)
    checkpoint = models.ForeignKey(Checkpoint, models.PROTECT, related_name="inspections", verbose_name="卡口")
    direction = models.CharField("方向", max_length=10, choices=Direction.choices)
    result = models.CharField("结果", max_length=10, choices=Result.choices)
    reason = models.CharField("劝返原因", max_length=300, blank=True)
    # The first reason's short code (signature, expired, temperature…), for counting refusals.
    reason_code = models.CharField("原因类别", max_length=30, blank=True, db_index=True)
    checks = models.JSONField("四查一测记录", default=list)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="查验人")
    scanned_at = models.DateTimeField("查验时间")
    recorded_at = models.DateTimeField("上传时间", auto_now_add=True)
    offline = models.BooleanField("离线查验", default=False)
    client_id = models.CharField("查验记录标识", max_length=40, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "卡口查验"
        ordering = ["-scanned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["permit"], condition=Q(direction="entry", result="passed"),
                                    name="inspection_one_entry_per_permit"),
            models.UniqueConstraint(fields=["permit"], condition=Q(direction="exit", result="passed"),
                                    name="inspection_one_exit_per_permit"),
        ]
        indexes = [models.Index(fields=["event", "result", "scanned_at"], name="inspection_result_idx")]

    def __str__(self):
        return f"{self.checkpoint} {self.get_direction_display()} {self.plate} {self.get_result_display()}"


def waited_text(minutes):
    """45 → '45分钟'; 135 → '2小时15分钟'; 4000 → '2天'."""
    if minutes < 60:
        return f"{minutes}分钟"
    if minutes < 24 * 60:
        return f"{minutes // 60}小时{minutes % 60}分钟" if minutes % 60 else f"{minutes // 60}小时"
    return f"{minutes // (24 * 60)}天"


def temperature_fails(value, fail_at):
    return Decimal(str(value)) >= Decimal(str(fail_at))


def local_day_bounds(day):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)
