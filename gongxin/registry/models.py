from django.db import models
from django.db.models import Q

from gongxin.accounts.scoping import enterprise_q


class RegionQuerySet(models.QuerySet):
    def towns(self):
        return self.filter(level=Region.Level.TOWN).order_by("code")

    def with_descendants(self, ids):
        """The given region ids and every region below them (a county's towns, say)."""
        found, frontier = set(ids), set(ids)
        while frontier:
            frontier = set(self.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
            found |= frontier
        return found


class Region(models.Model):
    """County → 镇街, with statistical division codes (统计用区划代码)."""

    class Level(models.TextChoices):
        COUNTY = "county", "县（市、区）"
        TOWN = "town", "镇（街道）"

    code = models.CharField("统计用区划代码（12位）", max_length=12, unique=True)
    code9 = models.CharField("区划代码（9位）", max_length=9, blank=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="上级区划")
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField("停用日期", null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """GB/T 4754-2017: divisions (2-digit, 大类) of sections B/C/D and optional classes (4-digit)."""

    code = models.CharField("行业代码", max_length=4, unique=True)
    name = models.CharField("行业名称", max_length=100)
    section = models.CharField("门类", max_length=1)
    section_name = models.CharField("门类名称", max_length=50)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="classes",
                               verbose_name="所属大类")

    class Meta:
        verbose_name = verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def division(self):
        return self.parent or self


class EnterpriseQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(enterprise_q(user))

    def on_list(self, year):
        return self.filter(list_years__year=year)

    def entrants(self, year):
        """On `year`'s list but not on the previous year's (none when there is no previous list)."""
        if not ListYear.objects.filter(year=year - 1).exists():
            return self.none()
        return self.on_list(year).exclude(pk__in=ListYear.objects.filter(year=year - 1).values("enterprise"))

    def leavers(self, year):
        """On the previous year's list but not on `year`'s."""
        return self.on_list(year - 1).exclude(pk__in=ListYear.objects.filter(year=year).values("enterprise"))

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(uscc__icontains=text.upper())
                           | Q(former_names__icontains=text))


class Enterprise(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "在营"
        SUSPENDED = "suspended", "停产"
        DEREGISTERED = "deregistered", "注销"
        MOVED = "moved", "迁出"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    uscc_override = models.BooleanField("代码未通过校验（管理员确认）", default=False)
    uscc_override_reason = models.CharField("豁免理由", max_length=200, blank=True)
    name = models.CharField("企业名称", max_length=100, db_index=True)
    former_names = models.TextField("曾用名", blank=True, help_text="每行一个")
    town = models.ForeignKey(Region, models.PROTECT, related_name="enterprises", verbose_name="所属镇街")
    industry = models.ForeignKey(Industry, models.PROTECT, related_name="enterprises",
                                 verbose_name="国民经济行业")
    # The 2-digit division of `industry`, kept so aggregation by division needs no join (set in save()).
    division = models.ForeignKey(Industry, models.PROTECT, related_name="division_enterprises",
                                 verbose_name="行业大类", editable=False)
    address = models.CharField("地址", max_length=200, blank=True)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("统计联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    founded = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("经营状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    groups = models.ManyToManyField("EnterpriseGroup", blank=True, related_name="enterprises",
                                    verbose_name="企业分组")
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["uscc"]
        indexes = [
            # Town officers' lists and every by-town aggregation start here.
            models.Index(fields=["town", "division"], name="enterprise_town_division_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.division_id = self.industry.parent_id or self.industry_id
        super().save(*args, **kwargs)

    @property
    def years_on_list(self):
        return sorted(self.list_years.values_list("year", flat=True))


class ListYear(models.Model):
    """The enterprise is on the 规上 list of `year` (entries and exits follow from consecutive years)."""

    enterprise = models.ForeignKey(Enterprise, models.CASCADE, related_name="list_years", verbose_name="企业")
    year = models.PositiveSmallIntegerField("年份")

    class Meta:
        verbose_name = verbose_name_plural = "规上名录年份"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="listyear_once_per_year"),
        ]
        indexes = [models.Index(fields=["year", "enterprise"], name="listyear_year_idx")]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class EnterpriseGroup(models.Model):
    """A named list of enterprises (重点企业名单, 防疫物资生产企业, …)."""

    name = models.CharField("分组名称", max_length=50, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业分组"
        ordering = ["name"]

    def __str__(self):
        return self.name
